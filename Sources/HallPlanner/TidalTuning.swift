import Foundation
import HallDomain
import HallMetrics
import HallRandom
import HallRunner

/// One tidal-rule setting tried: thresholds and the clerks its source may send.
public struct TidalCandidate: Sendable, Codable {
    public var rule: String
    public var openAt: Double
    public var closeBelow: Double
    public var sourceSize: Int
    /// Day service level (called within the target / arrivals) and abandonment, tuning replications.
    public var serviceLevel: Estimate
    public var abandoned: Estimate
    public var tidalOpenMinutes: Estimate
    /// Staff-minutes the rule costs a day: a pool's clerks for the whole opening hours (paid whether
    /// used or not), or the back office's minutes lost at tidal windows.
    public var costMinutes: Estimate
    public var meetsTarget: Bool
}

/// The setting chosen for one rule, against the base's, on fresh replications (paired).
public struct TidalChoice: Sendable, Codable {
    public var rule: String
    public var base: TidalCandidate
    public var chosen: TidalCandidate
    /// Chosen − base on fresh replications, paired by replication.
    public var serviceLevelDifference: Estimate
    public var costDifference: Estimate
    public var sentence: String
}

/// Tidal-rule tuning on the base hall's busiest planned day (docs/planner.md, "Tidal rules").
public struct TidalPlan: Sendable {
    public var day: String
    public var choices: [TidalChoice]
    public var candidates: [TidalCandidate]
    /// The base hall with the chosen rules.
    public var scenario: Scenario
    /// Rules for which no setting met the target on the base hall (the base roster is short there):
    /// the setting with the best service level was kept. Information about the base hall, not a
    /// failure of the plan.
    public var notes: [String]
}

/// Tunes each tidal rule of the base hall in turn (open threshold × {0.5, 0.75, 1, 1.5} with the close
/// threshold scaled alike, and the source's size base − 1 … base + 1), on the busiest planned day with
/// the base's layout and roster: every candidate runs on the same tuning replications (common random
/// numbers), the cheapest that meets the day's service-level target (and abandonment cap) is chosen,
/// and the choice is confirmed against the base rule on fresh replications with paired intervals.
public enum TidalTuning {
    public static let openScales = [0.5, 0.75, 1.0, 1.5]

    public static func tune(_ base: Scenario, _ spec: PlanningSpec, threads: Int? = nil) -> TidalPlan? {
        guard !base.tidal.isEmpty, let peak = spec.days.max(by: { $0.demandScale < $1.demandScale }) else { return nil }
        var hall = DayScenario.make(base, day: peak, middayDemandShare: spec.middayDemandShare)
        let tuning = Array(0..<spec.replications)
        let fresh = Array(spec.replications..<(spec.replications + spec.confirmReplications))
        var choices: [TidalChoice] = []
        var all: [TidalCandidate] = []
        var notes: [String] = []

        func measure(_ s: Scenario, rule i: Int, _ reps: [Int]) -> (TidalCandidate, [DayKPIs]) {
            let days = Experiment.run(s, seed: spec.seed, replications: reps, threads: threads).days
            let r = s.tidal[i]
            func series(_ k: KPI) -> [Double?] { days.map { $0.overall[k] ?? nil } }
            let cost: [Double?] = days.map { d in costMinutes(s, rule: i, day: d) }
            let sl = Estimate(series(.serviceLevel))
            let ab = Estimate(series(.abandonedFraction))
            let meets =
                (sl.mean ?? 0) >= spec.targets.serviceLevel
                && (spec.targets.abandonCap.map { (ab.mean ?? 1) <= $0 } ?? true)
            return (
                TidalCandidate(
                    rule: r.id, openAt: r.openAt, closeBelow: r.closeBelow, sourceSize: r.sourceSize,
                    serviceLevel: sl, abandoned: ab,
                    tidalOpenMinutes: Estimate(series(.tidalOpenMinutes)),
                    costMinutes: Estimate(cost), meetsTarget: meets), days
            )
        }

        for i in hall.tidal.indices {
            let rule = hall.tidal[i]
            var tried: [(Scenario, TidalCandidate)] = []
            for scale in openScales {
                let windows = hall.windows.first { $0.id == rule.group }?.count ?? Int.max
                // More clerks than the group has windows would change nothing.
                for size in Set([max(1, rule.sourceSize - 1), rule.sourceSize, rule.sourceSize + 1]).sorted()
                where size <= max(windows, rule.sourceSize) {
                    var s = hall
                    s.tidal[i] = setting(
                        rule, scale: scale, size: size, window: hall.windows.first { $0.id == rule.group }?.count)
                    guard s.validate().isEmpty else { continue }
                    tried.append((s, measure(s, rule: i, tuning).0))
                }
            }
            all += tried.map(\.1)
            let feasible = tried.filter(\.1.meetsTarget)
            let pick: (Scenario, TidalCandidate)
            if let best = feasible.min(by: { order($0.1) < order($1.1) }) {
                pick = best
            } else {
                pick = tried.max { ($0.1.serviceLevel.mean ?? 0) < ($1.1.serviceLevel.mean ?? 0) }!
                notes.append(
                    String(
                        format:
                            "%@: no setting tried reaches %.0f %% within %g min on %@ with the base hall's roster; the best, kept, reaches %.1f %%",
                        rule.id, spec.targets.serviceLevel * 100, spec.targets.waitMinutes, peak.name,
                        (pick.1.serviceLevel.mean ?? 0) * 100))
            }
            // Confirm against the base rule on fresh replications, paired.
            let (baseFresh, baseDays) = measure(hall, rule: i, fresh)
            let (chosenFresh, chosenDays) = measure(pick.0, rule: i, fresh)
            let dSL = Estimate(
                zip(baseDays, chosenDays).map { a, b in
                    diff(b.overall[.serviceLevel] ?? nil, a.overall[.serviceLevel] ?? nil)
                })
            let dCost = Estimate(
                zip(baseDays, chosenDays).map { a, b in
                    diff(costMinutes(pick.0, rule: i, day: b), costMinutes(hall, rule: i, day: a))
                })
            choices.append(
                TidalChoice(
                    rule: rule.id, base: baseFresh, chosen: chosenFresh, serviceLevelDifference: dSL,
                    costDifference: dCost, sentence: sentence(rule, pick.1, dSL, dCost, spec)))
            hall = pick.0
        }
        var planned = base
        planned.tidal = hall.tidal
        return TidalPlan(day: peak.name, choices: choices, candidates: all, scenario: planned, notes: notes)
    }

    /// The rule with its thresholds scaled and its source resized (queue lengths stay whole numbers).
    static func setting(_ r: TidalRule, scale: Double, size: Int, window count: Int?) -> TidalRule {
        var t = r
        let whole = r.measure == .queueLength
        func scaled(_ x: Double) -> Double { whole ? max(1, (x * scale).rounded()) : x * scale }
        t.openAt = scaled(r.openAt)
        t.closeBelow = min(scaled(r.closeBelow), t.openAt - (whole ? 1 : 0.5))
        if t.closeBelow < 0 { t.closeBelow = 0 }
        switch r.source {
        case .pool: t.source = .pool(size: size)
        case .backOffice(let d, _): t.source = .backOffice(department: d, max: size)
        }
        if let m = r.maxOpen { t.maxOpen = min(max(m, size), count ?? max(m, size)) }
        return t
    }

    /// Staff-minutes of the rule on a day: a pool's clerks for the opening hours, or the back office's
    /// minutes lost (the day's back_office_min_lost; rules other than the one tuned are held fixed).
    static func costMinutes(_ s: Scenario, rule i: Int, day: DayKPIs) -> Double? {
        switch s.tidal[i].source {
        case .pool(let n): Double(n) * s.day.openMinutes
        case .backOffice: day.overall[.backOfficeMinutesLost] ?? nil
        }
    }

    /// Cheaper first; among equal costs, the higher service level.
    static func order(_ c: TidalCandidate) -> (Double, Double) {
        (c.costMinutes.mean ?? .infinity, -(c.serviceLevel.mean ?? 0))
    }

    static func diff(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b else { return nil }
        return a - b
    }

    static func sentence(
        _ base: TidalRule, _ c: TidalCandidate, _ dSL: Estimate, _ dCost: Estimate, _ spec: PlanningSpec
    ) -> String {
        func pm(_ e: Estimate, _ scale: Double, _ digits: Int) -> String {
            guard let m = e.mean else { return "–" }
            return String(format: "%+.\(digits)f", m * scale)
                + (e.halfWidth.map { String(format: " ± %.\(digits)f", $0 * scale) } ?? "")
        }
        var changes: [String] = []
        if c.openAt != base.openAt {
            changes.append(
                "open at \(number(c.openAt)) instead of \(number(base.openAt)) (close below \(number(c.closeBelow)))")
        }
        if c.sourceSize != base.sourceSize { changes.append("\(c.sourceSize) clerk(s) instead of \(base.sourceSize)") }
        let what =
            changes.isEmpty
            ? "keeping it (open at \(number(c.openAt)), \(c.sourceSize) clerk(s))" : changes.joined(separator: ", ")
        return
            "\(base.id): \(what) changes the share within \(String(format: "%g", spec.targets.waitMinutes)) min by \(pm(dSL, 100, 1)) points "
            + "and the rule's staff-minutes by \(pm(dCost, 1, 0)) a day (fresh replications, paired)"
    }

    static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
}

extension PlanResult {
    /// tidal.csv: every candidate tried on the tuning replications.
    public var tidalCSV: String? {
        guard let t = tidal else { return nil }
        func f(_ x: Estimate) -> String {
            (x.mean.map { String(format: "%.4f", $0) } ?? "") + ","
                + (x.halfWidth.map { String(format: "%.4f", $0) } ?? "")
        }
        var out =
            "rule,open_at,close_below,source_size,sl_share,sl_half_width,abandoned,abandoned_half_width,tidal_open_min,tidal_open_half_width,cost_min,cost_half_width,meets_target,chosen\n"
        for c in t.candidates {
            let chosen = t.choices.contains {
                $0.rule == c.rule && $0.chosen.openAt == c.openAt && $0.chosen.sourceSize == c.sourceSize
                    && $0.chosen.closeBelow == c.closeBelow
            }
            out +=
                "\(c.rule),\(c.openAt),\(c.closeBelow),\(c.sourceSize),\(f(c.serviceLevel)),\(f(c.abandoned)),\(f(c.tidalOpenMinutes)),\(f(c.costMinutes)),\(c.meetsTarget ? 1 : 0),\(chosen ? 1 : 0)\n"
        }
        return out
    }

    var tidalMarkdown: String {
        guard let t = tidal else { return "" }
        var o = "## Tidal rules (base hall, \(t.day))\n\n"
        o +=
            "Each rule tuned in turn on the base hall's layout and roster on the busiest planned day: open thresholds × "
        o += TidalTuning.openScales.map { String(format: "%g", $0) }.joined(separator: ", ")
        o +=
            " (close threshold alike), source size base − 1 … base + 1; the cheapest setting meeting the day's service level is chosen "
        o +=
            "on the tuning replications and confirmed against the base rule on fresh ones (tidal.csv lists every setting).\n\n"
        for c in t.choices { o += "- \(c.sentence).\n" }
        for n in t.notes { o += "- Note: \(n).\n" }
        o += "\nThe base hall with these rules: planned-tidal.yaml.\n\n"
        return o
    }
}
