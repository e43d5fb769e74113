/// A probability distribution as written in a scenario (durations in minutes unless stated).
/// Pure description: sampling lives in the simulation module (with GSL), formulas for moments live here
/// so that both the validator and the tests can use them.
public enum Distribution: Sendable, Hashable, Codable {
    case exponential(mean: Double)
    /// Lognormal with the given mean and coefficient of variation.
    case lognormal(mean: Double, cv: Double)
    /// Gamma with the given mean and coefficient of variation.
    case gamma(mean: Double, cv: Double)
    case deterministic(value: Double)
    case uniform(min: Double, max: Double)
    case triangular(min: Double, mode: Double, max: Double)
    /// Normal, allowed only where negative values make sense (e.g. punctuality offsets).
    case normal(mean: Double, sd: Double)
    /// Resampling of observed values, each equally likely.
    case empirical(values: [Double])

    public static let kinds = [
        "exponential", "lognormal", "gamma", "deterministic", "uniform", "triangular", "normal", "empirical",
    ]

    public var kindName: String {
        switch self {
        case .exponential: "exponential"
        case .lognormal: "lognormal"
        case .gamma: "gamma"
        case .deterministic: "deterministic"
        case .uniform: "uniform"
        case .triangular: "triangular"
        case .normal: "normal"
        case .empirical: "empirical"
        }
    }

    public var mean: Double {
        switch self {
        case .exponential(let m), .lognormal(let m, _), .gamma(let m, _), .normal(let m, _): m
        case .deterministic(let v): v
        case .uniform(let a, let b): (a + b) / 2
        case .triangular(let a, let c, let b): (a + b + c) / 3
        case .empirical(let v): v.reduce(0, +) / Double(v.count)
        }
    }

    public var variance: Double {
        switch self {
        case .exponential(let m): m * m
        case .lognormal(let m, let cv), .gamma(let m, let cv): (m * cv) * (m * cv)
        case .normal(_, let sd): sd * sd
        case .deterministic: 0
        case .uniform(let a, let b): (b - a) * (b - a) / 12
        case .triangular(let a, let c, let b): (a * a + b * b + c * c - a * b - a * c - b * c) / 18
        case .empirical(let v):
            // Population variance: resampling draws each observed value with equal probability.
            v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
        }
    }

    /// Whether every value the distribution can take is ≥ 0 (required of durations).
    public var isNonNegative: Bool {
        switch self {
        case .exponential, .lognormal, .gamma: true
        case .normal: false
        case .deterministic(let v): v >= 0
        case .uniform(let a, _): a >= 0
        case .triangular(let a, _, _): a >= 0
        case .empirical(let v): v.allSatisfy { $0 >= 0 }
        }
    }

    /// Problems with the parameters, each as (parameter name, what was expected).
    public func parameterProblems() -> [(field: String, expected: String)] {
        var out: [(String, String)] = []
        func finite(_ name: String, _ v: Double) -> Bool {
            if !v.isFinite {
                out.append((name, "a finite number"))
                return false
            }
            return true
        }
        switch self {
        case .exponential(let m):
            if finite("mean", m), m <= 0 { out.append(("mean", "a mean > 0")) }
        case .lognormal(let m, let cv), .gamma(let m, let cv):
            if finite("mean", m), m <= 0 { out.append(("mean", "a mean > 0")) }
            if finite("cv", cv), cv <= 0 {
                out.append(("cv", "a coefficient of variation > 0 (use deterministic for 0)"))
            }
        case .deterministic(let v):
            _ = finite("value", v)
        case .uniform(let a, let b):
            if finite("min", a), finite("max", b), a >= b { out.append(("max", "max > min")) }
        case .triangular(let a, let c, let b):
            if finite("min", a), finite("mode", c), finite("max", b) {
                if a >= b {
                    out.append(("max", "max > min"))
                } else if c < a || c > b {
                    out.append(("mode", "min ≤ mode ≤ max"))
                }
            }
        case .normal(let m, let sd):
            _ = finite("mean", m)
            if finite("sd", sd), sd < 0 { out.append(("sd", "a standard deviation ≥ 0")) }
        case .empirical(let v):
            if v.isEmpty { out.append(("values", "at least one observed value")) }
            for (i, x) in v.enumerated() where !x.isFinite { out.append(("values[\(i)]", "a finite number")) }
        }
        return out
    }
}
