import HallDomain
import HallScenarioYAML
import HallSimulation
import HallTestSupport
import XCTest

/// Same-instant orderings and invariants of the day engine that no other test pins.
final class EngineOrderingTests: XCTestCase {
    func hall(routing: String = "specialist_first", windows: Int, slots: String) throws -> Scenario {
        try ScenarioLoader.parse(
            yaml: """
                name: Ordering
                day:
                  periods: [{open: "09:00", close: "12:00"}]
                departments: [{id: d}]
                items:
                  - {id: long, department: d, kind: immediate, service_min: 20}
                  - {id: short, department: d, kind: immediate, service_min: 10}
                arrivals: [{id: none, item: long, rates: [{from: "09:00", to: "09:30", per_hour: 0}]}]
                appointments:
                \(slots)
                windows: [{id: w, kind: department, departments: [d], count: \(windows)}]
                routing: \(routing)
                """, file: "ordering.yaml")
    }

    /// An applicant arriving at the instant a service ends finds the window freed (services end before
    /// arrivals at one instant): the window goes idle, then the arrival's routing takes it.
    func testArrivalAtAServiceEndSeesTheFreedWindow() throws {
        let s = try hall(
            windows: 1,
            slots: """
                  - {id: a, item: short, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}
                  - {id: b, item: short, first: "09:10", last: "09:10", every_min: 5, per_slot: 1}
                """)
        let log = simulateOnce(s)
        let t = log.tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(t.map(\.arrival), clock("09:00", "09:10"))
        XCTAssertEqual(t.map(\.call), clock("09:00", "09:10"))
        // Arrivals first would leave the window busy straight through (one record, ticket 2 called by the
        // service end); services first free it, and the arrival's routing takes it.
        let at550 = log.windows.filter { $0.time == 550 }.map(\.state)
        XCTAssertEqual(at550, [.idle, .busy])
    }

    /// Longest-idle routing sends an applicant who finds several windows idle to the one idle longest,
    /// which here is neither the first window nor the one freed last.
    func testLongestIdleRoutingPicksTheLongestIdle() throws {
        for routing in ["longest_idle", "specialist_first"] {
            let s = try hall(
                routing: routing, windows: 2,
                slots: """
                      - {id: a, item: long, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}
                      - {id: b, item: short, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}
                      - {id: c, item: short, first: "09:25", last: "09:25", every_min: 5, per_slot: 1}
                    """)
            let log = simulateOnce(s)
            let t = log.tickets.sorted { $0.ticket < $1.ticket }
            // a (20 min) takes window 0 and frees it at 09:20; b (10 min) takes window 1 and frees it at 09:10.
            XCTAssertEqual(t.map(\.window), [0, 1, 1], routing)
            XCTAssertEqual(t.map(\.call), clock("09:00", "09:00", "09:25"), routing)
        }
    }

    /// The engine's invariants (queue counts, clerk ↔ window maps, window tickets) hold after every event
    /// of busy days with tidal windows, rosters, appointments, patience and the green channel; a broken
    /// one stops the run.
    func testInvariantsHoldAfterEveryEvent() throws {
        var county = try ScenarioLoader.load(path: repoRoot.appendingPathComponent("scenarios/county-hall.yaml").path)
        county.period = nil
        let halls = [
            ("county-hall", county), ("erlang-a", try validationScenario("erlang-a")),
            ("step-change", try validationScenario("step-change")),
        ]
        for (name, s) in halls {
            let hall = CompiledHall(s)
            for r in 0..<3 {
                let stats = simulateDay(hall, seed: 11, replication: r, sink: RecordBuffer(), checkInvariants: true)
                XCTAssertGreaterThan(stats.tickets, 0, name)
            }
        }
    }
}
