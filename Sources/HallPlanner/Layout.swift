import HallDomain

/// One staff group of a layout: a window group and the clerks trained for it.
public struct PlanGroup: Sendable, Hashable, Codable {
    public var id: String
    public var kind: WindowKind
    /// Departments its windows serve.
    public var departments: [String]
    /// Service-time factor of its clerks on each department (1 = specialist).
    public var skills: [String: Double]
    /// Departments whose tickets this group answers for (each department has exactly one home group).
    public var home: [String]
    public var costPerHour: Double
}

/// A window layout: staff groups covering every department.
public struct Layout: Sendable, Hashable {
    public var kind: LayoutKind
    public var groups: [PlanGroup]

    /// The generalist factor on a department: the explicit slowdown, else the hall's universal proficiency.
    static func slowdown(_ s: Scenario, _ spec: PlanningSpec, _ d: String) -> Double {
        spec.generalistSlowdown ?? s.proficiencyFactor(.universal, department: d)
    }

    /// Builds a layout of the given kind for the hall. `load` orders the chain (busiest first).
    public static func make(_ kind: LayoutKind, hall s: Scenario, spec: PlanningSpec, load: [String: Double]) -> Layout
    {
        let own = s.departments.filter(\.ownWindowsOnly).map(\.id)
        let shared = s.departments.filter { !$0.ownWindowsOnly }.map(\.id)
        func dedicated(_ d: String) -> PlanGroup {
            PlanGroup(
                id: d, kind: .department, departments: [d], skills: [d: 1], home: [d], costPerHour: spec.costPerHour)
        }
        var groups = own.map(dedicated)
        switch kind {
        case .dedicated:
            groups += shared.map(dedicated)
        case .domain:
            var taken = Set<String>()
            let tidal = Set(s.tidal.map(\.group))  // tidal windows come along as they are (PlannedScenario)
            for w in s.windows where w.kind == .domain && !tidal.contains(w.id) {
                let ds = w.departments.filter { shared.contains($0) && !taken.contains($0) }
                guard ds.count >= 2 else { continue }
                taken.formUnion(ds)
                groups.append(
                    PlanGroup(
                        id: w.id, kind: .domain, departments: ds,
                        skills: Dictionary(
                            uniqueKeysWithValues: ds.enumerated().map { i, d in
                                (d, i == 0 ? 1 : s.proficiencyFactor(.domain, department: d))
                            }),
                        home: ds, costPerHour: spec.generalistCostPerHour))
            }
            groups += shared.filter { !taken.contains($0) }.map(dedicated)
        case .universal:
            if !shared.isEmpty {
                groups.append(
                    PlanGroup(
                        id: "universal", kind: .universal, departments: shared,
                        skills: Dictionary(uniqueKeysWithValues: shared.map { ($0, slowdown(s, spec, $0)) }),
                        home: shared, costPerHour: spec.generalistCostPerHour))
            }
        case .chain:
            let ring = shared.sorted { (load[$0] ?? 0, $1) > (load[$1] ?? 0, $0) }
            if ring.count <= 2 {
                groups += ring.map(dedicated)
                break
            }
            for (i, d) in ring.enumerated() {
                let next = ring[(i + 1) % ring.count]
                groups.append(
                    PlanGroup(
                        id: "chain-\(d)", kind: .domain, departments: [d, next],
                        skills: [d: 1, next: slowdown(s, spec, next)], home: [d],
                        costPerHour: spec.generalistCostPerHour))
            }
        }
        return Layout(kind: kind, groups: groups)
    }
}
