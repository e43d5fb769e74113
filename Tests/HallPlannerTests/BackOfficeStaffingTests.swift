import Foundation
import HallDomain
import HallPlanner
import HallScenarioYAML
import XCTest

/// Back-office staffing to an on-time target (docs/planner.md, "Back office") on a small two-department
/// month: department a is short of staff, department b has more than it needs.
final class BackOfficeStaffingTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// November 2025; intake takes no time; a: 6 cases/h, committed in 1 working day, 25-min reviews by 1
    /// reviewer (offered work 2.5 reviewers); b: 1.5 cases/h, 2 working days, 20-min reviews by 2.
    /// `PICKUP` and `A` (a's steps and approvers) vary by test.
    static let yaml = """
        name: two departments
        day:
          periods:
            - {open: "08:30", close: "12:00"}
            - {open: "14:00", close: "17:30"}
        calendar:
          file: CALENDAR
          start: "2025-11-03"
          end: "2025-11-28"
        departments: [{id: a}, {id: b}]
        items:
          - {id: xa, department: a, kind: committed, committed_limit_days: 1, legal_limit_days: 5, review_depth: DEPTH, service_min: 0}
          - {id: xb, department: b, kind: committed, committed_limit_days: 2, legal_limit_days: 5, review_depth: one_step, service_min: 0}
        arrivals:
          - {id: ra, item: xa, rates: [{from: "08:30", to: "12:00", per_hour: RATE}, {from: "14:00", to: "17:30", per_hour: RATE}]}
          - {id: rb, item: xb, rates: [{from: "08:30", to: "12:00", per_hour: 1.5}, {from: "14:00", to: "17:30", per_hour: 1.5}]}
        windows: [{id: w, kind: universal, count: 4}]
        back_office:
          hand_off: {split: "12:00", same_day: "15:30", next_day: "09:00"}
          PICKUP
          departments:
            - {department: a, reviewers: 1, APPROVERS review_min: {dist: exponential, mean: 25}, approval_min: {dist: exponential, mean: 4}}
            - {department: b, reviewers: 2, review_min: {dist: exponential, mean: 20}}
        """

    /// Continuous pick-up, review only: a's on-time rate is about 26 % with 2 reviewers and 99.8 % with 3.
    func reviewOnly() throws -> Scenario {
        try hall(pickUp: "pick_up: continuous", depth: "one_step", approvers: "", rate: 6)
    }

    /// Check times 11:00 and 17:00 and an approval step: approvals come in batches, so a needs more than
    /// the utilisation seed (3 reviewers, 1 approver: about 61 % on time).
    func withApprovals() throws -> Scenario {
        try hall(
            pickUp: "pick_up: {check_times: [\"11:00\", \"17:00\"]}", depth: "review_approval",
            approvers: "approvers: 1,", rate: 4)
    }

    func hall(pickUp: String, depth: String, approvers: String, rate: Double) throws -> Scenario {
        let text = Self.yaml.replacingOccurrences(
            of: "CALENDAR", with: Self.root.appendingPathComponent("calendars/china.yaml").path
        )
        .replacingOccurrences(of: "PICKUP", with: pickUp).replacingOccurrences(of: "DEPTH", with: depth)
        .replacingOccurrences(of: "APPROVERS", with: approvers).replacingOccurrences(of: "RATE", with: "\(rate)")
        return try ScenarioLoader.parse(yaml: text, file: "two-departments.yaml")
    }

    func spec(target: Double, maxReviewers: Int? = nil, seed: UInt64 = 1) -> PlanningSpec {
        var s = PlanningSpec(
            targets: PlanTargets(waitMinutes: 15, serviceLevel: 0.8), layouts: [.dedicated], seed: seed,
            replications: 10, confirmReplications: 10)
        s.targets.onTimeRate = target
        s.backOffice = BackOfficePlanSpec(maxReviewers: maxReviewers)
        return s
    }

    func department(_ p: BackOfficePlan, _ id: String) -> BackOfficeDepartmentPlan {
        p.departments.first { $0.department == id }!
    }

    /// a gets reviewers until it meets the target on fresh replications, and no fewer: one reviewer less
    /// misses it on the tuning replications. b, which meets it, gets no more than it had.
    func testUnderstaffedDepartmentGetsReviewersAndTheOtherNone() throws {
        let base = try reviewOnly()
        let plan = try XCTUnwrap(BackOfficeStaffing.plan(base, spec(target: 0.95)))
        XCTAssertTrue(plan.problems.isEmpty, "\(plan.problems)")
        let a = department(plan, "a")
        let b = department(plan, "b")
        XCTAssertGreaterThan(a.reviewers, a.baseReviewers)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(a.onTimeRate.mean), 0.95)
        XCTAssertLessThan(try XCTUnwrap(a.baseOnTimeRate.mean), 0.5)
        XCTAssertGreaterThan(try XCTUnwrap(a.onTimeDifference.mean), 0.4)
        XCTAssertLessThanOrEqual(b.reviewers, b.baseReviewers)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(b.onTimeRate.mean), 0.95)
        XCTAssertEqual(b.approvers, 0)
        // The least: one reviewer fewer in a misses the target on the tuning replications.
        let fewer = BackOfficeStaffing.scenario(base, [[a.reviewers - 1, 0], [b.reviewers, 0]])
        let check = try XCTUnwrap(BackOfficeStaffing.plan(fewer, spec(target: 0.95, maxReviewers: a.reviewers - 1)))
        XCTAssertFalse(department(check, "a").meetsTarget)
        // The planned scenario runs the planned counts.
        XCTAssertEqual(
            plan.scenario.backOffice?.departments.map { $0.reviewers.reduce(0) { $0 + $1.count } },
            [a.reviewers, b.reviewers])
    }

    /// Where the seed falls short, simulation adds staff (here approvers too, whose batches at check times
    /// make cases late) until the target is met, and the plan holds on fresh replications.
    func testSimulationAddsWhereTheSeedFallsShort() throws {
        let plan = try XCTUnwrap(BackOfficeStaffing.plan(try withApprovals(), spec(target: 0.8)))
        XCTAssertTrue(plan.problems.isEmpty, "\(plan.problems)")
        let a = department(plan, "a")
        XCTAssertGreaterThan(a.reviewers + a.approvers, a.seedReviewers + a.seedApprovers)
        XCTAssertGreaterThan(plan.rounds, 1)
        XCTAssertTrue(a.meetsTarget)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(a.onTimeRate.mean), 0.8)
        XCTAssertLessThan(try XCTUnwrap(a.baseOnTimeRate.mean), 0.2)
    }

    /// The same seed gives the same plan (replications run in parallel on their own streams).
    func testSameSeedSamePlan() throws {
        let base = try reviewOnly()
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        let one = try e.encode(BackOfficeStaffing.plan(base, spec(target: 0.95))!.departments)
        let two = try e.encode(BackOfficeStaffing.plan(base, spec(target: 0.95))!.departments)
        XCTAssertEqual(one, two)
        let other = try e.encode(BackOfficeStaffing.plan(base, spec(target: 0.95, seed: 2))!.departments)
        XCTAssertNotEqual(one, other)
    }

    /// A target out of reach within the bounds: the best found, and the department named.
    func testUnreachableWithinBoundsNamesTheDepartment() throws {
        let plan = try XCTUnwrap(BackOfficeStaffing.plan(try reviewOnly(), spec(target: 0.95, maxReviewers: 2)))
        XCTAssertEqual(plan.problems.count, 1, "\(plan.problems)")
        XCTAssertTrue(plan.problems[0].contains("back office a:"), plan.problems[0])
        XCTAssertTrue(plan.problems[0].contains("not met within the bounds"), plan.problems[0])
        let a = department(plan, "a")
        XCTAssertEqual(a.reviewers, 2)
        XCTAssertFalse(a.meetsTarget)
        XCTAssertTrue(department(plan, "b").meetsTarget)
    }

    /// Plan files: the target and bounds are read and checked with positions; a base that does not run
    /// over dates cannot take an on-time target.
    func testPlanFileBackOfficeErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bo-plan-errors-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("bad.yaml")
        try """
        scenario: /nonexistent/hall.yaml
        targets: {on_time_rate: 1.5}
        back_office: {max_reviewers: 0, reviewer_cost_per_hour: -1, max_approver: 2}
        """.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PlanLoader.load(path: file.path)) { e in
            let text = (e as? ScenarioLoadError)?.description ?? ""
            XCTAssertTrue(text.contains("bad.yaml:2:"), text)
            XCTAssertTrue(text.contains("targets.on_time_rate: a share in (0, 1]"), text)
            XCTAssertTrue(text.contains("back_office.max_reviewers: at least 1"), text)
            XCTAssertTrue(text.contains("back_office.reviewer_cost_per_hour: a cost"), text)
            XCTAssertTrue(text.contains("max_approver"), text)
        }
        try """
        scenario: \(Self.root.appendingPathComponent("scenarios/validation/mm1-rho08.yaml").path)
        targets: {on_time_rate: 0.9}
        """.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PlanLoader.load(path: file.path)) { e in
            let text = (e as? ScenarioLoadError)?.description ?? ""
            XCTAssertTrue(text.contains("targets.on_time_rate: a base scenario that runs over dates"), text)
        }
    }
}
