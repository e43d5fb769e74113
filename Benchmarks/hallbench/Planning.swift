import Foundation
import HallPlanner
import HallScenarioYAML

/// The staffing planner on the county week (scenarios/plan/county-week.yaml): 5 days × 18 half-hours,
/// four layouts, shifts by CBC, simulation rounds and confirmation on fresh replications. Goal ≤ 60 s.
func benchPlanner(root: URL, quick: Bool) {
    print("\nStaffing planner: county week (5 days × 18 half-hours, 4 layouts, shifts, fresh-seed confirmation)")
    do {
        var (scenario, spec) = try PlanLoader.load(
            path: root.appendingPathComponent("scenarios/plan/county-week.yaml").path)
        if quick {
            spec.days = Array(spec.days.prefix(1))
            spec.layouts = [.universal]
        }
        let repeats = quick ? 1 : 3
        var last: PlanResult?
        let t = best(repeats) { last = Planner.plan(scenario, spec) }
        guard let r = last else { return }
        print(
            "  \(spec.days.count) day(s), \(spec.layouts.count) layout(s): \(String(format: "%.2f", t)) s per plan (best of \(repeats); goal ≤ 60 s)"
        )
        print(
            String(
                format: "  chosen %@: cost %.0f, %.0f staff-hours; plain Erlang C / SIPP plan %.0f, %.0f staff-hours",
                r.chosen.layout.kind.rawValue, r.chosen.cost, r.chosen.staffHours, r.chosen.sippCost,
                r.chosen.sippStaffHours))
    } catch {
        print("  cannot load the county week: \(error)")
    }
}
