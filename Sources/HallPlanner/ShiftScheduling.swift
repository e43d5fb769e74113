import Foundation
import HallDomain

/// Clerks of one skill profile (the staff of one window group), with what they must cover.
public struct StaffGroupDemand: Sendable, Hashable {
    public var id: String
    /// Clerks needed on duty in each planning interval.
    public var requirement: [Int]
    public var costPerHour: Double
    /// Clerks of this profile available at most (all shifts together); nil: no limit.
    public var available: Int?
    public init(id: String, requirement: [Int], costPerHour: Double, available: Int? = nil) {
        self.id = id
        self.requirement = requirement
        self.costPerHour = costPerHour
        self.available = available
    }
}

/// Per-interval requirements of several staff groups → shifts, at the least cost.
public struct ShiftProblem: Sendable, Hashable {
    public var intervals: [HallDomain.TimeInterval]
    public var shiftTypes: [ShiftType]
    public var groups: [StaffGroupDemand]
    /// Most the plan may cost (cost per hour × paid hours); nil: no budget.
    public var budget: Double?
    public init(
        intervals: [HallDomain.TimeInterval], shiftTypes: [ShiftType], groups: [StaffGroupDemand], budget: Double? = nil
    ) {
        self.intervals = intervals
        self.shiftTypes = shiftTypes
        self.groups = groups
        self.budget = budget
    }

    /// coverage[s][t]: shift type s is on duty during interval t.
    public var coverageMatrix: [[Bool]] { shiftTypes.map { s in intervals.map { s.onDuty(during: $0) } } }

    /// Penalty per clerk-interval left uncovered: more than the dearest single shift, so that a
    /// shortfall remains only when no affordable shift within the limits can cover it.
    public var shortfallPenalty: Double {
        let dearest = groups.map(\.costPerHour).max() ?? 1
        let longest = shiftTypes.map(\.paidHours).max() ?? 1
        return 2 * max(dearest, 1) * max(longest, 1) + 1
    }
}

/// One interval of one group left short.
public struct UnmetInterval: Sendable, Hashable, Codable {
    public init(group: String, interval: Int, missing: Int) {
        self.group = group
        self.interval = interval
        self.missing = missing
    }
    public var group: String
    public var interval: Int
    public var missing: Int
}

/// The shifts chosen: how many clerks of each group work each shift type.
public struct ShiftSchedule: Sendable, Hashable {
    /// counts[g][s]: clerks of group g on shift type s.
    public var counts: [[Int]]
    /// coverage[g][t]: clerks of group g on duty in interval t.
    public var coverage: [[Int]]
    public var unmet: [UnmetInterval]
    /// Intervals during which no shift type is on duty (shift types that cannot cover opening hours).
    public var uncoverable: [Int]
    public var cost: Double
    public var staffHours: Double
    /// The MILP objective: cost + penalty × clerk-intervals short.
    public var objective: Double
    public var optimal: Bool
    /// Plain sentences on what cannot be met (empty when everything is covered).
    public var problems: [String]
}

public enum ShiftScheduler {
    /// Solves the covering MILP with CBC: integer clerks per (group, shift type), a shortfall variable per
    /// (group, interval) penalised above any shift's cost, minimum/maximum clerks per shift type,
    /// availability per group, and the budget. Never "infeasible": what cannot be covered is reported.
    public static func solve(_ p: ShiftProblem, seconds: Double = 20) -> ShiftSchedule {
        var problems: [String] = []
        let a = p.coverageMatrix
        let uncoverable = p.intervals.indices.filter { t in !a.indices.contains { a[$0][t] } }
        if !uncoverable.isEmpty {
            let names = uncoverable.map { describe(p.intervals[$0]) }.joined(separator: ", ")
            problems.append(
                "no shift type is on duty during \(names): the shift types (\(p.shiftTypes.map(\.id).joined(separator: ", "))) cannot cover the opening hours there"
            )
        }
        var attempt = (budget: p.budget != nil, minimums: true)
        var solved = build(p, a, useBudget: attempt.budget, useMinimums: attempt.minimums).solve(seconds: seconds)
        if solved.values == nil, attempt.budget {
            attempt.budget = false
            solved = build(p, a, useBudget: false, useMinimums: true).solve(seconds: seconds)
        }
        if solved.values == nil {
            attempt.minimums = false
            solved = build(p, a, useBudget: attempt.budget, useMinimums: false).solve(seconds: seconds)
            problems.append(
                "the minimum staff per shift type (\(p.shiftTypes.filter { $0.minStaff > 0 }.map { "\($0.id) ≥ \($0.minStaff)" }.joined(separator: ", "))) exceeds the staff available; the minimums were dropped"
            )
        }
        let values = solved.values ?? []
        let G = p.groups.count
        let S = p.shiftTypes.count
        let T = p.intervals.count
        var counts = [[Int]](repeating: [Int](repeating: 0, count: S), count: G)
        for g in 0..<G {
            for s in 0..<S where g * S + s < values.count { counts[g][s] = Int(values[g * S + s].rounded()) }
        }
        let schedule = evaluate(p, counts: counts, coverage: a)
        var unmet: [UnmetInterval] = []
        for g in 0..<G {
            for t in 0..<T where schedule.coverage[g][t] < p.groups[g].requirement[t] {
                unmet.append(
                    UnmetInterval(
                        group: p.groups[g].id, interval: t,
                        missing: p.groups[g].requirement[t] - schedule.coverage[g][t]))
            }
        }
        if p.budget != nil, !attempt.budget {
            problems.append(
                String(
                    format:
                        "the budget %.0f is below the cheapest plan the shift limits allow; the best plan found costs %.0f",
                    p.budget!, schedule.cost))
        } else if let budget = p.budget, !unmet.isEmpty {
            problems.append(
                String(
                    format: "the budget %.0f does not buy full cover: the best plan within it costs %.0f", budget,
                    schedule.cost))
        }
        let coverable = unmet.filter { !uncoverable.contains($0.interval) }
        if !coverable.isEmpty {
            let byGroup = Dictionary(grouping: coverable, by: \.group)
            for g in p.groups where byGroup[g.id] != nil {
                let list = byGroup[g.id]!.map { "\(describe(p.intervals[$0.interval])) (−\($0.missing))" }.joined(
                    separator: ", ")
                problems.append("\(g.id): requirement not met in \(list)")
            }
        }
        return ShiftSchedule(
            counts: counts, coverage: schedule.coverage, unmet: unmet, uncoverable: uncoverable, cost: schedule.cost,
            staffHours: schedule.staffHours, objective: schedule.objective, optimal: solved.optimal, problems: problems)
    }

    /// Coverage, cost and objective of given counts (for reports and for checking solvers against each other).
    public static func evaluate(_ p: ShiftProblem, counts: [[Int]], coverage a: [[Bool]]? = nil)
        -> (coverage: [[Int]], cost: Double, staffHours: Double, objective: Double)
    {
        let a = a ?? p.coverageMatrix
        var coverage: [[Int]] = []
        var cost = 0.0
        var hours = 0.0
        var short = 0
        for (g, group) in p.groups.enumerated() {
            var row = [Int](repeating: 0, count: p.intervals.count)
            for (s, type) in p.shiftTypes.enumerated() {
                let n = counts[g][s]
                cost += Double(n) * type.paidHours * group.costPerHour
                hours += Double(n) * type.paidHours
                for t in row.indices where a[s][t] { row[t] += n }
            }
            for t in row.indices { short += max(0, group.requirement[t] - row[t]) }
            coverage.append(row)
        }
        return (coverage, cost, hours, cost + p.shortfallPenalty * Double(short))
    }

    static func describe(_ i: HallDomain.TimeInterval) -> String { "\(i.start)–\(i.end)" }

    private static func build(_ p: ShiftProblem, _ a: [[Bool]], useBudget: Bool, useMinimums: Bool) -> IntegerProgram {
        let ip = IntegerProgram()
        let S = p.shiftTypes.count
        var costTerms: [(variable: Int, coefficient: Double)] = []
        for g in p.groups {
            for s in p.shiftTypes {
                let c = s.paidHours * g.costPerHour
                let v = ip.addVariable(
                    upper: s.maxStaff.map(Double.init) ?? g.available.map(Double.init), cost: c, integer: true)
                costTerms.append((v, c))
            }
        }
        let penalty = p.shortfallPenalty
        for (gi, g) in p.groups.enumerated() {
            for t in p.intervals.indices where g.requirement[t] > 0 {
                let u = ip.addVariable(cost: penalty, integer: false)
                var terms: [(variable: Int, coefficient: Double)] = [(u, 1)]
                for s in 0..<S where a[s][t] { terms.append((gi * S + s, 1)) }
                ip.addConstraint(terms, .atLeast, Double(g.requirement[t]))
            }
            if let n = g.available {
                ip.addConstraint((0..<S).map { (variable: gi * S + $0, coefficient: 1.0) }, .atMost, Double(n))
            }
        }
        for (s, type) in p.shiftTypes.enumerated() {
            let terms = p.groups.indices.map { (variable: $0 * S + s, coefficient: 1.0) }
            if let m = type.maxStaff { ip.addConstraint(terms, .atMost, Double(m)) }
            if useMinimums, type.minStaff > 0 { ip.addConstraint(terms, .atLeast, Double(type.minStaff)) }
        }
        if useBudget, let b = p.budget { ip.addConstraint(costTerms, .atMost, b) }
        return ip
    }
}
