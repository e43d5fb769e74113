import Foundation
import HallDomain
import HallRandom

/// The planner's files: plan.md (for a planner), plan.json, requirements.csv, shifts.csv.
extension PlanResult {
    static func f(_ x: Estimate, scale: Double = 100) -> String {
        guard let m = x.mean else { return "–" }
        return String(format: "%.1f", m * scale) + (x.halfWidth.map { String(format: " ± %.1f", $0 * scale) } ?? "")
    }

    /// Two CSV fields: the mean and the half-width (empty when unknown).
    static func csv(_ x: Estimate) -> String {
        (x.mean.map { String(format: "%.4f", $0) } ?? "") + "," + (x.halfWidth.map { String(format: "%.4f", $0) } ?? "")
    }

    public var requirementsCSV: String {
        var out =
            "day,layout,group,interval,arrivals_per_day,analytic_seed,sipp,requirement,on_duty,sl,sl_half_width,sipp_on_duty,sipp_sl,sipp_sl_half_width\n"
        for d in chosen.days {
            for (g, group) in chosen.layout.groups.enumerated() {
                for (i, iv) in d.intervals.enumerated() {
                    let a = d.serviceLevel[g][i]
                    let b = d.sippServiceLevel[g][i]
                    func v(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "" }
                    out +=
                        "\(d.day.name),\(chosen.layout.kind.rawValue),\(group.id),\(iv.start)-\(iv.end),"
                        + String(format: "%.2f", d.arrivalsPerReplication[g][i])
                        + ",\(d.seed[g][i]),\(d.sipp[g][i]),\(d.requirement[g][i]),\(d.schedule.coverage[g][i]),\(v(a.mean)),\(v(a.halfWidth)),"
                        + "\(d.sippSchedule.coverage[g][i]),\(v(b.mean)),\(v(b.halfWidth))\n"
                }
            }
        }
        return out
    }

    public var shiftsCSV: String {
        var out = "day,plan,group,shift,start,end,paid_hours,clerks,cost\n"
        for d in chosen.days {
            for (label, sch) in [("planned", d.schedule), ("sipp", d.sippSchedule)] {
                for (g, group) in chosen.layout.groups.enumerated() {
                    for (s, type) in spec.shiftTypes.enumerated() where sch.counts[g][s] > 0 {
                        let n = sch.counts[g][s]
                        out +=
                            "\(d.day.name),\(label),\(group.id),\(type.id),\(type.start),\(type.end),\(type.paidHours),\(n),"
                            + String(format: "%.2f", Double(n) * type.paidHours * group.costPerHour) + "\n"
                    }
                }
            }
        }
        return out
    }

    /// Group-intervals whose fresh mean service level is below the target, for the plan and for the SIPP
    /// plan, and the cells with a figure (plan.md and report.html say the same).
    public var cellsBelowTarget: (plan: Int, sipp: Int, cells: Int) {
        func below(_ x: [[Estimate]]) -> Int { x.joined().filter { ($0.mean ?? 1) < spec.targets.serviceLevel }.count }
        return (
            chosen.days.reduce(0) { $0 + below($1.serviceLevel) },
            chosen.days.reduce(0) { $0 + below($1.sippServiceLevel) },
            chosen.days.reduce(0) { $0 + $1.serviceLevel.joined().filter { $0.mean != nil }.count }
        )
    }

    public var markdown: String {
        var o = "# Staffing plan\n\n"
        o += String(
            format: "Target: %.0f %% of each staff group's applicants in each %g-minute interval called within %g min",
            spec.targets.serviceLevel * 100,
            spec.intervalMinutes, spec.targets.waitMinutes)
        o +=
            spec.targets.abandonCap.map {
                String(format: ", at most %.1f %% leaving without service per group and day", $0 * 100)
            } ?? ""
        o += ". Service level counts every applicant: one who leaves before the call is a miss.\n\n"
        o +=
            "Requirements were corrected by simulation on \(spec.replications) replications (seed \(spec.seed)) and are confirmed below on "
        o +=
            "\(spec.confirmReplications) fresh replications (\(spec.replications)…\(spec.replications + spec.confirmReplications - 1)), "
        o += "with 95 % intervals. Planned in \(String(format: "%.1f", seconds)) s.\n\n"
        if !problems.isEmpty {
            o += "## What cannot be met\n\n" + problems.map { "- \($0)\n" }.joined() + "\n"
        }
        o += "## Layout\n\nChosen: \(choice).\n\n"
        o +=
            "| layout | cost | staff-hours | week SL % (fresh) | SL − chosen (pp, paired) | cells failing when tuned |\n|---|---|---|---|---|---|\n"
        for c in candidates {
            o +=
                "| \(c.layout) | \(String(format: "%.0f", c.cost)) | \(String(format: "%.1f", c.staffHours)) | \(PlanResult.f(c.weekSL)) | \(PlanResult.f(c.slDifference)) | \(c.failingCells) |\n"
        }
        o +=
            "\nGroups of the chosen layout: "
            + chosen.layout.groups.map { g in
                "\(g.id) (\(g.kind.rawValue): "
                    + g.departments.map { d in "\(d) ×\(String(format: "%g", g.skills[d] ?? 1))" }.joined(
                        separator: ", ") + ")"
            }.joined(separator: "; ") + ".\n\n"
        o += "## What simulation buys\n\n| | simulated plan | plain Erlang C / SIPP plan |\n|---|---|---|\n"
        o += String(
            format: "| cost | %.0f | %.0f |\n| staff-hours | %.1f | %.1f |\n", chosen.cost, chosen.sippCost,
            chosen.staffHours, chosen.sippStaffHours)
        let mine = chosen.weekSL
        let sipp: [Double] = {
            guard let n = chosen.days.first?.sippDaySL.count else { return [] }
            return (0..<n).map { r in chosen.days.reduce(0) { $0 + $1.sippDaySL[r] } / Double(chosen.days.count) }
        }()
        o +=
            "| service level, whole week (fresh) | \(PlanResult.f(Estimate(mine))) % | \(PlanResult.f(Estimate(sipp))) % |\n"
        let (miss, sippMiss, cells) = cellsBelowTarget
        o += "| group-intervals below target (fresh mean) | \(miss) of \(cells) | \(sippMiss) of \(cells) |\n\n"
        for d in chosen.days {
            o += "## \(d.day.name) (demand ×\(String(format: "%g", d.day.demandScale)))\n\n"
            o += String(
                format:
                    "Cost %.0f, %.1f staff-hours, %d simulate-and-add rounds. SIPP plan: cost %.0f, %.1f staff-hours.\n\n",
                d.schedule.cost, d.schedule.staffHours, d.rounds, d.sippSchedule.cost, d.sippSchedule.staffHours)
            o +=
                "Shifts: "
                + chosen.layout.groups.enumerated().map { g, group in
                    "\(group.id) "
                        + spec.shiftTypes.enumerated().filter { d.schedule.counts[g][$0.offset] > 0 }.map {
                            "\(d.schedule.counts[g][$0.offset])×\($0.element.id)"
                        }.joined(separator: " ")
                }.joined(separator: "; ") + "\n\n"
            // One figure per cell: a table per figure, intervals down the rows and groups across.
            let groups = chosen.layout.groups
            func table(_ title: String, _ cell: (Int, Int) -> String) {
                o += title + "\n\n| interval | " + groups.map(\.id).joined(separator: " | ") + " |\n|---|"
                o += groups.map { _ in "---:|" }.joined() + "\n"
                for (i, iv) in d.intervals.enumerated() {
                    o +=
                        "| \(iv.start)–\(iv.end) | " + groups.indices.map { cell($0, i) }.joined(separator: " | ")
                        + " |\n"
                }
                o += "\n"
            }
            table("Staff on duty per interval:") { g, i in "\(d.schedule.coverage[g][i])" }
            table(
                "Service level % on the fresh replications, plan (requirement, analytic seed and SIPP per cell are in requirements.csv):"
            ) {
                g, i in PlanResult.f(d.serviceLevel[g][i])
            }
            o += roster(d)
        }
        o += headcountMarkdown
        o += backOfficeMarkdown
        o += tidalMarkdown
        o +=
            "The planned scenario of the first day is in planned.yaml (`hallsim run planned.yaml` accepts it); one file per day: planned-<day>.yaml.\n"
        return o
    }

    /// The day's roster, one line per named clerk: group, shift, hours and post (from the planned hall).
    func roster(_ d: DayPlan) -> String {
        let shifts = Dictionary(d.scenario.shifts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var o =
            "Roster (\(d.scenario.staff.reduce(0) { $0 + $1.count }) clerks; a post is shared only by shifts that do not overlap):\n\n"
        o += "| clerk | shift | hours | breaks | post |\n|---|---|---|---|---|\n"
        for m in d.scenario.staff {
            let s = shifts[m.shift]
            let hours = s.map { "\($0.start)–\($0.end)" } ?? ""
            let breaks = s.map { $0.breaks.map { "\($0.start)–\($0.end)" }.joined(separator: ", ") } ?? ""
            for (k, id) in m.memberIDs.enumerated() {
                o +=
                    "| \(id) | \(m.shift) | \(hours) | \(breaks) | \(m.posts.indices.contains(k) ? m.posts[k] : "") |\n"
            }
        }
        return o + "\n"
    }

    public var json: Data {
        get throws {
            struct Day: Encodable {
                var day: String, demand_scale: Double, intervals: [String], cost: Double, staff_hours: Double,
                    sipp_cost: Double, sipp_staff_hours: Double
                var rounds: Int, analytic_seed: [String: [Int]], sipp: [String: [Int]], requirement: [String: [Int]],
                    on_duty: [String: [Int]]
                var shifts: [String: [String: Int]], service_level: [String: [Estimate]],
                    sipp_service_level: [String: [Estimate]]
                var abandoned: [String: Estimate], unmet: [UnmetInterval], problems: [String]
            }
            struct Out: Encodable {
                var layout: String, choice: String, cost: Double, staff_hours: Double, sipp_cost: Double,
                    sipp_staff_hours: Double
                var targets: PlanTargets, seed: UInt64, replications: Int, confirm_replications: Int, seconds: Double
                var candidates: [LayoutComparison], groups: [PlanGroup], days: [Day], problems: [String]
                var back_office: BackOfficeJSON?
                var tidal: TidalJSON?
                var headcount: HeadcountComparison?
            }
            struct TidalJSON: Encodable {
                var settings: [TidalSetting]
                var chosen: Int
                var sl_difference: Estimate
                var cost_difference: Double
                var sentence: String
            }
            let ids = chosen.layout.groups.map(\.id)
            func byGroup<T>(_ x: [T]) -> [String: T] { Dictionary(uniqueKeysWithValues: zip(ids, x)) }
            let days = chosen.days.map { d in
                Day(
                    day: d.day.name, demand_scale: d.day.demandScale,
                    intervals: d.intervals.map { "\($0.start)-\($0.end)" },
                    cost: d.schedule.cost, staff_hours: d.schedule.staffHours, sipp_cost: d.sippSchedule.cost,
                    sipp_staff_hours: d.sippSchedule.staffHours,
                    rounds: d.rounds, analytic_seed: byGroup(d.seed), sipp: byGroup(d.sipp),
                    requirement: byGroup(d.requirement),
                    on_duty: byGroup(d.schedule.coverage),
                    shifts: byGroup(
                        d.schedule.counts.map { row in
                            Dictionary(uniqueKeysWithValues: zip(spec.shiftTypes.map(\.id), row).filter { $0.1 > 0 })
                        }),
                    service_level: byGroup(d.serviceLevel), sipp_service_level: byGroup(d.sippServiceLevel),
                    abandoned: byGroup(d.abandoned),
                    unmet: d.schedule.unmet, problems: d.problems)
            }
            let out = Out(
                layout: chosen.layout.kind.rawValue, choice: choice, cost: chosen.cost, staff_hours: chosen.staffHours,
                sipp_cost: chosen.sippCost, sipp_staff_hours: chosen.sippStaffHours, targets: spec.targets,
                seed: spec.seed,
                replications: spec.replications, confirm_replications: spec.confirmReplications,
                seconds: (seconds * 1000).rounded() / 1000,
                candidates: candidates, groups: chosen.layout.groups, days: days, problems: problems,
                back_office: backOffice.map(BackOfficeJSON.init),
                tidal: tidal.map {
                    TidalJSON(
                        settings: $0.settings, chosen: $0.chosen, sl_difference: $0.slDifference,
                        cost_difference: $0.costDifference, sentence: $0.sentence)
                }, headcount: headcount)
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            return try e.encode(out)
        }
    }
}
