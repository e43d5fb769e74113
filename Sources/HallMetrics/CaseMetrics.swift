import HallDomain
import HallRandom

/// Case KPIs of a run over dates, by name as they appear in summary.json (beside the front-desk KPIs,
/// overall and per lead department). Definitions: docs/back-office.md.
public enum CaseKPI: String, Sendable, CaseIterable, Codable {
    /// Cases opened at the front desk during the run (first visits that reached a window).
    case cases
    /// Cases accepted (受理) during the run, returns after a notice included.
    case accepted = "accepted_cases"
    /// Cases decided by the back office during the run (initial backlog included), refusals included.
    case decided = "decided_cases"
    /// Of those, refusals (不予许可; 不予批准 when a requested correction never came).
    case refusedCases = "refused_cases"
    /// Accepted with a deferred document that never came: ended without a decision (终结).
    case terminatedCases = "terminated_cases"
    /// Decided (granted or refused) on or before their deadline / decided (按时办结率).
    case onTimeRate = "on_time_rate"
    /// Working days from acceptance to decision (acceptance day and suspensions excluded).
    case leadTimeMean = "lead_time_mean_wd"
    case leadTimeP90 = "lead_time_p90_wd"
    /// Past their deadline at the end of the run: decided late, or still in review after it.
    case overdueCases = "overdue_cases"
    /// Accepted and not yet decided at the end of the run.
    case backlogEnd = "backlog_end"
    /// Visits to the hall per case that got what it applied for (done at the window, or granted and
    /// mailed or collected); failed visits before intake count when the applicant came back (`retry`).
    case visitsPerCase = "visits_per_case"
    /// Share of those cases that needed one visit only (一次办成率).
    case doneInOneVisitRate = "done_in_one_visit_rate"
    /// One-time notices whose applicant never came back / cases opened.
    case gaveUpRate = "gave_up_rate"
    /// Back-office waits of review and approval steps (second approvals included), from visible in the
    /// inbox to started, in back-office working minutes; a step never started waits until the end of
    /// the run (so the figure is a lower bound where steps are left). Per department that does the step.
    case reviewWaitMean = "review_wait_mean_wmin"
    case reviewWaitP90 = "review_wait_p90_wmin"
    case approvalWaitMean = "approval_wait_mean_wmin"
    case approvalWaitP90 = "approval_wait_p90_wmin"
}

/// Case KPIs of one replication (or one real period).
public struct PeriodKPIs: Sendable, Equatable {
    public var overall: [CaseKPI: Double?]
    public var departments: [String: [CaseKPI: Double?]]
    /// Per date of the run.
    public var daily: [DailyRow]
}

/// One line of daily.csv.
public struct DailyRow: Sendable, Equatable {
    public var date: CivilDate
    public var open: Bool
    /// Applicants at the front desk (from the day's front-desk KPIs; 0 when closed).
    public var arrivals: Int
    public var accepted: Int
    public var decided: Int
    public var doneAtWindow: Int
    /// In review at the end of the day.
    public var backlog: Int
    /// In review at the end of the day and past the deadline.
    public var overdue: Int
    /// The front desk that day (nil when closed or undefined): mean and p90 wait of called tickets,
    /// share called within the target, share who left without service.
    public var waitMean: Double? = nil
    public var waitP90: Double? = nil
    public var serviceLevel: Double? = nil
    public var abandoned: Double? = nil
}

/// Streams a run's case records into case KPIs. The same code measures simulated and real periods.
public final class CaseMetrics: RecordSink {
    public let catalogue: Catalogue
    let dates: [CivilDate]
    private(set) var records: [CaseRecord] = []
    /// Back-office working minutes between two instants (the run's calendar and hours); nil: step waits
    /// are not measured.
    let workingMinutes: (@Sendable (Stamp, Stamp) -> Double)?
    /// [department][0 review, 1 approval]: waits of the steps, working minutes.
    private var stepWaits: [[[Double]]]

    public init(
        catalogue: Catalogue, dates: [CivilDate], workingMinutes: (@Sendable (Stamp, Stamp) -> Double)? = nil
    ) {
        self.catalogue = catalogue
        self.dates = dates
        self.workingMinutes = workingMinutes
        stepWaits = Array(repeating: [[], []], count: catalogue.departments.count)
    }

    public func record(_ r: CaseStepRecord) {
        // Review and approval waits of cases (a referred question is no case's step).
        guard let workingMinutes, r.step != .special, r.step != .referral, let end = dates.last else { return }
        let pool = r.step == .review ? 0 : 1
        let d = Int(r.department)
        guard stepWaits.indices.contains(d) else { return }
        stepWaits[d][pool].append(max(0, workingMinutes(r.visible, r.start ?? Stamp(end, 1440))))
    }

    public func record(_ r: TicketRecord) {}
    public func record(_ r: WindowRecord) {}
    public func record(_ r: QueueRecord) {}
    public func record(_ r: StaffRecord) {}
    public func record(_ r: CaseRecord) { records.append(r) }

    /// Counters of one group of cases (overall, or a lead department), filled in one pass.
    private struct Tally {
        var opened = 0, accepted = 0, decided = 0, onTime = 0, overdue = 0, backlog = 0, gaveUp = 0
        var refused = 0, terminated = 0
        var done = 0, doneVisits = 0, doneInOne = 0
        var leads: [Double] = []

        mutating func add(_ r: CaseRecord, end: CivilDate) {
            if !r.fromBacklog {
                opened += 1
                if r.accepted != nil { accepted += 1 }
                if r.status == .gaveUp { gaveUp += 1 }
                if r.status == .doneAtWindow || (r.status == .decided && (r.delivery == .mail || r.collected != nil)) {
                    done += 1
                    doneVisits += r.visits
                    if r.visits == 1 { doneInOne += 1 }
                }
            }
            if r.status.isDecision {
                decided += 1
                if r.status == .refused { refused += 1 }
                if r.onTime == true { onTime += 1 }
                if let l = r.leadTimeWorkingDays { leads.append(Double(l)) }
            }
            if r.status == .terminated { terminated += 1 }
            if r.status == .inReview { backlog += 1 }
            if r.isOverdue(on: end) { overdue += 1 }
        }

        var kpis: [CaseKPI: Double?] {
            var k: [CaseKPI: Double?] = [:]
            k[.cases] = Double(opened)
            k[.accepted] = Double(accepted)
            k[.decided] = Double(decided)
            k[.refusedCases] = Double(refused)
            k[.terminatedCases] = Double(terminated)
            k[.onTimeRate] = decided > 0 ? Double(onTime) / Double(decided) : nil
            k[.leadTimeMean] = leads.isEmpty ? nil : Statistics.mean(leads)
            k[.leadTimeP90] = Statistics.quantile(leads, 0.9)
            k[.overdueCases] = Double(overdue)
            k[.backlogEnd] = Double(backlog)
            k[.visitsPerCase] = done > 0 ? Double(doneVisits) / Double(done) : nil
            k[.doneInOneVisitRate] = done > 0 ? Double(doneInOne) / Double(done) : nil
            k[.gaveUpRate] = opened > 0 ? Double(gaveUp) / Double(opened) : nil
            return k
        }
    }

    /// The KPIs; `arrivals` gives the front desk's applicants per date (nil: closed), `frontDesk` each
    /// open date's front-desk KPIs for daily.csv.
    public func result(arrivals: [CivilDate: Int], frontDesk: [CivilDate: DayKPIs] = [:]) -> PeriodKPIs {
        let end = dates.last ?? CivilDate(1970, 1, 1)
        var overall = Tally()
        var byDepartment = [Tally](repeating: Tally(), count: catalogue.departments.count)
        for r in records {
            overall.add(r, end: end)
            byDepartment[Int(r.department)].add(r, end: end)
        }
        var departments: [String: [CaseKPI: Double?]] = [:]
        var overallK = overall.kpis
        for (d, id) in catalogue.departments.enumerated() { departments[id] = byDepartment[d].kpis }
        if workingMinutes != nil {
            func waits(_ k: inout [CaseKPI: Double?], _ review: [Double], _ approval: [Double]) {
                k[.reviewWaitMean] = review.isEmpty ? nil : Statistics.mean(review)
                k[.reviewWaitP90] = Statistics.quantile(review, 0.9)
                k[.approvalWaitMean] = approval.isEmpty ? nil : Statistics.mean(approval)
                k[.approvalWaitP90] = Statistics.quantile(approval, 0.9)
            }
            for (d, id) in catalogue.departments.enumerated() {
                waits(&departments[id, default: [:]], stepWaits[d][0], stepWaits[d][1])
            }
            waits(&overallK, stepWaits.flatMap { $0[0] }, stepWaits.flatMap { $0[1] })
        }
        return PeriodKPIs(
            overall: overallK, departments: departments, daily: daily(arrivals: arrivals, frontDesk: frontDesk))
    }

    private func daily(arrivals: [CivilDate: Int], frontDesk: [CivilDate: DayKPIs]) -> [DailyRow] {
        let index = Dictionary(uniqueKeysWithValues: dates.enumerated().map { ($1, $0) })
        let n = dates.count
        var accepted = [Int](repeating: 0, count: n)
        var decided = accepted
        var atWindow = accepted
        // Backlog and overdue by difference arrays: a case is in review from its acceptance day to the
        // day before its decision (or the end), and overdue from the day after its deadline.
        var inReview = [Int](repeating: 0, count: n + 1)
        var overdue = inReview
        for r in records {
            if r.status == .doneAtWindow {
                if let d = r.decided?.date, let k = index[d] { atWindow[k] += 1 }
                continue
            }
            guard let a = r.accepted?.date else { continue }
            if !r.fromBacklog, let k = index[a] { accepted[k] += 1 }
            if r.status.isDecision, let d = r.decided?.date, let k = index[d] { decided[k] += 1 }
            let from = a < dates[0] ? 0 : (index[a] ?? n)
            let until = r.status.isClosedByBackOffice ? (r.decided.flatMap { index[$0.date] } ?? n) : n  // exclusive
            guard from < until else { continue }
            inReview[from] += 1
            inReview[until] -= 1
            if let deadline = r.deadline {
                let late = deadline < dates[0] ? 0 : (index[deadline].map { $0 + 1 } ?? n)
                if max(from, late) < until {
                    overdue[max(from, late)] += 1
                    overdue[until] -= 1
                }
            }
        }
        var rows: [DailyRow] = []
        var backlog = 0
        var late = 0
        for (k, d) in dates.enumerated() {
            backlog += inReview[k]
            late += overdue[k]
            let f = frontDesk[d]?.overall
            rows.append(
                DailyRow(
                    date: d, open: arrivals[d] != nil, arrivals: arrivals[d] ?? 0, accepted: accepted[k],
                    decided: decided[k],
                    doneAtWindow: atWindow[k], backlog: backlog, overdue: late, waitMean: f?[.waitMean] ?? nil,
                    waitP90: f?[.waitP90] ?? nil, serviceLevel: f?[.serviceLevel] ?? nil,
                    abandoned: f?[.abandonedFraction] ?? nil))
        }
        return rows
    }
}

extension DayKPIs {
    /// The mean day of a run over dates: each KPI averaged over the open days where it is defined
    /// (window utilisation likewise); the Little's-law integrals are summed.
    public static func mean(of days: [DayKPIs]) -> DayKPIs {
        func average<K: Hashable>(_ maps: [[K: Double?]]) -> [K: Double?] {
            var sums: [K: (Double, Int)] = [:]
            var keys = Set<K>()
            for m in maps {
                for (k, v) in m {
                    keys.insert(k)
                    if let v {
                        sums[k, default: (0, 0)].0 += v
                        sums[k, default: (0, 0)].1 += 1
                    }
                }
            }
            var out: [K: Double?] = [:]
            for k in keys { out[k] = sums[k].map { $0.0 / Double($0.1) } }
            return out
        }
        func byKey(_ maps: [[String: [String: Double?]]]) -> [String: [String: Double?]] {
            let keys = Set(maps.flatMap(\.keys))
            return Dictionary(uniqueKeysWithValues: keys.map { k in (k, average(maps.compactMap { $0[k] })) })
        }
        let departmentKeys = Set(days.flatMap(\.departments.keys))
        let hourKeys = Set(days.flatMap(\.hours.keys))
        return DayKPIs(
            overall: average(days.map(\.overall)),
            departments: Dictionary(
                uniqueKeysWithValues: departmentKeys.map { k in (k, average(days.compactMap { $0.departments[k] })) }),
            hours: Dictionary(
                uniqueKeysWithValues: hourKeys.map { k in (k, average(days.compactMap { $0.hours[k] })) }),
            windowUtilisation: average(days.map(\.windowUtilisation)),
            queueArea: days.reduce(0) { $0 + $1.queueArea }, waitSum: days.reduce(0) { $0 + $1.waitSum },
            busyArea: days.reduce(0) { $0 + $1.busyArea }, serviceSum: days.reduce(0) { $0 + $1.serviceSum },
            queueByHour: byKey(days.map(\.queueByHour)),
            windowUtilisationByHour: byKey(days.map(\.windowUtilisationByHour)))
    }
}
