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
