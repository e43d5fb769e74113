import HallDomain
import HallRandom

/// A validated scenario turned into flat, index-based tables the engine reads on its hot path.
/// Immutable and shared by all replications.
public struct CompiledHall: Sendable {
    public let scenario: Scenario
    public let catalogue: Catalogue

    struct Item: Sendable {
        var department: Int32
        var service: Sampler
        var notice: Sampler?
        var incompleteProbability: Double
    }
    struct Profile: Sendable {
        var id: String
        /// Sorted rate pieces: start, end (minutes), rate per minute.
        var pieces: [(start: Double, end: Double, perMinute: Double)]
        /// Items and cumulative shares.
        var items: [Int32]
        var cumulative: [Double]
        var priorityShare: Double
    }
    struct Appointments: Sendable {
        var id: String
        var item: Int32
        var slots: [Double]
        var perSlot: Int
        var show: Double
        var punctuality: Sampler
    }
    struct Window: Sendable {
        var departments: [Int32]
        var home: Int32
    }
    /// A clerk: rostered (expanded from groups), or lent to a tidal rule by its pool or back office.
    struct Clerk: Sendable {
        var id: String
        /// Service-time factor per department; 0 where the clerk lacks the skill.
        var skill: [Double]
        /// On-duty intervals (shift minus breaks); empty for tidal clerks (called when needed).
        var duty: [(start: Double, end: Double)]
        var post: Int32
        var backup: Int32
        var absence: Double
        var kind: StaffKind
    }
    struct Tidal: Sendable {
        var windows: [Int32]
        var departments: [Int32]
        var measure: TidalMeasure
        var openAt: Double, closeBelow: Double, closeAfter: Double, walkOver: Double, minOpen: Double
        var maxOpen: Int
        var clerks: [Int32]
        /// Mean intake time over the items of its departments (for the estimated wait).
        var meanWork: Double
    }

    let items: [Item]
    let profiles: [Profile]
    let appointments: [Appointments]
    let windows: [Window]
    /// factor[w * departmentCount + d]: service-time multiplier of window w on department d.
    let factor: [Double]
    /// Windows eligible for each department, most specialised first (then file order).
    let eligible: [[Int32]]
    /// Number of departments each window serves.
    let breadth: [Int32]
    let departmentCount: Int
    let periods: [(open: Double, close: Double)]
    let holdAtBreak: Bool
    let patience: Sampler?
    /// The guide desk, terminals and online shares.
    let stages: CompiledStages
    let balking: [BalkStep]
    let noShowProbability: Double
    let noShowGrace: Double
    let calling: CallingSpec
    let hasRoster: Bool
    let clerks: [Clerk]
    let tidal: [Tidal]
    /// The tidal rule governing each window, or -1.
    let tidalRuleOfWindow: [Int32]
    /// Tidal rules watching each department.
    let rulesWatching: [[Int32]]
    /// Windows staffed all day by unnamed clerks (no roster, not tidal).
    let alwaysStaffed: [Bool]
    /// Whether window w serves department d: `windowServes[w * departmentCount + d]`.
    let windowServes: [Bool]

    /// Compiles a scenario that passed `validate()`.
    public init(_ s: Scenario) {
        scenario = s
        catalogue = s.catalogue
        let dIndex = Dictionary(uniqueKeysWithValues: s.departments.enumerated().map { ($1.id, Int32($0)) })
        let iIndex = Dictionary(uniqueKeysWithValues: s.items.enumerated().map { ($1.id, Int32($0)) })
        departmentCount = s.departments.count
        items = s.items.map {
            Item(
                department: dIndex[$0.department]!, service: Sampler($0.service),
                notice: $0.noticeService.map(Sampler.init),
                incompleteProbability: $0.incompleteProbability)
        }
        profiles = s.arrivals.map { a in
            let (its, shares): ([Int32], [Double]) =
                switch a.target {
                case .item(let i): ([iIndex[i]!], [1])
                case .department(_, let sh): (sh.map { iIndex[$0.item]! }, sh.map(\.share))
                }
            var acc = 0.0
            let cum = shares.map {
                acc += $0
                return acc
            }
            return Profile(
                id: a.id,
                pieces: a.rates.filter { $0.perHour > 0 }.map {
                    ($0.interval.start.minutes, $0.interval.end.minutes, $0.perHour / 60)
                },
                items: its, cumulative: cum, priorityShare: a.priorityShare)
        }
        appointments = s.appointments.map {
            Appointments(
                id: $0.id, item: iIndex[$0.item]!, slots: $0.slotTimes.map(\.minutes), perSlot: $0.perSlot,
                show: $0.showProbability, punctuality: Sampler($0.punctuality))
        }
        let physical = s.physicalWindows
        let compiledWindows = physical.map { w in
            let ds = w.departments.map { dIndex[$0]! }
            return Window(departments: ds, home: ds.first ?? 0)
        }
        windows = compiledWindows
        breadth = compiledWindows.map { Int32($0.departments.count) }
        var f = [Double](repeating: 1, count: physical.count * s.departments.count)
        for (wi, w) in physical.enumerated() {
            for d in s.departments.indices {
                f[wi * s.departments.count + d] = s.proficiencyFactor(w.kind, department: s.departments[d].id)
            }
        }
        factor = f
        eligible = s.departments.indices.map { d in
            physical.indices.filter { compiledWindows[$0].departments.contains(Int32(d)) }
                .sorted { (physical[$0].departments.count, $0) < (physical[$1].departments.count, $1) }
                .map(Int32.init)
        }
        periods = s.day.periods.map { ($0.start.minutes, $0.end.minutes) }
        holdAtBreak = s.day.atBreak == .hold
        patience = s.behaviour.patience.map(Sampler.init)
        stages = CompiledStages(s)
        balking = s.behaviour.balking
        noShowProbability = s.behaviour.noShowProbability
        noShowGrace = s.behaviour.noShowGraceMinutes
        calling = s.calling
        hasRoster = s.hasRoster
        let nd = s.departments.count
        var serves = [Bool](repeating: false, count: physical.count * nd)
        for (w, cw) in compiledWindows.enumerated() { for d in cw.departments { serves[w * nd + Int(d)] = true } }
        windowServes = serves

        // Clerks: rostered members in file order, then each tidal rule's lent clerks.
        let windowIndex = Dictionary(uniqueKeysWithValues: physical.enumerated().map { ($1.name, Int32($0)) })
        let shifts = Dictionary(uniqueKeysWithValues: s.shifts.map { ($0.id, $0) })
        var clerks: [Clerk] = []
        for m in s.staff {
            let duty = shifts[m.shift]!.duty.map { ($0.start.minutes, $0.end.minutes) }
            var skill = [Double](repeating: 0, count: nd)
            for (d, f) in m.skills { skill[Int(dIndex[d]!)] = f }
            for (k, id) in m.memberIDs.enumerated() {
                clerks.append(
                    Clerk(
                        id: id, skill: skill, duty: duty, post: k < m.posts.count ? windowIndex[m.posts[k]]! : -1,
                        backup: -1, absence: m.absenceProbability, kind: .rostered))
            }
        }
        let clerkIndex = Dictionary(uniqueKeysWithValues: clerks.enumerated().map { ($1.id, Int32($0)) })
        for m in s.staff where m.count == 1 {
            if let b = m.backup { clerks[Int(clerkIndex[m.id]!)].backup = clerkIndex[b]! }
        }
        var ruleOfWindow = [Int32](repeating: -1, count: physical.count)
        var watching = [[Int32]](repeating: [], count: nd)
        var rules: [Tidal] = []
        for (ri, r) in s.tidal.enumerated() {
            let gi = s.windows.firstIndex { $0.id == r.group }!
            let ws = physical.indices.filter { physical[$0].group == gi }.map(Int32.init)
            for w in ws { ruleOfWindow[Int(w)] = Int32(ri) }
            let ds = s.servedDepartments(s.windows[gi]).map { dIndex[$0]! }
            for d in ds { watching[Int(d)].append(Int32(ri)) }
            let kind: StaffKind
            if case .backOffice = r.source { kind = .backOffice } else { kind = .pool }
            var lent: [Int32] = []
            for k in 1...max(r.sourceSize, 1) {
                lent.append(Int32(clerks.count))
                clerks.append(
                    Clerk(id: "\(r.id)#\(k)", skill: [], duty: [], post: -1, backup: -1, absence: 0, kind: kind))
            }
            let means = s.items.filter { ds.contains(dIndex[$0.department]!) }.map(\.service.mean)
            rules.append(
                Tidal(
                    windows: ws, departments: ds, measure: r.measure, openAt: r.openAt, closeBelow: r.closeBelow,
                    closeAfter: r.closeAfterMinutes, walkOver: r.walkOverMinutes, minOpen: r.minOpenMinutes,
                    maxOpen: r.maxOpen ?? ws.count, clerks: lent,
                    meanWork: means.isEmpty ? 1 : means.reduce(0, +) / Double(means.count)))
        }
        self.clerks = clerks
        tidal = rules
        tidalRuleOfWindow = ruleOfWindow
        rulesWatching = watching
        alwaysStaffed = physical.indices.map { !s.hasRoster && ruleOfWindow[$0] < 0 }
    }

    public var windowCount: Int { windows.count }

}
