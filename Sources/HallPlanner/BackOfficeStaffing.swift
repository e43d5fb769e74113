import Foundation
import HallDomain
import HallMetrics
import HallRandom
import HallSimulation

/// One department's planned back office, confirmed on fresh replications beside the base staffing.
public struct BackOfficeDepartmentPlan: Sendable, Codable {
    public var department: String
    public var reviewers: Int
    public var approvers: Int
    public var baseReviewers: Int
    public var baseApprovers: Int
    /// The analytic seed (utilisation below `BackOfficeStaffing.seedUtilisation`).
    public var seedReviewers: Int
    public var seedApprovers: Int
    /// Offered work per working day (working minutes), reviews and approvals, from the first simulation.
    public var reviewWorkPerDay: Double
    public var approvalWorkPerDay: Double
    /// Offered utilisation of the planned reviewers and approvers (offered work / their working time).
    public var reviewUtilisation: Double?
    public var approvalUtilisation: Double?
    /// Pooled on-time rate on the tuning replications of the final counts (their back office over the seed
    /// simulation's front desk, replayed: `replayPeriod`).
    public var tuningOnTimeRate: Double?
    /// Fresh replications: planned, base, and planned − base paired by replication.
    public var onTimeRate: Estimate
    public var baseOnTimeRate: Estimate
    public var onTimeDifference: Estimate
    public var leadTimeMean: Estimate
    public var baseLeadTimeMean: Estimate
    public var backlogEnd: Estimate
    public var baseBacklogEnd: Estimate
    public var decidedPerReplication: Double
    /// Whether the target is met on the tuning replications (replayed, like `tuningOnTimeRate`).
    public var meetsTarget: Bool
}

/// The planned back office of a multi-day base.
public struct BackOfficePlan: Sendable {
    public var target: Double
    public var departments: [BackOfficeDepartmentPlan]
    /// The base scenario with the planned counts (it runs over the same dates).
    public var scenario: Scenario
    public var rounds: Int
    /// Back-office working hours of the period per clerk, and the cost of the plan and of the base.
    public var hoursPerClerk: Double
    public var cost: Double
    public var baseCost: Double
    public var problems: [String]

    /// Staff over all departments: planned and base, reviewers and approvers.
    public var totals: (reviewers: Int, approvers: Int, baseReviewers: Int, baseApprovers: Int) {
        departments.reduce((0, 0, 0, 0)) {
            ($0.0 + $1.reviewers, $0.1 + $1.approvers, $0.2 + $1.baseReviewers, $0.3 + $1.baseApprovers)
        }
    }
}

/// Back-office staffing (docs/planner.md, "Back office"): per department the least reviewers and
/// approvers whose on-time rate (按时办结率) over the base's period reaches the target. An analytic seed
/// (offered work per working day over a clerk's working minutes, utilisation below 0.85) is corrected by
/// running the whole period's back office on the tuning replications over the front desk of the seed's
/// simulation, replayed (`replayPeriod`; common random numbers: each department draws its work from its
/// own streams): a department below target gets a clerk in the pool where its late cases became late; one
/// at or above target loses clerks, and a removal that fails is undone and that pool is not trimmed again.
/// The result is confirmed by full runs on fresh replications beside the base staffing.
public enum BackOfficeStaffing {
    static let seedUtilisation = 0.85

    public static func plan(
        _ base: Scenario, _ spec: PlanningSpec, threads: Int? = nil, progress: ((String) -> Void)? = nil
    ) -> BackOfficePlan? {
        guard let target = spec.targets.onTimeRate, base.period != nil, let rules = base.backOffice else { return nil }
        let bounds = spec.backOffice
        let ids = base.catalogue.departments
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let depts = rules.departments.map(\.department)
        let di = depts.map { index[$0]! }
        let total = { (g: [BackOfficeStaff]) in g.reduce(0) { $0 + $1.count } }
        let baseCounts = rules.departments.map { [total($0.reviewers), total($0.approvers)] }
        let minutes = BackOfficeRun.workingMinutes(base)
        let workingDays = max(Double(workingDayCount(base)), 1)
        let tuning = Array(0..<spec.replications)
        let fresh = Array(spec.replications..<(spec.replications + spec.confirmReplications))
        let limit = [bounds.maxReviewers, bounds.maxApprovers]
        var problems: [String] = []

        // Seed: offered work per pool from a simulation of the base. Approvals offered are those that
        // follow every review (finished reviews understate them when reviewers are short).
        // Its front desks are kept: the rounds replay them with other back-office staff (a surrogate; the
        // plan is confirmed by full runs on fresh replications).
        let recorded = BackOfficeRun.recorded(base, seed: spec.seed, replications: tuning, threads: threads)
        let first = recorded.map(\.tally)
        let desks = recorded.map { $0.desk! }  // recorded: one desk per replication
        func tuningRun(_ counts: [[Int]]) -> [BackOfficeTally] {
            BackOfficeRun.replay(
                scenario(base, counts), desks: desks, seed: spec.seed, replications: tuning, threads: threads)
        }
        var offered: [[Double]] = []
        var seed: [[Int]] = []
        // Stability floor: the least count whose offered utilisation is below 1. A queue above it grows
        // without bound, which a month's on-time rate may not show when limits are longer than the month.
        var floor: [[Int]] = []
        for (k, d) in di.enumerated() {
            let work0 = first.reduce(0) { $0 + $1.work[d][0] }
            let steps0 = first.reduce(0) { $0 + $1.steps[d][0] }
            let work1 = first.reduce(0) { $0 + $1.work[d][1] }
            let steps1 = first.reduce(0) { $0 + $1.steps[d][1] }
            let ended = first.reduce(0) { $0 + $1.reviewsEnded[d] }
            let perReview = ended > 0 ? Double(steps1) / Double(ended) : 0
            let meanApproval = steps1 > 0 ? work1 / Double(steps1) : 0
            let reps = Double(first.count)
            let review = work0 / reps
            let approval = Double(steps0) * perReview * meanApproval / reps
            offered.append([review / workingDays, approval / workingDays])
            floor.append(
                (0..<2).map { pool in
                    if baseCounts[k][pool] == 0 { return 0 }
                    let load = (pool == 0 ? review : approval) / max(minutes, 1e-9)
                    return max(1, Int(load.rounded(.down)) + 1)
                })
            seed.append(
                (0..<2).map { pool in
                    if baseCounts[k][pool] == 0 { return 0 }  // a pool the department does not have stays empty
                    let load = (pool == 0 ? review : approval) / max(minutes, 1e-9)
                    var n = max(1, Int((load / seedUtilisation).rounded(.down)) + 1)
                    if let m = limit[pool] { n = min(n, max(m, 1)) }
                    return n
                })
        }

        // Simulate and adjust, all departments in the same round.
        enum Phase { case adding, trimming, done }
        var counts = seed
        var phase = [Phase](repeating: .adding, count: depts.count)
        var lastPassing: [[Int]?] = Array(repeating: nil, count: depts.count)
        var noTrim = Array(repeating: [false, false], count: depts.count)
        var lastTrim = [Int?](repeating: nil, count: depts.count)
        // Trims take several clerks at once while they pass (half the room above the stability floor),
        // and halve the step when one fails: a department far above its need gets there in a few rounds
        // rather than one clerk a round (each round is a month of simulation on every tuning replication).
        var step = seed.indices.map { k in max(1, ((seed[k].max() ?? 0) - (floor[k].min() ?? 0)) / 2) }
        var lastStep = [Int](repeating: 1, count: depts.count)
        var lastAdd = [Int?](repeating: nil, count: depts.count)
        var unreachable = Array(repeating: false, count: depts.count)
        var tuningRate = [Double?](repeating: nil, count: depts.count)
        var rounds = 0
        // The rates of every count vector simulated on the tuning replications.
        var simulated: [[[Int]]: [Double?]] = [:]
        while rounds < bounds.maxRounds {
            let tallies = tuningRun(counts)
            let rates = di.map { pooledOnTime(tallies, ids[$0]) }
            simulated[counts] = rates
            rounds += 1
            let short = di.indices.filter { phase[$0] != .done && (rates[$0] ?? 1) < target }
            progress?(
                "back office, round \(rounds): \(short.count) of \(depts.count) departments below the on-time target; "
                    + counts.map { "\($0[0])+\($0[1])" }.joined(separator: " "))
            var changed = false
            for (k, d) in di.enumerated() where phase[k] != .done {
                let rate = rates[k]
                tuningRate[k] = rate
                let passes = rate.map { $0 >= target } ?? true
                if passes {
                    lastPassing[k] = counts[k]
                    if let p = lastAdd[k] {
                        // One less in the pool just added to is the count that failed: not tried again.
                        // The other pools' trims start at half their room above the stability floor.
                        noTrim[k][p] = true
                        lastAdd[k] = nil
                        step[k] = max(1, (0..<2).map { counts[k][$0] - floor[k][$0] }.max()! / 2)
                    }
                    phase[k] = .trimming
                    // Remove one from the less loaded pool that may still lose one.
                    let util = (0..<2).map { p in
                        counts[k][p] > 0 ? offered[k][p] * workingDays / (Double(counts[k][p]) * minutes) : .infinity
                    }
                    let pools = (0..<2).filter { counts[k][$0] > floor[k][$0] && !noTrim[k][$0] }.sorted {
                        util[$0] < util[$1]
                    }
                    if let p = pools.first {
                        let s = max(1, min(step[k], counts[k][p] - floor[k][p]))
                        counts[k][p] -= s
                        lastTrim[k] = p
                        lastStep[k] = s
                        changed = true
                    } else {
                        phase[k] = .done
                    }
                } else if phase[k] == .trimming, let last = lastPassing[k], let p = lastTrim[k], lastStep[k] > 1 {
                    // A removal of several failed: undo it and try half as many from the same pool.
                    counts[k] = last
                    step[k] = max(1, lastStep[k] / 2)
                    counts[k][p] -= step[k]
                    lastStep[k] = step[k]
                    tuningRate[k] = nil
                    changed = true
                } else if phase[k] == .trimming, let last = lastPassing[k], let p = lastTrim[k] {
                    // The removal of one failed: undo it; that pool is not trimmed again.
                    counts[k] = last
                    noTrim[k][p] = true
                    lastTrim[k] = nil
                    lastStep[k] = 1
                    step[k] = 1
                    tuningRate[k] = nil
                    let more = (0..<2).filter { counts[k][$0] > floor[k][$0] && !noTrim[k][$0] }
                    if let q = more.first {
                        counts[k][q] -= 1
                        lastTrim[k] = q
                        changed = true
                    } else {
                        phase[k] = .done
                    }
                } else {
                    // Add where the late cases became late: the pool that had most of them when their
                    // deadline passed (then the longer mean wait from visible to start, working minutes).
                    let late = (0..<2).map { p in tallies.reduce(0) { $0 + $1.lateBlame[d][p] } }
                    let wait = (0..<2).map { p -> Double in
                        let n = tallies.reduce(0) { $0 + $1.steps[d][p] }
                        return n > 0 ? tallies.reduce(0) { $0 + $1.waitSum[d][p] } / Double(n) : -1
                    }
                    let pools = (0..<2).filter { p in counts[k][p] > 0 && (limit[p].map { counts[k][p] < $0 } ?? true) }
                        .sorted { (late[$0], wait[$0]) > (late[$1], wait[$1]) }
                    if let p = pools.first {
                        counts[k][p] += 1
                        lastAdd[k] = p
                        changed = true
                    } else {
                        unreachable[k] = true
                        phase[k] = .done
                    }
                }
            }
            if !changed { break }
        }
        // Departments left mid-trim or mid-add at the round limit: keep the last passing counts.
        var meets = [Bool](repeating: true, count: depts.count)
        for k in depts.indices {
            if let last = lastPassing[k] {
                if counts[k] != last {
                    counts[k] = last
                    tuningRate[k] = nil
                }
            } else {
                meets[k] = false
            }
        }
        // Rates of the final counts on the tuning replications (where the last simulation was of other counts).
        if tuningRate.contains(where: { $0 == nil }), let known = simulated[counts] {
            tuningRate = known
        } else if tuningRate.contains(where: { $0 == nil }) {
            let tallies = tuningRun(counts)
            for (k, d) in di.enumerated() { tuningRate[k] = pooledOnTime(tallies, ids[d]) }
        }
        for k in depts.indices where !meets[k] {
            let r = tuningRate[k].map { String(format: "%.1f %%", $0 * 100) } ?? "–"
            if unreachable[k] {
                problems.append(
                    "back office \(depts[k]): the on-time target \(String(format: "%.0f %%", target * 100)) is not met within the bounds "
                        + "(\(counts[k][0]) reviewers, \(counts[k][1]) approvers reach \(r) on the tuning replications)"
                )
            } else {
                problems.append(
                    "back office \(depts[k]): the on-time target \(String(format: "%.0f %%", target * 100)) is still missed after \(rounds) rounds "
                        + "(\(counts[k][0]) reviewers, \(counts[k][1]) approvers reach \(r) on the tuning replications)"
                )
            }
        }

        // Confirmation on fresh replications, planned against base (paired by replication).
        progress?("back office: confirmation on \(fresh.count) fresh replications")
        let planned = scenario(base, counts)
        let mine = BackOfficeRun.run(planned, seed: spec.seed, replications: fresh, threads: threads)
        let theirs = BackOfficeRun.run(base, seed: spec.seed, replications: fresh, threads: threads)
        func values(_ t: [BackOfficeTally], _ id: String, _ kpi: CaseKPI) -> [Double?] {
            t.map { ($0.kpis.departments[id]?[kpi]) ?? nil }
        }
        var out: [BackOfficeDepartmentPlan] = []
        func utilisation(_ k: Int, _ p: Int) -> Double? {
            counts[k][p] > 0 ? offered[k][p] * workingDays / (Double(counts[k][p]) * minutes) : nil
        }
        for (k, d) in di.enumerated() {
            let id = ids[d]
            let a = values(mine, id, .onTimeRate)
            let b = values(theirs, id, .onTimeRate)
            let diff = zip(a, b).map { x, y -> Double? in x.flatMap { x in y.map { x - $0 } } }
            let decided =
                mine.reduce(0.0) { $0 + ((($1.kpis.departments[id]?[.decided]) ?? nil) ?? 0) }
                / Double(max(mine.count, 1))
            out.append(
                BackOfficeDepartmentPlan(
                    department: depts[k], reviewers: counts[k][0], approvers: counts[k][1],
                    baseReviewers: baseCounts[k][0], baseApprovers: baseCounts[k][1],
                    seedReviewers: seed[k][0], seedApprovers: seed[k][1], reviewWorkPerDay: offered[k][0],
                    approvalWorkPerDay: offered[k][1],
                    reviewUtilisation: utilisation(k, 0), approvalUtilisation: utilisation(k, 1),
                    tuningOnTimeRate: tuningRate[k], onTimeRate: Estimate(a),
                    baseOnTimeRate: Estimate(b),
                    onTimeDifference: Estimate(diff),
                    leadTimeMean: Estimate(values(mine, id, .leadTimeMean)),
                    baseLeadTimeMean: Estimate(values(theirs, id, .leadTimeMean)),
                    backlogEnd: Estimate(values(mine, id, .backlogEnd)),
                    baseBacklogEnd: Estimate(values(theirs, id, .backlogEnd)),
                    decidedPerReplication: decided, meetsTarget: meets[k]))
        }
        let hours = minutes / 60
        func cost(_ c: [[Int]]) -> Double {
            c.reduce(0) {
                $0 + hours * (Double($1[0]) * bounds.reviewerCostPerHour + Double($1[1]) * bounds.approverCostPerHour)
            }
        }
        return BackOfficePlan(
            target: target, departments: out, scenario: planned, rounds: rounds, hoursPerClerk: hours,
            cost: cost(counts), baseCost: cost(baseCounts), problems: problems)
    }

    /// On-time rate pooled over replications: on-time decided / decided (nil: nothing decided).
    static func pooledOnTime(_ t: [BackOfficeTally], _ id: String) -> Double? {
        var decided = 0.0
        var onTime = 0.0
        for x in t {
            guard let k = x.kpis.departments[id], let n = k[.decided] ?? nil, n > 0 else { continue }
            decided += n
            onTime += n * ((k[.onTimeRate] ?? nil) ?? 0)
        }
        return decided > 0 ? onTime / decided : nil
    }

    /// The base with these counts (reviewers, approvers per back-office department, in order). A pool
    /// keeps its entries: a larger count is added to the first entry (and its shift), a smaller one is
    /// taken from the last entries first.
    public static func scenario(_ base: Scenario, _ counts: [[Int]]) -> Scenario {
        var s = base
        guard var rules = s.backOffice else { return s }
        for k in rules.departments.indices {
            rules.departments[k].reviewers = resize(rules.departments[k].reviewers, counts[k][0])
            rules.departments[k].approvers = resize(rules.departments[k].approvers, counts[k][1])
        }
        s.backOffice = rules
        return s
    }

    static func resize(_ g: [BackOfficeStaff], _ n: Int) -> [BackOfficeStaff] {
        var g = g
        if g.isEmpty { return n > 0 ? [BackOfficeStaff(count: n)] : [] }
        var have = g.reduce(0) { $0 + $1.count }
        if n > have {
            g[0].count += n - have
            return g
        }
        var i = g.count - 1
        while have > n, i >= 0 {
            let take = min(g[i].count, have - n)
            g[i].count -= take
            have -= take
            i -= 1
        }
        let kept = g.filter { $0.count > 0 }
        return kept.isEmpty ? [] : kept
    }

    static func workingDayCount(_ s: Scenario) -> Int {
        let p = CompiledPeriod(s)
        return p.dates.filter { (try? p.calendar.isWorkingDay($0)) == true }.count
    }
}
