import Foundation
import HallDomain
import HallMetrics
import HallOps
import HallTestSupport
import XCTest

final class TicketTests: XCTestCase {
    let date = CivilDate(2025, 10, 9)

    func open(_ clock: ManualClock, path: String? = nil) throws -> OpsStore {
        try OpsStore(path: path ?? temporaryDatabase(self), scenario: try countyHall(), clock: clock)
    }

    func testNumbersAreGaplessAndUniquePerPrefixUnderConcurrentUse() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        let departments = Array(store.scenario.departments.prefix(3).map(\.id))
        let threads = 8
        let perThread = 40
        let failures = Collector<String>()
        DispatchQueue.concurrentPerform(iterations: threads) { k in
            for i in 0..<perThread {
                do {
                    _ = try store.issueTicket(
                        IssueRequest(department: departments[(k + i) % departments.count]), idempotencyKey: nil,
                        actor: manager)
                } catch { failures.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.items, [])
        let tickets = try store.tickets(on: date)
        XCTAssertEqual(tickets.count, threads * perThread)
        XCTAssertEqual(tickets.map(\.sequence), Array(1...Int32(threads * perThread)))
        for (prefix, group) in Dictionary(grouping: tickets, by: { String($0.display.prefix(1)) }) {
            let numbers = group.map { Int($0.display.dropFirst())! }.sorted()
            XCTAssertEqual(numbers, Array(1...group.count), "prefix \(prefix) has gaps or duplicates")
        }
        XCTAssertEqual(Set(tickets.map(\.display)).count, tickets.count)
        // Queue lengths are kept in the same transactions.
        let lengths = try store.queueLengths()
        for d in departments { XCTAssertEqual(lengths[d], tickets.filter { $0.department == d }.count) }
    }

    func testARetryWithTheSameKeyGetsTheSameTicket() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        let d = store.scenario.departments[0].id
        let got = Collector<Int64>()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            let t = try! store.issueTicket(IssueRequest(department: d), idempotencyKey: "kiosk-1:42", actor: manager)
            got.append(t.id)
        }
        XCTAssertEqual(Set(got.items).count, 1)
        XCTAssertEqual(try store.tickets(on: date).count, 1)
        let next = try store.issueTicket(IssueRequest(department: d), idempotencyKey: "kiosk-1:43", actor: manager)
        XCTAssertEqual(next.display.dropFirst(), "002")
        // The same key for another request is refused, and nothing is stored.
        XCTAssertThrowsError(
            try store.issueTicket(
                IssueRequest(department: store.scenario.departments[1].id), idempotencyKey: "kiosk-1:42", actor: manager
            )
        ) { XCTAssertEqual(($0 as? OpsError)?.kind, .conflict) }
        XCTAssertEqual(try store.tickets(on: date).count, 2)
    }

    func testNumberingRestartsEachDay() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        let d = store.scenario.departments[0].id
        let a = try store.issueTicket(IssueRequest(department: d), idempotencyKey: nil, actor: manager)
        clock.set(Stamp(date.adding(days: 1), 540))
        let b = try store.issueTicket(IssueRequest(department: d), idempotencyKey: nil, actor: manager)
        XCTAssertEqual(a.display, b.display)
        XCTAssertEqual(b.sequence, 1)
    }

    func testIllegalTransitionsAreRefusedWithASentenceAndChangeNothing() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        let item = store.scenario.items.first { $0.kind == .immediate }!
        let desk = store.deskFor(item.department)
        let t = try store.issueTicket(IssueRequest(item: item.id), idempotencyKey: nil, actor: manager)
        func refused(_ what: String, _ kind: OpsError.Kind = .illegalTransition, _ f: () throws -> Any?) {
            XCTAssertThrowsError(try f(), what) { e in
                guard let e = e as? OpsError else { return XCTFail("\(what): \(e)") }
                XCTAssertEqual(e.kind, kind, what)
                XCTAssertFalse(e.message.isEmpty)
            }
        }
        // A waiting ticket cannot start, finish, be a no-show, recalled or requeued.
        refused("start waiting") { try store.start(ticket: t.id, actor: manager) }
        refused("finish waiting") { try store.finish(ticket: t.id, outcome: .accepted, actor: manager) }
        refused("no-show waiting") { try store.noShow(ticket: t.id, actor: manager) }
        refused("recall waiting") { try store.recall(ticket: t.id, actor: manager) }
        refused("requeue waiting") { try store.requeue(ticket: t.id, actor: manager) }
        refused("transfer waiting") {
            try store.transfer(ticket: t.id, to: .department(item.department), actor: manager)
        }
        // A closed window cannot call; a signed-in one must open first.
        refused("call at closed window") { try store.callNext(window: desk.window, actor: manager) }
        _ = try store.signIn(window: desk.window, staff: desk.clerk, actor: manager)
        refused("call before opening") { try store.callNext(window: desk.window, actor: manager) }
        refused("sign in twice") { try store.signIn(window: desk.window, staff: desk.clerk, actor: manager) }
        _ = try store.openWindow(desk.window, actor: manager)
        refused("open twice") { try store.openWindow(desk.window, actor: manager) }
        let called = try XCTUnwrap(try store.callNext(window: desk.window, actor: manager))
        XCTAssertEqual(called.state, .called)
        XCTAssertEqual(called.calls, 1)
        refused("call with a ticket at the desk") { try store.callNext(window: desk.window, actor: manager) }
        refused("cancel called") { try store.cancel(ticket: t.id, actor: manager) }
        refused("close with a ticket at the desk") { try store.closeWindow(desk.window, actor: manager) }
        // Recalls keep the first call and stop at the limit.
        clock.advance(minutes: 1)
        let r1 = try store.recall(ticket: t.id, actor: manager)
        XCTAssertEqual(r1.calledAt, 540)
        _ = try store.recall(ticket: t.id, actor: manager)
        refused("recall past the limit") { try store.recall(ticket: t.id, actor: manager) }
        let noShow = try store.noShow(ticket: t.id, actor: manager)
        XCTAssertEqual(noShow.state, .noShow)
        XCTAssertEqual(noShow.calls, 3)
        for (what, f) in [
            ("start no-show", { _ = try store.start(ticket: t.id, actor: manager) }),
            ("finish no-show", { _ = try store.finish(ticket: t.id, outcome: .accepted, actor: manager) }),
            ("cancel no-show", { _ = try store.cancel(ticket: t.id, actor: manager) }),
            ("no-show twice", { _ = try store.noShow(ticket: t.id, actor: manager) }),
        ] as [(String, () throws -> Void)] {
            refused(what) { try f() }
        }
        XCTAssertEqual(try store.ticket(t.id), noShow, "a refused transition changed the ticket")
        // Unknown ids and bad input.
        refused("unknown ticket", .notFound) { try store.start(ticket: 9999, actor: manager) }
        refused("unknown window", .notFound) { try store.callNext(window: "nowhere", actor: manager) }
        refused("unknown department", .invalid) {
            try store.issueTicket(IssueRequest(department: "x"), idempotencyKey: nil, actor: manager)
        }
        refused("no department", .invalid) {
            try store.issueTicket(IssueRequest(), idempotencyKey: nil, actor: manager)
        }
        refused("appointment without slot", .invalid) {
            try store.issueTicket(IssueRequest(kind: .appointment, item: item.id), idempotencyKey: nil, actor: manager)
        }
        refused("return without case", .invalid) {
            try store.issueTicket(IssueRequest(kind: .returnVisit, item: item.id), idempotencyKey: nil, actor: manager)
        }
        XCTAssertEqual(try store.tickets(on: date).count, 1)
    }

    func testTransferKeepsTheDisplayNumberAndCountsOnceInTheKPIs() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        let item = store.scenario.items.first { $0.kind == .immediate }!
        let desk = store.deskFor(item.department)
        _ = try store.signIn(window: desk.window, staff: desk.clerk, actor: manager)
        _ = try store.openWindow(desk.window, actor: manager)
        let t = try store.issueTicket(IssueRequest(item: item.id), idempotencyKey: nil, actor: manager)
        clock.advance(minutes: 2)
        _ = try store.callNext(window: desk.window, actor: manager)
        _ = try store.start(ticket: t.id, actor: manager)
        clock.advance(minutes: 3)
        let segment = try store.transfer(ticket: t.id, to: .window(desk.window), actor: manager)
        XCTAssertEqual(segment.display, t.display)
        XCTAssertEqual(segment.previousSegment, t.id)
        XCTAssertEqual(try store.ticket(t.id).state, .transferred)
        clock.advance(minutes: 1)
        let again = try XCTUnwrap(try store.callNext(window: desk.window, actor: manager))
        XCTAssertEqual(again.id, segment.id)
        _ = try store.start(ticket: segment.id, actor: manager)
        clock.advance(minutes: 4)
        _ = try store.finish(ticket: segment.id, outcome: .rejected, actor: manager)
        try store.closeDay(date, actor: manager)
        let k = try store.dayKPIs(date)
        XCTAssertEqual(k.overall[.arrivals]!, 1)
        XCTAssertEqual(k.overall[.served]!, 1)
        XCTAssertEqual(relGap(k.queueArea, k.waitSum), 0, accuracy: 1e-12)
        XCTAssertEqual(relGap(k.busyArea, k.serviceSum), 0, accuracy: 1e-12)
        XCTAssertEqual(k.busyArea, 7, accuracy: 1e-12)
        let records = try store.records(from: date, to: date)
        XCTAssertEqual(records.tickets.map(\.outcome), [.transferred, .rejected])
    }

    func testCloseDayTurnsWaitingTicketsUnserved() throws {
        let clock = ManualClock(Stamp(date, 1000))
        let store = try open(clock)
        let d = store.scenario.departments[0].id
        for _ in 0..<3 { _ = try store.issueTicket(IssueRequest(department: d), idempotencyKey: nil, actor: manager) }
        clock.set(minute: 1060)
        XCTAssertEqual(try store.closeDay(date, actor: manager), 3)
        XCTAssertEqual(try store.tickets(on: date, state: .unserved).count, 3)
        XCTAssertEqual(try store.queueLengths()[d], 0)
        let k = try store.dayKPIs(date)
        XCTAssertEqual(k.overall[.unserved]!, 3)
        XCTAssertEqual(relGap(k.queueArea, k.waitSum), 0, accuracy: 1e-12)
    }

    func testSQLFragmentsAreStoredVerbatim() throws {
        let clock = ManualClock(Stamp(date, 540))
        let path = try temporaryDatabase(self)
        let store = try open(clock, path: path)
        let nasty = [
            "'; DROP TABLE tickets; --", "\" OR 1=1 --", "Robert'); DELETE FROM audit;--", "%_\\",
            "名字' UNION SELECT *",
        ]
        for (k, s) in nasty.enumerated() {
            let u = try store.createUser(
                name: s, role: .clerk, passwordHash: "$2b$12$\(s)", staffID: nil, actor: manager)
            XCTAssertEqual(try store.user(named: s)?.id, u.id)
            XCTAssertEqual(try store.user(named: s)?.passwordHash, "$2b$12$\(s)")
            _ = try store.createDevice(name: "kiosk \(s)", kind: "kiosk", tokenHash: s, actor: manager)
            XCTAssertEqual(try store.device(tokenHash: s)?.name, "kiosk \(s)")
            try store.persistSet(key: s, value: Data(s.utf8), expires: nil)
            XCTAssertEqual(try store.persistGet(key: s, now: 0), Data(s.utf8))
            let t = try store.issueTicket(
                IssueRequest(department: store.scenario.departments[0].id), idempotencyKey: s, actor: manager)
            XCTAssertEqual(t.sequence, Int32(k + 1))
        }
        // Fragments as ids are unknown ids, not SQL.
        XCTAssertThrowsError(
            try store.issueTicket(IssueRequest(department: nasty[0]), idempotencyKey: nil, actor: manager))
        XCTAssertThrowsError(try store.callNext(window: nasty[1], actor: manager))
        XCTAssertEqual(try store.users().map(\.name), nasty)
        XCTAssertEqual(try store.tickets(on: date).count, nasty.count)
        XCTAssertTrue(try store.audit(limit: 1000).contains { $0.detail.contains("DROP TABLE") })
    }

    func testAReopenedDatabaseKeepsEverything() throws {
        let clock = ManualClock(Stamp(date, 540))
        let path = try temporaryDatabase(self)
        var ticketID: Int64 = 0
        var caseNumber: Int64 = 0
        var department = ""
        do {
            let store = try open(clock, path: path)
            _ = try store.createUser(name: "li", role: .clerk, passwordHash: "$2b$12$abc", staffID: nil, actor: manager)
            try store.persistSet(key: "session-1", value: Data("user=li".utf8), expires: 2_000_000_000)
            let item = store.scenario.items.first { $0.kind == .committed && $0.limitDays != nil }!
            department = item.department
            let t = try store.serve(item: item.id, outcome: .accepted, clock: clock)
            ticketID = t.id
            caseNumber = try XCTUnwrap(t.caseNumber)
            _ = try store.rate(ticket: t.id, level: 1, comment: "waited long", actor: manager)
            _ = try store.issueTicket(IssueRequest(department: item.department), idempotencyKey: "k", actor: manager)
        }
        let store = try open(clock, path: path)
        XCTAssertEqual(try store.user(named: "li")?.passwordHash, "$2b$12$abc")
        XCTAssertEqual(try store.persistGet(key: "session-1", now: 1_800_000_000), Data("user=li".utf8))
        XCTAssertNil(try store.persistGet(key: "session-1", now: 2_100_000_000), "an expired session is gone")
        XCTAssertEqual(try store.ticket(ticketID).state, .finished)
        XCTAssertEqual(try store.caseInfo(caseNumber).state, .inReview)
        XCTAssertEqual(try store.openRectifications().count, 1)
        XCTAssertEqual(try store.windows().filter { $0.status == .open }.count, 1)
        let again = try store.issueTicket(IssueRequest(department: department), idempotencyKey: "k", actor: manager)
        XCTAssertEqual(try store.tickets(on: date).count, 2, "the idempotency key survives the reopen")
        let next = try store.issueTicket(
            IssueRequest(department: again.department), idempotencyKey: nil, actor: manager)
        XCTAssertEqual(next.display.dropFirst(), "003", "numbering continues")
        XCTAssertGreaterThan(try store.audit(limit: 1000).count, 5)
    }

    func testAClerkActsOnlyAtTheWindowTheySignedIn() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        let staff = store.catalogue.staff
        let windows = store.catalogue.windows
        let user = try store.createUser(name: "li", role: .clerk, passwordHash: "h", staffID: staff[0], actor: manager)
        let li = OpsActor(userID: user.id, name: "li", role: .clerk)
        XCTAssertThrowsError(try store.signIn(window: windows[0], staff: staff[1], actor: li)) {
            XCTAssertEqual(($0 as? OpsError)?.kind, .forbidden)
        }
        _ = try store.signIn(window: windows[0], staff: staff[0], actor: li)
        _ = try store.openWindow(windows[0], actor: li)
        _ = try store.signIn(window: windows[1], staff: staff[1], actor: manager)
        XCTAssertThrowsError(try store.openWindow(windows[1], actor: li)) {
            XCTAssertEqual(($0 as? OpsError)?.kind, .forbidden)
        }
        _ = try store.openWindow(windows[1], actor: manager)
        XCTAssertThrowsError(try store.callNext(window: windows[1], actor: li)) {
            XCTAssertEqual(($0 as? OpsError)?.kind, .forbidden)
        }
        XCTAssertNil(try store.callNext(window: windows[0], actor: li), "nothing waiting")
        XCTAssertEqual(try store.audit(limit: 3).map(\.actor), ["manager", "manager", "li"])
    }

    func testAClerkCallsOnlyDepartmentsOfTheirSkills() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        // A rostered clerk lacking a skill the window offers: that department's tickets wait.
        guard
            let (member, window, missing) = store.scenario.staff.lazy.compactMap({
                m -> (StaffMember, PhysicalWindow, String)? in
                for w in store.scenario.physicalWindows {
                    if let d = w.departments.first(where: { (m.skills[$0] ?? 0) == 0 }),
                        w.departments.contains(where: { (m.skills[$0] ?? 0) > 0 })
                    {
                        return (m, w, d)
                    }
                }
                return nil
            }).first
        else { throw XCTSkip("every clerk has every skill of every window") }
        let clerk = member.memberIDs[0]
        _ = try store.signIn(window: window.name, staff: clerk, actor: manager)
        _ = try store.openWindow(window.name, actor: manager)
        _ = try store.issueTicket(IssueRequest(department: missing), idempotencyKey: nil, actor: manager)
        XCTAssertNil(try store.callNext(window: window.name, actor: manager))
        let skilled = window.departments.first { (member.skills[$0] ?? 0) > 0 }!
        let t = try store.issueTicket(IssueRequest(department: skilled), idempotencyKey: nil, actor: manager)
        XCTAssertEqual(try store.callNext(window: window.name, actor: manager)?.id, t.id)
    }

    /// The calling classes of the simulator, at a real window: green channel first unless the window owes
    /// normal calls (`normal_per_priority`), on-time appointments before walk-ins (`appointments_first`),
    /// a late appointment with the walk-ins.
    func testGreenChannelGuardAndOnTimeAppointmentsCallAsTheSimulatorDoes() throws {
        var scenario = try countyHall()
        scenario.calling = CallingSpec(
            rule: .fifo, appointmentsFirst: true, onTimeToleranceMinutes: 5, normalPerPriority: 2)
        let clock = ManualClock(Stamp(date, 540))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: scenario, clock: clock)
        let d = scenario.departments[0].id
        let desk = store.deskFor(d)
        _ = try store.signIn(window: desk.window, staff: desk.clerk, actor: manager)
        _ = try store.openWindow(desk.window, actor: manager)
        func issue(_ kind: TicketKind, slot: Double? = nil) throws -> Int64 {
            clock.advance(minutes: 1)
            return try store.issueTicket(
                IssueRequest(kind: kind, department: d, appointmentSlot: slot), idempotencyKey: nil, actor: manager
            ).id
        }
        let n1 = try issue(.walkIn)
        let n2 = try issue(.walkIn)
        let late = try issue(.appointment, slot: 500)  // slot 08:20, checked in at 09:03: late
        let g1 = try issue(.greenChannel)
        let g2 = try issue(.greenChannel)
        let onTime = try issue(.appointment, slot: 545)
        let n3 = try issue(.walkIn)
        XCTAssertFalse(try store.ticket(late).appointmentClass)
        XCTAssertTrue(try store.ticket(onTime).appointmentClass)
        var order: [Int64] = []
        while let t = try store.callNext(window: desk.window, actor: manager) {
            order.append(t.id)
            _ = try store.start(ticket: t.id, actor: manager)
            _ = try store.finish(ticket: t.id, outcome: .immediate, actor: manager)
        }
        // g1; then two owed non-green calls (on-time appointment first, then the oldest walk-in); g2;
        // then the rest in ticket order.
        XCTAssertEqual(order, [g1, onTime, n1, g2, n2, late, n3])
    }

    func testAReturnVisitTicketTakesItsCasesItem() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        let item = store.scenario.items.first { $0.kind == .committed && $0.limitDays != nil }!
        let first = try store.serve(item: item.id, outcome: .notice, clock: clock)
        let number = try XCTUnwrap(first.caseNumber)
        let back = try store.issueTicket(
            IssueRequest(kind: .returnVisit, caseNumber: number), idempotencyKey: nil, actor: manager)
        XCTAssertEqual(back.item, item.id)
        XCTAssertEqual(back.department, item.department)
        let other = store.scenario.items.first { $0.id != item.id }!
        XCTAssertThrowsError(
            try store.issueTicket(
                IssueRequest(kind: .returnVisit, item: other.id, caseNumber: number), idempotencyKey: nil,
                actor: manager)
        ) { XCTAssertEqual(($0 as? OpsError)?.field, "item") }
        XCTAssertThrowsError(
            try store.issueTicket(
                IssueRequest(kind: .returnVisit, caseNumber: 999), idempotencyKey: nil, actor: manager)
        ) { XCTAssertEqual(($0 as? OpsError)?.field, "caseNumber") }
    }

    func testWindowsCallingAtOnceNeverCallATicketTwice() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        let scenario = store.scenario
        // Universal windows with lent clerks (any department of the window).
        let windows = scenario.physicalWindows.filter { $0.kind == .universal }.map(\.name)
        let lent = store.catalogue.staff.enumerated().filter { store.catalogue.staffKind[$0.offset] != .rostered }
            .map(\.element)
        let n = min(windows.count, lent.count)
        XCTAssertGreaterThanOrEqual(n, 2)
        for k in 0..<n {
            _ = try store.signIn(window: windows[k], staff: lent[k], actor: manager)
            _ = try store.openWindow(windows[k], actor: manager)
        }
        let served = scenario.physicalWindows.first { $0.name == windows[0] }!.departments
        for i in 0..<150 {
            _ = try store.issueTicket(
                IssueRequest(department: served[i % served.count]), idempotencyKey: nil, actor: manager)
        }
        let called = Collector<Int64>()
        let failures = Collector<String>()
        DispatchQueue.concurrentPerform(iterations: n) { k in
            do {
                while let t = try store.callNext(window: windows[k], actor: manager) {
                    called.append(t.id)
                    _ = try store.start(ticket: t.id, actor: manager)
                    _ = try store.finish(ticket: t.id, outcome: .immediate, actor: manager)
                }
            } catch { failures.append("\(error)") }
        }
        XCTAssertEqual(failures.items, [])
        XCTAssertEqual(called.items.count, 150)
        XCTAssertEqual(Set(called.items).count, 150)
        XCTAssertEqual(try store.queueLengths().values.reduce(0, +), 0)
    }

    /// The now-cast's state says when each clerk sat down (a tidal window keeps its minimum open time
    /// from there); a clerk who moved counts from the second window.
    func testTheHallStateSaysWhenEachClerkSatDown() throws {
        let clock = ManualClock(Stamp(date, 540))
        let store = try open(clock)
        let desk = store.deskFor(store.scenario.departments[0].id)
        _ = try store.signIn(window: desk.window, staff: desk.clerk, actor: manager)
        _ = try store.openWindow(desk.window, actor: manager)
        clock.advance(minutes: 40)
        let state = try store.hallState()
        let w = try XCTUnwrap(store.catalogue.windows.firstIndex(of: desk.window))
        XCTAssertEqual(state.staffed.first { $0.window == Int32(w) }?.since, 540)
        XCTAssertEqual(state.minute, 580)
    }
}
