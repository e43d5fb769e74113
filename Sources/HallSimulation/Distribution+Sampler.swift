import HallDomain
import HallRandom

extension Sampler {
    /// The GSL sampler for a scenario distribution.
    public init(_ d: Distribution) {
        switch d {
        case .exponential(let m): self = .exponential(mean: m)
        case .lognormal(let m, let cv): self = .lognormal(mean: m, cv: cv)
        case .gamma(let m, let cv): self = .gamma(mean: m, cv: cv)
        case .deterministic(let v): self = .constant(v)
        case .uniform(let a, let b): self = .uniform(a, b)
        case .triangular(let a, let c, let b): self = .triangular(low: a, mode: c, high: b)
        case .normal(let m, let sd): self = .normal(mean: m, sd: sd)
        case .empirical(let v): self = .empirical(v)
        }
    }
}
