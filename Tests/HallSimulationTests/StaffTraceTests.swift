import HallDomain
import HallMetrics
import HallScenarioYAML
import HallSimulation
import HallTestSupport
import XCTest

/// Staff, shifts, AB cover and tidal windows on halls whose every event can be derived by hand:
/// deterministic intake, appointments at fixed times.
final class StaffTraceTests: XCTestCase {
    func hall(_ body: String, departments: String = "[{id: a}, {id: b}]", service: Double = 10) throws -> Scenario {
        try ScenarioLoader.parse(
            yaml: """
                name: Trace
                day: {periods: [{open: "09:00", close: "12:00"}]}
                departments: \(departments)
                items:
                  - {id: xa, department: a, kind: immediate, service_min: \(service)}
                  - {id: xb, department: b, kind: immediate, service_min: \(service)}
                arrivals: [{id: none, item: xa, rates: [{from: "09:00", to: "09:30", per_hour: 0}]}]
                \(body)
                """, file: "trace.yaml")
    }

    func run(_ s: Scenario) -> RecordBuffer { simulateOnce(s) }

    func byTicket(_ log: RecordBuffer) -> [TicketRecord] { log.tickets.sorted { $0.ticket < $1.ticket } }

    func testShiftEndingMidServiceFinishesTheApplicant() throws {
        // Shift 09:00–10:00, intake 25 min. Tickets at 09:00, 09:20, 09:40: the third starts 09:50 and
        // ends 10:15, after the shift; the clerk finishes, then leaves. A 10:30 applicant finds nobody.
        let s = try hall(
            """
            appointments:
              - {id: p, item: xa, first: "09:00", last: "09:40", every_min: 20, per_slot: 1}
              - {id: late, item: xa, first: "10:30", last: "10:30", every_min: 5, per_slot: 1}
            windows: [{id: w, kind: department, departments: [a], count: 1}]
            shifts: [{id: s, start: "09:00", end: "10:00"}]
            staff: [{id: zhang, skills: {a: 1}, shift: s, post: w}]
            """, service: 25)
        let log = run(s)
        let t = byTicket(log)
        XCTAssertEqual(t.map(\.call), clock("09:00", "09:25", "09:50", nil))
        XCTAssertEqual(t.map(\.serviceEnd), clock("09:25", "09:50", "10:15", nil))
        XCTAssertEqual(t.map(\.outcome), [.served, .served, .served, .unserved])
        XCTAssertEqual(log.staff.map(\.state), [.atWindow, .off])
        XCTAssertEqual(log.staff.map(\.time), clock("09:00", "10:15"))
        XCTAssertEqual(log.windows.last?.state, .closed)
        XCTAssertEqual(log.windows.last?.time, 615)
        XCTAssertEqual(log.windows.filter { $0.state == .busy }.map(\.staff), [0, 0, 0])
    }

    func testLunchBreakWhileTheHallIsOpen() throws {
        // Break 10:00–10:30: an applicant at 10:05 waits until the clerk is back.
        let s = try hall(
            """
            appointments: [{id: p, item: xa, first: "10:05", last: "10:05", every_min: 5, per_slot: 1}]
            windows: [{id: w, kind: department, departments: [a], count: 1}]
            shifts: [{id: s, start: "09:00", end: "12:00", breaks: [{from: "10:00", to: "10:30"}]}]
            staff: [{id: zhang, skills: {a: 1}, shift: s, post: w}]
            """)
        let log = run(s)
        XCTAssertEqual(byTicket(log).map(\.call), clock("10:30"))
        XCTAssertEqual(log.staff.map(\.state), [.atWindow, .off, .atWindow, .off])
        XCTAssertEqual(log.staff.map(\.time), clock("09:00", "10:00", "10:30", "12:00"))
    }

    func testAbsentACoveredByBLeavesBsPostEmpty() throws {
        // Zhang (post wa, department a) is absent; Li (post wb, skills a and b) is Zhang's B: Li works wa,
        // so wb stays closed all day and the b applicant is never called.
        let s = try hall(
            """
            appointments:
              - {id: pa, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}
              - {id: pb, item: xb, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}
            windows:
              - {id: wa, kind: department, departments: [a], count: 1}
              - {id: wb, kind: department, departments: [b], count: 1}
            shifts: [{id: s, start: "09:00", end: "12:00"}]
            staff:
              - {id: zhang, skills: {a: 1}, shift: s, post: wa, backup: li, absence_probability: 1}
              - {id: li, skills: {a: 1.5, b: 1}, shift: s, post: wb}
            """)
        let log = run(s)
        let t = byTicket(log)
        XCTAssertEqual(t.map(\.outcome), [.served, .unserved])
        XCTAssertEqual(t[0].window, 0)
        XCTAssertEqual(t[0].serviceEnd, 540 + 15)  // Li's factor 1.5 on department a
        XCTAssertEqual(log.staff.first?.state, .absent)
        XCTAssertEqual(log.staff.first?.staff, 0)
        XCTAssertFalse(log.windows.contains { $0.window == 1 && $0.state != .closed })
        // Closed-window minutes: wb's 180 minutes of opening hours.
        let m = metrics(s, log)
        XCTAssertEqual(m.overall[.closedWindowMinutes]!!, 180, accuracy: 1e-9)
    }

    func testAbsentWithoutCoverKeepsTheWindowClosed() throws {
        let s = try hall(
            """
            appointments: [{id: pa, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}]
            windows: [{id: wa, kind: department, departments: [a], count: 1}, {id: wb, kind: department, departments: [b], count: 1}]
            shifts: [{id: s, start: "09:00", end: "12:00"}]
            staff:
              - {id: zhang, skills: {a: 1}, shift: s, post: wa, absence_probability: 1}
              - {id: li, skills: {b: 1}, shift: s, post: wb}
            """)
        let log = run(s)
        XCTAssertEqual(byTicket(log).map(\.outcome), [.unserved])
        XCTAssertEqual(metrics(s, log).overall[.closedWindowMinutes]!!, 180, accuracy: 1e-9)
    }

    func testSkillsLimitWhatAUniversalWindowServes() throws {
        // A universal window staffed by a clerk who knows only b: the a applicant waits for wa's clerk,
        // who starts at 10:00.
        let s = try hall(
            """
            appointments: [{id: pa, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}]
            windows: [{id: u, kind: universal, count: 1}, {id: wa, kind: department, departments: [a], count: 1}]
            shifts: [{id: all, start: "09:00", end: "12:00"}, {id: late, start: "10:00", end: "12:00"}]
            staff:
              - {id: li, skills: {b: 1}, shift: all, post: u}
              - {id: zhang, skills: {a: 1}, shift: late, post: wa}
            """)
        let t = byTicket(run(s))
        XCTAssertEqual(t.map(\.call), clock("10:00"))
        XCTAssertEqual(t.map(\.window), [1])
    }

    func testTidalWindowOpensAfterWalkOverAndDoesNotFlap() throws {
        // One window; five applicants at 09:00 (10 min each). The 4th makes 3 wait: the rule sends a pool
        // clerk, who walks 2 min and opens the tidal window at 09:02. The queue then sits between the
        // thresholds (no flapping), drops below 1 at 09:20; after 10 min below (09:30) the window has
        // been open 28 min < 30, so it closes at 09:32 (minimum open time).
        let s = try hall(
            """
            appointments: [{id: p, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 5}]
            windows:
              - {id: w, kind: department, departments: [a], count: 1}
              - {id: t, kind: department, departments: [a], count: 1}
            tidal:
              - id: tide
                group: t
                open_when: {queue_length: 3}
                close_when: {below: 1, for_min: 10}
                walk_over_min: 2
                min_open_min: 30
                staff_from: {pool: 1}
            """)
        let log = run(s)
        let t = byTicket(log)
        XCTAssertEqual(t.map(\.call), clock("09:00", "09:02", "09:10", "09:12", "09:20"))
        XCTAssertEqual(t.map(\.window), [0, 1, 0, 1, 0])
        let tidalWindow = log.windows.filter { $0.window == 1 }
        XCTAssertEqual(tidalWindow.map(\.state), [.busy, .busy, .idle, .closed])
        XCTAssertEqual(tidalWindow.map(\.time), clock("09:02", "09:12", "09:22", "09:32"))
        XCTAssertEqual(log.staff.map(\.state), [.walking, .atWindow, .off])
        XCTAssertEqual(log.staff.map(\.time), clock("09:00", "09:02", "09:32"))
        let m = metrics(s, log)
        XCTAssertEqual(m.overall[.tidalOpenings]!!, 1)
        XCTAssertEqual(m.overall[.tidalOpenMinutes]!!, 30, accuracy: 1e-9)
        XCTAssertEqual(m.overall[.backOfficeMinutesLost]!!, 0)
    }

    func testMinimumOpenTimeRecheckDoesNotLivelock() throws {
        // Opened at 540.1 with a 0.3-minute minimum: the re-check at 540.1 + 0.3 must close the window
        // although (540.1 + 0.3) − 540.1 < 0.3 in floating point (this once rescheduled itself forever).
        let s = try hall(
            """
            appointments: [{id: p, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 2}]
            windows:
              - {id: w, kind: department, departments: [a], count: 1}
              - {id: t, kind: department, departments: [a], count: 1}
            tidal:
              - {id: tide, group: t, open_when: {queue_length: 1}, close_when: {below: 0.5, for_min: 0}, walk_over_min: 0.1,
                 min_open_min: 0.3, staff_from: {pool: 1}}
            """)
        XCTAssertLessThan((540.1 + 0.3) - 540.1, 0.3)
        let log = run(s)
        XCTAssertEqual(log.staff.map(\.state), [.walking, .atWindow, .off])
        XCTAssertEqual(log.staff.last!.time, 550.1, accuracy: 1e-9)
    }

    func testNoTidalOpeningTooCloseToClosing() throws {
        // The same queue at 11:40: a walk-over of 2 and 30 minutes open would end after 12:00, so no
        // window opens; the one window serves everybody after closing.
        let s = try hall(
            """
            appointments: [{id: p, item: xa, first: "11:40", last: "11:40", every_min: 5, per_slot: 5}]
            windows:
              - {id: w, kind: department, departments: [a], count: 1}
              - {id: t, kind: department, departments: [a], count: 1}
            tidal:
              - {id: tide, group: t, open_when: {queue_length: 3}, close_when: {below: 1, for_min: 10}, walk_over_min: 2,
                 min_open_min: 30, staff_from: {pool: 1}}
            """)
        let log = run(s)
        XCTAssert(log.staff.isEmpty)
        XCTAssertEqual(byTicket(log).map(\.window), [0, 0, 0, 0, 0])
        XCTAssertEqual(byTicket(log).map(\.call), clock("11:40", "11:50", "12:00", "12:10", "12:20"))
    }

    func testTidalClerkFromTheBackOfficeIsCapacityLost() throws {
        let s = try hall(
            """
            appointments: [{id: p, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 5}]
            windows:
              - {id: w, kind: department, departments: [a], count: 1}
              - {id: t, kind: department, departments: [a], count: 1}
            tidal:
              - {id: tide, group: t, open_when: {queue_length: 3}, close_when: {below: 1, for_min: 10}, walk_over_min: 2,
                 min_open_min: 30, staff_from: {back_office: a, max: 1}}
            """)
        let m = metrics(s, run(s))
        // From leaving the back office (09:00) to returning (09:32).
        XCTAssertEqual(m.overall[.backOfficeMinutesLost]!!, 32, accuracy: 1e-9)
    }

    func testOldestWaitRuleWakesWithoutAnEvent() throws {
        // One applicant waits behind a long intake; no event happens while they wait, yet the rule on
        // the oldest wait (5 min) opens the tidal window at 09:05 (walk-over 0).
        let s = try hall(
            """
            appointments: [{id: p, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 2}]
            windows:
              - {id: w, kind: department, departments: [a], count: 1}
              - {id: t, kind: department, departments: [a], count: 1}
            tidal:
              - {id: tide, group: t, open_when: {oldest_wait_min: 5}, close_when: {below: 1, for_min: 0}, staff_from: {pool: 1}}
            """, service: 60)
        let t = byTicket(run(s))
        XCTAssertEqual(t.map(\.call), clock("09:00", "09:05"))
        XCTAssertEqual(t.map(\.window), [0, 1])
    }

    func testAppointmentsOnTimeGoFirst() throws {
        // #1 at 09:00 occupies the window till 09:10. #2 (slot 09:00) arrives 09:06, late; #3 (slot
        // 09:05) arrives 09:07, on time (tolerance 5). With appointments_first #3 is called first.
        func scenario(_ first: Bool) throws -> Scenario {
            try hall(
                """
                appointments:
                  - {id: first, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}
                  - {id: late, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 1, punctuality_min: 6}
                  - {id: ontime, item: xa, first: "09:05", last: "09:05", every_min: 5, per_slot: 1, punctuality_min: 2}
                windows: [{id: w, kind: department, departments: [a], count: 1}]
                calling: {rule: fifo, appointments_first: \(first), on_time_tolerance_min: 5}
                """)
        }
        XCTAssertEqual(byTicket(run(try scenario(true))).map(\.call), clock("09:00", "09:20", "09:10"))
        XCTAssertEqual(byTicket(run(try scenario(false))).map(\.call), clock("09:00", "09:10", "09:20"))
    }

    func testLongestQueueFirst() throws {
        // A domain window serves a and b. While it serves #1 (a, 09:00–09:10), one b then two a arrive.
        // FIFO calls b (oldest); longest-queue-first calls a (two waiting) at 09:10, then at 09:20 the
        // queues tie at one each and the older head (b) goes first.
        func scenario(_ rule: String) throws -> Scenario {
            try hall(
                """
                appointments:
                  - {id: a0, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 1}
                  - {id: b1, item: xb, first: "09:00", last: "09:00", every_min: 5, per_slot: 1, punctuality_min: 1}
                  - {id: a2, item: xa, first: "09:00", last: "09:00", every_min: 5, per_slot: 2, punctuality_min: 2}
                windows: [{id: w, kind: domain, departments: [a, b], count: 1}]
                calling: \(rule)
                """)
        }
        let fifo = byTicket(run(try scenario("fifo")))
        XCTAssertEqual(fifo.map(\.call), clock("09:00", "09:10", "09:20", "09:30"))
        let longest = byTicket(run(try scenario("longest_queue_first")))
        XCTAssertEqual(longest.map(\.call), clock("09:00", "09:20", "09:10", "09:30"))
    }

    func metrics(_ s: Scenario, _ log: RecordBuffer) -> DayKPIs {
        let m = DayMetrics(catalogue: s.catalogue, day: s.day, waitTargetMinutes: s.waitTargetMinutes)
        for r in log.tickets { m.record(r) }
        for r in log.windows { m.record(r) }
        for r in log.queues { m.record(r) }
        for r in log.staff { m.record(r) }
        return m.result()
    }
}
