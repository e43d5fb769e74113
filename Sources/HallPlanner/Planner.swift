import Foundation
import HallDomain
import HallRandom
import HallRunner

/// The plan for one day in one layout: requirements, shifts, and what fresh seeds say of it.
public struct DayPlan: Sendable {
    public var day: PlanDay
    public var intervals: [HallDomain.TimeInterval]
    /// [group][interval]: lag-aware analytic seed, plain SIPP / Erlang C, and the simulation-corrected requirement.
    public var seed: [[Int]]
    public var sipp: [[Int]]
    public var requirement: [[Int]]
    public var schedule: ShiftSchedule
    public var sippSchedule: ShiftSchedule
    /// Service level on fresh replications, [group][interval], for the plan and for the SIPP plan.
    public var serviceLevel: [[Estimate]]
    public var sippServiceLevel: [[Estimate]]
    /// Applicants per replication behind each cell (to read small cells with care).
    public var arrivalsPerReplication: [[Double]]
    /// Share of a group's applicants who left without service, fresh replications.
    public var abandoned: [Estimate]
    /// Whole-day service level per fresh replication (plan, SIPP plan), paired by replication.
    public var daySL: [Double]
    public var sippDaySL: [Double]
    /// Cells that failed the target on the tuning replications after the last round.
    public var stillFailing: Int
    public var rounds: Int
    public var scenario: Scenario
    public var problems: [String]
    /// The tidal rules of the planned hall, and the minutes back-office clerks spent at their windows
    /// (mean of the tuning replications of the plan kept: what tidal tuning weighs, apart from the
    /// fresh replications it reports on).
    public var tidal: [TidalRule] = []
    public var backOfficeMinutes = 0.0
}

/// The plan of one layout over every day.
public struct LayoutPlan: Sendable {
    public var layout: Layout
    public var days: [DayPlan]
    public var cost: Double { days.reduce(0) { $0 + $1.schedule.cost } }
    public var staffHours: Double { days.reduce(0) { $0 + $1.schedule.staffHours } }
    public var sippCost: Double { days.reduce(0) { $0 + $1.sippSchedule.cost } }
    public var sippStaffHours: Double { days.reduce(0) { $0 + $1.sippSchedule.staffHours } }
    /// Mean over days of the whole-day service level, per fresh replication.
    public var weekSL: [Double] {
        guard let n = days.first?.daySL.count else { return [] }
        return (0..<n).map { r in days.reduce(0) { $0 + $1.daySL[r] } / Double(days.count) }
    }
}

/// A layout against the chosen one on the same fresh replications (common random numbers).
public struct LayoutComparison: Sendable, Codable {
    public var layout: String
    public var cost: Double
    public var staffHours: Double
    public var weekSL: Estimate
    /// This layout's SL minus the chosen one's, paired by replication.
    public var slDifference: Estimate
    public var failingCells: Int
}

public struct PlanResult: Sendable {
    public var spec: PlanningSpec
    public var chosen: LayoutPlan
    public var candidates: [LayoutComparison]
    public var choice: String
    public var problems: [String]
    public var seconds: Double
    /// The back office planned to the on-time target (a multi-day base with `targets.onTimeRate`).
    public var backOffice: BackOfficePlan? = nil
    /// The base hall's tidal rules tuned with the staff (nil: no `tidal_tuning`, or the hall has no rules).
    public var tidal: TidalPlan? = nil
    /// Every layout at the plan file's `compare_at_headcount` (nil: not asked).
    public var headcount: HeadcountComparison? = nil
}

public enum Planner {
    /// A cell passing by this much above the target may lose a clerk (then re-checked).
    static let trimMargin = 0.03
    static let maxTrims = 6
    /// Extra batches of tuning-sized replications a close call may take before it is decided.
    static let maxCloseCallBatches = 2
    /// Extra batches a trimmed cell in doubt may take to pass beyond doubt.
    static let maxTrimBatches = 4
    /// A plan whose fresh confirmation shows more than this share of cells below the target has not kept
    /// its promise: it is said under "cannot be met" and the command exits 3.
    static let confirmationTolerance = 0.05

    /// Plans every day for every layout of the spec, chooses the cheapest layout that meets the targets
    /// on the tuning replications, and confirms everything on fresh ones. `threads` (nil: every core)
    /// only decides how layouts and replications are spread; the plan is the same whatever it is.
    /// `progress` hears where the planner is (layout, day, round; back office; tidal rules), for a terminal;
    /// its calls come one at a time (the layouts are planned side by side, under a lock).
    public static func plan(
        _ base: Scenario, _ spec0: PlanningSpec, threads: Int? = nil, progress progress0: ((String) -> Void)? = nil
    ) -> PlanResult {
        let started = Date()
        let progressLock = NSLock()
        let progress: ((String) -> Void)? = progress0.map { hear in
            { message in
                progressLock.lock()
                defer { progressLock.unlock() }
                hear(message)
            }
        }
        var spec = spec0
        var problems: [String] = []
        if spec.shiftTypes.isEmpty {
            let breaks = zip(base.day.periods, base.day.periods.dropFirst()).map {
                HallDomain.TimeInterval(start: $0.end, end: $1.start)
            }
            spec.shiftTypes = [
                ShiftType(
                    id: "day", start: base.day.opens, end: base.day.closes,
                    breaks: spec.middayDemandShare == nil ? breaks : [])
            ]
        }
        if spec.targets.serviceLevel >= 1 {
            problems.append(
                String(
                    format:
                        "a service level of %.0f %% within %g min cannot be met: with random arrivals and intake times any finite staff leaves some chance of a longer wait; the plan below is the best found by adding staff until it stops helping",
                    spec.targets.serviceLevel * 100, spec.targets.waitMinutes))
        }
        let dayScenarios = spec.days.map { DayScenario.make(base, day: $0, middayDemandShare: spec.middayDemandShare) }
        // Busiest departments first in a chain.
        let demand0 = DemandModel(dayScenarios[0])
        var load: [String: Double] = [:]
        for (i, d) in demand0.departments.enumerated() {
            load[d] = demand0.rate[i].reduce(0, +) * demand0.meanService[i]
        }
        // The layouts' days are planned side by side, the cores shared between them (2 cores, 4 layouts × 5
        // days: two days at a time, each with its replications on one thread): one day's serial steps
        // (formulas, verdicts, the shift solver, which CBC runs one at a time: IntegerProgram) overlap
        // another's simulations, and no core waits for the slowest layout. Each day's plan depends only on
        // its layout and day, so the plans are the same whatever the number of threads.
        let layouts = spec.layouts.map { Layout.make($0, hall: base, spec: spec, load: load) }
        let pairs = layouts.indices.flatMap { l in dayScenarios.indices.map { (layout: l, day: $0) } }
        let cores = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let side = max(1, min(pairs.count, cores))
        let inner = max(1, (cores + side - 1) / side)  // more cores than days (8 cores, 1 layout × 5 days): 2 each
        let dayPlans = Replications.map(Array(pairs.indices), threads: side) { i in
            planDay(
                dayScenarios[pairs[i].day], day: spec.days[pairs[i].day], layout: layouts[pairs[i].layout], spec: spec,
                budget: nil, threads: inner, progress: progress)
        }
        let plans = layouts.indices.map { l in
            LayoutPlan(layout: layouts[l], days: pairs.indices.filter { pairs[$0].layout == l }.map { dayPlans[$0] })
        }
        let headcount = spec.compareAtHeadcount.map {
            HeadcountComparing.compare(
                spec, headcount: $0, layouts: plans.map(\.layout), days: dayScenarios, threads: threads,
                progress: progress)
        }
        // Cheapest among those that pass on the tuning replications; else the fewest failing cells.
        func failing(_ p: LayoutPlan) -> Int { p.days.reduce(0) { $0 + $1.stillFailing } }
        let order = plans.indices.sorted { (failing(plans[$0]), plans[$0].cost) < (failing(plans[$1]), plans[$1].cost) }
        var chosen = plans[order[0]]
        if let budget = spec.budget, chosen.cost > budget + 1e-9 {
            let total = chosen.cost
            problems.append(
                String(
                    format:
                        "the budget %.0f is below the plan that meets the targets (%.0f); the plan below is the best within the budget",
                    budget, total))
            chosen.days = chosen.days.enumerated().map { k, d in
                planDay(
                    dayScenarios[k], day: spec.days[k], layout: chosen.layout, spec: spec,
                    budget: budget * d.schedule.cost / total, fixed: d.requirement, threads: threads)
            }
        }
        let mine = chosen.weekSL
        let candidates = plans.map { p -> LayoutComparison in
            let sl = p.weekSL
            return LayoutComparison(
                layout: p.layout.kind.rawValue, cost: p.cost, staffHours: p.staffHours, weekSL: Estimate(sl),
                slDifference: Estimate(zip(sl, mine).map { $0 - $1 }), failingCells: failing(p))
        }
        var choice = "\(chosen.layout.kind.rawValue) layout"
        if plans.count > 1, let runner = order.dropFirst().first.map({ plans[$0] }) {
            let d = Estimate(zip(runner.weekSL, mine).map { $1 - $0 })
            choice += String(
                format:
                    ": %.0f against %.0f for the next best (%@), %.1f %% less; its service level differs by %+.1f ± %.1f percentage points on %d fresh paired replications",
                chosen.cost, runner.cost, runner.layout.kind.rawValue,
                100 * (runner.cost - chosen.cost) / max(runner.cost, 1e-9),
                100 * (d.mean ?? 0), 100 * (d.halfWidth ?? 0), mine.count)
        }
        // The tidal rules tuned with the chosen layout's staff (layouts above are compared with the base rules).
        var tidal: TidalPlan? = nil
        if spec.tidalTuning != nil, spec.budget != nil {
            problems.append("tidal_tuning is not done under a budget: the plan keeps the base hall's tidal rules")
        } else if let tuned = TidalTuning.tune(
            base, spec, chosen: chosen, days: dayScenarios, threads: threads, progress: progress)
        {
            tidal = tuned.plan
            chosen.days = tuned.days
        }
        for k in chosen.days.indices {
            progress?(
                "\(chosen.layout.kind.rawValue) layout, \(spec.days[k].name): the SIPP plan on fresh replications")
            confirmSIPP(
                &chosen.days[k], scenario: dayScenarios[k], layout: chosen.layout, spec: spec, threads: threads)
        }
        for d in chosen.days { problems += d.problems.map { "\(d.day.name): \($0)" } }
        if spec.targets.onTimeRate != nil { progress?("back office") }
        // The back office is sized for the hall as it will run: with the tuned tidal rules, which may lend it out.
        let backOffice = BackOfficeStaffing.plan(tidal?.scenario ?? base, spec, threads: threads, progress: progress)
        if spec.targets.onTimeRate != nil, backOffice == nil {
            problems.append(
                "the on-time target needs a base scenario that runs over dates (calendar) with a back office; the back office was not planned"
            )
        }
        problems += backOffice?.problems ?? []
        return PlanResult(
            spec: spec, chosen: chosen, candidates: candidates, choice: choice, problems: problems,
            seconds: Date().timeIntervalSince(started), backOffice: backOffice, tidal: tidal, headcount: headcount)
    }

    /// One day in one layout: seed, then simulate on the tuning replications and add a clerk where a
    /// group's interval misses the target (or its day exceeds the abandonment cap), re-solving the
    /// shifts each round; then confirm on fresh replications beside the plain SIPP plan.
    static func planDay(
        _ s: Scenario, day: PlanDay, layout: Layout, spec: PlanningSpec, budget: Double?, fixed: [[Int]]? = nil,
        tidal: [TidalRule]? = nil, threads: Int? = nil, progress: ((String) -> Void)? = nil
    ) -> DayPlan {
        let tidal = tidal ?? s.tidal
        let intervals = DayScenario.intervals(s, length: spec.intervalMinutes)
        let demand = DemandModel(s)
        var problems: [String] = []
        let seeded = AnalyticStaffing.seeds(
            layout, demand: demand, intervals: intervals, hall: s, targets: spec.targets, lagAware: true)
        let sipp = AnalyticStaffing.seeds(
            layout, demand: demand, intervals: intervals, hall: s,
            targets: PlanTargets(
                waitMinutes: spec.targets.waitMinutes, serviceLevel: min(spec.targets.serviceLevel, 0.999)),
            lagAware: false
        ).staff
        if !seeded.unreachable.isEmpty, spec.targets.serviceLevel < 1 {
            problems.append(
                "the target cannot be reached by the formulas in \(seeded.unreachable.count) group-intervals, e.g. \(seeded.unreachable[0])"
            )
        }
        let homes = homes(layout, s)
        func problem(_ r: [[Int]], budget: Double?) -> ShiftProblem {
            ShiftProblem(
                intervals: intervals, shiftTypes: spec.shiftTypes,
                groups: layout.groups.enumerated().map { g, group in
                    StaffGroupDemand(
                        id: group.id, requirement: r[g], costPerHour: group.costPerHour,
                        available: spec.maxStaffPerGroup)
                },
                budget: budget)
        }
        let tuning = Array(0..<spec.replications)
        let fresh = Array(spec.replications..<(spec.replications + spec.confirmReplications))
        // Close calls are settled on more replications, taken after the fresh ones (never those).
        let more = (0..<max(maxCloseCallBatches, maxTrimBatches)).map { k in
            let start = spec.replications + spec.confirmReplications + k * spec.replications
            return Array(start..<(start + spec.replications))
        }
        // The most days a close call and a trimmed cell in doubt may be judged on.
        let most = (
            close: spec.replications * (1 + maxCloseCallBatches), doubtful: spec.replications * (1 + maxTrimBatches)
        )
        // The fewest clerks a cell may have: its offered load, rounded up. Fewer cannot keep up, however
        // well a few simulated days went.
        // Tidal windows that may serve a group's departments add clerks when their rule opens them: the
        // floor counts them (whether they open in time is for the simulation to say).
        let layoutIDs = Set(layout.groups.map(\.id))  // a rule whose group a layout group shadows is not kept
        let tidalHelp = layout.groups.map { group in
            tidal.filter { !layoutIDs.contains($0.group) }.reduce(0) { n, r in
                guard let w = s.windows.first(where: { $0.id == r.group }),
                    !Set(s.servedDepartments(w)).isDisjoint(with: group.home)
                else { return n }
                return n + min(r.sourceSize, r.maxOpen ?? w.count, w.count)
            }
        }
        let floorStaff = seeded.load.enumerated().map { g, row in
            row.map { max(0, Int(($0 - 1e-9).rounded(.up)) - tidalHelp[g]) }
        }
        var requirement = (fixed ?? seeded.staff).map { $0.map { max($0, 0) } }
        var schedule = ShiftScheduler.solve(problem(requirement, budget: budget))
        var rounds = 0
        var stillFailing = 0
        var trims = 0
        // Cells that failed once are not trimmed again.
        var locked = Set<[Int]>()
        // Cells that lost a clerk: they must then pass beyond doubt, or get the clerk back.
        var trimmed = Set<[Int]>()
        // Cells that failed when trimmed beside another (the interval before or after also trimmed): the
        // queue one trim left carried over to the other. They are tried again without it (every other
        // interval: one clerk fewer passes when the interval before kept its clerk and cleared the queue)
        // before they are locked.
        var alone = Set<[Int]>()
        // Cells that hold a trim (lost a clerk, not given back).
        var held = Set<[Int]>()
        // Plans already simulated (a round that undoes every trim comes back to one), with their tallies.
        var simulated: [[[Int]]: [IntervalTally]] = [:]
        // The cheapest plan that passed every cell (a later round may pass at a higher cost).
        var bestPassing: (requirement: [[Int]], schedule: ShiftSchedule, backOffice: Double)? = nil
        // Back-office minutes at tidal windows in the last round simulated (tuning replications).
        var backOffice = 0.0
        // The cells of the last trim round whose trims are still on trial (not yet passed in a round
        // without failures), with the coverage they had before (the plan that passed).
        var lastTrims: [[Int]: Int] = [:]
        while true {
            let planned = PlannedScenario.make(
                base: s, layout: layout, shiftTypes: spec.shiftTypes, counts: schedule.counts, tidal: tidal)
            var tallies =
                simulated[schedule.counts]
                ?? IntervalTally.run(
                    planned, intervals: intervals, target: spec.targets.waitMinutes, seed: spec.seed,
                    replications: tuning, threads: threads)
            var verdict = CellVerdicts.judge(
                tallies, homes: homes, intervals: intervals.count, spec: spec, maxReplications: most)
            // A sequential test: while a cell below the target by its pooled share could still be shown to
            // fail (its interval over replications still holds the target), add replications before paying
            // a clerk for it; one that could not be shown to fail on `most` days gets none (a cell that
            // looks short on a few days must not buy a clerk for a whole shift). A trimmed cell must pass
            // beyond doubt: more days are taken while it could still be shown to pass.
            let isTrimmed = { (c: (Int, Int)) in trimmed.contains([c.0, c.1]) }
            func hopefulTrims() -> Bool { verdict.hopeful.contains(where: isTrimmed) }
            for (k, batch) in more.enumerated().dropFirst(max(0, tallies.count / max(spec.replications, 1) - 1))
            where (k < maxCloseCallBatches && !verdict.provable.isEmpty) || hopefulTrims() {
                tallies += IntervalTally.run(
                    planned, intervals: intervals, target: spec.targets.waitMinutes, seed: spec.seed,
                    replications: batch, threads: threads)
                verdict = CellVerdicts.judge(
                    tallies, homes: homes, intervals: intervals.count, spec: spec, maxReplications: most)
            }
            simulated[schedule.counts] = tallies
            // A trimmed cell fails unless it passes beyond doubt (close or doubtful: it gets its clerk back).
            let failing =
                verdict.failing + verdict.provable.filter { !isTrimmed($0) }
                + (verdict.close + verdict.doubtful).filter(isTrimmed)
            stillFailing = failing.count
            progress?(
                "\(layout.kind.rawValue) layout, \(day.name), round \(rounds + 1): \(failing.count) cells below target")
            backOffice = tallies.reduce(0) { $0 + $1.backOfficeMinutes } / Double(max(tallies.count, 1))
            if failing.isEmpty, bestPassing.map({ schedule.cost < $0.schedule.cost - 1e-9 }) ?? true {
                bestPassing = (requirement, schedule, backOffice)
            }
            if budget != nil || rounds >= spec.maxRounds { break }
            let before = schedule.coverage
            if !failing.isEmpty {
                // Add where it fails. After a trim, a trimmed cell that fails gets its clerk back; a cell
                // that was not trimmed but now fails was passing before it: the queue left by the nearest
                // run of trims earlier in its group's day carries over, so those trims are undone rather
                // than a clerk paid for the cell. A trim undone that was made beside another is tried
                // again alone; the others are not tried again.
                var undo = Set<[Int]>()  // back to the plan that passed, and not trimmed again
                var retry = Set<[Int]>()  // back to the plan that passed, tried again without the trim before
                func implicate(_ g: Int, _ i: Int) {
                    let inRun = lastTrims[[g, i - 1]] != nil || lastTrims[[g, i + 1]] != nil
                    if inRun, !alone.contains([g, i]) {
                        retry.insert([g, i])
                    } else {
                        undo.insert([g, i])
                    }
                }
                for (g, i) in failing {
                    if lastTrims[[g, i]] != nil {
                        implicate(g, i)
                    } else if var j = lastTrims.keys.filter({ $0[0] == g && $0[1] < i }).map({ $0[1] }).max() {
                        // Not trimmed, but the queue left by the nearest run of trims before it carried over.
                        while lastTrims[[g, j]] != nil {
                            implicate(g, j)
                            j -= 1
                        }
                    } else {
                        requirement[g][i] = max(requirement[g][i], schedule.coverage[g][i]) + 1
                        locked.insert([g, i])
                        held.remove([g, i])
                    }
                }
                for c in undo.union(retry) {
                    // Back to what the cell had in the plan that passed (not coverage + 1: the shifts may
                    // not have lowered it).
                    requirement[c[0]][c[1]] = max(requirement[c[0]][c[1]], lastTrims[c] ?? 0)
                    if undo.contains(c) { locked.insert(c) } else { alone.insert(c) }
                    held.remove(c)
                }
                // The trims that stay are still on trial: a cell failing next round after them undoes them.
                lastTrims = lastTrims.filter { !undo.contains($0.key) && !retry.contains($0.key) }
            } else {
                // Trim where the plan passes with room to spare (the seed and the shift shapes over-cover),
                // never below the offered load.
                guard trims < maxTrims else { break }
                lastTrims = [:]
                for (g, i) in verdict.comfortable
                where !locked.contains([g, i]) && schedule.coverage[g][i] - 1 >= max(floorStaff[g][i], 1)
                    && !(alone.contains([g, i]) && (held.contains([g, i - 1]) || held.contains([g, i + 1])))
                    && !(alone.contains([g, i - 1]) && lastTrims[[g, i - 1]] != nil)  // its retry stays alone
                {
                    requirement[g][i] = max(min(requirement[g][i], schedule.coverage[g][i]) - 1, floorStaff[g][i])
                    trimmed.insert([g, i])
                    held.insert([g, i])
                    lastTrims[[g, i]] = schedule.coverage[g][i]
                }
                guard !lastTrims.isEmpty else { break }
                trims += 1
            }
            rounds += 1
            let passed = failing.isEmpty ? schedule.cost : nil
            schedule = ShiftScheduler.solve(problem(requirement, budget: nil))
            if schedule.coverage == before { break }
            // Trims whose shifts cost no less than the plan that passed buy nothing: the cheapest plan
            // that passed stands (the shifts only moved).
            if let passed, let best = bestPassing, schedule.cost >= passed - 1e-9 {
                (requirement, schedule, backOffice) = best
                break
            }
        }
        if let best = bestPassing, stillFailing > 0 || best.schedule.cost < schedule.cost - 1e-9 {
            (requirement, schedule, backOffice) = best
            stillFailing = 0
        }
        if stillFailing > 0 {
            problems.append(
                "\(layout.kind.rawValue): \(stillFailing) group-intervals still miss the target on the tuning replications after \(rounds) rounds"
            )
        }
        problems += schedule.problems
        let sippSchedule = ShiftScheduler.solve(problem(sipp, budget: nil))
        let planned = PlannedScenario.make(
            base: s, layout: layout, shiftTypes: spec.shiftTypes, counts: schedule.counts, tidal: tidal)
        let conf = IntervalTally.run(
            planned, intervals: intervals, target: spec.targets.waitMinutes, seed: spec.seed, replications: fresh,
            threads: threads)
        let cells = { (t: [IntervalTally]) in Self.cells(t, homes: homes, intervals: intervals.count) }
        let perRep = homes.map { ds in
            intervals.indices.map { i in
                Double(conf.reduce(0) { $0 + $1.cell(ds, i).arrivals })
                    / Double(max(conf.count, 1))
            }
        }
        let abandoned = homes.map { ds in
            Estimate(
                conf.map { x -> Double? in
                    let a = ds.reduce(0) { $0 + x.departmentArrivals[$1] }
                    return a > 0 ? Double(ds.reduce(0) { $0 + x.abandoned[$1] }) / Double(a) : nil
                })
        }
        let serviceLevel = cells(conf)
        // The plan's own promise, checked on the fresh replications: cells with enough applicants to judge.
        var judged = 0
        var missed: [String] = []
        for (g, row) in serviceLevel.enumerated() {
            for (i, e) in row.enumerated() where perRep[g][i] * Double(fresh.count) >= 10 {
                judged += 1
                // Below beyond doubt: the cell's whole interval over the fresh days. A plan whose cells sit a
                // point above the target shows some below it on 20 days by chance alone.
                if let m = e.mean, let upper = e.upper, upper < spec.targets.serviceLevel {
                    missed.append(
                        String(
                            format: "%@ %@–%@ %.0f ± %.0f %%", layout.groups[g].id, intervals[i].start.description,
                            intervals[i].end.description, m * 100, (e.halfWidth ?? 0) * 100))
                }
            }
        }
        if judged > 0, Double(missed.count) > confirmationTolerance * Double(judged) {
            problems.append(
                "\(layout.kind.rawValue): on \(fresh.count) fresh replications \(missed.count) of \(judged) group-intervals are below the target, their 95 % intervals included (more than \(Int(confirmationTolerance * 100)) %), e.g. \(missed.prefix(3).joined(separator: ", ")); the plan does not keep its promise there"
            )
        }
        return DayPlan(
            day: day, intervals: intervals, seed: seeded.staff, sipp: sipp, requirement: requirement,
            schedule: schedule,
            sippSchedule: sippSchedule, serviceLevel: serviceLevel, sippServiceLevel: [],
            arrivalsPerReplication: perRep, abandoned: abandoned, daySL: daySL(conf), sippDaySL: [],
            stillFailing: stillFailing, rounds: rounds, scenario: planned, problems: problems, tidal: planned.tidal,
            backOfficeMinutes: backOffice)
    }

    /// Each group's home departments as indices of the hall's departments.
    static func homes(_ layout: Layout, _ s: Scenario) -> [[Int]] {
        let index = Dictionary(uniqueKeysWithValues: s.departments.enumerated().map { ($1.id, $0) })
        return layout.groups.map { $0.home.compactMap { index[$0] } }
    }

    /// Service level per group and interval over replications.
    static func cells(_ t: [IntervalTally], homes: [[Int]], intervals: Int) -> [[Estimate]] {
        homes.map { ds in (0..<intervals).map { i in Estimate(t.map { $0.share(ds, i) }) } }
    }

    /// Whole-day service level per replication.
    static func daySL(_ t: [IntervalTally]) -> [Double] {
        t.map { x in
            let a = x.arrivals.joined().reduce(0, +)
            return a > 0 ? Double(x.within.joined().reduce(0, +)) / Double(a) : 1
        }
    }

    /// The plain SIPP plan of a day, confirmed on the same fresh replications as the plan (done for the
    /// chosen layout only: the others are compared by their own plans).
    static func confirmSIPP(_ d: inout DayPlan, scenario s: Scenario, layout: Layout, spec: PlanningSpec, threads: Int?)
    {
        let homes = homes(layout, s)
        let fresh = Array(spec.replications..<(spec.replications + spec.confirmReplications))
        let planned = PlannedScenario.make(
            base: s, layout: layout, shiftTypes: spec.shiftTypes, counts: d.sippSchedule.counts, tidal: d.tidal)
        let conf = IntervalTally.run(
            planned, intervals: d.intervals, target: spec.targets.waitMinutes, seed: spec.seed, replications: fresh,
            threads: threads)
        d.sippServiceLevel = cells(conf, homes: homes, intervals: d.intervals.count)
        d.sippDaySL = daySL(conf)
    }
}
