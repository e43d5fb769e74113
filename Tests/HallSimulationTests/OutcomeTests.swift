import Foundation
import HallDomain
import HallMetrics
import HallRandom
import HallRunner
import HallScenarioYAML
import HallSimulation
import HallTestSupport
import XCTest

/// Front-desk tickets of a run over dates, each with its date.
final class DatedTickets: RecordSink {
    var date = CivilDate(1970, 1, 1)
    var tickets: [(date: CivilDate, record: TicketRecord)] = []
    func record(_ r: TicketRecord) { tickets.append((date, r)) }
    func record(_ r: WindowRecord) {}
    func record(_ r: QueueRecord) {}
    func record(_ r: StaffRecord) {}
}

/// The outcome policies (docs/back-office.md, "Outcomes"): traces derived by hand, and comparisons on
/// common random numbers where each KPI moves the way it must.
final class OutcomeTests: XCTestCase {
    let mon = CivilDate(2025, 3, 3)

    /// One applicant a day at 09:00 (an appointment), 10-minute intake, a 5-working-day limit, reviews
    /// of 60 working minutes picked up at once by one of five reviewers (nobody waits).
    func trace(_ item: String, extra: String = "") throws -> (Scenario, CompiledPeriod, DatedTickets, RecordBuffer) {
        let s = try inlineScenario(
            """
            name: outcomes
            day: {periods: [{open: "08:30", close: "17:30"}]}
            calendar: {file: CALENDAR, start: "2025-03-03", end: "2025-03-21"}
            departments: [{id: d}]
            items:
              - {id: x, department: d, kind: committed, committed_limit_days: 5, service_min: 10, \(item)}
            arrivals: []
            appointments:
              - {id: am, item: x, first: "09:00", last: "09:00", every_min: 60, per_slot: 1}
            windows: [{id: w, kind: department, departments: [d], count: 3}]
            back_office:
              hand_off: immediate
              pick_up: continuous
              departments:
                - {department: d, reviewers: 5, review_min: 60}
            \(extra)
            """)
        let p = CompiledPeriod(s)
        let tickets = DatedTickets()
        let cases = RecordBuffer()
        _ = simulatePeriod(
            p, seed: 11, replication: 0,
            daySink: { _, day in
                tickets.date = day.date
                return tickets
            }, caseSink: cases)
        return (s, p, tickets, cases)
    }

    /// 补正 with each clock. Case 0: Mon 3 Mar 09:00 ticket, accepted 09:10, reviewed 09:10–10:10, which
    /// asks for a correction; the applicant comes back 3 working days later (Thu 6 Mar) and the review
    /// starts again at that intake's end. Suspended: Tue–Thu do not count (deadline 5 + 3 working days
    /// after Monday, lead time without them); restarts: 5 working days after Thursday; runs: Monday's.
    func testCorrectionTraceForEachClock() throws {
        let thu = CivilDate(2025, 3, 6)
        for clock in CorrectionClock.allCases {
            let (s, p, tickets, log) = try trace(
                "correction: {probability: 1, return_after_working_days: 3, clock: \(clock.rawValue)}")
            let cal = s.period!.calendar
            let c0 = try XCTUnwrap(log.cases.first { $0.caseNumber == 0 })
            XCTAssertEqual(c0.firstVisit, Stamp(mon, 540))
            XCTAssertEqual(c0.accepted, Stamp(mon, 550))
            let steps = log.steps.filter { $0.caseNumber == 0 }.sorted { $0.arrived < $1.arrived }
            XCTAssertEqual(steps.count, 2, "the review, then the review again after the correction")
            XCTAssertEqual(steps[0].start, Stamp(mon, 550))
            XCTAssertEqual(steps[0].end, Stamp(mon, 610))
            let back = tickets.tickets.filter { $0.record.visit == .correction && $0.record.caseNumber == 0 }
            XCTAssertEqual(back.count, 1)
            XCTAssertEqual(back[0].date, thu)
            XCTAssertEqual(back[0].record.outcome, .served)
            XCTAssertEqual(steps[1].arrived, Stamp(thu, back[0].record.end), "handed over at the intake's end")
            XCTAssertEqual(steps[1].start, steps[1].arrived, "a free reviewer picks it up at once")
            XCTAssertEqual(p.workingMinutes(from: steps[1].start!, to: steps[1].end!), 60, accuracy: 1e-6)
            XCTAssertEqual(c0.decided, steps[1].end)
            XCTAssertEqual(c0.status, .decided)
            XCTAssertEqual(c0.visits, 2)
            let raw = try cal.workingDays(after: mon, through: c0.decided!.date)
            switch clock {
            case .suspended:
                XCTAssertEqual(c0.suspendedDays, 3)
                XCTAssertEqual(c0.deadline, try cal.deadline(acceptance: mon, workingDays: 8))
                XCTAssertEqual(c0.leadTimeWorkingDays, raw - 3)
            case .restarts:
                XCTAssertEqual(c0.suspendedDays, 0)
                XCTAssertEqual(c0.deadline, try cal.deadline(acceptance: thu, workingDays: 5))
                XCTAssertEqual(c0.leadTimeWorkingDays, raw)
            case .runs:
                XCTAssertEqual(c0.suspendedDays, 0)
                XCTAssertEqual(c0.deadline, try cal.deadline(acceptance: mon, workingDays: 5))
                XCTAssertEqual(c0.leadTimeWorkingDays, raw)
            }
            // Every case was asked once; no correction is asked twice.
            for c in log.cases where c.status == .decided {
                XCTAssertEqual(log.steps.filter { $0.caseNumber == c.caseNumber }.count, 2)
            }
        }
    }

    /// An applicant who never brings the correction is refused (000 art. 11) when the time to return is
    /// over: the last day to return is the 4th working day after Monday (Fri 7 Mar), so the refusal comes
    /// at the back office's opening on the next working day, Mon 10 Mar; on time (deadline Mon 10 Mar).
    func testCorrectionNeverBroughtIsRefused() throws {
        let (_, _, tickets, log) = try trace(
            "correction: {probability: 1, return_after_working_days: {min: 2, max: 4}, never_returns: 1}")
        let c0 = try XCTUnwrap(log.cases.first { $0.caseNumber == 0 })
        XCTAssertEqual(c0.status, .refused)
        XCTAssertEqual(c0.decided, Stamp(CivilDate(2025, 3, 10), 510))
        XCTAssertEqual(c0.onTime, true)
        XCTAssertEqual(c0.visits, 1)
        XCTAssertTrue(tickets.tickets.allSatisfy { $0.record.visit == .first })
    }

    /// 容缺受理: every application is incomplete and accepted with the document to follow 2 working
    /// days later: no notice, no return; the decision waits for the document (Wed 5 Mar at opening).
    /// Never supplied: the case ends then without a decision. Handed over at collection: no wait.
    func testDeferredDocumentTrace() throws {
        let wed = CivilDate(2025, 3, 5)
        let base = "incomplete_probability: 1, deferred_documents: {share: 1, "
        var (_, _, tickets, log) = try trace(base + "supplied_after_working_days: 2}")
        XCTAssertTrue(tickets.tickets.allSatisfy { $0.record.outcome == .served }, "accepted, not a notice")
        var c0 = try XCTUnwrap(log.cases.first { $0.caseNumber == 0 })
        XCTAssertEqual(c0.accepted, Stamp(mon, 550))
        XCTAssertEqual(log.steps.first { $0.caseNumber == 0 }?.end, Stamp(mon, 610))
        XCTAssertEqual(c0.decided, Stamp(wed, 510), "the decision waits for the document")
        XCTAssertEqual(c0.status, .decided)
        XCTAssertEqual(c0.visits, 1)
        (_, _, _, log) = try trace(base + "supplied_after_working_days: 2, never_supplied: 1}")
        c0 = try XCTUnwrap(log.cases.first { $0.caseNumber == 0 })
        XCTAssertEqual(c0.status, .terminated)
        XCTAssertEqual(c0.decided, Stamp(wed, 510))
        XCTAssertNil(c0.onTime)
        XCTAssertNil(c0.leadTimeWorkingDays)
        XCTAssertFalse(c0.isOverdue(on: CivilDate(2025, 3, 21)))
        (_, _, _, log) = try trace(base + "supplied_at_collection: true}")
        c0 = try XCTUnwrap(log.cases.first { $0.caseNumber == 0 })
        XCTAssertEqual(c0.decided, Stamp(mon, 610), "handed over at collection: the decision does not wait")
    }

    /// 不予受理 at the window opens no case and counts as served; 不予许可 is a decision like any other.
    func testRejectionAndRefusal() throws {
        var (_, _, tickets, log) = try trace("rejected_share: 1")
        XCTAssertTrue(tickets.tickets.allSatisfy { $0.record.outcome == .rejected && $0.record.caseNumber == nil })
        XCTAssertTrue(log.cases.isEmpty)
        (_, _, tickets, log) = try trace("refused_share: 1")
        XCTAssertTrue(log.cases.allSatisfy { $0.status == .refused || $0.status == .inReview })
        let refused = log.cases.filter { $0.status == .refused }
        XCTAssertEqual(refused.count, 15, "15 open days; the last day's case is decided that morning too")
        XCTAssertTrue(refused.allSatisfy { $0.onTime == true && $0.leadTimeWorkingDays == 0 })
    }

    /// Coming back after leaving, with probability 1 one working day later: every failed visit of a day
    /// but the last brings exactly one `retry` ticket on the next open day, and a retry that reaches a
    /// window opens a case whose first visit is the first failed one, every visit counted.
    func testComeBackBringsEachLeaverBackOnce() throws {
        let s = try inlineScenario(
            """
            name: leavers
            day: {periods: [{open: "08:30", close: "17:30"}]}
            calendar: {file: CALENDAR, start: "2025-03-03", end: "2025-03-28"}
            departments: [{id: d}]
            items:
              - {id: x, department: d, kind: immediate, service_min: {dist: exponential, mean: 6}}
            arrivals:
              - {id: a, item: x, rates: [{from: "08:30", to: "17:30", per_hour: 24}]}
            windows: [{id: w, kind: department, departments: [d], count: 2}]
            behaviour:
              patience_min: {dist: exponential, mean: 15}
            back_office:
              departments: [{department: d, reviewers: 1, review_min: 10}]
            come_back: {probability: 1, after_working_days: 1}
            """)
        let p = CompiledPeriod(s)
        let tickets = DatedTickets()
        let log = RecordBuffer()
        _ = simulatePeriod(
            p, seed: 5, replication: 0,
            daySink: { _, day in
                tickets.date = day.date
                return tickets
            }, caseSink: log)
        let days = p.hallDays.compactMap { $0?.date }
        let failed = tickets.tickets.filter {
            ($0.record.visit == .first || $0.record.visit == .retry) && !$0.record.outcome.isServed
                && $0.date != days.last
        }
        let retries = tickets.tickets.filter { $0.record.visit == .retry }
        XCTAssertGreaterThan(failed.count, 50, "the hall is busy enough for applicants to leave")
        XCTAssertEqual(retries.count, failed.count, "each leaver comes back once on the next open day")
        XCTAssertFalse(retries.contains { $0.date == days.first })
        for t in retries where t.record.outcome.isServed {
            let c = try XCTUnwrap(log.cases.first { $0.caseNumber == t.record.caseNumber })
            XCTAssertGreaterThanOrEqual(c.visits, 2)
            XCTAssertLessThan(c.firstVisit!.date, t.date)
        }
        XCTAssertTrue(retries.filter { !$0.record.outcome.isServed }.allSatisfy { $0.record.caseNumber == nil })
        // Visits are counted honestly: the cases' visits add up to the tickets that led to them.
        let viaRetry = log.cases.filter { $0.visits > 1 }
        XCTAssertGreaterThan(viaRetry.count, 20)
    }

    /// 后援式答疑: questions the guide desk refers become the department's back-office work. Three booked
    /// applicants at 09:00 only consult (5 minutes each at one guide clerk: ends 09:05, 09:10, 09:15);
    /// each question costs 30 working minutes of the one reviewer, picked up at once: 09:05–09:35,
    /// 09:35–10:05, 10:05–10:35 on Monday; no case is opened.
    func testReferredQuestionsAreBackOfficeWork() throws {
        let s = try inlineScenario(
            """
            name: referrals
            day: {periods: [{open: "08:30", close: "17:30"}]}
            calendar: {file: CALENDAR, start: "2025-03-03", end: "2025-03-03"}
            departments: [{id: d}]
            items:
              - {id: x, department: d, kind: committed, committed_limit_days: 5, service_min: 10}
            arrivals: []
            appointments:
              - {id: am, item: x, first: "09:00", last: "09:00", every_min: 60, per_slot: 3}
            windows: [{id: w, kind: department, departments: [d], count: 1}]
            guide_desk: {staff: 1, share: 1, service_min: 5, consult_only: 1, referred: 1, referral_back_office_min: 30}
            back_office:
              hand_off: immediate
              pick_up: continuous
              departments:
                - {department: d, reviewers: 1, review_min: 60}
            """)
        let log = PeriodLog(CompiledPeriod(s))
        XCTAssertTrue(log.cases.cases.isEmpty)
        XCTAssertTrue(log.tickets.tickets.isEmpty)
        let steps = log.cases.steps.sorted { $0.arrived < $1.arrived }
        XCTAssertEqual(steps.map(\.step), [.referral, .referral, .referral])
        XCTAssertTrue(steps.allSatisfy { $0.caseNumber == -1 && $0.work == 30 })
        XCTAssertEqual(steps.map { ClockTime.format($0.start!.minute) }, ["09:05", "09:35", "10:05"])
        XCTAssertEqual(steps.map { ClockTime.format($0.end!.minute) }, ["09:35", "10:05", "10:35"])
    }

    // MARK: Common random numbers

    static let crnHall = """
        name: crn
        day: {periods: [{open: "08:30", close: "12:00"}, {open: "14:00", close: "17:30"}]}
        calendar: {file: CALENDAR, start: "2025-03-03", end: "2025-04-25"}
        departments: [{id: d}]
        items:
          - {id: x, department: d, kind: committed, committed_limit_days: 5, incomplete_probability: 0.25,
             service_min: {dist: lognormal, mean: 8, cv: 0.5}ITEM}
        arrivals:
          - {id: a, item: x, rates: [{from: "08:30", to: "12:00", per_hour: 18}, {from: "14:00", to: "17:30", per_hour: 12}]}
        windows: [{id: w, kind: department, departments: [d], count: 3}]
        behaviour:
          patience_min: {dist: exponential, mean: 30}
        back_office:
          departments: [{department: d, reviewers: 3, review_min: {dist: exponential, mean: 40}}]
        notice_return: {probability: 0.9, after_working_days: {min: 1, max: 3}}
        EXTRA
        """

    func simulate(item: String = "", extra: String = "") throws -> ExperimentResult {
        let s = try inlineScenario(
            Self.crnHall.replacingOccurrences(of: "ITEM", with: item).replacingOccurrences(of: "EXTRA", with: extra))
        return Experiment.run(s, seed: 2026, replications: 0..<8)
    }

    /// B − A per replication (paired) of a case KPI.
    func paired(_ a: ExperimentResult, _ b: ExperimentResult, _ k: CaseKPI) -> Estimate {
        Estimate(
            zip(a.cases!, b.cases!).map { x, y in
                guard let u = x.overall[k] ?? nil, let v = y.overall[k] ?? nil else { return nil }
                return v - u
            })
    }

    func pairedDay(_ a: ExperimentResult, _ b: ExperimentResult, _ k: KPI) -> Estimate {
        Estimate(
            zip(a.days, b.days).map { x, y in
                guard let u = x.overall[k] ?? nil, let v = y.overall[k] ?? nil else { return nil }
                return v - u
            })
    }

    func assertAbove(_ e: Estimate, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThan(e.lower ?? -1, 0, "\(what): \(e)", file: file, line: line)
    }

    func assertBelow(_ e: Estimate, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThan(e.upper ?? 1, 0, "\(what): \(e)", file: file, line: line)
    }

    func testEachPolicyMovesItsKPIsOnCommonRandomNumbers() throws {
        let base = try simulate()
        // Deferred documents: fewer return visits, more done in one visit.
        let deferred = try simulate(
            item: ", deferred_documents: {share: 0.6, supplied_after_working_days: {min: 1, max: 3}}")
        assertAbove(paired(base, deferred, .doneInOneVisitRate), "deferred: done in one visit")
        assertBelow(paired(base, deferred, .visitsPerCase), "deferred: visits per case")
        // Coming back: failed visits now count, and more applications get in.
        let comeBack = try simulate(extra: "come_back: {probability: 0.7, after_working_days: {min: 1, max: 2}}")
        assertAbove(paired(base, comeBack, .visitsPerCase), "come back: visits per case")
        assertAbove(paired(base, comeBack, .cases), "come back: cases opened")
        // Not accepted at the window: fewer cases; the front desk's work and waits are the same.
        let rejected = try simulate(item: ", rejected_share: 0.1")
        assertBelow(paired(base, rejected, .cases), "rejected: cases")
        assertAbove(pairedDay(base, rejected, .rejected), "rejected: rejected at the window")
        let waits = pairedDay(base, rejected, .waitMean)
        XCTAssertEqual(waits.mean, 0, "a rejection at intake changes nobody's wait")
        // Refusals are decisions: same timeline, same on-time rate, some refused.
        let refused = try simulate(item: ", refused_share: 0.2")
        XCTAssertEqual(paired(base, refused, .onTimeRate).mean, 0, "a refusal on time is on time")
        XCTAssertEqual(paired(base, refused, .decided).mean, 0)
        assertAbove(paired(base, refused, .refusedCases), "refused: refusals")
        // Corrections whose wait counts: longer lead times, more visits, fewer on time.
        let corrections = try simulate(
            item: ", correction: {probability: 0.3, return_after_working_days: {min: 2, max: 4}, clock: runs}")
        assertAbove(paired(base, corrections, .leadTimeMean), "correction: lead time")
        assertAbove(paired(base, corrections, .visitsPerCase), "correction: visits per case")
        assertBelow(paired(base, corrections, .onTimeRate), "correction: on time")
    }
}
