import CGSL
import Foundation

/// Waiting-time service levels (share of arrivals called within a target) and survival functions, for
/// the staffing planner. Service level counts every arrival: one who abandons before the call is a miss,
/// whenever they leave (the simulator's `sl_share` uses the same definition).
extension QueueingTheory {
    /// M/M/c: P(wait ≤ t) = 1 − C(c, a)·e^{−(cμ−λ)t}; 0 when the queue is unstable (a ≥ c).
    public static func erlangCServiceLevel(
        servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double, target t: Double
    ) -> Double {
        if lambda <= 0 { return 1 }
        guard c > 0, lambda / mu < Double(c) else { return 0 }
        return 1 - mmcWaitExceeds(t, servers: c, arrivalRate: lambda, serviceRate: mu)
    }

    public struct ErlangAServiceLevel: Sendable {
        /// Share of arrivals called within the target (those who abandon count as misses).
        public var serviceLevel: Double
        /// Share of arrivals who abandon (at any time).
        public var abandonFraction: Double
        /// P(an arrival has to wait).
        public var probabilityWait: Double
    }

    /// M/M/c+M (Erlang A), numerically exact. An arrival finding n ≥ 0 others waiting (all c busy) is
    /// called after n + 1 departures from the queue ahead of it, which occur at rate cμ + kθ with k
    /// waiting ahead, while it abandons itself at rate θ. The absorption probability into "called"
    /// by time t is computed by uniformisation of this pure-death chain, mixed over the stationary
    /// state the arrival sees (PASTA), truncated where the stationary tail is below 1e-15.
    public static func erlangAServiceLevel(
        servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double,
        abandonRate theta: Double, target t: Double
    ) -> ErlangAServiceLevel {
        if lambda <= 0 { return ErlangAServiceLevel(serviceLevel: 1, abandonFraction: 0, probabilityWait: 0) }
        precondition(theta > 0 && mu > 0 && c >= 0)
        let a = erlangA(servers: c, arrivalRate: lambda, serviceRate: mu, abandonRate: theta)
        let maxState = c + Int(max(200, 40 * lambda / theta))
        let p = birthDeath(
            maxState: maxState, birth: { _ in lambda },
            death: { k in Double(min(k, c)) * mu + Double(max(k - c, 0)) * theta })
        // Number ahead n = state − c for states ≥ c; truncate the negligible tail.
        var top = p.count - 1
        while top > c, p[top] < 1e-15 { top -= 1 }
        let m = top - c
        var q = (0...m).map { p[c + $0] }
        let cm = Double(c) * mu
        let rateOut = (0...m).map { cm + Double($0) * theta + theta }
        let L = rateOut.max()!
        let lt = L * t
        // Poisson(Lt) weights of k uniformised jumps; called-by-jump-k accumulates.
        let kmax = Int(lt + 12 * lt.squareRoot() + 30)
        var weight = exp(-lt)
        var called = 0.0
        var calledByT = 0.0
        var cumulativeWeight = 0.0
        var next = q
        for k in 0...kmax {
            calledByT += weight * called
            cumulativeWeight += weight
            if cumulativeWeight > 1 - 1e-14 && k > Int(lt) { break }
            for n in 0...m {
                let x = q[n]
                next[n] = x * (1 - rateOut[n] / L)
            }
            for n in 0...m where q[n] != 0 {
                let down = (cm + Double(n) * theta) / L * q[n]
                if n == 0 { called += down } else { next[n - 1] += down }
            }
            swap(&q, &next)
            weight *= lt / Double(k + 1)
        }
        let sl = (1 - a.probabilityWait) + calledByT
        return ErlangAServiceLevel(
            serviceLevel: min(1, max(0, sl)), abandonFraction: a.abandonFraction, probabilityWait: a.probabilityWait)
    }

    /// Square-root staffing: ⌈a + β√a⌉ servers for offered load a (Halfin–Whitt regime).
    public static func squareRootStaffing(load a: Double, beta: Double) -> Int {
        max(0, Int((a + beta * a.squareRoot()).rounded(.up)))
    }

    /// P(X > x) for a lognormal with the given mean and coefficient of variation.
    public static func lognormalSurvival(_ x: Double, mean: Double, cv: Double) -> Double {
        guard x > 0 else { return 1 }
        let s2 = log(1 + cv * cv)
        return gsl_cdf_lognormal_Q(x, log(mean) - s2 / 2, s2.squareRoot())
    }

    /// P(X > x) for a gamma with the given mean and coefficient of variation.
    public static func gammaSurvival(_ x: Double, mean: Double, cv: Double) -> Double {
        guard x > 0 else { return 1 }
        return gsl_cdf_gamma_Q(x, 1 / (cv * cv), mean * cv * cv)
    }
}
