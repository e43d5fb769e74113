import Foundation
import GRDB
import HallDomain
import HallOps
import HallTestSupport
import XCTest

/// Deadlines and electronic supervision across the National Day holiday 2025 (1–8 October off) and the
/// make-up Saturday 11 October, with special procedures suspending the clock. The expected dates come
/// from an independent day-by-day count written here, not from the calendar code under test.
final class CaseTests: XCTestCase {
    /// 2025 around National Day: weekends off, 1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked.
    static func isWorking(_ d: CivilDate) -> Bool {
        if d == CivilDate(2025, 9, 28) || d == CivilDate(2025, 10, 11) { return true }
        if d >= CivilDate(2025, 10, 1) && d <= CivilDate(2025, 10, 8) { return false }
        return d.weekday <= 5
    }
    static func expectedDeadline(_ acceptance: CivilDate, _ n: Int, stopped: [ClosedRange<CivilDate>] = []) -> CivilDate
    {
        var d = acceptance
        var counted = 0
        while counted < n {
            d = d.adding(days: 1)
            if isWorking(d), !stopped.contains(where: { $0.contains(d) }) { counted += 1 }
        }
        return d
    }

    /// The committed item with the shortest limit of at least 3 working days (so that the holiday, the
    /// make-up Saturday and a suspension all fall inside its period).
    func committedItem(_ s: Scenario) -> ServiceItem {
        s.items.filter { $0.kind == .committed && ($0.committedLimitDays ?? 0) >= 3 }
            .min { $0.committedLimitDays! < $1.committedLimitDays! }!
    }

    func testDeadlineAcrossNationalDayAndTheMakeUpSaturday() throws {
        let accepted = CivilDate(2025, 9, 30)
        let clock = ManualClock(Stamp(accepted, 600))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: try countyHall(), clock: clock)
        let item = committedItem(store.scenario)
        let limit = item.committedLimitDays!
        let t = try store.serve(item: item.id, outcome: .accepted, clock: clock)
        let c = try store.caseInfo(try XCTUnwrap(t.caseNumber))
        XCTAssertEqual(c.state, .inReview)
        XCTAssertEqual(c.accepted?.date, accepted)
        let due = Self.expectedDeadline(accepted, limit)
        XCTAssertEqual(c.committedDeadline, due)
        if let legal = item.legalLimitDays { XCTAssertEqual(c.legalDeadline, Self.expectedDeadline(accepted, legal)) }
        // With a 1-day limit the acceptance day is excluded and the whole holiday skipped: 9 October.
        XCTAssertEqual(Self.expectedDeadline(accepted, 1), CivilDate(2025, 10, 9))
        XCTAssertEqual(Self.expectedDeadline(accepted, 3), CivilDate(2025, 10, 11), "the make-up Saturday counts")

        // Supervision day by day: green while more than one working day is left, yellow with one or
        // none (the deadline day itself), red after it.
        var d = accepted
        while d <= due.adding(days: 3) {
            let entries = try store.supervision(on: d)
            let e = try XCTUnwrap(entries.first { $0.caseNumber == c.number })
            var left = 0
            var x = d
            while x < due {
                x = x.adding(days: 1)
                if Self.isWorking(x) { left += 1 }
            }
            let expected: SupervisionLevel = d > due ? .red : (left <= 1 ? .yellow : .green)
            XCTAssertEqual(e.level, expected, "on \(d)")
            let board = try store.supervisionByDepartment(on: d)
            XCTAssertEqual(board[item.department]?[expected], 1, "on \(d)")
            XCTAssertEqual(board.values.map { $0.values.reduce(0, +) }.reduce(0, +), 1)
            if d <= due { XCTAssertEqual(e.workingDaysLeft, left, "on \(d)") }
            d = d.adding(days: 1)
        }
        XCTAssertEqual(try store.supervision(on: due, department: "nowhere").count, 0)
        // Decided: no longer supervised.
        _ = try store.decide(case: c.number, actor: manager)
        XCTAssertTrue(try store.supervision(on: due.adding(days: 5)).isEmpty)
    }

    func testASpecialProcedureStopsTheClock() throws {
        let accepted = CivilDate(2025, 9, 30)
        let clock = ManualClock(Stamp(accepted, 600))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: try countyHall(), clock: clock)
        let item = committedItem(store.scenario)
        let limit = item.committedLimitDays!
        let t = try store.serve(item: item.id, outcome: .accepted, clock: clock)
        let number = try XCTUnwrap(t.caseNumber)
        // Site inspection ordered on Thu 9 Oct, back on Tue 14 Oct: 10, 11 (make-up Saturday) and 13 Oct stop.
        clock.set(Stamp(CivilDate(2025, 10, 9), 600))
        let suspended = try store.suspend(case: number, procedure: "现场勘验 site inspection", actor: manager)
        XCTAssertEqual(suspended.state, .suspended)
        XCTAssertThrowsError(try store.decide(case: number, actor: manager)) {
            XCTAssertEqual(($0 as? OpsError)?.kind, .illegalTransition)
        }
        XCTAssertThrowsError(try store.suspend(case: number, procedure: "again", actor: manager))
        // While suspended, the days so far do not count: on 13 Oct the deadline has moved by 2 working days.
        let during = try XCTUnwrap(try store.supervision(on: CivilDate(2025, 10, 13)).first)
        XCTAssertEqual(
            during.deadline,
            Self.expectedDeadline(accepted, limit, stopped: [CivilDate(2025, 10, 10)...CivilDate(2025, 10, 13)]))
        clock.set(Stamp(CivilDate(2025, 10, 14), 600))
        let resumed = try store.resume(case: number, actor: manager)
        XCTAssertEqual(resumed.state, .inReview)
        let stopped = [CivilDate(2025, 10, 10)...CivilDate(2025, 10, 13)]
        let due = Self.expectedDeadline(accepted, limit, stopped: stopped)
        XCTAssertEqual(resumed.committedDeadline, due)
        XCTAssertGreaterThan(due, Self.expectedDeadline(accepted, limit))
        XCTAssertEqual(try store.supervision(on: due).first?.level, .yellow)
        XCTAssertEqual(try store.supervision(on: due.adding(days: 1)).first?.level, .red)
        // Back-office steps by named staff, decision, mail, archive.
        _ = try store.recordStep(case: number, step: .review, staff: "reviewer 王", actor: manager)
        _ = try store.recordStep(case: number, step: .approval, staff: "approver 李", actor: manager)
        clock.set(Stamp(CivilDate(2025, 10, 15), 600))
        let decided = try store.decide(case: number, actor: manager)
        XCTAssertEqual(decided.decided?.date, CivilDate(2025, 10, 15))
        XCTAssertEqual(try store.deliver(case: number, mode: .mail, actor: manager).state, .delivered)
        XCTAssertEqual(try store.archive(case: number, actor: manager).archived, CivilDate(2025, 10, 15))
        XCTAssertThrowsError(try store.resume(case: number, actor: manager))
    }

    func testNoticeThenReturnVisitThenCollection() throws {
        let clock = ManualClock(Stamp(CivilDate(2025, 10, 9), 600))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: try countyHall(), clock: clock)
        let item = committedItem(store.scenario)
        let first = try store.serve(item: item.id, outcome: .notice, clock: clock)
        let number = try XCTUnwrap(first.caseNumber)
        XCTAssertEqual(try store.caseInfo(number).state, .awaitingReturn)
        XCTAssertEqual(try store.caseInfo(number).firstVisit, Stamp(CivilDate(2025, 10, 9), first.issuedAt))
        clock.set(Stamp(CivilDate(2025, 10, 10), 600))
        let back = try store.serve(
            item: item.id, outcome: .accepted, clock: clock, kind: .returnVisit, caseNumber: number)
        XCTAssertEqual(back.caseNumber, number)
        var c = try store.caseInfo(number)
        XCTAssertEqual(c.visits, 2)
        XCTAssertEqual(c.accepted?.date, CivilDate(2025, 10, 10))
        XCTAssertEqual(c.committedDeadline, Self.expectedDeadline(CivilDate(2025, 10, 10), item.committedLimitDays!))
        _ = try store.decide(case: number, actor: manager)
        _ = try store.deliver(case: number, mode: .collect, actor: manager)
        clock.set(Stamp(CivilDate(2025, 10, 13), 600))
        _ = try store.serve(item: item.id, outcome: .accepted, clock: clock, kind: .collection, caseNumber: number)
        c = try store.caseInfo(number)
        XCTAssertEqual(c.state, .delivered)
        XCTAssertEqual(c.visits, 3)
        XCTAssertEqual(c.delivered?.date, CivilDate(2025, 10, 13))
    }

    func testABadRatingGetsARectificationDueDateInWorkingDays() throws {
        let clock = ManualClock(Stamp(CivilDate(2025, 9, 30), 600))
        let store = try OpsStore(
            path: try temporaryDatabase(self), scenario: try countyHall(), clock: clock,
            settings: OpsSettings(rectificationWorkingDays: 2))
        let item = store.scenario.items.first { $0.kind == .immediate }!
        let a = try store.serve(item: item.id, outcome: .immediate, clock: clock)
        let b = try store.serve(item: item.id, outcome: .immediate, clock: clock)
        let good = try store.rate(ticket: a.id, level: 5, comment: "快", actor: manager)
        XCTAssertNil(good.rectifyBy)
        let bad = try store.rate(ticket: b.id, level: 2, comment: "材料清单不清楚", actor: manager)
        XCTAssertEqual(bad.rectifyBy, CivilDate(2025, 10, 10))
        XCTAssertThrowsError(try store.rate(ticket: b.id, level: 4, comment: "", actor: manager))
        XCTAssertThrowsError(try store.rate(ticket: a.id, level: 6, comment: "", actor: manager))
        XCTAssertEqual(try store.openRectifications().map(\.id), [bad.id])
        XCTAssertThrowsError(try store.rectify(rating: good.id, note: "n/a", actor: manager))
        let done = try store.rectify(rating: bad.id, note: "清单已重印", actor: manager)
        XCTAssertNotNil(done.rectified)
        XCTAssertTrue(try store.openRectifications().isEmpty)
    }

    func testExportWritesHallsimsFiles() throws {
        let date = CivilDate(2025, 10, 9)
        let clock = ManualClock(Stamp(date, 600))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: try countyHall(), clock: clock)
        let item = committedItem(store.scenario)
        _ = try store.serve(item: item.id, outcome: .accepted, clock: clock)
        _ = try store.serve(item: item.id, outcome: .notice, clock: clock)
        try store.closeDay(date, actor: manager)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hallops-export-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        try store.export(from: date, to: date.adding(days: 1), directory: out)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(
            names,
            [
                "bookings.csv", "cases.csv", "daily.csv", "queues.csv", "report.md", "staff.csv", "steps.csv",
                "summary.json", "tickets.csv", "windows.csv",
            ])
        let tickets = try String(contentsOf: out.appendingPathComponent("tickets.csv"), encoding: .utf8)
        XCTAssertEqual(tickets.split(separator: "\n").count, 3)
        let cases = try String(contentsOf: out.appendingPathComponent("cases.csv"), encoding: .utf8)
        XCTAssertEqual(cases.split(separator: "\n").count, 3)
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json")))
            as! [String: Any]
        XCTAssertEqual(summary["replications"] as? Int, 1, "a day without applicants is no sample")
        let overall = summary["overall"] as! [String: [String: Any]]
        XCTAssertEqual(overall["served"]?["mean"] as? Double, 2)
        XCTAssertEqual(overall["notice_fraction"]?["mean"] as? Double, 0.5)
        // Case KPIs: two cases opened (one accepted, one awaiting return), one in review at the end.
        XCTAssertEqual(overall["cases"]?["mean"] as? Double, 2)
        XCTAssertEqual(overall["accepted_cases"]?["mean"] as? Double, 1)
        XCTAssertEqual(overall["backlog_end"]?["mean"] as? Double, 1)
        XCTAssertEqual((summary["period"] as? [String: Any])?["start"] as? String, "2025-10-09")
    }

    func testTheAuditTrailIsAppendOnly() throws {
        let clock = ManualClock(Stamp(CivilDate(2025, 10, 9), 600))
        let path = try temporaryDatabase(self)
        let store = try OpsStore(path: path, scenario: try countyHall(), clock: clock)
        _ = try store.createUser(name: "wang", role: .manager, passwordHash: "h", staffID: nil, actor: manager)
        let entries = try store.audit()
        XCTAssertEqual(entries.first?.action, "user.create")
        XCTAssertEqual(entries.first?.actor, "manager")
        // Even a direct SQL connection cannot rewrite or delete it.
        let raw = try DatabaseQueue(path: path)
        XCTAssertThrowsError(try raw.write { try $0.execute(sql: "UPDATE audit SET actor = 'x'") })
        XCTAssertThrowsError(try raw.write { try $0.execute(sql: "DELETE FROM audit") })
        try raw.close()
        XCTAssertEqual(try store.audit().count, entries.count)
    }
}
