import Foundation
import HallDomain
import HallOps
import HallScenarioYAML
import HallSimulation
import XCTest

/// A fresh database file in a temporary directory (removed by the test's teardown block).
func temporaryDatabase(_ test: XCTestCase) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallops-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    // A directory the store must create itself.
    return dir.appendingPathComponent("ops").appendingPathComponent("ops.sqlite").path
}

let manager = OpsActor(userID: nil, name: "manager", role: .manager)

extension OpsStore {
    /// A window serving `department` and a lent clerk (who may take any of the window's departments).
    func deskFor(_ department: String) -> (window: String, clerk: String) {
        let w =
            scenario.physicalWindows.first { $0.departments.first == department }
            ?? scenario.physicalWindows.first { $0.departments.contains(department) }!
        return (w.name, catalogue.staff.last!)
    }

    /// Issues, calls, starts and finishes one ticket of `item`; returns the finished ticket.
    func serve(
        item: String, outcome: FinishOutcome, clock: ManualClock, kind: TicketKind = .walkIn, caseNumber: Int64? = nil
    )
        throws -> OpsTicket
    {
        let it = scenario.items.first { $0.id == item }!
        let desk = deskFor(it.department)
        if try windows().first(where: { $0.id == desk.window })!.status == .closed {
            _ = try signIn(window: desk.window, staff: desk.clerk, actor: manager)
            _ = try openWindow(desk.window, actor: manager)
        }
        let t = try issueTicket(
            IssueRequest(kind: kind, item: item, caseNumber: caseNumber), idempotencyKey: nil, actor: manager)
        clock.advance(minutes: 1)
        let called = try XCTUnwrap(try callNext(window: desk.window, actor: manager))
        XCTAssertEqual(called.id, t.id)
        _ = try start(ticket: t.id, actor: manager)
        clock.advance(minutes: 5)
        return try finish(ticket: t.id, outcome: outcome, actor: manager)
    }
}

/// Values appended from several threads.
final class Collector<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T] = []
    func append(_ v: T) { lock.withLock { values.append(v) } }
    var items: [T] { lock.withLock { values } }
}

/// Keeps every record in the order the engine emitted it.
final class OrderedSink: RecordSink {
    enum Rec {
        case ticket(TicketRecord)
        case window(WindowRecord)
        case queue(QueueRecord)
        case staff(StaffRecord)
    }
    var records: [Rec] = []
    func record(_ r: TicketRecord) { records.append(.ticket(r)) }
    func record(_ r: WindowRecord) { records.append(.window(r)) }
    func record(_ r: QueueRecord) { records.append(.queue(r)) }
    func record(_ r: StaffRecord) { records.append(.staff(r)) }
}

/// Replays a simulated day's records through the store, action by action on the injected clock, as the
/// hall would have produced them: tickets issued, clerks signing in, windows calling with the store's own
/// calling policy (which must pick the simulator's ticket), starting and finishing. Returns the tickets
/// issued and the calls made. Balking and the stages before the ticket must be off.
@discardableResult
func replayDay(
    _ recs: [OrderedSink.Rec], catalogue: Catalogue, scenario: Scenario, store: OpsStore, clock: ManualClock
) throws -> (issued: Int, calls: Int) {
    let c = catalogue
    var issued: [Int32: Int64] = [:]  // simulator's ticket number → ops ticket id
    var outcomes: [Int32: TicketRecord] = [:]
    for case .ticket(let t) in recs { outcomes[t.ticket] = t }
    var nextNumber: Int32 = 1
    var lastWaiting = [Int32](repeating: 0, count: c.departments.count)
    var calls = 0
    var skipStaffOff = Set<Int>()
    for (k, rec) in recs.enumerated() {
        switch rec {
        case .queue(let q):
            clock.set(minute: q.time)
            defer { lastWaiting[Int(q.department)] = q.waiting }
            guard q.waiting > lastWaiting[Int(q.department)] else { continue }
            // An arrival: the next ticket number (balking is off, so every number queues).
            let t = try XCTUnwrap(outcomes[nextNumber])
            XCTAssertEqual(t.department, q.department)
            XCTAssertEqual(t.arrival, q.time)
            let kind: TicketKind = t.priority ? .greenChannel : (t.channel == .appointment ? .appointment : .walkIn)
            let ticket = try store.issueTicket(
                IssueRequest(
                    kind: kind, item: c.items[Int(t.item)],
                    appointmentSlot: kind == .appointment ? t.slot : nil),
                idempotencyKey: "sim-\(clock.now().date)-\(nextNumber)", actor: manager)
            XCTAssertEqual(ticket.sequence, nextNumber)
            issued[nextNumber] = ticket.id
            nextNumber += 1
        case .staff(let s):
            clock.set(minute: s.time)
            let name = c.staff[Int(s.staff)]
            switch s.state {
            case .atWindow: _ = try store.signIn(window: c.windows[Int(s.window!)], staff: name, actor: manager)
            case .walking: try store.dispatch(staff: name, toward: c.windows[Int(s.window!)], actor: manager)
            case .off: XCTAssertTrue(skipStaffOff.contains(k), "a clerk went off without the window closing")
            case .absent: break
            }
        case .window(let w):
            clock.set(minute: w.time)
            let id = c.windows[Int(w.window)]
            let status = try store.windows().first { $0.id == id }!.status
            switch w.state {
            case .idle:
                if status == .signedIn || status == .paused { _ = try store.openWindow(id, actor: manager) }
            case .closed:
                if k + 1 < recs.count, case .staff(let s) = recs[k + 1], s.state == .off, s.window == w.window {
                    _ = try store.closeWindow(id, actor: manager)
                    skipStaffOff.insert(k + 1)
                } else if status == .open {
                    _ = try store.pauseWindow(id, actor: manager)
                }
            case .busy, .calling:
                if status != .open { _ = try store.openWindow(id, actor: manager) }
                let called = try XCTUnwrap(
                    try store.callNext(window: id, actor: manager), "window \(id) found nothing at \(w.time)")
                XCTAssertEqual(called.sequence, w.ticket, "window \(id) at \(w.time) called another ticket")
                calls += 1
                if w.state == .busy { _ = try store.start(ticket: called.id, actor: manager) }
            }
        case .ticket(let t):
            clock.set(minute: t.end)
            guard let id = issued[t.ticket] else {
                XCTFail("ticket \(t.ticket) ended before it was issued")
                return (Int(nextNumber) - 1, calls)
            }
            switch t.outcome {
            case .served:
                let immediate = scenario.items[Int(t.item)].kind == .immediate
                _ = try store.finish(ticket: id, outcome: immediate ? .immediate : .accepted, actor: manager)
            case .notice: _ = try store.finish(ticket: id, outcome: .notice, actor: manager)
            case .noShow: _ = try store.noShow(ticket: id, actor: manager)
            case .reneged: _ = try store.cancel(ticket: id, actor: manager)
            case .unserved: break  // closed below
            case .balked, .rejected, .transferred: XCTFail("unexpected outcome \(t.outcome)")
            }
        }
    }
    return (Int(nextNumber) - 1, calls)
}
