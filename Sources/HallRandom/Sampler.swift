import CGSL
import Foundation

/// A distribution ready to sample: parameters converted once (e.g. lognormal mean and CV → ζ, σ).
public enum Sampler: Sendable, Equatable {
    case constant(Double)
    case exponential(mean: Double)
    case lognormal(zeta: Double, sigma: Double)
    case gamma(shape: Double, scale: Double)
    case normal(mean: Double, sd: Double)
    case uniform(Double, Double)
    case triangular(low: Double, mode: Double, high: Double)
    case empirical([Double])

    /// Lognormal with the given mean and coefficient of variation.
    public static func lognormal(mean: Double, cv: Double) -> Sampler {
        let s2 = log1p(cv * cv)
        return .lognormal(zeta: log(mean) - s2 / 2, sigma: s2.squareRoot())
    }

    /// Gamma with the given mean and coefficient of variation (shape 1/cv², scale mean·cv²).
    public static func gamma(mean: Double, cv: Double) -> Sampler {
        .gamma(shape: 1 / (cv * cv), scale: mean * cv * cv)
    }

    public func sample(_ s: RandomStream) -> Double { sample(s.handle) }

    @inline(__always)
    public func sample(_ s: RandomStream.Handle) -> Double {
        switch self {
        case .constant(let v): return v
        case .exponential(let m): return s.exponential(mean: m)
        case .lognormal(let z, let sg): return s.lognormal(zeta: z, sigma: sg)
        case .gamma(let k, let th): return s.gamma(shape: k, scale: th)
        case .normal(let m, let sd): return s.gaussian(mean: m, sd: sd)
        case .uniform(let a, let b): return s.flat(a, b)
        case .triangular(let a, let c, let b):
            // Inverse CDF; GSL has no triangular distribution.
            let u = s.uniform()
            let fc = (c - a) / (b - a)
            return u < fc
                ? a + ((b - a) * (c - a) * u).squareRoot()
                : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
        case .empirical(let values): return values[s.uniformInt(values.count)]
        }
    }
}

extension Sampler {
    /// The time still to go of something already `elapsed` long (a service in progress, a wait that has
    /// not yet run out of patience): a draw X of the distribution conditioned on X > elapsed, minus
    /// elapsed. One uniform number per call (inverse CDF on the upper tail, with GSL's `Q` and `Qinv`),
    /// so that a forecast's draws do not depend on the ages it is given. Past the distribution's reach
    /// (no mass above `elapsed`) the rest is 0: it ends now.
    public func remaining(after elapsed: Double, _ s: RandomStream) -> Double {
        let u = s.uniform()
        guard elapsed > 0 else { return max(0, quantile(u)) }
        let x: Double
        switch self {
        case .constant(let v): return max(0, v - elapsed)
        case .exponential(let m): return -m * log(u)
        case .lognormal(let z, let sg):
            let q = gsl_cdf_lognormal_Q(elapsed, z, sg)
            guard q > 1e-300 else { return 0 }
            x = gsl_cdf_lognormal_Qinv(u * q, z, sg)
        case .gamma(let k, let th):
            let q = gsl_cdf_gamma_Q(elapsed, k, th)
            guard q > 1e-300 else { return 0 }
            x = gsl_cdf_gamma_Qinv(u * q, k, th)
        case .normal(let m, let sd):
            let q = gsl_cdf_gaussian_Q(elapsed - m, sd)
            guard q > 1e-300 else { return 0 }
            x = m + gsl_cdf_gaussian_Qinv(u * q, sd)
        case .uniform, .triangular:
            let f = cdf(elapsed)
            guard f < 1 else { return 0 }
            x = quantile(f + u * (1 - f))
        case .empirical(let values):
            let above = values.filter { $0 > elapsed }
            guard !above.isEmpty else { return 0 }
            x = above[min(above.count - 1, Int(u * Double(above.count)))]
        }
        return x.isFinite ? max(0, x - elapsed) : 0
    }

    /// The distribution function (uniform and triangular: the conditional draws above).
    func cdf(_ x: Double) -> Double {
        switch self {
        case .uniform(let a, let b): return x <= a ? 0 : x >= b ? 1 : (x - a) / (b - a)
        case .triangular(let a, let c, let b):
            if x <= a { return 0 }
            if x >= b { return 1 }
            return x <= c ? (x - a) * (x - a) / ((b - a) * (c - a)) : 1 - (b - x) * (b - x) / ((b - a) * (b - c))
        case .constant(let v): return x < v ? 0 : 1
        case .exponential(let m): return x <= 0 ? 0 : 1 - exp(-x / m)
        case .lognormal(let z, let sg): return gsl_cdf_lognormal_P(x, z, sg)
        case .gamma(let k, let th): return gsl_cdf_gamma_P(x, k, th)
        case .normal(let m, let sd): return gsl_cdf_gaussian_P(x - m, sd)
        case .empirical(let v): return Double(v.filter { $0 <= x }.count) / Double(max(v.count, 1))
        }
    }

    /// The inverse distribution function at u in (0, 1).
    func quantile(_ u: Double) -> Double {
        switch self {
        case .constant(let v): return v
        case .exponential(let m): return -m * log1p(-u)
        case .lognormal(let z, let sg): return gsl_cdf_lognormal_Pinv(u, z, sg)
        case .gamma(let k, let th): return gsl_cdf_gamma_Pinv(u, k, th)
        case .normal(let m, let sd): return m + gsl_cdf_gaussian_Pinv(u, sd)
        case .uniform(let a, let b): return a + u * (b - a)
        case .triangular(let a, let c, let b):
            let fc = (c - a) / (b - a)
            return u < fc ? a + ((b - a) * (c - a) * u).squareRoot() : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
        case .empirical(let v):
            let sorted = v.sorted()
            return sorted[min(sorted.count - 1, Int(u * Double(sorted.count)))]
        }
    }
}
