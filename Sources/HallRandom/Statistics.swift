import CGSL

/// Mean and 95 % (or other) Student-t confidence half-width over independent replications: the one
/// estimate type of every output (summary.json, comparisons, plans). In JSON it is
/// `{"mean": …, "half_width": …}` with explicit nulls; `count` is not written.
public struct Estimate: Sendable, Hashable, Codable {
    public var mean: Double?
    /// nil when fewer than two values are defined.
    public var halfWidth: Double?
    public var count: Int

    public init(mean: Double?, halfWidth: Double?, count: Int) {
        self.mean = mean
        self.halfWidth = halfWidth
        self.count = count
    }

    /// Estimate from replication values; nil values (KPI undefined in that replication) are skipped.
    public init(_ values: [Double?], confidence: Double = 0.95) {
        let xs = values.compactMap { $0 }
        count = xs.count
        guard !xs.isEmpty else {
            mean = nil
            halfWidth = nil
            return
        }
        let m = Statistics.mean(xs)
        mean = m
        guard xs.count >= 2 else {
            halfWidth = nil
            return
        }
        let sd = Statistics.sampleVariance(xs, mean: m).squareRoot()
        halfWidth =
            Statistics.tQuantile(p: 0.5 + confidence / 2, dof: Double(xs.count - 1)) * sd
            / Double(xs.count).squareRoot()
    }

    enum CodingKeys: String, CodingKey {
        case mean
        case halfWidth = "half_width"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mean, forKey: .mean)  // null explicitly
        try c.encode(halfWidth, forKey: .halfWidth)
    }

    /// Read back from JSON; the count of defined values is not stored there, so it is 0.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mean = try c.decodeIfPresent(Double.self, forKey: .mean)
        halfWidth = try c.decodeIfPresent(Double.self, forKey: .halfWidth)
        count = 0
    }

    public var lower: Double? { mean.flatMap { m in halfWidth.map { m - $0 } } }
    public var upper: Double? { mean.flatMap { m in halfWidth.map { m + $0 } } }
    public func contains(_ x: Double) -> Bool {
        guard let l = lower, let u = upper else { return false }
        return l <= x && x <= u
    }
    /// The interval lies wholly above or below 0 (a significant difference); false without one.
    public var excludesZero: Bool {
        guard let l = lower, let u = upper else { return false }
        return l > 0 || u < 0
    }
}

public enum Statistics {
    /// Quantile of Student's t distribution (GSL).
    public static func tQuantile(p: Double, dof: Double) -> Double { gsl_cdf_tdist_Pinv(p, dof) }

    public static func mean(_ xs: [Double]) -> Double {
        xs.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
    }

    public static func sampleVariance(_ xs: [Double], mean m: Double) -> Double {
        guard xs.count > 1 else { return 0 }
        return xs.withUnsafeBufferPointer { gsl_stats_variance_m($0.baseAddress, 1, $0.count, m) }
    }

    /// Quantile `f` in [0,1] of unsorted data (GSL's definition: linear interpolation between order
    /// statistics ⌊f(n−1)⌋ and the next), found by selection in linear time. nil when empty.
    public static func quantile(_ xs: [Double], _ f: Double) -> Double? {
        guard !xs.isEmpty else { return nil }
        var work = xs
        let index = f * Double(xs.count - 1)
        let lhs = Int(index.rounded(.down))
        let delta = index - Double(lhs)
        return work.withUnsafeMutableBufferPointer { b -> Double in
            let lo = gsl_stats_select(b.baseAddress, 1, b.count, lhs)
            guard lhs + 1 < b.count, delta > 0 else { return lo }
            let hi = gsl_stats_select(b.baseAddress, 1, b.count, lhs + 1)
            return (1 - delta) * lo + delta * hi
        }
    }

    public static func quantile(sorted xs: [Double], _ f: Double) -> Double? {
        guard !xs.isEmpty else { return nil }
        return xs.withUnsafeBufferPointer { gsl_stats_quantile_from_sorted_data($0.baseAddress, 1, $0.count, f) }
    }
}
