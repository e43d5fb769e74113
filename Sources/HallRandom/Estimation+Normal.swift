import CGSL
import Foundation

extension Estimation {
    struct Pair: Hashable {
        var lower: Double
        var upper: Double
    }

    /// A normal fitted to values of which some are known only to lie in an interval.
    public struct NormalFit: Sendable, Hashable, Codable {
        public var mean: Double
        public var sd: Double
        /// `level` intervals for the mean and the standard deviation.
        public var meanInterval: [Double]
        public var sdInterval: [Double]
        public var exact: Int
        public var censored: Int
        public var method: String
    }

    /// A normal by maximum likelihood from `exact` values and `censored` ones known only to lie in
    /// (lower, upper] (lower may be -∞). Without censored values: the sample mean with its t interval and
    /// the sample standard deviation with its chi-square interval (exact). With them: log L(μ, σ) =
    /// Σ log φ + Σ log(Φ(upper) − Φ(lower)), maximised by GSL's Brent minimiser over μ inside one over
    /// log σ; the intervals are Wald intervals from the observed information (μ and log σ). Nil with
    /// fewer than 2 exact values or no spread.
    public static func fitNormal(
        exact: [Double], censored: [(lower: Double, upper: Double)] = [], level: Double = 0.95
    ) -> NormalFit? {
        let n = Double(exact.count)
        guard exact.count >= 2, exact.allSatisfy(\.isFinite) else { return nil }
        let mean = exact.reduce(0, +) / n
        let ss = exact.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let s = (ss / (n - 1)).squareRoot()
        guard s > 0 else { return nil }
        let a = (1 - level) / 2
        if censored.isEmpty {
            let t = gsl_cdf_tdist_Pinv(1 - a, n - 1)
            let half = t * s / n.squareRoot()
            let lo = (ss / chiSquareQuantile(1 - a, dof: n - 1)).squareRoot()
            let hi = (ss / chiSquareQuantile(a, dof: n - 1)).squareRoot()
            return NormalFit(
                mean: mean, sd: s, meanInterval: [mean - half, mean + half], sdInterval: [lo, hi],
                exact: exact.count, censored: 0,
                method: "sample mean (t interval) and standard deviation (chi-square interval)")
        }
        // Censored values share few intervals (one per opening and slot): each distinct one once, weighted.
        var weight: [Pair: Double] = [:]
        for c in censored { weight[Pair(lower: c.lower, upper: c.upper), default: 0] += 1 }
        let groups = weight.sorted { ($0.key.lower, $0.key.upper) < ($1.key.lower, $1.key.upper) }
        let logRoot2Pi = 0.5 * Foundation.log(2 * Double.pi)
        func logL(_ mu: Double, _ logSigma: Double) -> Double {
            let sigma = Foundation.exp(logSigma)
            // Σ (x − μ)² = ss + n (x̄ − μ)²: the exact values through their sufficient statistics.
            var ll = -n * (logSigma + logRoot2Pi) - 0.5 * (ss + n * (mean - mu) * (mean - mu)) / (sigma * sigma)
            for (c, w) in groups {
                let p =
                    gsl_cdf_gaussian_P(c.upper - mu, sigma)
                    - (c.lower.isFinite ? gsl_cdf_gaussian_P(c.lower - mu, sigma) : 0)
                ll += w * Foundation.log(max(p, 1e-300))
            }
            return ll
        }
        // The censored values pull the mean toward their side: bracket it widely around the exact mean.
        let span = 6 * s + (censored.map { abs($0.upper - mean) }.max() ?? 0)
        func bestMu(_ ls: Double) -> Double {
            let grid = (-24...24).map { mean + Double($0) / 24 * span }
            let v = grid.map { -logL($0, ls) }
            let k = v.indices.min { v[$0] < v[$1] }!
            guard k > 0, k < grid.count - 1 else { return grid[k] }
            return minimise({ -logL($0, ls) }, lower: grid[k - 1], guess: grid[k], upper: grid[k + 1]) ?? grid[k]
        }
        func profile(_ ls: Double) -> Double { -logL(bestMu(ls), ls) }
        let ls0 = Foundation.log(s)
        let lsGrid = (-16...16).map { ls0 + Double($0) * 0.125 }
        let pv = lsGrid.map(profile)
        guard let k = pv.indices.min(by: { pv[$0] < pv[$1] }), k > 0, k < lsGrid.count - 1,
            let lsHat = minimise(profile, lower: lsGrid[k - 1], guess: lsGrid[k], upper: lsGrid[k + 1])
        else { return nil }
        let muHat = bestMu(lsHat)
        let sigmaHat = Foundation.exp(lsHat)
        // Observed information by central differences, in (μ, log σ).
        let hm = 1e-3 * sigmaHat
        let hs = 1e-3
        let f0 = logL(muHat, lsHat)
        let fmm = (logL(muHat + hm, lsHat) - 2 * f0 + logL(muHat - hm, lsHat)) / (hm * hm)
        let fss = (logL(muHat, lsHat + hs) - 2 * f0 + logL(muHat, lsHat - hs)) / (hs * hs)
        let fms =
            (logL(muHat + hm, lsHat + hs) - logL(muHat + hm, lsHat - hs) - logL(muHat - hm, lsHat + hs)
                + logL(muHat - hm, lsHat - hs)) / (4 * hm * hs)
        let det = fmm * fss - fms * fms
        guard det > 0, fmm < 0 else { return nil }
        let varMu = -fss / det
        let varLs = -fmm / det
        let z = normalQuantile(1 - a)
        return NormalFit(
            mean: muHat, sd: sigmaHat,
            meanInterval: [muHat - z * varMu.squareRoot(), muHat + z * varMu.squareRoot()],
            sdInterval: [
                Foundation.exp(lsHat - z * varLs.squareRoot()), Foundation.exp(lsHat + z * varLs.squareRoot()),
            ],
            exact: exact.count, censored: censored.count,
            method: "maximum likelihood with censored values (GSL Brent over μ and log σ), Wald intervals")
    }
}
