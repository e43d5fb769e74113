import CGSL
import Foundation

/// Closed-form and numerically exact results of queueing theory, used to validate the simulator and,
/// later, to seed the staffing planner. Time unit: whatever the rates are expressed in.
public enum QueueingTheory {
    /// Erlang B blocking probability for `servers` and offered load `a` = λ/μ, computed as the ratio of a
    /// Poisson probability to a Poisson CDF (GSL), which stays accurate for large server counts.
    public static func erlangB(servers c: Int, load a: Double) -> Double {
        precondition(c >= 0 && a >= 0)
        if a == 0 { return c == 0 ? 1 : 0 }
        let p = gsl_ran_poisson_pdf(UInt32(c), a)
        let cdf = gsl_cdf_poisson_P(UInt32(c), a)
        return p / cdf
    }

    /// Erlang C: probability that an arrival waits in M/M/c (requires a < c).
    public static func erlangC(servers c: Int, load a: Double) -> Double {
        precondition(a < Double(c), "Erlang C needs load < servers")
        let b = erlangB(servers: c, load: a)
        return Double(c) * b / (Double(c) - a * (1 - b))
    }

    /// M/M/c mean wait in queue.
    public static func mmcMeanWait(servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double) -> Double {
        let a = lambda / mu
        return erlangC(servers: c, load: a) / (Double(c) * mu - lambda)
    }

    /// M/M/c P(W > t).
    public static func mmcWaitExceeds(_ t: Double, servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double)
        -> Double
    {
        erlangC(servers: c, load: lambda / mu) * exp(-(Double(c) * mu - lambda) * t)
    }

    /// M/M/c stationary probabilities of the number in system, states 0...maxState.
    public static func mmcStateProbabilities(
        servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double, maxState: Int
    ) -> [Double] {
        birthDeath(maxState: maxState, birth: { _ in lambda }, death: { k in Double(min(k, c)) * mu })
    }

    /// Pollaczek–Khinchine mean wait of M/G/1 with service mean `m` and squared CV `cv2`.
    public static func mg1MeanWait(arrivalRate lambda: Double, serviceMean m: Double, serviceCV2 cv2: Double) -> Double
    {
        let rho = lambda * m
        precondition(rho < 1)
        return lambda * m * m * (1 + cv2) / (2 * (1 - rho))
    }

    /// Erlang A (M/M/c+M) computed exactly from its birth–death chain, truncated where the tail is
    /// below 1e-15.
    public struct ErlangA: Sendable {
        /// P(an arrival has to wait), by PASTA.
        public var probabilityWait: Double
        /// Fraction of arrivals that abandon.
        public var abandonFraction: Double
        /// Mean time spent waiting, over all arrivals (served and abandoning).
        public var meanWaitAll: Double
        /// Mean number waiting.
        public var meanQueue: Double
    }

    public static func erlangA(
        servers c: Int, arrivalRate lambda: Double, serviceRate mu: Double, abandonRate theta: Double
    ) -> ErlangA {
        precondition(theta > 0)
        // Truncate well beyond the point where death rate dominates birth rate.
        let maxState = c + Int(max(200, 40 * lambda / theta))
        let p = birthDeath(
            maxState: maxState, birth: { _ in lambda },
            death: { k in Double(min(k, c)) * mu + Double(max(k - c, 0)) * theta })
        var pw = 0.0
        var eq = 0.0
        for k in c..<p.count {
            pw += p[k]
            eq += Double(k - c) * p[k]
        }
        return ErlangA(
            probabilityWait: pw, abandonFraction: theta * eq / lambda, meanWaitAll: eq / lambda, meanQueue: eq)
    }

    /// Stationary distribution of a birth–death chain on 0...maxState (normalised over that range).
    public static func birthDeath(maxState: Int, birth: (Int) -> Double, death: (Int) -> Double) -> [Double] {
        // Work in logs to avoid overflow for large chains.
        var logp = [Double](repeating: 0, count: maxState + 1)
        for k in 1...maxState { logp[k] = logp[k - 1] + log(birth(k - 1)) - log(death(k)) }
        let top = logp.max()!
        var p = logp.map { exp($0 - top) }
        let s = p.reduce(0, +)
        for i in p.indices { p[i] /= s }
        return p
    }
}
