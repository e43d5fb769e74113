import HallDomain

/// Turns a layout and its shifts into a scenario the simulator runs: one window group per staff group,
/// one clerk entry per (group, shift type) used, each clerk at a post of their own (a post is shared
/// only by clerks whose shifts do not overlap). The base hall's tidal rules come along with their window
/// groups (staffed by the rules' sources, not by the roster), so that the staff is sized with them;
/// `tidal` replaces their settings (a tuned rule set). Absences are not drawn (the plan is for the
/// clerks on duty).
public enum PlannedScenario {
    public static func make(
        base: Scenario, layout: Layout, shiftTypes: [ShiftType], counts: [[Int]], tidal: [TidalRule]? = nil
    ) -> Scenario {
        var s = base
        var windows: [WindowGroup] = []
        var staff: [StaffMember] = []
        var usedShifts = Set<Int>()
        for (g, group) in layout.groups.enumerated() {
            // Clerks in order of shift start; a post is reused by a clerk starting after its holder ends.
            var clerks: [(shift: Int, k: Int)] = []
            for (si, n) in counts[g].enumerated() where n > 0 { for k in 0..<n { clerks.append((si, k)) } }
            clerks.sort { (shiftTypes[$0.shift].start, $0.shift, $0.k) < (shiftTypes[$1.shift].start, $1.shift, $1.k) }
            var postFree: [Double] = []
            var posts: [[Int]] = Array(repeating: [], count: shiftTypes.count)
            for c in clerks {
                let type = shiftTypes[c.shift]
                if let p = postFree.firstIndex(where: { $0 <= type.start.minutes }) {
                    postFree[p] = type.end.minutes
                    posts[c.shift].append(p)
                } else {
                    postFree.append(type.end.minutes)
                    posts[c.shift].append(postFree.count - 1)
                }
            }
            let count = max(postFree.count, 1)
            let w = WindowGroup(
                id: group.id, kind: group.kind, departments: group.kind == .universal ? [] : group.departments,
                count: count)
            windows.append(w)
            let names = w.windowNames
            for (si, ps) in posts.enumerated() where !ps.isEmpty {
                usedShifts.insert(si)
                staff.append(
                    StaffMember(
                        id: "\(group.id)-\(shiftTypes[si].id)", count: ps.count, skills: group.skills,
                        shift: shiftTypes[si].id, posts: ps.map { names[$0] }))
            }
        }
        let rules = tidal ?? base.tidal
        let tidalGroups = Set(rules.map(\.group))
        let ids = Set(windows.map(\.id))
        s.windows = windows + base.windows.filter { tidalGroups.contains($0.id) && !ids.contains($0.id) }
        s.shifts = shiftTypes.enumerated().filter { usedShifts.contains($0.offset) }.map(\.element.shift)
        s.staff = staff
        s.tidal = rules.filter { r in !ids.contains(r.group) && s.windows.contains { $0.id == r.group } }
        return s
    }
}
