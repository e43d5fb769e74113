import Foundation
import HallDomain
import HallMetrics
import HallOps
import HallSimulation
import HallTestSupport
import XCTest

/// The proof that one domain serves both: a seeded simulated county-hall day, replayed through HallOps
/// action by action on an injected clock (the windows call with the store's own calling, which must pick
/// the ticket the simulator picked), gives records whose KPIs equal the simulator's.
final class RoundTripTests: XCTestCase {
    func testSimulatedDayReplayedThroughOpsGivesTheSameKPIs() throws {
        try replay(rule: nil, seed: 11)
    }

    /// The other calling policies (the longest-queue rule reads queue counts, the own-department rule the
    /// window's home department): the store still calls the simulator's ticket every time.
    func testEveryCallingPolicyReplaysCallForCall() throws {
        try replay(rule: .longestQueueFirst, seed: 12)
        try replay(rule: .ownDepartmentFirst, seed: 13)
    }

    func replay(rule: CallingRule?, seed: UInt64) throws {
        var scenario = try countyHall()
        if let rule { scenario.calling.rule = rule }
        // The operations module cannot see an applicant who turns away without a ticket (balking): off.
        // Appointments check in with the slot their record carries, so on-time ones are called first.
        scenario.behaviour.balking = []
        XCTAssertTrue(scenario.calling.appointmentsFirst)
        // Nor, yet, visits to the guide desk and the self-service terminals before the ticket (docs/event-log.md).
        scenario.guideDesk = nil
        scenario.selfService = nil
        let date = CivilDate(2025, 10, 9)  // a Thursday after the National Day holiday
        let hallDay = try XCTUnwrap(try scenario.period!.hallDay(date, regular: scenario.day.periods))
        XCTAssertEqual(hallDay.periods, scenario.day.periods, "the replay date must have the scenario's hours")

        let hall = CompiledHall(scenario)
        let sink = OrderedSink()
        let metrics = DayMetrics(
            catalogue: hall.catalogue, day: scenario.day, waitTargetMinutes: scenario.waitTargetMinutes,
            warmupMinutes: scenario.warmupMinutes)
        let stats = simulateDay(hall, seed: seed, replication: 0, sink: TeeSink([sink, metrics]))
        let simulated = metrics.result()
        XCTAssertGreaterThan(stats.tickets, 500)

        let clock = ManualClock(Stamp(date, 0))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: scenario, clock: clock)
        let replayed = try replayDay(
            sink.records, catalogue: hall.catalogue, scenario: scenario, store: store, clock: clock)
        clock.set(minute: stats.end)
        try store.closeDay(date, actor: manager)
        XCTAssertEqual(replayed.issued, stats.tickets)
        XCTAssertGreaterThan(replayed.calls, 500)

        let real = try store.dayKPIs(date)
        func same(_ a: [KPI: Double?], _ b: [KPI: Double?], _ what: String) {
            XCTAssertEqual(Set(a.keys), Set(b.keys), what)
            for (k, x) in a {
                let y = b[k] ?? nil
                switch (x, y) {
                case (nil, nil): break
                case (let x?, let y?): XCTAssertEqual(x, y, accuracy: 1e-9, "\(what) \(k.rawValue)")
                default: XCTFail("\(what) \(k.rawValue): \(String(describing: x)) vs \(String(describing: y))")
                }
            }
        }
        same(real.overall, simulated.overall, "overall")
        XCTAssertEqual(Set(real.departments.keys), Set(simulated.departments.keys))
        for (d, k) in simulated.departments { same(real.departments[d]!, k, "department \(d)") }
        XCTAssertEqual(Set(real.hours.keys), Set(simulated.hours.keys))
        for (h, k) in simulated.hours { same(real.hours[h]!, k, "hour \(h)") }
        for (w, u) in simulated.windowUtilisation {
            switch (u, real.windowUtilisation[w] ?? nil) {
            case (nil, nil): break
            case (let x?, let y?): XCTAssertEqual(x, y, accuracy: 1e-9, "utilisation of \(w)")
            default: XCTFail("utilisation of \(w) defined on one side only")
            }
        }
        // Little's law on the real day's records: at zero.
        XCTAssertEqual(relGap(real.queueArea, real.waitSum), 0, accuracy: 1e-9)
        XCTAssertEqual(relGap(real.busyArea, real.serviceSum), 0, accuracy: 1e-9)
        // summary.json of the real day has hallsim's shape.
        let json = try JSONSerialization.jsonObject(with: try store.summary(date).json()) as! [String: Any]
        XCTAssertNotNil(json["overall"] as? [String: Any])
        XCTAssertNotNil(json["checks"] as? [String: Double])
    }
}
