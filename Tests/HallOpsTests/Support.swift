import Foundation
import HallDomain
import HallOps
import HallScenarioYAML
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
