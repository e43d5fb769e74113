/// A scenario batch: a base scenario, factors to vary and the points to run (full grid or a list).
public struct Sweep: Sendable, Hashable {
    /// A factor: a name for the output columns, the scenario field it sets, and its values (as written).
    public struct Factor: Sendable, Hashable {
        public var name: String
        /// A path into the scenario file (`windows[id=universal].count`, `behaviour.patience_min.mean`,
        /// `tidal[0].open_when.queue_length`), or `demand_scale` (multiplies every walk-in rate).
        public var path: String
        public var values: [String]
        public init(name: String, path: String, values: [String]) {
            self.name = name
            self.path = path
            self.values = values
        }
    }

    public static let demandScale = "demand_scale"

    /// The base scenario file, as written in the sweep (relative to the sweep file).
    public var base: String
    public var seed: UInt64
    public var replications: Int
    /// When true every point sees the same applicants in replication r (common random numbers); when
    /// false each point's seed is derived from (seed, point).
    public var commonRandomNumbers: Bool
    public var factors: [Factor]
    /// Each point: one value per factor, in factor order.
    public var points: [[String]]
    /// Fields set at every point (path, value), e.g. a one-day run of a month-long base.
    public var fixed: [(path: String, value: String)]
    /// Line in the sweep file of each factor (`factors.NAME`) and fixed field (`fixed.PATH`), for messages.
    public var lines: [String: Int] = [:]

    public init(
        base: String, seed: UInt64, replications: Int, commonRandomNumbers: Bool, factors: [Factor], points: [[String]],
        fixed: [(path: String, value: String)] = []
    ) {
        self.base = base
        self.seed = seed
        self.replications = replications
        self.commonRandomNumbers = commonRandomNumbers
        self.factors = factors
        self.points = points
        self.fixed = fixed
    }

    public static func == (a: Sweep, b: Sweep) -> Bool {
        a.base == b.base && a.seed == b.seed && a.replications == b.replications
            && a.commonRandomNumbers == b.commonRandomNumbers
            && a.factors == b.factors && a.points == b.points && a.fixed.map(\.path) == b.fixed.map(\.path)
            && a.fixed.map(\.value) == b.fixed.map(\.value)
    }

    public func hash(into h: inout Hasher) {
        h.combine(base)
        h.combine(seed)
        h.combine(factors)
        h.combine(points)
        for f in fixed {
            h.combine(f.path)
            h.combine(f.value)
        }
    }

    /// Every combination of the factors' values, the last factor varying fastest.
    public static func grid(_ factors: [Factor]) -> [[String]] {
        factors.reduce([[]]) { acc, f in acc.flatMap { p in f.values.map { p + [$0] } } }
    }
}

extension Scenario {
    /// The same hall with every walk-in rate multiplied by `k`.
    public func scalingDemand(by k: Double) -> Scenario {
        var s = self
        for i in s.arrivals.indices {
            for j in s.arrivals[i].rates.indices { s.arrivals[i].rates[j].perHour *= k }
        }
        return s
    }
}
