import Foundation
import HallDomain
import HallMetrics
import HallRandom
import HallTestSupport
import XCTest

/// The day's KPIs from records written by hand, so every figure can be checked with pencil and paper;
/// and the names of summary.json, typed until the encoder.
final class DayMetricsTests: XCTestCase {
    /// One department, one window, open 08:00–20:00, no warm-up.
    func metrics() throws -> (DayMetrics, Scenario) {
        let s = try validationScenario("mm1-rho08")
        return (DayMetrics(catalogue: s.catalogue, day: s.day, waitTargetMinutes: 5), s)
    }

    func ticket(_ n: Int32, arrival: String, wait: Double, outcome: TicketOutcome = .served) -> TicketRecord {
        let a = minutesOfDay(arrival)
        let called = outcome.wasCalled
        return TicketRecord(
            ticket: n, source: 0, item: 0, department: 0, channel: .walkIn, priority: false, arrival: a,
            call: called ? a + wait : nil, serviceStart: called ? a + wait : nil,
            serviceEnd: called ? a + wait + 1 : nil,
            window: called ? 0 : nil, outcome: outcome, end: called ? a + wait + 1 : a + wait)
    }

    func testWaitsServiceLevelAndAbandonmentByHand() throws {
        let (m, _) = try metrics()
        // Ten served applicants at 08:xx waiting 1…10 min, one at 09:30 who gave up after 20 min.
        for w in 1...10 { m.record(ticket(Int32(w), arrival: "08:10", wait: Double(w))) }
        m.record(ticket(11, arrival: "09:30", wait: 20, outcome: .reneged))
        let k = m.result()
        XCTAssertEqual(k.overall[.arrivals], 11)
        XCTAssertEqual(k.overall[.served], 10)
        XCTAssertEqual(k.overall[.reneged], 1)
        XCTAssertEqual(k.overall[.waitMean]!!, 5.5, accuracy: 1e-12)  // the reneged wait is not a wait for a call
        // GSL's quantile of 1…10 at 0.9: order statistic 8.1 (from 0) → 9 + 0.1 × (10 − 9).
        XCTAssertEqual(k.overall[.waitP90]!!, 9.1, accuracy: 1e-12)
        // Within 5 min: waits 1…5 of 11 applicants (the one who left counts against).
        XCTAssertEqual(k.overall[.serviceLevel]!!, 5.0 / 11, accuracy: 1e-12)
        XCTAssertEqual(k.overall[.abandonedFraction]!!, 1.0 / 11, accuracy: 1e-12)
        XCTAssertEqual(k.hours["08:00"]?[.arrivals], 10)
        XCTAssertEqual(k.hours["09:00"]?[.arrivals], 1)
        XCTAssertEqual(k.hours["09:00"]?[.waitMean], .some(nil), "nobody in that hour was called")
    }

    func testQueueIntegralIsLittlesLaw() throws {
        let (m, _) = try metrics()
        // Two waiting from 08:00 to 08:30, then one to 09:00: area 2 × 30 + 1 × 30 = 90 ticket-minutes.
        for (t, n) in [("08:00", 1), ("08:00", 2), ("08:30", 1), ("09:00", 0)] {
            m.record(QueueRecord(time: minutesOfDay(t), department: 0, waiting: Int32(n)))
        }
        m.record(ticket(1, arrival: "08:00", wait: 30))
        m.record(ticket(2, arrival: "08:00", wait: 60))
        let k = m.result()
        XCTAssertEqual(k.queueArea, 90, accuracy: 1e-9)
        XCTAssertEqual(k.waitSum, 90, accuracy: 1e-9)
        XCTAssertEqual(k.overall[.queueMax], 2)
        XCTAssertEqual(k.overall[.queueMean]!!, 90.0 / (12 * 60), accuracy: 1e-12, "over the 12 opening hours")
    }

    func testSummaryKeysAreTypedAndTheJSONIsFlat() throws {
        let (m, s) = try metrics()
        for w in 1...10 { m.record(ticket(Int32(w), arrival: "08:10", wait: Double(w))) }
        let day = m.result()
        let summary = Summary(scenario: s, seed: 1, days: [day, day])
        XCTAssertEqual(summary.overall[.waitMean]?.mean, 5.5)
        XCTAssertEqual(summary.overall[.waitMean]?.halfWidth, 0, "two identical days")
        XCTAssertNil(summary.overall[.onTimeRate], "no cases in a day run")
        let json = try JSONSerialization.jsonObject(with: summary.json()) as! [String: Any]
        let overall = json["overall"] as! [String: [String: Any]]
        XCTAssertEqual(overall["wait_mean_min"]?["mean"] as? Double, 5.5)
        XCTAssertEqual(Set(overall["wait_mean_min"]!.keys), ["mean", "half_width"])
        // Undefined figures are written as explicit nulls.
        let hours = json["hours"] as! [String: [String: [String: Any]]]
        XCTAssertTrue(hours["10:00"]?["wait_mean_min"]?["mean"] is NSNull, "nobody came at 10:00")
        let windows = json["windows"] as! [String: [String: [String: Any]]]
        XCTAssertEqual(Set(windows.values.flatMap(\.keys)), ["utilisation"])
        let spread = json["utilisation_spread"] as! [String: Any]
        XCTAssertEqual(Set(spread.keys), ["max_minus_min", "cv", "max", "min"])
    }

    func testCaseAndDayFiguresSitSideBySide() throws {
        let f = KPIFigures(
            day: [.waitMean: Estimate([1, 3])], cases: [.onTimeRate: Estimate([0.5, nil])])
        XCTAssertEqual(f[.waitMean]?.mean, 2)
        XCTAssertEqual(f[.onTimeRate]?.mean, 0.5)
        XCTAssertNil(f[.onTimeRate]?.halfWidth, "one defined value has no interval")
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let text = String(decoding: try e.encode(f), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix(#"{"on_time_rate":{"half_width":null,"mean":0.5},"wait_mean_min":{"#), text)
        // t(0.975, 1 dof) × s / √n with s = √2, n = 2: the t quantile itself.
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: [String: Any]]
        XCTAssertEqual(parsed["wait_mean_min"]?["half_width"] as! Double, 12.7062, accuracy: 1e-4)
    }
}
