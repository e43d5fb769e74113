import Foundation
import HallDomain
import HallMetrics
import HallPlanner
import HallRunner
import HallScenarioYAML
import XCTest

/// The planner on a hall whose answer is known (stationary M/M/c, Erlang C per interval), judged as a
/// planner would judge it: on 200 fresh replications with a seed the planner never used.
final class KnownHallTests: XCTestCase {
    static let hall = """
        name: Stationary 100/h
        day:
          periods: [{open: "08:00", close: "18:00"}]
        departments: [{id: d}]
        items: [{id: x, department: d, kind: immediate, service_min: {dist: exponential, mean: 8}}]
        arrivals: [{id: walk, item: x, rates: [{from: "08:00", to: "18:00", per_hour: 100}]}]
        windows: [{id: w, kind: department, departments: [d], count: 30}]
        """

    func plan(_ body: String, patience: Double? = nil) throws -> (Scenario, PlanningSpec) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("known-hall-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let hall =
            Self.hall + (patience.map { "\nbehaviour: {patience_min: {dist: exponential, mean: \($0)}}\n" } ?? "")
        try hall.write(to: dir.appendingPathComponent("hall.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("plan.yaml")
        try ("scenario: hall.yaml\n" + body).write(to: file, atomically: true, encoding: .utf8)
        return try PlanLoader.load(path: file.path)
    }

    /// Pooled share called within `target` minutes per half-hour of arrival, over fresh replications.
    func freshShares(_ s: Scenario, target: Double, replications: Int = 200, seed: UInt64 = 777_001) -> [Double] {
        let r = Experiment.run(s, seed: seed, replications: 0..<replications, records: .all)
        var arrivals = [Int](repeating: 0, count: 20)
        var within = arrivals
        for log in r.logs {
            for t in log!.tickets where t.outcome != .transferred {
                let i = min(max(Int((t.arrival - 480) / 30), 0), 19)
                arrivals[i] += 1
                if let c = t.call, c - t.arrival <= target + 1e-9 { within[i] += 1 }
            }
        }
        return zip(within, arrivals).map { Double($0) / Double(max($1, 1)) }
    }

    func testPerIntervalPlanKeepsItsPromiseOnFreshSeedsAndBeatsSIPP() throws {
        let (s, spec) = try plan(
            """
            interval_min: 30
            days: [{name: Day, demand_scale: 1}]
            targets: {wait_min: 15, service_level: 0.9}
            shift_types: per_interval
            layouts: [dedicated]
            seed: 1
            replications: 40
            confirm_replications: 60
            max_rounds: 12
            compare_at_headcount: 15
            """)
        XCTAssertEqual(spec.shiftTypes.count, 20, "one shift type per half-hour")
        let r = Planner.plan(s, spec, threads: 2)
        XCTAssertEqual(r.problems, [], "the plan passes its own confirmation")
        // No shift type covers the day: a fixed headcount cannot staff it, and the plan says so.
        XCTAssertEqual(r.headcount?.layouts.count, 0)
        XCTAssertTrue(r.headcount?.skipped.first?.contains("no shift type covers the opening hours") == true)
        let day = r.chosen.days[0]
        // Never below the offered load (100/h × 8 min = 13.3 erlangs): at least 14 once the hall fills.
        for (i, n) in day.schedule.coverage[0].enumerated().dropFirst() {
            XCTAssertGreaterThanOrEqual(n, 14, "interval \(i)")
        }
        XCTAssertTrue(day.requirement.joined().allSatisfy { $0 >= 0 }, "no negative requirement")
        XCTAssertLessThanOrEqual(day.schedule.staffHours, day.sippSchedule.staffHours + 1e-9, "no dearer than SIPP")
        let shares = freshShares(day.scenario, target: 15)
        let met = shares.filter { $0 >= 0.9 }.count
        XCTAssertGreaterThanOrEqual(Double(met), 0.95 * 20, "cells meeting 90 % on 200 fresh days: \(shares)")
        // Near the cheapest plan that meets the same test: a greedy search from the plan, taking a
        // clerk from each interval in turn while every cell still meets 90 % on 400 fresh days (two seeds). The
        // greedy keeps the floor the issue asks of every plan (never below the offered load: 14 once the
        // hall has filled), and it is judged on the very days it is scored on, so it is the cheaper side.
        var counts = day.schedule.counts
        func cellsMet(_ c: [[Int]], seed: UInt64 = 777_001) -> Int {
            let hall = PlannedScenario.make(
                base: s, layout: r.chosen.layout, shiftTypes: spec.shiftTypes, counts: c)
            return freshShares(hall, target: 15, seed: seed).filter { $0 >= 0.9 }.count
        }
        for i in counts[0].indices where counts[0][i] > (i == 0 ? 0 : 14) {
            counts[0][i] -= 1
            if cellsMet(counts) < 20 || cellsMet(counts, seed: 888_001) < 20 { counts[0][i] += 1 }
        }
        let cheapest = Double(counts[0].reduce(0, +)) * 0.5
        // 144 staff-hours against the greedy's 141 (2.1 % above; with seeds 2 and 3, 143.5 against 141.5
        // and 143.5 against 141). The planner gets there by trimming every other interval once trimming
        // neighbours together failed (a half-hour one clerk above its offered load passes when the one
        // before kept its clerk and cleared the queue), by paying no clerk for a cell that more days could
        // not show to fail, and by deciding on 40 tuning days over up to 12 rounds. With 10 or 20 days the
        // plan is 146.5 (3.9 % above): too few days to show that a cell one clerk lighter still passes
        // beyond doubt. planner.md says what more days buy.
        XCTAssertLessThanOrEqual(day.schedule.staffHours, 1.03 * cheapest, "greedy found \(counts[0])")
        // The plan keeps its promise on days neither it nor the greedy saw.
        XCTAssertGreaterThanOrEqual(Double(cellsMet(day.schedule.counts, seed: 999_001)), 0.95 * 20)
        // The planned hall runs as written.
        let planned = try ScenarioLoader.parse(yaml: ScenarioWriter.yaml(day.scenario), file: "planned.yaml")
        XCTAssertEqual(planned.staff.reduce(0) { $0 + $1.count }, day.scenario.staff.reduce(0) { $0 + $1.count })
    }

    /// Erlang A on one day-long shift: 100/h, 8 min, exponential patience of 30 min, 90 % called within
    /// 15 min (leaving counts as a miss). Erlang A gives 0.913 with 13 clerks at steady state (Erlang C,
    /// without patience, needs 15). A half-hour that looks short on ten tuning days must not buy a clerk
    /// for the whole day: the shift gets the fewest clerks that meet the target on fresh days.
    func testOneNoisyCellDoesNotBuyAWholeShift() throws {
        let (s, spec) = try plan(
            """
            interval_min: 30
            days: [{name: Day, demand_scale: 1}]
            targets: {wait_min: 15, service_level: 0.9}
            layouts: [dedicated]
            seed: 1
            replications: 10
            confirm_replications: 20
            """, patience: 30)
        let r = Planner.plan(s, spec, threads: 2)
        XCTAssertEqual(r.problems, [])
        let day = r.chosen.days[0]
        let n = day.schedule.counts[0][0]
        func cellsMet(_ clerks: Int) -> Int {
            let hall = PlannedScenario.make(
                base: s, layout: r.chosen.layout, shiftTypes: r.spec.shiftTypes, counts: [[clerks]])
            return freshShares(hall, target: 15).filter { $0 >= 0.9 }.count
        }
        XCTAssertGreaterThanOrEqual(Double(cellsMet(n)), 0.95 * 20, "\(n) clerks on 200 fresh days")
        XCTAssertLessThan(Double(cellsMet(n - 1)), 0.95 * 20, "\(n - 1) clerks would do on 200 fresh days")
    }

    func testClerksOnShiftsThatDoNotOverlapShareWindowsAndThePlanRuns() throws {
        let (s, spec) = try plan(
            """
            interval_min: 30
            days: [{name: Day, demand_scale: 1}]
            targets: {wait_min: 15, service_level: 0.8}
            shift_types:
              - {id: early, start: "08:00", end: "13:00"}
              - {id: late, start: "13:00", end: "18:00"}
              - {id: middle, start: "10:00", end: "16:00"}
            layouts: [dedicated]
            seed: 1
            replications: 6
            confirm_replications: 10
            """)
        let r = Planner.plan(s, spec)
        let planned = r.chosen.days[0].scenario
        let posts = planned.staff.flatMap(\.posts)
        XCTAssertLessThan(Set(posts).count, posts.count, "early and late clerks share posts")
        XCTAssertEqual(planned.validate().map(\.message), [], "the planned hall validates")
        let text = ScenarioWriter.yaml(planned)
        let reread = try ScenarioLoader.parse(yaml: text, file: "planned.yaml")
        let run = Experiment.run(reread, seed: 5, replications: 0..<3, records: .all)
        XCTAssertGreaterThan(run.summary.overall[.served]?.mean ?? 0, 900, "the planned hall serves the day")
    }

    /// Six departments at 24/h of 10-minute intake each. Generalists as fast as specialists: one pooled
    /// universal group is cheapest. 20 % slower: a chain of two skills (each clerk mostly on their own
    /// department) beats it, and a chain is sized on its own, below the dedicated staffing.
    func testLayoutChoiceFlipsWithTheGeneralistSlowdown() throws {
        let deps = ["a", "b", "c", "d", "e", "f"]
        func hall() throws -> Scenario {
            try ScenarioLoader.parse(
                yaml: """
                    name: Six departments
                    day:
                      periods: [{open: "09:00", close: "17:00"}]
                    departments: [\(deps.map { "{id: \($0)}" }.joined(separator: ", "))]
                    items: [\(deps.map { "{id: x\($0), department: \($0), kind: immediate, service_min: {dist: exponential, mean: 10}}" }.joined(separator: ", "))]
                    arrivals: [\(deps.map { "{id: w\($0), item: x\($0), rates: [{from: \"09:00\", to: \"17:00\", per_hour: 24}]}" }.joined(separator: ", "))]
                    windows: [\(deps.map { "{id: g\($0), kind: department, departments: [\($0)], count: 8}" }.joined(separator: ", "))]
                    """, file: "six.yaml")
        }
        func plan(slowdown: Double) throws -> PlanResult {
            var spec = PlanningSpec(
                intervalMinutes: 60, targets: PlanTargets(waitMinutes: 10, serviceLevel: 0.8),
                shiftTypes: [ShiftType(id: "day", start: ClockTime(9, 0), end: ClockTime(17, 0))],
                generalistSlowdown: slowdown, layouts: [.dedicated, .universal, .chain], replications: 10,
                confirmReplications: 20)
            spec.compareAtHeadcount = 27  // 24 erlangs at specialist speed
            return Planner.plan(try hall(), spec)
        }
        let same = try plan(slowdown: 1)
        XCTAssertEqual(same.chosen.layout.kind, .universal, same.choice)
        // At a fixed headcount of 27, pooling wins at equal speed, by more than the paired interval …
        let h = try XCTUnwrap(same.headcount)
        XCTAssertEqual(h.layouts.map(\.layout).first, "universal")
        for l in h.layouts { XCTAssertEqual(l.clerks.values.reduce(0, +), 27, l.layout) }
        let dedicated = try XCTUnwrap(h.layouts.first { $0.layout == "dedicated" })
        XCTAssertLessThan(dedicated.slDifference.mean! + dedicated.slDifference.halfWidth!, 0)
        let slower = try plan(slowdown: 1.2)
        XCTAssertEqual(slower.chosen.layout.kind, .chain, slower.choice)
        // … and loses when generalists are 20 % slower (28.8 erlangs for 27 universal clerks).
        let sl = Dictionary(uniqueKeysWithValues: slower.headcount!.layouts.map { ($0.layout, $0.weekSL.mean!) })
        XCTAssertLessThan(sl["universal"]!, sl["chain"]!)
        XCTAssertLessThan(sl["universal"]!, sl["dedicated"]!)
        let cost = Dictionary(uniqueKeysWithValues: slower.candidates.map { ($0.layout, $0.cost) })
        XCTAssertLessThan(cost["chain"]!, cost["dedicated"]!, "a chain sized on its own")
        XCTAssertEqual(slower.problems, [])
    }
}
