import Foundation
import HallDomain
import HallMetrics
import HallRandom
import HallRunner
import HallScenarioYAML
import HallSimulation
import HallTestSupport
import XCTest

/// Runs a period and keeps its case and step records (and the front desk's tickets).
final class PeriodLog {
    let tickets = RecordBuffer()
    let cases = RecordBuffer()
    let stats: PeriodStats
    init(_ p: CompiledPeriod, seed: UInt64 = 20_261_124, replication: Int = 0) {
        let t = tickets
        stats = simulatePeriod(p, seed: seed, replication: replication, daySink: { _, _ in t }, caseSink: cases)
    }
}

/// A scenario written inline, with the repository's calendar.
func inlineScenario(_ yaml: String, file: String = "inline.yaml") throws -> Scenario {
    try ScenarioLoader.parse(
        yaml: yaml.replacingOccurrences(
            of: "CALENDAR", with: repoRoot.appendingPathComponent("calendars/china.yaml").path),
        file: file)
}

final class BackOfficeTests: XCTestCase {
    /// The back-office planner's surrogate (`replayPeriod`): a run's front desk replayed with the same back
    /// office gives the same steps and decisions, record for record, where no correction sends an applicant
    /// back (collections are served at their planned time, which no step sees). With corrections, and with
    /// other back-office staff, it stays close to a full run: the on-time rates per department of two
    /// replications of the county hall's October agree like two samples of the same hall.
    func testReplayedDeskGivesTheFullRunsBackOffice() throws {
        var county = try countyHall()
        county.period!.end = CivilDate(2025, 10, 24)
        var noCorrections = county
        for i in noCorrections.items.indices { noCorrections.items[i].correction = nil }
        let days = RecordBuffer()
        func decisions(_ cases: [CaseRecord]) -> [String] {
            cases.map { "\($0.caseNumber) \($0.accepted.map { "\($0)" } ?? "-") \($0.decided.map { "\($0)" } ?? "-")" }
        }
        let p = CompiledPeriod(noCorrections)
        let full = RecordBuffer()
        let (_, desk) = simulatePeriod(
            p, seed: 3, replication: 1, daySink: { _, _ in days }, caseSink: full, recordingDesk: true)
        let replayed = RecordBuffer()
        _ = replayPeriod(p, desk: try XCTUnwrap(desk), seed: 3, replication: 1, caseSink: replayed)
        XCTAssertGreaterThan(full.steps.count, 1_000)
        XCTAssertEqual(replayed.steps, full.steps)
        XCTAssertEqual(decisions(replayed.cases), decisions(full.cases))

        // Corrections on, and two reviewers fewer everywhere they can go: full runs against replays of the
        // base's desks.
        var fewer = county
        for k in fewer.backOffice!.departments.indices
        where (fewer.backOffice!.departments[k].reviewers.first?.count ?? 0) > 2 {
            fewer.backOffice!.departments[k].reviewers[0].count -= 2
        }
        XCTAssertNotEqual(fewer.backOffice, county.backOffice)
        let base = CompiledPeriod(county)
        let other = CompiledPeriod(fewer)
        var gaps: [String] = []
        for r in 0..<2 {
            let (_, desk) = simulatePeriod(
                base, seed: 3, replication: r, daySink: { _, _ in days }, caseSink: RecordBuffer(), recordingDesk: true)
            let full = CaseMetrics(catalogue: county.catalogue, dates: other.dates)
            _ = simulatePeriod(other, seed: 3, replication: r, daySink: { _, _ in days }, caseSink: full)
            let replay = CaseMetrics(catalogue: county.catalogue, dates: other.dates)
            _ = replayPeriod(other, desk: try XCTUnwrap(desk), seed: 3, replication: r, caseSink: replay)
            let a = full.result(arrivals: [:])
            let b = replay.result(arrivals: [:])
            for d in county.catalogue.departments {
                guard let x = (a.departments[d]?[.onTimeRate]) ?? nil, let y = (b.departments[d]?[.onTimeRate]) ?? nil,
                    let n = (a.departments[d]?[.decided]) ?? nil, let m = (b.departments[d]?[.decided]) ?? nil
                else { continue }
                // A full run's desk follows the back office (collections take numbers and draws), so after a
                // few days its applicants are other draws than the replay's: the two differ like two samples
                // of the same hall, within 3 standard errors of a difference of two shares.
                let pooled = (x * n + y * m) / (n + m)
                let se = (pooled * (1 - pooled) * (1 / n + 1 / m)).squareRoot()
                gaps.append(String(format: "%@ %.3f/%.3f (%.0f)", d, x, y, n))
                XCTAssertLessThanOrEqual(
                    abs(x - y), max(3 * se, 0.005),
                    "replication \(r), \(d): on time \(x) of \(n) in full, \(y) replayed")
            }
        }
        print("replayed back office, on-time rate full/replayed: " + gaps.joined(separator: ", "))
        XCTAssertGreaterThanOrEqual(gaps.count, 2 * 10, "most departments decide cases in both runs")
    }

    /// With immediate hand-off, continuous pick-up and exponential reviews, the back office in working
    /// minutes is M/M/3: the wait for a reviewer matches Erlang C (99 % interval over independent years).
    func testBackOfficeIsMMcInWorkingTime() throws {
        let s = try validationScenario("back-office-mmc")
        let p = CompiledPeriod(s)
        let (c, lambda, mu) = (3, 6.0 / 60, 1.0 / 24)
        var waits: [Double?] = []
        var delayed: [Double?] = []
        let warm = CivilDate(2025, 2, 1)
        for r in 0..<24 {
            let log = PeriodLog(p, replication: r)
            let steps = log.cases.steps.filter { $0.arrived.date >= warm && $0.start != nil }
            XCTAssertGreaterThan(steps.count, 8000)
            let w = steps.map { p.workingMinutes(from: $0.visible, to: $0.start!) }
            waits.append(mean(w))
            delayed.append(Double(w.filter { $0 > 1e-9 }.count) / Double(w.count))
        }
        let wq = QueueingTheory.mmcMeanWait(servers: c, arrivalRate: lambda, serviceRate: mu)
        let pw = QueueingTheory.erlangC(servers: c, load: lambda / mu)
        assertMatches(Estimate(waits, confidence: 0.99), wq, relativeWidth: 0.12, "Wq (working minutes)")
        assertMatches(Estimate(delayed, confidence: 0.99), pw, relativeWidth: 0.03, "P(wait)")
    }

    /// Little's law on the back office's stock, day by day: the mean backlog at the end of a working day
    /// equals acceptances per working day × mean lead time in working days (daily.csv against cases.csv).
    func testLittlesLawOnBacklog() throws {
        var s = try validationScenario("back-office-mmc")
        s.backOffice!.departments[0].reviewTime = .exponential(mean: 300)  // reviews of most of a day
        s.backOffice!.departments[0].reviewers = [BackOfficeStaff(count: 33)]
        let result = Experiment.run(s, seed: 7, replications: 0..<3, records: .all)
        for (rep, log) in result.logs.enumerated() {
            let daily = result.cases![rep].daily
            let cal = s.period!.calendar
            let working = daily.filter { (try? cal.isWorkingDay($0.date)) == true }
            // Only cases accepted and decided inside the run; count working days over the whole run.
            let decided = log!.cases.filter { $0.status == .decided }
            let inReview = log!.cases.filter { $0.status == .inReview }.count
            XCTAssertLessThan(inReview, 60)
            let lhs = Double(working.reduce(0) { $0 + $1.backlog })
            let rhs = Double(decided.reduce(0) { $0 + ($1.leadTimeWorkingDays ?? 0) })
            // The cases still open at the end add at most their days in review.
            XCTAssertEqual(lhs, rhs, accuracy: Double(inReview) * 20 + 1, "Σ backlog vs Σ lead time")
            let meanBacklog = lhs / Double(working.count)
            let perDay = Double(decided.count) / Double(working.count)
            let meanLead = rhs / Double(decided.count)
            XCTAssertEqual(meanBacklog, perDay * meanLead, accuracy: 0.02 * meanBacklog)
            XCTAssertGreaterThan(meanLead, 0.5)
        }
    }

    static let traceYAML = """
        name: trace
        day:
          periods:
            - {open: "08:30", close: "12:00"}
            - {open: "14:00", close: "17:30"}
        calendar:
          file: CALENDAR
          start: "2025-09-29"
          end: "2025-10-09"
          overrides:
            - {date: "2025-10-09", closed: true}
        departments: [{id: d}]
        items:
          - {id: x, department: d, kind: committed, committed_limit_days: 1, legal_limit_days: 5, service_min: 10}
        arrivals: []
        appointments:
          - {id: am, item: x, first: "09:00", last: "09:00", every_min: 60, per_slot: 1}
          - {id: pm, item: x, first: "15:00", last: "15:00", every_min: 60, per_slot: 1}
        windows: [{id: w, kind: department, departments: [d], count: 1}]
        back_office:
          PICKUP
          departments:
            - {department: d, reviewers: 1, review_min: 60}
        """

    /// Hand-off cut-offs and check times on a trace derivable by hand (004: morning intake by 15:30,
    /// afternoon intake by 9:00 the next working day; staff look at 11:00 and 17:00), across the National
    /// Day holiday of 2025 (1–8 October) and a closure of the hall on 9 October (the back office works).
    func testHandOffAndCheckTimesTrace() throws {
        let s = try inlineScenario(
            Self.traceYAML.replacingOccurrences(of: "PICKUP", with: "pick_up: {check_times: [\"11:00\", \"17:00\"]}"))
        let p = CompiledPeriod(s)
        XCTAssertEqual(p.hallDays.compactMap { $0?.date.description }, ["2025-09-29", "2025-09-30"])
        let log = PeriodLog(p)
        func steps(_ c: Int32) -> [String] {
            log.cases.steps.filter { $0.caseNumber == c }.map {
                "\($0.arrived) | \($0.visible) | \($0.start!) | \($0.end!)"
            }
        }
        // Mon 09:00 ticket, accepted 09:10 → back office 15:30 → seen 17:00 → 30 min Mon + 30 min Tue.
        XCTAssertEqual(
            steps(0), ["2025-09-29 15:30:00 | 2025-09-29 17:00:00 | 2025-09-29 17:00:00 | 2025-09-30 09:00:00"])
        // Mon 15:00 ticket, accepted 15:10 → Tue 09:00 → seen 11:00 → done at 12:00.
        XCTAssertEqual(
            steps(1), ["2025-09-30 09:00:00 | 2025-09-30 11:00:00 | 2025-09-30 11:00:00 | 2025-09-30 12:00:00"])
        // Tue 09:10 → 15:30 → seen 17:00 → 30 min Tue, then the holiday, 30 min on Thu 9 Oct.
        XCTAssertEqual(
            steps(2), ["2025-09-30 15:30:00 | 2025-09-30 17:00:00 | 2025-09-30 17:00:00 | 2025-10-09 09:00:00"])
        // Tue 15:10 → the next working day, 9 Oct, 09:00 → seen 11:00 → 12:00.
        XCTAssertEqual(
            steps(3), ["2025-10-09 09:00:00 | 2025-10-09 11:00:00 | 2025-10-09 11:00:00 | 2025-10-09 12:00:00"])
        let cases = log.cases.cases
        XCTAssertEqual(
            cases.map { $0.deadline?.description ?? "" }, ["2025-09-30", "2025-09-30", "2025-10-09", "2025-10-09"])
        XCTAssertEqual(cases.map { $0.leadTimeWorkingDays ?? -1 }, [1, 1, 1, 1])
        XCTAssertEqual(cases.map { $0.onTime }, [true, true, true, true])

        // Continuous pick-up: work is seen at hand-off; case 1 waits for case 0 to finish at 09:00.
        let c = try inlineScenario(Self.traceYAML.replacingOccurrences(of: "PICKUP", with: "pick_up: continuous"))
        let cl = PeriodLog(CompiledPeriod(c))
        XCTAssertEqual(
            cl.cases.steps.map { "\($0.start!)→\($0.end!)" },
            [
                "2025-09-29 15:30:00→2025-09-29 16:30:00", "2025-09-30 09:00:00→2025-09-30 10:00:00",
                "2025-09-30 15:30:00→2025-09-30 16:30:00", "2025-10-09 09:00:00→2025-10-09 10:00:00",
            ])
    }

    /// One-time notices bring applicants back (loading the front desk) and cost visits: with notices on
    /// 30 % of first visits and every applicant returning with complete materials, 1.3 visits per case and
    /// 70 % done in one visit; collection of half the results adds 0.5 visits to committed cases.
    func testReturnVisitsAndCollection() throws {
        let yaml = """
            name: returns
            day: {periods: [{open: "08:30", close: "17:30"}]}
            calendar: {file: CALENDAR, start: "2025-03-03", end: "2025-08-29"}
            departments: [{id: d}]
            items:
              - {id: now, department: d, kind: immediate, service_min: 1, incomplete_probability: 0.3}
              - {id: later, department: d, kind: committed, committed_limit_days: 3, service_min: 1}
              - {id: pickup, department: d, kind: immediate, service_min: 1}
            arrivals:
              - {id: a, department: d, shares: {now: 0.5, later: 0.5}, rates: [{from: "08:30", to: "17:30", per_hour: 10}]}
            windows: [{id: w, kind: department, departments: [d], count: 6}]
            notice_return: {probability: 1, after_working_days: {min: 1, max: 4}, incomplete_again: 0}
            delivery: {collect_share: 0.5, collect_item: pickup, collect_after_working_days: 2}
            back_office:
              departments: [{department: d, reviewers: 4, review_min: {dist: exponential, mean: 20}}]
            """
        let s = try inlineScenario(yaml)
        let log = PeriodLog(CompiledPeriod(s))
        let cases = log.cases.cases
        let now = cases.filter { $0.item == 0 && $0.status == .doneAtWindow }
        let later = cases.filter {
            $0.item == 1 && $0.status == .decided && ($0.delivery == .mail || $0.collected != nil)
        }
        let visitsNow = Double(now.reduce(0) { $0 + $1.visits }) / Double(now.count)
        let visitsLater = Double(later.reduce(0) { $0 + $1.visits }) / Double(later.count)
        let firstVisits = Double(cases.filter { $0.item == 0 }.count)
        // Binomial standard errors are about 0.006 here; allow 4 of them.
        XCTAssertEqual(visitsNow, 1.3, accuracy: 0.025)
        XCTAssertEqual(visitsLater, 1.5, accuracy: 0.03)
        // Every return and collection took a ticket of its own.
        let returns = log.tickets.tickets.filter { $0.visit == .return }.count
        let collections = log.tickets.tickets.filter { $0.visit == .collection }
        XCTAssertEqual(Double(returns) / firstVisits, 0.3, accuracy: 0.025)
        XCTAssertTrue(collections.allSatisfy { $0.item == 2 && $0.caseNumber != nil })
        XCTAssertTrue(log.tickets.tickets.filter { $0.visit != .first }.allSatisfy { $0.caseNumber != nil })
        // The KPIs say the same.
        let k = CaseMetrics(catalogue: s.catalogue, dates: s.period!.dates)
        for c in cases { k.record(c) }
        let kpis = k.result(arrivals: [:]).overall
        XCTAssertEqual(
            (kpis[.doneInOneVisitRate] ?? 0)!,
            Double(now.filter { $0.visits == 1 }.count + later.filter { $0.visits == 1 }.count)
                / Double(now.count + later.count), accuracy: 1e-12)
    }

    /// Special procedures suspend the clock: the deadline moves by the suspended working days and lead
    /// times leave them out; joint cases wait for every department.
    func testSpecialProceduresAndJointCases() throws {
        let yaml = """
            name: special
            day: {periods: [{open: "08:30", close: "17:30"}]}
            calendar: {file: CALENDAR, start: "2025-03-03", end: "2025-05-30"}
            departments: [{id: a}, {id: b}]
            items:
              - {id: hearing, department: a, kind: committed, committed_limit_days: 10, review_depth: special,
                 special: {name: hearing, probability: 0.5, working_days: {min: 3, max: 6}}, service_min: 1}
              - {id: joint, department: a, kind: committed, committed_limit_days: 8, joint: [b], review_depth: review_approval, service_min: 1}
            arrivals:
              - {id: x, department: a, shares: {hearing: 0.5, joint: 0.5}, rates: [{from: "08:30", to: "17:30", per_hour: 3}]}
            windows: [{id: w, kind: department, departments: [a], count: 2}]
            back_office:
              departments:
                - {department: a, reviewers: 2, approvers: 1, review_min: 30, approval_min: 10, discipline: edf}
                - {department: b, reviewers: 1, approvers: 1, review_min: {dist: exponential, mean: 60}, approval_min: 10}
            """
        let s = try inlineScenario(yaml)
        let p = CompiledPeriod(s)
        let log = PeriodLog(p)
        let cal = s.period!.calendar
        let hearings = log.cases.cases.filter { $0.item == 0 && $0.status == .decided }
        let suspended = hearings.filter { $0.suspendedDays > 0 }
        XCTAssertEqual(Double(suspended.count) / Double(hearings.count), 0.5, accuracy: 0.12)
        for c in suspended {
            XCTAssertTrue((3...6).contains(c.suspendedDays))
            let plain = try cal.deadline(acceptance: c.accepted!.date, workingDays: 10)
            let extended = try cal.deadline(acceptance: c.accepted!.date, workingDays: 10 + c.suspendedDays)
            XCTAssertEqual(c.deadline, extended, "suspended days inside the limit extend it day for day")
            XCTAssertLessThan(plain, extended)
            let raw = try cal.workingDays(after: c.accepted!.date, through: c.decided!.date)
            XCTAssertEqual(c.leadTimeWorkingDays, raw - c.suspendedDays)
            let special = log.cases.steps.filter { $0.caseNumber == c.caseNumber && $0.step == .special }
            XCTAssertEqual(special.count, 1)
        }
        let joint = log.cases.cases.filter { $0.item == 1 && $0.status == .decided }
        XCTAssertGreaterThan(joint.count, 50)
        for c in joint {
            let steps = log.cases.steps.filter { $0.caseNumber == c.caseNumber }
            XCTAssertEqual(Set(steps.map(\.department)), [0, 1])
            XCTAssertEqual(steps.count, 4)  // review + approval in each department
            XCTAssertEqual(c.decided, steps.compactMap(\.end).max(), "one result when the last department is done")
        }
    }

    /// Earliest deadline first against FIFO on common random numbers: with urgent (1 working day) and
    /// patient (15) cases sharing busy reviewers, EDF keeps more cases on time.
    func testEarliestDeadlineFirstBeatsFIFOOnMixedLimits() throws {
        let yaml = """
            name: edf
            day: {periods: [{open: "08:30", close: "12:00"}, {open: "14:00", close: "17:30"}]}
            calendar: {file: CALENDAR, start: "2025-03-03", end: "2025-06-27"}
            departments: [{id: d}]
            items:
              - {id: urgent, department: d, kind: committed, committed_limit_days: 1, service_min: 1}
              - {id: patient, department: d, kind: committed, committed_limit_days: 15, service_min: 1}
            arrivals:
              - {id: a, department: d, shares: {urgent: 0.5, patient: 0.5}, rates: [{from: "08:30", to: "12:00", per_hour: 6}, {from: "14:00", to: "17:30", per_hour: 6}]}
            windows: [{id: w, kind: department, departments: [d], count: 3}]
            back_office:
              departments: [{department: d, reviewers: 3, review_min: {dist: exponential, mean: 29}, discipline: DISCIPLINE}]
            """
        let fifo = try inlineScenario(yaml.replacingOccurrences(of: "DISCIPLINE", with: "fifo"))
        let edf = try inlineScenario(yaml.replacingOccurrences(of: "DISCIPLINE", with: "edf"))
        let c = Comparison(
            a: Experiment.run(fifo, seed: 5, replications: 0..<10),
            b: Experiment.run(edf, seed: 5, replications: 0..<10),
            aName: "fifo", bName: "edf")
        let onTime = try XCTUnwrap(c.rows.first { $0.kpi == "on_time_rate" })
        XCTAssertTrue(onTime.significant, onTime.sentence)
        XCTAssertGreaterThan(onTime.difference.mean!, 0, onTime.sentence)
        print("EDF against FIFO: \(onTime.sentence) (FIFO \(onTime.a.mean!), EDF \(onTime.b.mean!))")
        XCTAssertLessThan(onTime.a.mean!, 0.97, "FIFO must miss deadlines for the comparison to mean something")
    }

    /// The result of a run over dates does not depend on the number of threads.
    func testPeriodRunIsIndependentOfThreads() throws {
        let s = try validationScenario("back-office-mmc")
        let one = try Experiment.run(s, seed: 3, replications: 0..<3, threads: 1, records: .first).files()
        let two = try Experiment.run(s, seed: 3, replications: 0..<3, threads: 2, records: .first).files()
        XCTAssertEqual(one.map(\.name), two.map(\.name))
        for (a, b) in zip(one, two) { XCTAssertEqual(a.data, b.data, a.name) }
        XCTAssertTrue(one.map(\.name).contains("cases.csv") && one.map(\.name).contains("daily.csv"))
    }
}
