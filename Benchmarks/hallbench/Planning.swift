import Foundation
import HallPlanner
import HallScenarioYAML

/// The staffing planner on the county week (scenarios/plan/county-week.yaml): 5 days × 18 half-hours,
/// four layouts, shifts by CBC, simulation rounds and confirmation on fresh replications, and the
/// October back office to its on-time target. Goal (issue #16) ≤ 10 s on 2 cores. Where the time goes
/// is read from the planner's progress messages: each phase runs until the next one starts.
func benchPlanner(root: URL, quick: Bool) {
    print(
        "\nStaffing planner: county week (5 days × 18 half-hours, 4 layouts, shifts, fresh-seed confirmation, back office)"
    )
    do {
        var (scenario, spec) = try PlanLoader.load(
            path: root.appendingPathComponent("scenarios/plan/county-week.yaml").path)
        if quick {
            spec.days = Array(spec.days.prefix(1))
            spec.layouts = [.universal]
            spec.targets.onTimeRate = nil
        }
        let repeats = quick ? 1 : 3
        var last: PlanResult?
        var phases: [(String, Double)] = []
        let t = best(repeats) {
            var marks: [(String, Date)] = [("layouts (simulate, add, trim; fresh confirmation)", Date())]
            last = Planner.plan(scenario, spec) { message in
                let phase: String
                if message.hasPrefix("back office: confirmation") {
                    phase = "back office: confirmation, plan and base on fresh replications (months)"
                } else if message.hasPrefix("back office") {
                    phase = "back office: first run and adjusting rounds (months)"
                } else if message.hasPrefix("tidal rules") {
                    phase = "tidal tuning (replanned days)"
                } else if message.contains("SIPP plan") {
                    phase = "SIPP plan of the chosen layout on fresh replications"
                } else {
                    phase = "layouts (simulate, add, trim; fresh confirmation)"
                }
                if marks.last?.0 != phase { marks.append((phase, Date())) }
            }
            marks.append(("end", Date()))
            let run = zip(marks, marks.dropFirst()).map { ($0.0, $1.1.timeIntervalSince($0.1)) }
            if phases.isEmpty || run.reduce(0, { $0 + $1.1 }) < phases.reduce(0, { $0 + $1.1 }) { phases = run }
        }
        guard let r = last else { return }
        print(
            "  \(spec.days.count) day(s), \(spec.layouts.count) layout(s)\(spec.targets.onTimeRate == nil ? "" : ", back office"): \(String(format: "%.2f", t)) s per plan (best of \(repeats); goal ≤ 10 s)"
        )
        for (phase, seconds) in phases {
            print(String(format: "    %5.2f s  %@", seconds, phase))
        }
        print(
            String(
                format: "  chosen %@: cost %.0f, %.0f staff-hours; plain Erlang C / SIPP plan %.0f, %.0f staff-hours",
                r.chosen.layout.kind.rawValue, r.chosen.cost, r.chosen.staffHours, r.chosen.sippCost,
                r.chosen.sippStaffHours))
    } catch {
        print("  cannot load the county week: \(error)")
    }
}
