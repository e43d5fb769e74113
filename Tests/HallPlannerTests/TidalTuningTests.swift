import HallDomain
import HallMetrics
import HallPlanner
import HallRunner
import HallScenarioYAML
import XCTest

/// A hall with a morning tide: up to five rostered windows on one all-day shift type, and two tidal
/// windows served from a pool of one clerk (paid all day) that opens at a queue of 16 — too late for
/// the 09:30–11:00 peak of 24 an hour.
let tidalHall = """
    name: tidal hall
    service_level: {target_wait_min: 15}
    day:
      periods: [{open: "08:30", close: "12:00"}, {open: "14:00", close: "17:30"}]
    departments: [{id: d}]
    items: [{id: x, department: d, kind: immediate, service_min: {dist: exponential, mean: 8}}]
    arrivals:
      - id: a
        item: x
        rates:
          - {from: "08:30", to: "09:30", per_hour: 11}
          - {from: "09:30", to: "11:00", per_hour: 24}
          - {from: "11:00", to: "12:00", per_hour: 10}
          - {from: "14:00", to: "17:30", per_hour: 10}
    windows:
      - {id: w, kind: department, departments: [d], count: 5}
      - {id: tide, kind: department, departments: [d], count: 2}
    tidal:
      - {id: t, group: tide, open_when: {queue_length: 16}, close_when: {below: 4, for_min: 10}, staff_from: {pool: 1}}
    """

final class TidalTuningTests: XCTestCase {
    func spec(tuning: TidalTuningSpec? = TidalTuningSpec(openScales: [0.25, 0.5, 1], sourceSteps: [0, 1]))
        -> PlanningSpec
    {
        var spec = PlanningSpec(
            days: [PlanDay(name: "Monday", demandScale: 1)], targets: PlanTargets(waitMinutes: 15, serviceLevel: 0.75),
            layouts: [.dedicated], seed: 3, replications: 10, confirmReplications: 20)
        spec.tidalTuning = tuning
        return spec
    }

    func testTheTidalRulesComeIntoThePlannedHallWhichValidatesAndRuns() throws {
        let base = try ScenarioLoader.parse(yaml: tidalHall, file: "tidal.yaml")
        let r = Planner.plan(base, spec(tuning: nil))
        XCTAssertNil(r.tidal, "no tidal_tuning: the rules come along as they are")
        let planned = r.chosen.days[0].scenario
        XCTAssertEqual(planned.tidal, base.tidal)
        XCTAssertTrue(planned.windows.contains { $0.id == "tide" && $0.count == 2 })
        XCTAssertEqual(planned.validate().map(\.message), [])
        let reread = try ScenarioLoader.parse(yaml: ScenarioWriter.yaml(planned), file: "planned.yaml")
        XCTAssertEqual(reread.tidal, base.tidal)
        let run = Experiment.run(reread, seed: 5, replications: 0..<4)
        XCTAssertGreaterThan(
            run.summary.overall[.served]?.mean ?? 0, 80, "the planned hall serves the day (92 expected)")
    }

    /// The base rule opens too late to help: the peak needs a fourth rostered clerk all day. Opened at a
    /// queue of 4, the pool's clerk (paid anyway) covers the peak and the plan needs one clerk less.
    func testTuningWithTheStaffOpensEarlierAndSavesARosteredClerk() throws {
        let base = try ScenarioLoader.parse(yaml: tidalHall, file: "tidal.yaml")
        let r = Planner.plan(base, spec())
        let t = try XCTUnwrap(r.tidal)
        XCTAssertEqual(t.settings[0].rules, base.tidal, "the base rules come first")
        XCTAssertEqual(t.settings.count, 6, "3 factors × 2 steps")
        let chosen = t.settings[t.chosen]
        XCTAssertLessThan(chosen.rules[0].openAt, 16)
        XCTAssertTrue(chosen.meetsTarget)
        // The cheapest setting that passes every cell, and cheaper than the base rules' plan.
        for s in t.settings where s.meetsTarget { XCTAssertLessThanOrEqual(chosen.total, s.total + 1e-9) }
        XCTAssertLessThan(chosen.total, t.settings[0].total)
        XCTAssertLessThan(chosen.staffCost, t.settings[0].staffCost, "a rostered clerk less")
        XCTAssertEqual(t.costDifference, chosen.total - t.settings[0].total, accuracy: 1e-9)
        // The plan is the one made under the chosen rules, and it keeps its promise on fresh days.
        XCTAssertEqual(r.chosen.cost, chosen.staffCost, accuracy: 1e-9)
        XCTAssertEqual(r.chosen.days[0].scenario.tidal, chosen.rules)
        XCTAssertEqual(t.scenario.tidal, chosen.rules, "planned-tidal.yaml: the base hall with the chosen rules")
        XCTAssertFalse(r.problems.contains { $0.contains("does not keep its promise") }, "\(r.problems)")
        // On 200 fresh days (a seed the planner never used), at most one of the 14 half-hours is below 75 %.
        let run = Experiment.run(r.chosen.days[0].scenario, seed: 777_001, replications: 0..<200, records: .all)
        var arrivals = [Int](repeating: 0, count: 18)
        var within = arrivals
        for log in run.logs {
            for x in log!.tickets {
                let i = min(max(Int((x.arrival - 510) / 30), 0), 17)
                arrivals[i] += 1
                if let c = x.call, c - x.arrival <= 15 + 1e-9 { within[i] += 1 }
            }
        }
        let shares = zip(within, arrivals).filter { $0.1 > 0 }.map { Double($0.0) / Double($0.1) }
        XCTAssertEqual(shares.count, 14)
        XCTAssertGreaterThan(run.summary.overall[.tidalOpenMinutes]?.mean ?? 0, 30, "the tidal windows open")
        XCTAssertGreaterThanOrEqual(shares.filter { $0 >= 0.75 }.count, 13, "fresh shares per half-hour: \(shares)")
        XCTAssertTrue(t.sentence.contains("tuned with the staff"), t.sentence)
        // The same seed gives the same choice.
        XCTAssertEqual(Planner.plan(base, spec()).tidal?.sentence, t.sentence)
    }

    func testAHallWithoutTidalRulesIsNotTunedAndThePlanFileSaysWhy() throws {
        var base = try ScenarioLoader.parse(yaml: tidalHall, file: "tidal.yaml")
        base.tidal = []
        base.windows.removeLast()
        XCTAssertNil(Planner.plan(base, spec()).tidal)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tidal-tuning-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try ScenarioWriter.yaml(base).write(
            to: dir.appendingPathComponent("hall.yaml"), atomically: true, encoding: .utf8)
        try tidalHall.write(to: dir.appendingPathComponent("tidal.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("plan.yaml")
        // The plan file `text` is refused with a message holding every one of `parts`.
        func refused(_ text: String, _ parts: String..., line: UInt = #line) throws {
            try text.write(to: file, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try PlanLoader.load(path: file.path), line: line) { e in
                for part in parts { XCTAssertTrue("\(e)".contains(part), "\(e)", line: line) }
            }
        }
        try refused(
            "scenario: hall.yaml\ntidal_tuning: {open_scales: [0.5]}\n",
            "tidal_tuning: a base scenario with tidal rules")
        try refused(
            "scenario: tidal.yaml\ntidal_tuning:\n  open_scales: [0.5, 0]\n  source_steps: []\n", "plan.yaml:3:",
            "tidal_tuning.open_scales[1]: a factor > 0", "tidal_tuning.source_steps: at least one step")
        try refused(
            "scenario: tidal.yaml\ntidal_tuning: {source_steps: [-9223372036854775808]}\n",
            "tidal_tuning.source_steps[0]: clerks added to")
        try refused(
            "scenario: tidal.yaml\nbudget: 5000\ntidal_tuning: {open_scales: [0.5]}\n",
            "tidal_tuning: no budget beside it")
        try "scenario: tidal.yaml\ntidal_tuning: {source_steps: [-1, 2]}\n".write(
            to: file, atomically: true, encoding: .utf8)
        let (_, spec) = try PlanLoader.load(path: file.path)
        XCTAssertEqual(spec.tidalTuning, TidalTuningSpec(openScales: [0.5, 0.75, 1], sourceSteps: [-1, 2]))
    }
}
