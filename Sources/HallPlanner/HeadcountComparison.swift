import Foundation
import HallDomain
import HallRandom

/// One layout staffed with the fixed headcount, on the fresh replications.
public struct HeadcountLayout: Sendable, Codable {
    public var layout: String
    /// Clerks per group (the same every day).
    public var clerks: [String: Int]
    /// Mean over days of the whole-day share called within the target, per fresh replication.
    public var weekSL: Estimate
    /// This layout's week service level minus the best layout's, paired by replication.
    public var slDifference: Estimate
    /// Share of applicants leaving without service (mean over days), per fresh replication.
    public var abandoned: Estimate
    /// Group-intervals below the target on the fresh replications (mean), over every day, and those judged
    /// (at least 10 applicants over the replications).
    public var cellsBelowTarget: Int
    public var cellsJudged: Int
}

/// `compare_at_headcount`: every layout with the same number of clerks a day, ranked by the week's service
/// level on the fresh replications (docs/planner.md, "Layouts at a fixed headcount").
public struct HeadcountComparison: Sendable, Codable {
    public var headcount: Int
    /// The shift types the clerks are spread over (those covering the opening hours).
    public var shiftTypes: [String]
    /// Best first.
    public var layouts: [HeadcountLayout]
    /// Layouts that cannot be staffed with the headcount (fewer clerks than groups).
    public var skipped: [String]
}

/// A manager's question beside the planner's: "with the 30 clerks I have, which layout serves best?".
/// Each layout's groups get the headcount in proportion to the load they carry (their offered load over
/// the planned days, at least one clerk each, largest remainders), the clerks of a group spread in turn
/// over the shift types that cover the opening hours (none: no comparison, and the page says why);
/// every layout then runs the same fresh
/// replications of every day (common random numbers), so the differences are paired.
enum HeadcountComparing {
    static func compare(
        _ spec: PlanningSpec, headcount n: Int, layouts: [Layout], days: [Scenario], threads: Int? = nil,
        progress: ((String) -> Void)? = nil
    ) -> HeadcountComparison {
        let fresh = Array(spec.replications..<(spec.replications + spec.confirmReplications))
        guard let first = days.first else {
            return HeadcountComparison(headcount: n, shiftTypes: [], layouts: [], skipped: [])
        }
        let full = spec.shiftTypes.indices.filter {
            spec.shiftTypes[$0].start <= first.day.opens && spec.shiftTypes[$0].end >= first.day.closes
        }
        guard !full.isEmpty else {
            // Spreading clerks one per part-day shift would leave hours without anyone: no fair comparison.
            return HeadcountComparison(
                headcount: n, shiftTypes: [], layouts: [],
                skipped: [
                    "no shift type covers the opening hours \(first.day.opens)–\(first.day.closes), so a fixed headcount cannot staff the day; add one to shift_types"
                ])
        }
        let types = full
        var rows: [(HeadcountLayout, [Double])] = []
        var skipped: [String] = []
        for layout in layouts {
            guard layout.groups.count <= n else {
                skipped.append(
                    "\(layout.kind.rawValue): \(layout.groups.count) staff groups need at least as many clerks, the headcount is \(n)"
                )
                continue
            }
            // Offered load per group over the days (erlangs summed over intervals).
            var load = [Double](repeating: 0, count: layout.groups.count)
            for s in days {
                let intervals = DayScenario.intervals(s, length: spec.intervalMinutes)
                let seeded = AnalyticStaffing.seeds(
                    layout, demand: DemandModel(s), intervals: intervals, hall: s, targets: spec.targets, lagAware: true
                )
                for (g, row) in seeded.load.enumerated() { load[g] += row.reduce(0, +) }
            }
            let clerks = apportion(n, weights: load)
            var counts = Array(repeating: Array(repeating: 0, count: spec.shiftTypes.count), count: clerks.count)
            for (g, c) in clerks.enumerated() {
                for k in 0..<c { counts[g][types[k % types.count]] += 1 }
            }
            var weekSL = [Double](repeating: 0, count: fresh.count)
            var abandoned = [Double](repeating: 0, count: fresh.count)
            var below = 0
            var judged = 0
            for (k, s) in days.enumerated() {
                progress?("\(n) clerks, \(layout.kind.rawValue) layout, \(spec.days[k].name)")
                let intervals = DayScenario.intervals(s, length: spec.intervalMinutes)
                let hall = PlannedScenario.make(base: s, layout: layout, shiftTypes: spec.shiftTypes, counts: counts)
                let tallies = IntervalTally.run(
                    hall, intervals: intervals, target: spec.targets.waitMinutes, seed: spec.seed, replications: fresh,
                    threads: threads)
                for (r, sl) in Planner.daySL(tallies).enumerated() { weekSL[r] += sl / Double(days.count) }
                for (r, t) in tallies.enumerated() {
                    let a = t.departmentArrivals.reduce(0, +)
                    abandoned[r] += (a > 0 ? Double(t.abandoned.reduce(0, +)) / Double(a) : 0) / Double(days.count)
                }
                let homes = Planner.homes(layout, s)
                for (g, row) in Planner.cells(tallies, homes: homes, intervals: intervals.count).enumerated() {
                    for (i, e) in row.enumerated() {
                        let arrivals = tallies.reduce(0) { $0 + $1.cell(homes[g], i).arrivals }
                        guard arrivals >= 10 else { continue }
                        judged += 1
                        if let m = e.mean, m < spec.targets.serviceLevel { below += 1 }
                    }
                }
            }
            rows.append(
                (
                    HeadcountLayout(
                        layout: layout.kind.rawValue,
                        clerks: Dictionary(uniqueKeysWithValues: zip(layout.groups.map(\.id), clerks)),
                        weekSL: Estimate(weekSL), slDifference: Estimate([]), abandoned: Estimate(abandoned),
                        cellsBelowTarget: below, cellsJudged: judged), weekSL
                ))
        }
        rows.sort { ($0.0.weekSL.mean ?? 0) > ($1.0.weekSL.mean ?? 0) }
        if let best = rows.first?.1 {
            for k in rows.indices { rows[k].0.slDifference = Estimate(zip(rows[k].1, best).map { $0 - $1 }) }
        }
        return HeadcountComparison(
            headcount: n, shiftTypes: types.map { spec.shiftTypes[$0].id }, layouts: rows.map(\.0), skipped: skipped)
    }

    /// n clerks over groups in proportion to their weights: one each first, the rest by largest remainder
    /// (ties: the earlier group). Requires n ≥ the number of groups.
    static func apportion(_ n: Int, weights: [Double]) -> [Int] {
        let k = weights.count
        guard k > 0 else { return [] }
        var out = [Int](repeating: 1, count: k)
        let rest = n - k
        let total = weights.reduce(0, +)
        guard rest > 0 else { return out }
        let quota = weights.map { total > 0 ? Double(rest) * $0 / total : Double(rest) / Double(k) }
        for g in 0..<k { out[g] += Int(quota[g].rounded(.down)) }
        var left = n - out.reduce(0, +)
        let order = (0..<k).sorted {
            let a = quota[$0] - quota[$0].rounded(.down)
            let b = quota[$1] - quota[$1].rounded(.down)
            return (a, -$0) > (b, -$1)
        }
        for g in order where left > 0 {
            out[g] += 1
            left -= 1
        }
        return out
    }
}

extension PlanResult {
    /// headcount.csv: one row per layout at the fixed headcount, best first.
    public var headcountCSV: String? {
        guard let h = headcount else { return nil }
        let f = PlanResult.csv
        var out =
            "headcount,layout,clerks,week_sl,week_sl_half_width,sl_minus_best,sl_minus_best_half_width,abandoned,abandoned_half_width,cells_below_target,cells_judged\n"
        for l in h.layouts {
            let clerks = l.clerks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
            out += "\(h.headcount),\(l.layout),\"\(clerks)\",\(f(l.weekSL)),\(f(l.slDifference)),\(f(l.abandoned)),"
            out += "\(l.cellsBelowTarget),\(l.cellsJudged)\n"
        }
        return out
    }

    var headcountMarkdown: String {
        guard let h = headcount else { return "" }
        var o = "## Layouts at a fixed headcount: \(h.headcount) clerks a day\n\n"
        if h.layouts.isEmpty { return o + h.skipped.map { "Not compared: \($0).\n" }.joined() + "\n" }
        o += "Each layout's groups get the \(h.headcount) clerks in proportion to the load they carry (at least one "
        o += "each), spread over the shift types \(h.shiftTypes.joined(separator: ", ")); every layout runs the same "
        o += "\(spec.confirmReplications) fresh replications of every day, so the differences are paired.\n\n"
        o +=
            "| layout | week's service level (fresh) | − best (pp, paired) | left without service | cells below target |\n"
        o += "|---|---|---|---|---|\n"
        let pct = { (e: Estimate) in PlanResult.f(e) }
        for l in h.layouts {
            o += "| \(l.layout) | \(pct(l.weekSL)) % | \(pct(l.slDifference)) | \(pct(l.abandoned)) % | "
            o += "\(l.cellsBelowTarget) of \(l.cellsJudged) |\n"
        }
        for s in h.skipped { o += "\nNot compared: \(s).\n" }
        return o + "\n"
    }
}
