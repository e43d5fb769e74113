import Foundation
import HallDomain
import HallPlanner
import HallScenarioYAML
import XCTest

/// The planner end to end on a small hall, and its answers to bad input.
final class PlannerTests: XCTestCase {
    /// One department, exponential intake of 8 min, a morning peak; open 08:00–12:00.
    func hall(peak: Double = 100, patience: Double? = 30) -> Scenario {
        let open = ClockTime(8, 0)
        let close = ClockTime(12, 0)
        return Scenario(
            name: "small", day: DaySchedule(periods: [HallDomain.TimeInterval(start: open, end: close)]),
            departments: [Department(id: "d")],
            items: [ServiceItem(id: "x", department: "d", kind: .immediate, service: .exponential(mean: 8))],
            arrivals: [
                ArrivalProfile(
                    id: "a", target: .item("x"),
                    rates: [
                        RateInterval(from: ClockTime(8, 0), to: ClockTime(9, 0), perHour: peak / 2),
                        RateInterval(from: ClockTime(9, 0), to: ClockTime(10, 0), perHour: peak),
                        RateInterval(from: ClockTime(10, 0), to: ClockTime(12, 0), perHour: peak / 3),
                    ])
            ],
            windows: [WindowGroup(id: "d", kind: .department, departments: ["d"], count: 1)],
            behaviour: Behaviour(patience: patience.map { .exponential(mean: $0) }))
    }

    func spec(
        _ targets: PlanTargets = PlanTargets(waitMinutes: 15, serviceLevel: 0.8), budget: Double? = nil,
        shifts: [ShiftType]? = nil
    ) -> PlanningSpec {
        PlanningSpec(
            targets: targets,
            shiftTypes: shifts ?? [
                ShiftType(id: "am", start: ClockTime(8, 0), end: ClockTime(12, 0)),
                ShiftType(id: "early", start: ClockTime(8, 0), end: ClockTime(10, 0)),
                ShiftType(id: "late", start: ClockTime(9, 0), end: ClockTime(12, 0)),
            ],
            layouts: [.dedicated], budget: budget, replications: 10, confirmReplications: 20)
    }

    func testPlanMeetsTargetOnFreshSeedsAndFollowsTheTide() {
        let r = Planner.plan(hall(), spec())
        XCTAssertTrue(r.problems.isEmpty, "\(r.problems)")
        let d = r.chosen.days[0]
        XCTAssertEqual(d.intervals.count, 8)
        // More staff in the 09:00–10:00 peak than at 11:30, and the backlog is covered after the peak.
        XCTAssertGreaterThan(d.schedule.coverage[0][2], d.schedule.coverage[0][7])
        // On fresh replications the whole-day service level is at least the target, with its interval.
        let mean = d.daySL.reduce(0, +) / Double(d.daySL.count)
        XCTAssertGreaterThanOrEqual(mean, 0.8)
        // The lag-aware seed asks for at least as much as SIPP right after the peak (10:00–10:30).
        XCTAssertGreaterThanOrEqual(d.seed[0][4] + 1, d.sipp[0][4])
        // The planned scenario is valid and round-trips through YAML.
        XCTAssertEqual(d.scenario.validate(), [])
        XCTAssertEqual(
            try ScenarioLoader.parse(yaml: ScenarioWriter.yaml(d.scenario), file: "planned.yaml"), d.scenario)
    }

    func testSameSeedSamePlanWhateverTheThreads() {
        let a = Planner.plan(hall(), spec(), threads: 1)
        let b = Planner.plan(hall(), spec(), threads: 3)
        XCTAssertEqual(a.chosen.days[0].schedule, b.chosen.days[0].schedule)
        XCTAssertEqual(a.chosen.days[0].daySL, b.chosen.days[0].daySL)
        XCTAssertEqual(a.chosen.days[0].serviceLevel, b.chosen.days[0].serviceLevel)
    }

    /// The layouts are planned side by side (the shift solver serialised): with two layouts, the plans,
    /// their comparison and the choice are the same on one thread and on four (both layouts' one day at once,
    /// each with two threads for its replications).
    func testSameChoiceWhateverTheThreadsWithLayoutsSideBySide() throws {
        var s = spec()
        s.layouts = [.dedicated, .universal]
        let a = Planner.plan(hall(), s, threads: 1)
        let b = Planner.plan(hall(), s, threads: 4)
        XCTAssertEqual(a.candidates.count, 2)
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        XCTAssertEqual(try e.encode(a.candidates), try e.encode(b.candidates))
        XCTAssertEqual(a.choice, b.choice)
        XCTAssertEqual(a.chosen.days[0].schedule, b.chosen.days[0].schedule)
        XCTAssertEqual(a.chosen.days[0].daySL, b.chosen.days[0].daySL)
    }

    func testUnreachableTargetIsSaidAndABestPlanGiven() {
        let r = Planner.plan(hall(), spec(PlanTargets(waitMinutes: 0, serviceLevel: 1)))
        XCTAssertTrue(r.problems.contains { $0.contains("100 % within 0 min cannot be met") }, "\(r.problems)")
        XCTAssertGreaterThan(r.chosen.cost, 0)
        XCTAssertFalse(r.chosen.days[0].schedule.counts.joined().allSatisfy { $0 == 0 })
    }

    func testBudgetBelowAnyFeasiblePlan() {
        let full = Planner.plan(hall(), spec())
        let r = Planner.plan(hall(), spec(budget: full.chosen.cost / 2))
        XCTAssertLessThanOrEqual(r.chosen.cost, full.chosen.cost / 2 + 1e-9)
        XCTAssertTrue(r.problems.contains { $0.contains("budget") }, "\(r.problems)")
        XCTAssertTrue(r.problems.contains { $0.contains("requirement not met") }, "\(r.problems)")
        // Half the staff misses the target beyond doubt on the fresh days, and the plan says so (exit 3).
        XCTAssertTrue(r.problems.contains { $0.contains("does not keep its promise") }, "\(r.problems)")
        XCTAssertFalse(full.problems.contains { $0.contains("does not keep its promise") }, "\(full.problems)")
    }

    func testShiftsThatCannotCoverOpeningHours() {
        let r = Planner.plan(
            hall(), spec(shifts: [ShiftType(id: "early", start: ClockTime(8, 0), end: ClockTime(10, 0))]))
        XCTAssertTrue(
            r.problems.contains {
                $0.contains("no shift type is on duty during 10:00–10:30, 10:30–11:00, 11:00–11:30, 11:30–12:00")
            },
            "\(r.problems)")
    }

    func testLayoutsOfTheCountyHall() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let (s, spec) = try PlanLoader.load(path: root.appendingPathComponent("scenarios/plan/county-week.yaml").path)
        XCTAssertEqual(spec.days.count, 5)
        let shared = s.departments.filter { !$0.ownWindowsOnly }.map(\.id)
        for kind in LayoutKind.allCases {
            let l = Layout.make(kind, hall: s, spec: spec, load: [:])
            // Every department has exactly one home group, and each group serves its home departments.
            let homes = l.groups.flatMap(\.home)
            XCTAssertEqual(homes.sorted(), s.departments.map(\.id).sorted(), "\(kind)")
            for g in l.groups { XCTAssertTrue(Set(g.home).isSubset(of: g.departments)) }
            if kind == .chain {
                // Two departments per clerk, each shared department in exactly two groups (a closed chain).
                for d in shared { XCTAssertEqual(l.groups.filter { $0.departments.contains(d) }.count, 2, d) }
            }
        }
    }

    func testPlanFileErrorsArePositioned() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plan-errors-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("bad.yaml")
        try """
        scenario: /nonexistent/hall.yaml
        targets: {wait_min: 15, service_level: 1.5}
        shift_types:
          - {id: a, start: "09:00", end: "08:00"}
        layouts: [dedicated, everything]
        compare_at_headcount: 0
        """.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PlanLoader.load(path: file.path)) { e in
            let text = (e as? ScenarioLoadError)?.description ?? ""
            XCTAssertTrue(text.contains("bad.yaml:2:"), text)
            XCTAssertTrue(text.contains("targets.service_level: a share in (0, 1]"), text)
            XCTAssertTrue(text.contains("shift_types[0]: start before end"), text)
            XCTAssertTrue(text.contains("layouts[1]: expected one of dedicated, domain, universal, chain"), text)
            XCTAssertTrue(text.contains("bad.yaml:6:"), text)
            XCTAssertTrue(text.contains("compare_at_headcount: a number of clerks a day from 1 to 10000, got 0"), text)
        }
    }
}
