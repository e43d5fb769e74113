import Foundation
import HallDomain
import HallMetrics
import HallRandom
import HallRunner
import HallScenarioYAML
import HallSimulation
import HallTestSupport
import XCTest

/// The event log of one replication, with the statistics window (after warm-up) applied to tickets.
struct Day {
    var tickets: [TicketRecord]
    var windows: [WindowRecord]
    var queues: [QueueRecord]
    var cutoff: Double
    var close: Double
    /// Tickets issued after the warm-up.
    var measured: [TicketRecord] { tickets.filter { $0.arrival >= cutoff } }
}

/// Runs `replications` days and estimates each named statistic (computed per day by `measure`) with a
/// Student-t interval over days.
func estimate(
    _ s: Scenario, replications: Int, seed: UInt64 = 20_261_205, confidence: Double = 0.99,
    _ measure: (Day) -> [String: Double]
) -> [String: Estimate] {
    let result = Experiment.run(s, seed: seed, replications: 0..<replications, records: .all)
    for d in result.days {
        // Little's law on every run: two independent record streams agree.
        XCTAssertLessThan(relGap(d.queueArea, d.waitSum), 1e-9, "queue area vs waits")
        XCTAssertLessThan(relGap(d.busyArea, d.serviceSum), 1e-9, "busy area vs service")
    }
    let cutoff = s.day.opens.minutes + s.warmupMinutes
    let days = result.logs.map {
        Day(tickets: $0!.tickets, windows: $0!.windows, queues: $0!.queues, cutoff: cutoff, close: s.day.closes.minutes)
    }
    let values = days.map(measure)
    var out: [String: Estimate] = [:]
    for key in values[0].keys { out[key] = Estimate(values.map { $0[key] }, confidence: confidence) }
    return out
}

func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

/// Asserts the theory value lies in the (99 %) interval and the interval is tight enough to catch a
/// bug: its half-width at most `relativeWidth` of the theory value.
func assertMatches(
    _ e: Estimate?, _ theory: Double, relativeWidth: Double, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    guard let e, let m = e.mean, let h = e.halfWidth else {
        return XCTFail("\(what): no estimate", file: file, line: line)
    }
    XCTAssert(e.contains(theory), "\(what): theory \(theory) outside \(m) ± \(h)", file: file, line: line)
    XCTAssertLessThanOrEqual(
        h, relativeWidth * abs(theory), "\(what): interval ± \(h) too wide to catch a bug (theory \(theory))",
        file: file, line: line)
}

/// Time-average distribution of the number of busy windows over [from, to), from window records.
func busyDistribution(_ records: [WindowRecord], windows: Int, from: Double, to: Double) -> [Double] {
    var busy = Set<Int32>()
    var time = [Double](repeating: 0, count: windows + 1)
    var last = from
    for r in records {
        let t = min(max(r.time, from), to)
        time[busy.count] += t - last
        last = t
        if r.state == .busy { busy.insert(r.window) } else { busy.remove(r.window) }
    }
    time[busy.count] += to - last
    let total = to - from
    return time.map { $0 / total }
}

/// One day of a scenario, every record kept (seed 1, replication 0).
func simulateOnce(_ s: Scenario) -> RecordBuffer {
    let buffer = RecordBuffer()
    _ = simulateDay(CompiledHall(s), seed: 1, replication: 0, sink: buffer)
    return buffer
}
