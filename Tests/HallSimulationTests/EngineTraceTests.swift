import HallDomain
import HallScenarioYAML
import HallSimulation
import HallTestSupport
import XCTest

/// Small halls whose every event can be derived by hand: appointments at fixed times, deterministic
/// intake, one window.
final class EngineTraceTests: XCTestCase {
    func hall(
        periods: String, slots: String, atBreak: String = "serve_issued", extra: String = "", service: Double = 10
    ) throws -> Scenario {
        try ScenarioLoader.parse(
            yaml: """
                name: Trace
                day:
                  periods: \(periods)
                  at_break: \(atBreak)
                departments: [{id: d}]
                items: [{id: x, department: d, kind: immediate, service_min: \(service)}]
                arrivals: [{id: none, item: x, rates: [{from: "09:00", to: "09:30", per_hour: 0}]}]
                appointments:
                \(slots)
                windows: [{id: w, kind: department, departments: [d], count: 1}]
                \(extra)
                """, file: "trace.yaml")
    }

    func run(_ s: Scenario) -> RecordBuffer { simulateOnce(s) }

    func testQueueBuildsAndDrainsFirstComeFirstServed() throws {
        let s = try hall(
            periods: "[{open: \"09:00\", close: \"12:00\"}]",
            slots: """
                  - {id: a, item: x, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}
                  - {id: b, item: x, first: "09:05", last: "09:05", every_min: 5, per_slot: 1}
                  - {id: c, item: x, first: "09:30", last: "09:30", every_min: 5, per_slot: 1}
                """)
        let log = run(s)
        let t = log.tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(t.map(\.arrival), clock("09:00", "09:05", "09:30"))
        XCTAssertEqual(t.map(\.call), clock("09:00", "09:10", "09:30"))
        XCTAssertEqual(t.map(\.serviceEnd), clock("09:10", "09:20", "09:40"))
        XCTAssertEqual(t.map(\.wait), [0, 5, 0])
        XCTAssertEqual(t.map(\.outcome), [.served, .served, .served])
        XCTAssertEqual(log.windows.map(\.state), [.idle, .busy, .busy, .idle, .busy, .idle, .closed])
        XCTAssertEqual(log.windows.map(\.time), clock("09:00", "09:00", "09:10", "09:20", "09:30", "09:40", "12:00"))
        // Queue: ticket 2 waits from 09:05 to 09:10.
        XCTAssertEqual(log.queues.filter { $0.waiting > 0 }.map(\.time), clock("09:00", "09:05", "09:30"))
    }

    func testServeIssuedAtTheBreak() throws {
        // Three applicants at 09:50; the morning closes at 10:00; the window finishes all three.
        let s = try hall(
            periods: "[{open: \"09:00\", close: \"10:00\"}, {open: \"11:00\", close: \"12:00\"}]",
            slots: """
                  - {id: a, item: x, first: "09:50", last: "09:50", every_min: 5, per_slot: 3}
                """)
        let t = run(s).tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(t.map(\.call), clock("09:50", "10:00", "10:10"))
    }

    func testHoldAtTheBreak() throws {
        // Same, but windows stop calling at 10:00: two wait over the break and are called at 11:00.
        let s = try hall(
            periods: "[{open: \"09:00\", close: \"10:00\"}, {open: \"11:00\", close: \"12:00\"}]",
            slots: """
                  - {id: a, item: x, first: "09:50", last: "09:50", every_min: 5, per_slot: 3}
                """, atBreak: "hold")
        let log = run(s)
        let t = log.tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(t.map(\.call), clock("09:50", "11:00", "11:10"))
        // The window closes at 10:00 when it finishes the applicant at the desk, reopens at 11:00.
        XCTAssert(log.windows.contains { $0.time == 600 && $0.state == .closed })
        XCTAssert(log.windows.contains { $0.time == 660 && $0.state == .busy })
    }

    func testEndOfDayServesEveryTicketIssued() throws {
        let s = try hall(
            periods: "[{open: \"09:00\", close: \"10:00\"}]",
            slots: """
                  - {id: a, item: x, first: "09:55", last: "09:55", every_min: 5, per_slot: 4}
                """)
        let log = run(s)
        XCTAssertEqual(log.tickets.map(\.outcome), [.served, .served, .served, .served])
        XCTAssertEqual(log.tickets.map(\.serviceEnd).compactMap { $0 }.max(), 595 + 40)
        XCTAssertEqual(log.windows.last?.state, .closed)
        XCTAssertEqual(log.windows.last?.time, 635)
    }

    func testNoShowCostsTheGraceTime() throws {
        let s = try hall(
            periods: "[{open: \"09:00\", close: \"12:00\"}]",
            slots: """
                  - {id: a, item: x, first: "09:00", last: "09:00", every_min: 5, per_slot: 2}
                """, extra: "behaviour: {no_show: {probability: 1, grace_min: 2}}")
        let log = run(s)
        let t = log.tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(t.map(\.outcome), [.noShow, .noShow])
        XCTAssertEqual(t.map(\.call), clock("09:00", "09:02"))
        XCTAssertEqual(t.map(\.end), clock("09:02", "09:04"))
        XCTAssertEqual(log.windows.map(\.state), [.idle, .calling, .calling, .idle, .closed])
    }

    func testRenegingLeavesTheQueue() throws {
        // Patience 3 min: of three applicants at 09:00 the first is served, the others leave at 09:03.
        let s = try hall(
            periods: "[{open: \"09:00\", close: \"12:00\"}]",
            slots: """
                  - {id: a, item: x, first: "09:00", last: "09:00", every_min: 5, per_slot: 3}
                """, extra: "behaviour: {patience_min: 3}")
        let log = run(s)
        let t = log.tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(t.map(\.outcome), [.served, .reneged, .reneged])
        XCTAssertEqual(t.map(\.end), clock("09:10", "09:03", "09:03"))
        XCTAssertEqual(log.queues.last?.waiting, 0)
        // The window goes idle at 09:10: nobody is left to call.
        XCTAssertEqual(log.windows.map(\.state), [.idle, .busy, .idle, .closed])
    }

    func testAppointmentsBeforeOpeningComeAtOpening() throws {
        let s = try hall(
            periods: "[{open: \"09:00\", close: \"12:00\"}]",
            slots: """
                  - {id: a, item: x, first: "09:00", last: "09:00", every_min: 5, per_slot: 1, punctuality_min: -20}
                """)
        XCTAssertEqual(run(s).tickets.map(\.arrival), clock("09:00"))
    }

    func testProficiencyScalesIntake() throws {
        let s = try ScenarioLoader.parse(
            yaml: """
                name: Trace
                day: {periods: [{open: "09:00", close: "12:00"}]}
                departments: [{id: d}]
                items: [{id: x, department: d, kind: immediate, service_min: 10}]
                arrivals: [{id: none, item: x, rates: [{from: "09:00", to: "09:30", per_hour: 0}]}]
                appointments: [{id: a, item: x, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}]
                windows: [{id: u, kind: universal, count: 1}]
                proficiency: {universal: {default: 1.5}}
                """, file: "trace.yaml")
        XCTAssertEqual(run(s).tickets.first?.serviceEnd, 555)
    }

    func testCallingPolicies() throws {
        // One domain window for departments a (home) and b. At 09:00 an applicant for a is served
        // (till 09:10); b arrives at 09:01, a at 09:02. FIFO calls b first; own-department-first calls a.
        func scenario(_ rule: String) throws -> Scenario {
            try ScenarioLoader.parse(
                yaml: """
                    name: Trace
                    day: {periods: [{open: "09:00", close: "12:00"}]}
                    departments: [{id: a}, {id: b}]
                    items: [{id: xa, department: a, kind: immediate, service_min: 10}, {id: xb, department: b, kind: immediate, service_min: 10}]
                    arrivals: [{id: none, item: xa, rates: [{from: "09:00", to: "09:30", per_hour: 0}]}]
                    appointments:
                      - {id: a0, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}
                      - {id: b1, item: xb, first: "09:00", last: "09:00", every_min: 5, per_slot: 1, punctuality_min: 1}
                      - {id: a2, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 1, punctuality_min: 2}
                    windows: [{id: w, kind: domain, departments: [a, b], count: 1}]
                    calling: \(rule)
                    """, file: "trace.yaml")
        }
        let fifo = run(try scenario("fifo")).tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(fifo.map(\.call), clock("09:00", "09:10", "09:20"))
        let own = run(try scenario("own_department_first")).tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(own.map(\.call), clock("09:00", "09:20", "09:10"))
    }
}
