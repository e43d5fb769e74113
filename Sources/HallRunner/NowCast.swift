import Foundation
import HallDomain
import HallRandom
import HallSimulation

/// A now-cast: from the hall's state at one instant, when each waiting ticket will be called (median
/// and a central interval) and each department's queue over the next hours, from replications of the
/// rest of the day run on all cores. The same state, seed and replications give the same forecast
/// whatever the number of threads.
public struct NowCast: Sendable, Codable, Equatable {
    /// One waiting ticket's call.
    public struct Call: Sendable, Codable, Equatable {
        public var ticket: Int32
        public var department: String
        /// Minutes waited so far.
        public var waited: Double
        /// Share of replications in which the ticket is called (in the others its holder leaves, or nobody
        /// is left to call it).
        public var calledShare: Double
        /// The call time (minutes after midnight) if it is called, over the replications in which it is
        /// (nil if in none): the median, and a prediction interval for the call at `level`.
        public var median: Double?
        public var low: Double?
        public var high: Double?
    }

    /// The wait of an ordinary ticket taken now in one department (what the kiosk prints): in each
    /// replication, the first walk-in issued after the instant.
    public struct NewTicket: Sendable, Codable, Equatable {
        public var department: String
        /// Replications with such a ticket (none when nobody else comes for the department today).
        public var replications: Int
        /// Minutes: median and the interval's ends; nil where the quantile falls among tickets never called.
        public var median: Double?
        public var low: Double?
        public var high: Double?
    }

    /// One department's waiting count at each instant.
    public struct Queue: Sendable, Codable, Equatable {
        public var department: String
        public var minutes: [Double]
        public var mean: [Double]
        public var median: [Double]
        public var low: [Double]
        public var high: [Double]
    }

    /// The state's instant (minutes after midnight).
    public var minute: Double
    public var replications: Int
    /// The probability of the intervals: prediction intervals for the calls and a new ticket's wait
    /// (`predictionInterval`), central quantiles for the queue bands.
    public var level: Double
    public var horizonMinutes: Double
    public var calls: [Call]
    public var queues: [Queue]
    public var newTicket: [NewTicket]

    /// Runs `replications` continuations of the day from `state` (checked against the hall first) and
    /// sums them up. Queues are probed every `step` minutes from the state's instant to `horizon`
    /// minutes after it; every waiting ticket is followed until it is called or leaves, however long.
    public static func forecast(
        hall: CompiledHall, state: HallState, replications: Int = 200, horizon: Double = 120, step: Double = 10,
        level: Double = 0.8, seed: UInt64 = 1, threads: Int? = nil
    ) throws -> NowCast {
        try state.check(against: hall)
        precondition(replications > 0 && horizon >= 0 && step > 0 && level > 0 && level < 1)
        let probes = stride(from: 0.0, through: horizon, by: step).map { state.minute + $0 }
        let runs = Replications.map(Array(0..<replications), threads: threads) { r in
            forecastDay(hall, from: state, seed: seed, replication: r, probes: probes, horizon: state.minute + horizon)
        }
        let lowF = (1 - level) / 2
        let highF = 1 - lowF
        let n = Double(replications)
        let departments = hall.catalogue.departments
        let calls = state.waiting.enumerated().map { k, t -> Call in
            let times = runs.compactMap { $0.calls[k] }
            let interval = predictionInterval(times, level: level)
            return Call(
                ticket: t.number, department: departments[Int(t.department)], waited: state.minute - t.arrival,
                calledShare: Double(times.count) / n, median: Statistics.quantile(times, 0.5), low: interval?.low,
                high: interval?.high)
        }
        let queues = departments.indices.map { d -> Queue in
            var mean: [Double] = []
            var median: [Double] = []
            var low: [Double] = []
            var high: [Double] = []
            for p in probes.indices {
                let xs = runs.map { Double($0.queues[p][d]) }
                mean.append(Statistics.mean(xs))
                median.append(Statistics.quantile(xs, 0.5)!)
                low.append(Statistics.quantile(xs, lowF)!)
                high.append(Statistics.quantile(xs, highF)!)
            }
            return Queue(
                department: departments[d], minutes: probes, mean: mean, median: median, low: low, high: high)
        }
        let newTicket = departments.indices.map { d -> NewTicket in
            let waits = runs.compactMap { $0.firstNewWait[d] }
            let interval = predictionInterval(waits, level: level)
            func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
            return NewTicket(
                department: departments[d], replications: waits.count, median: finite(Statistics.quantile(waits, 0.5)),
                low: finite(interval?.low), high: finite(interval?.high))
        }
        return NowCast(
            minute: state.minute, replications: replications, level: level, horizonMinutes: horizon, calls: calls,
            queues: queues, newTicket: newTicket)
    }

    /// A prediction interval for one more draw from n draws: the order statistics of ranks
    /// i = ⌊(1 − level)/2 · (n + 1)⌋ and j = ⌈(1 + level)/2 · (n + 1)⌉ (clamped to 1…n), which hold a new
    /// draw with probability (j − i)/(n + 1) ≥ level whatever the distribution. Quantile estimates would
    /// hold it with (n − 1)/(n + 1) · level only (79.2 % for 200 draws). nil without draws.
    public static func predictionInterval(_ xs: [Double], level: Double) -> (low: Double, high: Double)? {
        guard !xs.isEmpty else { return nil }
        let sorted = xs.sorted()
        let n = Double(sorted.count)
        let i = min(max(1, Int(((1 - level) / 2 * (n + 1)).rounded(.down))), sorted.count)
        let j = min(max(1, Int(((1 + level) / 2 * (n + 1)).rounded(.up))), sorted.count)
        return (sorted[i - 1], sorted[j - 1])
    }

    /// The naive estimate a kiosk prints without a simulator: people ahead in the department's queue
    /// (plus this one) × the mean intake time ÷ the windows open for the department. Minutes from now.
    public static func naiveWait(ahead: Int, meanService: Double, openWindows: Int) -> Double? {
        openWindows > 0 ? Double(ahead + 1) * meanService / Double(openWindows) : nil
    }
}
