import CGSL
import Foundation

/// Maximum-likelihood fits and exact intervals for calibration (GSL's special functions, distribution
/// functions and root solver behind Swift types; no GSL type leaves this file).
public enum Estimation {
    /// Exact (Garwood) interval for a Poisson rate: `count` events over `exposure` units, at `level`.
    public static func poissonRateInterval(count: Int, exposure: Double, level: Double = 0.95) -> (Double, Double) {
        guard exposure > 0 else { return (0, .infinity) }
        let a = (1 - level) / 2
        let lo = count == 0 ? 0 : chiSquareQuantile(a, dof: 2 * Double(count)) / 2
        let hi = chiSquareQuantile(1 - a, dof: 2 * Double(count) + 2) / 2
        return (lo / exposure, hi / exposure)
    }

    /// Upper tail P(X ≥ x) of a chi-square distribution with `dof` degrees of freedom.
    public static func chiSquareUpperTail(_ x: Double, dof: Double) -> Double {
        guard dof > 0 else { return 1 }
        return gsl_cdf_chisq_Q(max(x, 0), dof)
    }

    /// Chi-square quantile. GSL's inversion does not converge for tens of thousands of degrees of
    /// freedom (tens of thousands of arrivals: a weekday class); there the Wilson–Hilferty cube
    /// approximation is used, whose relative error is below 1e-4 from 1,000 degrees of freedom.
    public static func chiSquareQuantile(_ p: Double, dof: Double) -> Double {
        let q = gsl_cdf_chisq_Pinv(p, dof)
        if q.isFinite { return q }
        let c = 2 / (9 * dof)
        let t = 1 - c + gsl_cdf_ugaussian_Pinv(p) * c.squareRoot()
        return dof * t * t * t
    }

    /// Standard normal quantile.
    public static func normalQuantile(_ p: Double) -> Double { gsl_cdf_ugaussian_Pinv(p) }

    /// Wilson score interval for a binomial proportion.
    public static func wilsonInterval(successes k: Int, trials n: Int, level: Double = 0.95) -> (Double, Double) {
        guard n > 0 else { return (0, 1) }
        let z = normalQuantile(1 - (1 - level) / 2)
        let nn = Double(n)
        let p = Double(k) / nn
        let denom = 1 + z * z / nn
        let centre = (p + z * z / (2 * nn)) / denom
        let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / denom
        return (max(0, centre - half), min(1, centre + half))
    }

    /// A fitted two-parameter duration distribution, described by its mean and coefficient of variation.
    public struct Fit: Sendable, Hashable, Codable {
        public var family: String
        public var mean: Double
        public var cv: Double
        /// 95 % (or `level`) intervals for the mean and the cv.
        public var meanInterval: [Double]
        public var cvInterval: [Double]
        public var logLikelihood: Double
        /// Free parameters of the family (exponential 1, lognormal and gamma 2).
        public var parameters: Int = 2
        /// Akaike information criterion.
        public var aic: Double { 2 * Double(parameters) - 2 * logLikelihood }
        /// Kolmogorov–Smirnov distance between the sample and the fitted distribution.
        public var ks: Double
    }

    /// Lognormal by maximum likelihood: μ, σ² of the logs; intervals by the delta method (mean) and the
    /// exact chi-square interval of σ² (cv).
    public static func fitLognormal(_ xs: [Double], level: Double = 0.95) -> Fit? {
        let v = xs.filter { $0 > 0 && $0.isFinite }
        guard v.count >= 2 else { return nil }
        let n = Double(v.count)
        let logs = v.map { Foundation.log($0) }
        let mu = logs.reduce(0, +) / n
        let s2 = logs.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / n
        guard s2 > 0 else { return nil }
        let sigma = s2.squareRoot()
        let mean = Foundation.exp(mu + s2 / 2)
        let cv = (Foundation.exp(s2) - 1).squareRoot()
        let z = normalQuantile(1 - (1 - level) / 2)
        let seLogMean = (s2 / n + s2 * s2 / (2 * (n - 1))).squareRoot()
        let a = (1 - level) / 2
        let s2lo = n * s2 / chiSquareQuantile(1 - a, dof: n - 1)
        let s2hi = n * s2 / chiSquareQuantile(a, dof: n - 1)
        var ll = 0.0
        for x in v { ll += Foundation.log(gsl_ran_lognormal_pdf(x, mu, sigma)) }
        let sorted = v.sorted()
        let ks = ksDistance(sorted: sorted) { gsl_cdf_lognormal_P($0, mu, sigma) }
        return Fit(
            family: "lognormal", mean: mean, cv: cv,
            meanInterval: [mean * Foundation.exp(-z * seLogMean), mean * Foundation.exp(z * seLogMean)],
            cvInterval: [(Foundation.exp(s2lo) - 1).squareRoot(), (Foundation.exp(s2hi) - 1).squareRoot()],
            logLikelihood: ll, parameters: 2, ks: ks)
    }

    /// Gamma by maximum likelihood: the shape solves log k − ψ(k) = log x̄ − mean(log x) (GSL's Brent
    /// solver on gsl_sf_psi); intervals from the Fisher information (mean: its exact variance kθ²/n).
    public static func fitGamma(_ xs: [Double], level: Double = 0.95) -> Fit? {
        let v = xs.filter { $0 > 0 && $0.isFinite }
        guard v.count >= 2 else { return nil }
        let n = Double(v.count)
        let mean = v.reduce(0, +) / n
        let meanLog = v.reduce(0) { $0 + Foundation.log($1) } / n
        let s = Foundation.log(mean) - meanLog
        guard s > 1e-12 else { return nil }
        guard let k = solveGammaShape(s) else { return nil }
        let theta = mean / k
        let z = normalQuantile(1 - (1 - level) / 2)
        let seMean = (k * theta * theta / n).squareRoot()
        // Var(k̂) = k / (n (k ψ'(k) − 1)) for the shape with the mean profiled out; cv = k^(-1/2).
        let varK = k / (n * (k * gsl_sf_psi_1(k) - 1))
        let logK = Foundation.log(k)
        let seLogK = varK.squareRoot() / k
        let cv = 1 / k.squareRoot()
        var ll = 0.0
        for x in v { ll += Foundation.log(gsl_ran_gamma_pdf(x, k, theta)) }
        let ks = ksDistance(sorted: v.sorted()) { gsl_cdf_gamma_P($0, k, theta) }
        return Fit(
            family: "gamma", mean: mean, cv: cv,
            meanInterval: [mean - z * seMean, mean + z * seMean],
            cvInterval: [Foundation.exp(-(logK + z * seLogK) / 2), Foundation.exp(-(logK - z * seLogK) / 2)],
            logLikelihood: ll, parameters: 2, ks: ks)
    }

    /// The gamma shape k with log k − ψ(k) = s (s > 0), bracketed and solved by GSL's Brent method.
    static func solveGammaShape(_ s: Double) -> Double? {
        hallsim_gsl_quiet_errors()
        var target = s
        return withUnsafeMutablePointer(to: &target) { ptr -> Double? in
            var f = gsl_function(
                function: { k, p in
                    let s = p!.assumingMemoryBound(to: Double.self).pointee
                    return Foundation.log(k) - gsl_sf_psi(k) - s
                }, params: UnsafeMutableRawPointer(ptr))
            // log k − ψ(k) decreases from +∞ (k → 0) to 0 (k → ∞): bracket around the usual approximation.
            let approx = (3 - s + ((s - 3) * (s - 3) + 24 * s).squareRoot()) / (12 * s)
            var lo = approx / 4
            var hi = approx * 4
            func g(_ k: Double) -> Double { Foundation.log(k) - gsl_sf_psi(k) - s }
            var guardCount = 0
            while g(lo) < 0 && guardCount < 60 {
                lo /= 4
                guardCount += 1
            }
            while g(hi) > 0 && guardCount < 120 {
                hi *= 4
                guardCount += 1
            }
            guard g(lo) >= 0, g(hi) <= 0 else { return nil }
            guard let solver = gsl_root_fsolver_alloc(hallsim_root_brent()) else { return nil }
            defer { gsl_root_fsolver_free(solver) }
            guard gsl_root_fsolver_set(solver, &f, lo, hi) == Int32(GSL_SUCCESS) else { return nil }
            for _ in 0..<200 {
                guard gsl_root_fsolver_iterate(solver) == Int32(GSL_SUCCESS) else { return nil }
                let a = gsl_root_fsolver_x_lower(solver)
                let b = gsl_root_fsolver_x_upper(solver)
                if gsl_root_test_interval(a, b, 0, 1e-12) == Int32(GSL_SUCCESS) { return gsl_root_fsolver_root(solver) }
            }
            return gsl_root_fsolver_root(solver)
        }
    }

    /// Exponential by maximum likelihood (cv fixed at 1): the mean and its exact gamma interval.
    public static func fitExponential(_ xs: [Double], level: Double = 0.95) -> Fit? {
        let v = xs.filter { $0 > 0 && $0.isFinite }
        guard v.count >= 1 else { return nil }
        let n = Double(v.count)
        let mean = v.reduce(0, +) / n
        let a = (1 - level) / 2
        let lo = 2 * n * mean / chiSquareQuantile(1 - a, dof: 2 * n)
        let hi = 2 * n * mean / chiSquareQuantile(a, dof: 2 * n)
        let ll = -n * Foundation.log(mean) - n
        let ks = ksDistance(sorted: v.sorted()) { 1 - Foundation.exp(-$0 / mean) }
        return Fit(
            family: "exponential", mean: mean, cv: 1, meanInterval: [lo, hi], cvInterval: [1, 1],
            logLikelihood: ll, parameters: 1, ks: ks)
    }

    /// sup |F_n − F| over a sorted sample.
    public static func ksDistance(sorted xs: [Double], cdf: (Double) -> Double) -> Double {
        let n = Double(xs.count)
        var d = 0.0
        for (i, x) in xs.enumerated() {
            let f = cdf(x)
            d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
        }
        return d
    }

    /// An exponential fitted to right-censored durations: `events` ended by the event, total time at
    /// risk `exposure`. Returns the mean (1/λ̂) and its exact chi-square interval (as for a Poisson count).
    public static func censoredExponentialMean(events: Int, exposure: Double, level: Double = 0.95)
        -> (mean: Double, lower: Double, upper: Double)?
    {
        guard events > 0, exposure > 0 else { return nil }
        let (rlo, rhi) = poissonRateInterval(count: events, exposure: exposure, level: level)
        return (exposure / Double(events), 1 / rhi, rlo > 0 ? 1 / rlo : .infinity)
    }

    /// A duration family whose shape (cv) is held fixed while its mean is estimated.
    public enum FixedShape: Sendable, Hashable {
        case exponential
        case lognormal(cv: Double)
        case gamma(cv: Double)
    }

    /// The mean of right-censored durations by maximum likelihood, the family's shape held fixed (the base
    /// scenario's cv): log L(m) = Σ_events log f(t; m) + Σ_censored log S(c; m), maximised over log m by
    /// GSL's Brent minimiser; the interval is the likelihood-ratio one (χ²₁), each end found by GSL's Brent
    /// root solver. Returns nil without events.
    public static func censoredMean(
        _ obs: [(time: Double, event: Bool)], family: FixedShape, level: Double = 0.95
    ) -> (mean: Double, lower: Double, upper: Double)? {
        let events = obs.filter { $0.event && $0.time > 0 }.map(\.time)
        let censored = obs.filter { !$0.event && $0.time > 0 }.map(\.time)
        guard !events.isEmpty else { return nil }
        func logL(_ x: Double) -> Double {
            let m = Foundation.exp(x)
            var ll = 0.0
            switch family {
            case .exponential:
                ll = -Double(events.count) * x - (events.reduce(0, +) + censored.reduce(0, +)) / m
            case .lognormal(let cv):
                let s2 = Foundation.log(1 + cv * cv)
                let sigma = s2.squareRoot()
                let mu = x - s2 / 2
                for t in events { ll += Foundation.log(max(gsl_ran_lognormal_pdf(t, mu, sigma), 1e-300)) }
                for c in censored { ll += Foundation.log(max(gsl_cdf_lognormal_Q(c, mu, sigma), 1e-300)) }
            case .gamma(let cv):
                let k = 1 / (cv * cv)
                let theta = m / k
                for t in events { ll += Foundation.log(max(gsl_ran_gamma_pdf(t, k, theta), 1e-300)) }
                for c in censored { ll += Foundation.log(max(gsl_cdf_gamma_Q(c, k, theta), 1e-300)) }
            }
            return ll
        }
        // Start from the exponential estimate, scan a coarse grid, then refine with Brent.
        let x0 = Foundation.log((events.reduce(0, +) + censored.reduce(0, +)) / Double(events.count))
        let grid = (-16...16).map { x0 + Double($0) * 0.25 }
        let values = grid.map(logL)
        guard let best = values.indices.max(by: { values[$0] < values[$1] }), best > 0, best < grid.count - 1 else {
            return nil
        }
        guard let xHat = minimise({ -logL($0) }, lower: grid[best - 1], guess: grid[best], upper: grid[best + 1])
        else { return nil }
        let lHat = logL(xHat)
        let cut = chiSquareQuantile(level, dof: 1) / 2
        func g(_ x: Double) -> Double { lHat - logL(x) - cut }
        var lo = xHat - 0.1
        var hi = xHat + 0.1
        var n = 0
        while g(lo) < 0 && n < 60 {
            lo -= 0.25
            n += 1
        }
        while g(hi) < 0 && n < 120 {
            hi += 0.25
            n += 1
        }
        guard let a = root(g, lower: lo, upper: xHat), let b = root(g, lower: xHat, upper: hi) else { return nil }
        return (Foundation.exp(xHat), Foundation.exp(a), Foundation.exp(b))
    }

    /// A closure behind GSL's `gsl_function`.
    final class Box {
        let f: (Double) -> Double
        init(_ f: @escaping (Double) -> Double) { self.f = f }
    }

    static func withGSLFunction<R>(_ f: @escaping (Double) -> Double, _ body: (inout gsl_function) -> R) -> R {
        hallsim_gsl_quiet_errors()
        let box = Box(f)
        let ctx = Unmanaged.passRetained(box).toOpaque()
        defer { Unmanaged<Box>.fromOpaque(ctx).release() }
        var fn = gsl_function(
            function: { x, p in Unmanaged<Box>.fromOpaque(p!).takeUnretainedValue().f(x) }, params: ctx)
        return body(&fn)
    }

    /// A root of f in [lower, upper] (signs must differ) by GSL's Brent solver.
    public static func root(_ f: @escaping (Double) -> Double, lower: Double, upper: Double) -> Double? {
        guard f(lower) * f(upper) <= 0 else { return nil }
        return withGSLFunction(f) { fn -> Double? in
            guard let solver = gsl_root_fsolver_alloc(hallsim_root_brent()) else { return nil }
            defer { gsl_root_fsolver_free(solver) }
            guard gsl_root_fsolver_set(solver, &fn, lower, upper) == Int32(GSL_SUCCESS) else { return nil }
            for _ in 0..<200 {
                guard gsl_root_fsolver_iterate(solver) == Int32(GSL_SUCCESS) else { return nil }
                let a = gsl_root_fsolver_x_lower(solver)
                let b = gsl_root_fsolver_x_upper(solver)
                if gsl_root_test_interval(a, b, 1e-10, 1e-10) == Int32(GSL_SUCCESS) {
                    return gsl_root_fsolver_root(solver)
                }
            }
            return gsl_root_fsolver_root(solver)
        }
    }

    /// The minimum of f in (lower, upper) given f(guess) below both ends, by GSL's Brent minimiser.
    public static func minimise(_ f: @escaping (Double) -> Double, lower: Double, guess: Double, upper: Double)
        -> Double?
    {
        withGSLFunction(f) { fn -> Double? in
            guard let m = gsl_min_fminimizer_alloc(hallsim_min_brent()) else { return nil }
            defer { gsl_min_fminimizer_free(m) }
            guard gsl_min_fminimizer_set(m, &fn, guess, lower, upper) == Int32(GSL_SUCCESS) else { return guess }
            for _ in 0..<200 {
                guard gsl_min_fminimizer_iterate(m) == Int32(GSL_SUCCESS) else { break }
                let a = gsl_min_fminimizer_x_lower(m)
                let b = gsl_min_fminimizer_x_upper(m)
                if gsl_min_test_interval(a, b, 1e-10, 1e-10) == Int32(GSL_SUCCESS) { break }
            }
            return gsl_min_fminimizer_x_minimum(m)
        }
    }

    /// Kaplan–Meier median of right-censored durations (nil when the curve stays above ½).
    public static func kaplanMeierMedian(_ obs: [(time: Double, event: Bool)]) -> Double? {
        let sorted = obs.sorted { ($0.time, $0.event ? 0 : 1) < ($1.time, $1.event ? 0 : 1) }
        var atRisk = Double(sorted.count)
        var s = 1.0
        var i = 0
        while i < sorted.count {
            let t = sorted[i].time
            var d = 0.0
            var c = 0.0
            while i < sorted.count && sorted[i].time == t {
                if sorted[i].event { d += 1 } else { c += 1 }
                i += 1
            }
            if d > 0 {
                s *= 1 - d / atRisk
                if s <= 0.5 { return t }
            }
            atRisk -= d + c
        }
        return nil
    }
}
