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
    let balking: [BalkStep]
    let noShowProbability: Double
    let noShowGrace: Double

    /// Compiles a scenario that passed `validate()`.
    public init(_ s: Scenario) {
        scenario = s
        catalogue = s.catalogue
        let dIndex = Dictionary(uniqueKeysWithValues: s.departments.enumerated().map { ($1.id, Int32($0)) })
        let iIndex = Dictionary(uniqueKeysWithValues: s.items.enumerated().map { ($1.id, Int32($0)) })
        departmentCount = s.departments.count
        items = s.items.map {
            Item(department: dIndex[$0.department]!, service: Sampler($0.service), notice: $0.noticeService.map(Sampler.init),
                 incompleteProbability: $0.incompleteProbability)
        }
        profiles = s.arrivals.map { a in
            let (its, shares): ([Int32], [Double]) = switch a.target {
            case .item(let i): ([iIndex[i]!], [1])
            case .department(_, let sh): (sh.map { iIndex[$0.item]! }, sh.map(\.share))
            }
            var acc = 0.0
            let cum = shares.map { acc += $0; return acc }
            return Profile(id: a.id,
                           pieces: a.rates.filter { $0.perHour > 0 }.map { ($0.interval.start.minutes, $0.interval.end.minutes, $0.perHour / 60) },
                           items: its, cumulative: cum, priorityShare: a.priorityShare)
        }
        appointments = s.appointments.map {
            Appointments(id: $0.id, item: iIndex[$0.item]!, slots: $0.slotTimes.map(\.minutes), perSlot: $0.perSlot,
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
            for d in s.departments.indices { f[wi * s.departments.count + d] = s.proficiencyFactor(w.kind, department: s.departments[d].id) }
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
        balking = s.behaviour.balking
        noShowProbability = s.behaviour.noShowProbability
        noShowGrace = s.behaviour.noShowGraceMinutes
    }

    public var windowCount: Int { windows.count }
}
