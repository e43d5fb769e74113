import HallDomain
import HallPlanner
import XCTest

/// The CBC covering model against exhaustive enumeration on small instances, and its answers when the
/// requirement cannot be covered.
final class ShiftSchedulingTests: XCTestCase {
    /// Half-hours from 08:00 for `n` intervals.
    func halfHours(_ n: Int, from start: Int = 8 * 60) -> [HallDomain.TimeInterval] {
        (0..<n).map {
            HallDomain.TimeInterval(
                start: ClockTime(minutes: Double(start + 30 * $0)),
                end: ClockTime(minutes: Double(start + 30 * $0 + 30)))
        }
    }

    /// Every assignment of 0...cap clerks to each (group, shift type), respecting the limits; the least objective.
    func bruteForce(_ p: ShiftProblem, cap: Int) -> Double {
        let G = p.groups.count
        let S = p.shiftTypes.count
        var counts = [[Int]](repeating: [Int](repeating: 0, count: S), count: G)
        var best = Double.infinity
        func admissible() -> Bool {
            for (s, type) in p.shiftTypes.enumerated() {
                let n = (0..<G).reduce(0) { $0 + counts[$1][s] }
                if n < type.minStaff { return false }
                if let m = type.maxStaff, n > m { return false }
            }
            for (g, group) in p.groups.enumerated() {
                if let a = group.available, counts[g].reduce(0, +) > a { return false }
            }
            if let b = p.budget, ShiftScheduler.evaluate(p, counts: counts).cost > b + 1e-9 { return false }
            return true
        }
        func visit(_ k: Int) {
            if k == G * S {
                if admissible() { best = min(best, ShiftScheduler.evaluate(p, counts: counts).objective) }
                return
            }
            for n in 0...cap {
                counts[k / S][k % S] = n
                visit(k + 1)
            }
        }
        visit(0)
        return best
    }

    /// A small deterministic generator so that the instances are the same on every run.
    struct LCG {
        var x: UInt64
        mutating func next(_ n: Int) -> Int {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((x >> 33) % UInt64(n))
        }
    }

    func randomInstance(_ rng: inout LCG, groups: Int, shifts: Int, intervals: Int) -> ShiftProblem {
        let iv = halfHours(intervals)
        let types: [ShiftType] = (0..<shifts).map { s in
            let a = rng.next(intervals - 1)
            let len = 2 + rng.next(intervals - 1)
            let start = 8 * 60 + 30 * a
            let end = min(8 * 60 + 30 * intervals, start + 30 * len)
            var breaks: [HallDomain.TimeInterval] = []
            if end - start >= 120, rng.next(2) == 0 {
                let b = start + 30 * (1 + rng.next((end - start) / 30 - 2))
                breaks = [
                    HallDomain.TimeInterval(
                        start: ClockTime(minutes: Double(b)), end: ClockTime(minutes: Double(b + 30)))
                ]
            }
            return ShiftType(
                id: "s\(s)", start: ClockTime(minutes: Double(start)), end: ClockTime(minutes: Double(end)),
                breaks: breaks,
                minStaff: rng.next(4) == 0 ? 1 : 0, maxStaff: rng.next(3) == 0 ? 2 : nil)
        }
        let gs: [StaffGroupDemand] = (0..<groups).map { g in
            StaffGroupDemand(
                id: "g\(g)", requirement: (0..<intervals).map { _ in rng.next(3) },
                costPerHour: Double(40 + 10 * rng.next(4)),
                available: rng.next(3) == 0 ? 3 : nil)
        }
        return ShiftProblem(intervals: iv, shiftTypes: types, groups: gs, budget: nil)
    }

    func testCBCMatchesBruteForceOnRandomSmallInstances() {
        var rng = LCG(x: 20_240_607)
        for k in 0..<12 {
            let p = randomInstance(&rng, groups: k % 2 + 1, shifts: 3, intervals: 6)
            let s = ShiftScheduler.solve(p)
            XCTAssertTrue(s.optimal, "instance \(k)")
            let brute = bruteForce(p, cap: 3)
            XCTAssertEqual(
                s.objective, brute, accuracy: 1e-6, "instance \(k): CBC \(s.objective) vs enumeration \(brute)")
            // The reported coverage is that of the counts, and the counts respect the limits.
            XCTAssertEqual(ShiftScheduler.evaluate(p, counts: s.counts).objective, s.objective, accuracy: 1e-6)
        }
    }

    func testBudgetIsRespectedAndMatchesBruteForce() {
        var rng = LCG(x: 99)
        for k in 0..<6 {
            var p = randomInstance(&rng, groups: 1, shifts: 3, intervals: 6)
            for i in p.shiftTypes.indices { p.shiftTypes[i].minStaff = 0 }
            let full = ShiftScheduler.solve(p)
            p.budget = (full.cost * 0.6).rounded(.down)
            let s = ShiftScheduler.solve(p)
            XCTAssertLessThanOrEqual(s.cost, p.budget! + 1e-9, "instance \(k)")
            XCTAssertEqual(s.objective, bruteForce(p, cap: 3), accuracy: 1e-6, "instance \(k)")
            if full.cost > 0 {
                XCTAssertFalse(
                    s.unmet.isEmpty, "instance \(k): 60 % of the cheapest full cover cannot cover everything")
                XCTAssertTrue(s.problems.contains { $0.contains("budget") }, "instance \(k): \(s.problems)")
            }
        }
    }

    func testKnownInstance() {
        // Requirement 1,2,2,1 over four half-hours; a long shift (4 intervals) and a short middle shift
        // (2 intervals): one of each (3 h at 50/h = 150) beats two long shifts (200).
        let iv = halfHours(4)
        let types = [
            ShiftType(id: "long", start: ClockTime(8, 0), end: ClockTime(10, 0)),
            ShiftType(id: "mid", start: ClockTime(8, 30), end: ClockTime(9, 30)),
        ]
        let p = ShiftProblem(
            intervals: iv, shiftTypes: types,
            groups: [StaffGroupDemand(id: "a", requirement: [1, 2, 2, 1], costPerHour: 50)])
        let s = ShiftScheduler.solve(p)
        XCTAssertEqual(s.counts, [[1, 1]])
        XCTAssertEqual(s.cost, 150, accuracy: 1e-9)
        XCTAssertEqual(s.staffHours, 3, accuracy: 1e-9)
        XCTAssertTrue(s.unmet.isEmpty)
        XCTAssertTrue(s.problems.isEmpty)
    }

    func testUncoverableRequirementIsReportedNotInfeasible() {
        // Only 2 clerks available but 3 needed at 09:00–09:30.
        let iv = halfHours(4)
        let types = [ShiftType(id: "long", start: ClockTime(8, 0), end: ClockTime(10, 0))]
        let p = ShiftProblem(
            intervals: iv, shiftTypes: types,
            groups: [StaffGroupDemand(id: "tax", requirement: [1, 2, 3, 1], costPerHour: 50, available: 2)])
        let s = ShiftScheduler.solve(p)
        XCTAssertEqual(s.counts, [[2]])
        XCTAssertEqual(s.unmet, [UnmetInterval(group: "tax", interval: 2, missing: 1)])
        XCTAssertTrue(
            s.problems.contains { $0.contains("tax: requirement not met in 09:00–09:30 (−1)") }, "\(s.problems)")
    }

    func testShiftTypesThatCannotCoverOpeningHours() {
        // The only shift ends at 09:00 and has a break 08:00–08:30: 08:00–08:30 and 09:00–10:00 uncoverable.
        let iv = halfHours(4)
        let types = [
            ShiftType(
                id: "early", start: ClockTime(8, 0), end: ClockTime(9, 0),
                breaks: [HallDomain.TimeInterval(start: ClockTime(8, 0), end: ClockTime(8, 30))])
        ]
        let p = ShiftProblem(
            intervals: iv, shiftTypes: types,
            groups: [StaffGroupDemand(id: "a", requirement: [1, 1, 1, 1], costPerHour: 50)])
        let s = ShiftScheduler.solve(p)
        XCTAssertEqual(s.uncoverable, [0, 2, 3])
        XCTAssertEqual(s.coverage, [[0, 1, 0, 0]])
        XCTAssertTrue(
            s.problems.first?.contains("no shift type is on duty during 08:00–08:30, 09:00–09:30, 09:30–10:00") == true,
            "\(s.problems)")
    }

    func testMinimumsAboveAvailabilityAreDroppedWithAMessage() {
        let iv = halfHours(2)
        let types = [ShiftType(id: "all", start: ClockTime(8, 0), end: ClockTime(9, 0), minStaff: 5)]
        let p = ShiftProblem(
            intervals: iv, shiftTypes: types,
            groups: [StaffGroupDemand(id: "a", requirement: [1, 1], costPerHour: 10, available: 2)])
        let s = ShiftScheduler.solve(p)
        XCTAssertEqual(s.counts, [[1]])
        XCTAssertTrue(s.problems.contains { $0.contains("minimum staff per shift type (all ≥ 5)") }, "\(s.problems)")
    }
}
