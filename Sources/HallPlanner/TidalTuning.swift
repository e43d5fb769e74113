import Foundation
import HallDomain
import HallRandom

/// One setting of the hall's tidal rules, with the chosen layout's days planned again under it.
public struct TidalSetting: Sendable, Codable {
    /// Every rule's open threshold (and close threshold) times this; every rule's source plus this.
    public var openScale: Double
    public var sourceStep: Int
    public var rules: [TidalRule]
    /// The week's rostered staff under this setting (cost and staff-hours of the shifts).
    public var staffCost: Double
    public var staffHours: Double
    /// What the rules cost over the week: a pool's clerks for the opening hours (generalist cost), and
    /// the back office's minutes at tidal windows (reviewer cost; mean of the tuning replications).
    public var tidalCost: Double
    public var total: Double { staffCost + tidalCost }
    /// Group-intervals still below the target on the tuning replications after planning (every day).
    public var failingCells: Int
    /// Mean over days of the whole-day service level, fresh replications.
    public var weekSL: Estimate
    public var meetsTarget: Bool { failingCells == 0 }
}

/// The hall's tidal rules tuned with the staff (docs/planner.md, "Tidal rules").
public struct TidalPlan: Sendable {
    /// Every setting tried; the first is the base hall's rules as they are.
    public var settings: [TidalSetting]
    public var chosen: Int
    /// Chosen − base, paired by fresh replication: the week's service level; and the total cost.
    public var slDifference: Estimate
    public var costDifference: Double
    /// The base hall with the chosen rules (its own roster): planned-tidal.yaml.
    public var scenario: Scenario
    public var sentence: String
}

/// Tidal tuning with the staff: the base hall's tidal rules (with their windows) are part of every
/// planned hall, so the staff is sized with them. With `tidal_tuning` in the plan file, the chosen
/// layout's days are planned again under every joint setting — all rules' open thresholds scaled by one
/// factor, all sources resized by one step — starting from the plan made with the base rules. A
/// setting is judged by the planner's own per-cell test on every planned day (tuning replications),
/// and the cheapest in staff plus tidal cost that passes everywhere is kept; it is compared with the
/// base rules' plan on the fresh replications, paired.
public enum TidalTuning {
    public static func tune(
        _ base: Scenario, _ spec: PlanningSpec, chosen: LayoutPlan, days dayScenarios: [Scenario],
        threads: Int? = nil, progress: ((String) -> Void)? = nil
    ) -> (plan: TidalPlan, days: [DayPlan])? {
        guard let tuning = spec.tidalTuning, !base.tidal.isEmpty, !chosen.days.isEmpty else { return nil }
        let layout = chosen.layout
        func measure(_ scale: Double, _ step: Int, _ rules: [TidalRule], _ days: [DayPlan]) -> TidalSetting {
            TidalSetting(
                openScale: scale, sourceStep: step, rules: rules,
                staffCost: days.reduce(0) { $0 + $1.schedule.cost },
                staffHours: days.reduce(0) { $0 + $1.schedule.staffHours },
                tidalCost: days.reduce(0) { $0 + cost($1, base: base, spec: spec) },
                failingCells: days.reduce(0) { $0 + $1.stillFailing },
                weekSL: Estimate(LayoutPlan(layout: layout, days: days).weekSL))
        }
        var settings = [measure(1, 0, base.tidal, chosen.days)]
        var plans = [chosen.days]
        var grid: [(Double, Int)] = []
        for scale in tuning.openScales {
            for step in tuning.sourceSteps
            where !(scale == 1 && step == 0) && !grid.contains(where: { $0 == (scale, step) }) {
                grid.append((scale, step))
            }
        }
        for (scale, step) in grid {
            let rules = base.tidal.map { r in
                setting(
                    r, scale: scale, size: max(1, r.sourceSize + step),
                    window: base.windows.first { $0.id == r.group }?.count)
            }
            var probe = base
            probe.tidal = rules
            guard probe.validate().isEmpty, !settings.contains(where: { $0.rules == rules }) else { continue }
            var days: [DayPlan] = []
            for (k, s) in dayScenarios.enumerated() {
                progress?(
                    "tidal rules × \(String(format: "%g", scale)), source \(step >= 0 ? "+" : "")\(step): \(spec.days[k].name)"
                )
                days.append(
                    Planner.planDay(
                        s, day: spec.days[k], layout: layout, spec: spec, budget: nil,
                        fixed: chosen.days[k].requirement, tidal: rules, threads: threads))
            }
            settings.append(measure(scale, step, rules, days))
            plans.append(days)
        }
        // The cheapest that passes every cell; the base rules when none does.
        let pick =
            settings.indices.filter { settings[$0].meetsTarget }.min {
                (settings[$0].total, $0) < (settings[$1].total, $1)
            } ?? 0
        let mine = LayoutPlan(layout: layout, days: plans[pick]).weekSL
        let theirs = LayoutPlan(layout: layout, days: plans[0]).weekSL
        let dSL = Estimate(zip(mine, theirs).map { $0 - $1 })
        var hall = base
        hall.tidal = settings[pick].rules
        let plan = TidalPlan(
            settings: settings, chosen: pick, slDifference: dSL,
            costDifference: settings[pick].total - settings[0].total, scenario: hall,
            sentence: sentence(settings[0], settings[pick], dSL, count: mine.count))
        return (plan, plans[pick])
    }

    /// What a day's tidal rules cost: each pool's clerks for the opening hours at the generalist's rate,
    /// and the back office's minutes at tidal windows at the reviewer's rate.
    static func cost(_ d: DayPlan, base: Scenario, spec: PlanningSpec) -> Double {
        let pool = d.tidal.reduce(0) { n, r in
            if case .pool(let k) = r.source { return n + k }
            return n
        }
        let hours = d.scenario.day.openMinutes / 60
        return Double(pool) * hours * spec.generalistCostPerHour
            + d.backOfficeMinutes / 60 * spec.backOffice.reviewerCostPerHour
    }

    /// The rule with its thresholds scaled and its source resized (queue lengths stay whole numbers).
    static func setting(_ r: TidalRule, scale: Double, size: Int, window count: Int?) -> TidalRule {
        var t = r
        if scale != 1 {  // × 1 keeps both thresholds exactly as written
            let whole = r.measure == .queueLength
            t.openAt = whole ? max(1, (r.openAt * scale).rounded()) : r.openAt * scale
            t.closeBelow = max(
                0, min(whole ? (r.closeBelow * scale).rounded() : r.closeBelow * scale, t.openAt - (whole ? 1 : 0.5)))
        }
        switch r.source {
        case .pool: t.source = .pool(size: size)
        case .backOffice(let d, _): t.source = .backOffice(department: d, max: size)
        }
        if let m = r.maxOpen { t.maxOpen = min(max(m, size), count ?? max(m, size)) }
        return t
    }

    static func sentence(_ base: TidalSetting, _ c: TidalSetting, _ dSL: Estimate, count: Int) -> String {
        let rules = zip(base.rules, c.rules).map { b, r in
            "\(r.id) opens at \(number(r.openAt)) (base \(number(b.openAt))) with \(r.sourceSize) clerk(s) (base \(b.sourceSize))"
        }
        let sl =
            (dSL.mean.map { String(format: "%+.1f", $0 * 100) } ?? "–")
            + (dSL.halfWidth.map { String(format: " ± %.1f", $0 * 100) } ?? "")
        if c.openScale == base.openScale && c.sourceStep == base.sourceStep {
            let tried = "no other setting met the target for less"
            return
                "tidal rules kept as they are (\(rules.joined(separator: "; "))): \(tried); staff \(String(format: "%.0f", base.staffCost)) + tidal \(String(format: "%.0f", base.tidalCost))"
        }
        return "tidal rules tuned with the staff: \(rules.joined(separator: "; ")); the week costs "
            + String(
                format: "%.0f (staff %.0f + tidal %.0f) against %.0f (%.0f + %.0f) with the base rules",
                c.total, c.staffCost, c.tidalCost, base.total, base.staffCost, base.tidalCost)
            + "; the week's service level differs by \(sl) points on \(count) fresh paired replications"
    }

    static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
}

extension PlanResult {
    /// tidal.csv: every setting tried, the base rules first.
    public var tidalCSV: String? {
        guard let t = tidal else { return nil }
        let f = PlanResult.csv
        var out =
            "open_scale,source_step,rules,staff_cost,staff_hours,tidal_cost,total_cost,failing_cells,week_sl,week_sl_half_width,meets_target,chosen\n"
        for (i, s) in t.settings.enumerated() {
            let rules = s.rules.map {
                "\($0.id) open \(TidalTuning.number($0.openAt)) close \(TidalTuning.number($0.closeBelow)) size \($0.sourceSize)"
            }
            .joined(separator: "; ")
            out += "\(s.openScale),\(s.sourceStep),\"\(rules)\","
            out += String(format: "%.1f,%.2f,%.1f,%.1f,", s.staffCost, s.staffHours, s.tidalCost, s.total)
            out += "\(s.failingCells),\(f(s.weekSL)),\(s.meetsTarget ? 1 : 0),\(i == t.chosen ? 1 : 0)\n"
        }
        return out
    }

    var tidalMarkdown: String {
        guard let t = tidal else { return "" }
        var o = "## Tidal rules, tuned with the staff\n\n"
        o += "The base hall's tidal windows and rules are part of every planned hall. The chosen layout's days were "
        o += "planned again under every setting (all open thresholds × one factor, the close thresholds alike; all "
        o += "sources ± one step), starting from the plan with the base rules; the cheapest setting in staff plus "
        o += "tidal cost that passes every cell on the tuning replications is kept (tidal.csv lists every setting).\n\n"
        o +=
            "| thresholds × | source ± | staff cost | tidal cost | total | cells below target | week's service level (fresh) | chosen |\n"
        o += "|---|---|---|---|---|---|---|---|\n"
        for (i, s) in t.settings.enumerated() {
            let sl = PlanResult.f(s.weekSL) + " %"
            o += String(
                format: "| %g | %+d | %.0f | %.0f | %.0f | %d | %@ |", s.openScale, s.sourceStep, s.staffCost,
                s.tidalCost, s.total, s.failingCells, sl)
            o += i == t.chosen ? " ← |\n" : "  |\n"
        }
        o += "\n\(t.sentence).\n\nThe base hall with the chosen rules: planned-tidal.yaml.\n\n"
        return o
    }
}
