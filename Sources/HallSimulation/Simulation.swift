import HallDomain

/// Counts from one simulated day (the records themselves went to the sink).
public struct DayStats: Sendable, Equatable {
    public var tickets: Int
    public var events: Int
    /// Time of the last event (the hall is empty then).
    public var end: Double

    public init(tickets: Int, events: Int, end: Double) {
        self.tickets = tickets
        self.events = events
        self.end = end
    }
}

/// Simulates one terminating day: the hall opens empty, doors close, every ticket issued is served
/// (by the clerks still on duty; tickets nobody is left to call end `unserved`). Random numbers come
/// from streams named by purpose and seeded from (seed, replication, name). `checkInvariants` checks the
/// engine's state after every event in a release build too (debug builds always do).
public func simulateDay(
    _ hall: CompiledHall, seed: UInt64, replication: Int, sink: RecordSink,
    calling: (any CallingPolicy)? = nil, routing: (any RoutingPolicy)? = nil,
    planned: [PlannedVisit] = [], checkInvariants: Bool = false
) -> DayStats {
    simulateDay(
        hall, seed: seed, replication: replication, sink: sink, calling: calling, routing: routing, planned: planned,
        hooks: nil, checkInvariants: checkInvariants)
}

/// The same, with hooks (a run over dates opens cases and lends reviewers through them).
func simulateDay(
    _ hall: CompiledHall, seed: UInt64, replication: Int, sink: RecordSink,
    calling: (any CallingPolicy)?, routing: (any RoutingPolicy)?,
    planned: [PlannedVisit], hooks: DayHooks?, checkInvariants: Bool
) -> DayStats {
    let engine = DayEngine(
        hall: hall, seed: seed, replication: replication, sink: sink,
        calling: calling ?? hall.calling.rule.policy, routing: routing ?? hall.scenario.routing.policy,
        planned: planned, hooks: hooks, checkInvariants: checkInvariants)
    return engine.run()
}

/// The rest of a day from a state (`HallState`): what happens from that instant on, with the same
/// engine and records as a plain run. Check the state first (`HallState.check(against:)`). From
/// `HallState.beforeOpening(hall)` the records are those of the plain run, byte for byte.
public func simulateDay(
    _ hall: CompiledHall, from state: HallState, seed: UInt64, replication: Int, sink: RecordSink,
    calling: (any CallingPolicy)? = nil, routing: (any RoutingPolicy)? = nil, checkInvariants: Bool = false
) -> DayStats {
    let engine = DayEngine(
        hall: hall, seed: seed, replication: replication, sink: sink,
        calling: calling ?? hall.calling.rule.policy, routing: routing ?? hall.scenario.routing.policy,
        checkInvariants: checkInvariants, state: state)
    return engine.run()
}

/// One replication of a now-cast: each waiting ticket's call time (nil: it left or was never called) in
/// the state's order, the waiting count per department at each probe instant, and per department the
/// wait of the first ordinary walk-in ticket issued after the state's instant (nil: none was issued;
/// infinite: never called, or still waiting when the run stopped) — what a kiosk can promise a ticket
/// taken now.
public struct StateForecastRun: Sendable, Equatable {
    public var calls: [Double?]
    public var queues: [[Int32]]
    public var firstNewWait: [Double?]
}

/// Runs the day on from a state until `horizon` has passed and every waiting ticket of the state has
/// ended, taking the waiting count per department at each of `probes` (sorted instants). Records other
/// than the waiting tickets' go nowhere.
public func forecastDay(
    _ hall: CompiledHall, from state: HallState, seed: UInt64, replication: Int, probes: [Double], horizon: Double
) -> StateForecastRun {
    let sink = FollowedTickets(
        state.waiting.map(\.number), newFrom: state.nextNumber, departments: hall.departmentCount)
    let engine = DayEngine(
        hall: hall, seed: seed, replication: replication, sink: sink, calling: hall.calling.rule.policy,
        routing: hall.scenario.routing.policy, state: state)
    engine.watch.probes = probes
    engine.watch.stopAfter = horizon
    engine.watch.done = { [unowned sink] in sink.outstanding == 0 }
    engine.watchFrom = min(probes.first ?? .infinity, horizon)
    _ = engine.run(ForecastLoop.self)
    // The first new walk-in per department: the lowest number among those that ended and those still in
    // the hall when the run stopped.
    var first = sink.firstNew
    for slot in engine.queues.joined() + engine.windowTicket.filter({ $0 >= 0 }) {
        let t = engine.tickets[Int(slot)]
        guard t.number >= state.nextNumber, t.state != .gone, t.channel == .walkIn,
            t.ticketClass == UInt8(TicketClass.normal.rawValue)
        else { continue }
        let d = Int(t.department)
        if first[d] == nil || t.number < first[d]!.number {
            first[d] = (t.number, t.call.isNaN ? .infinity : t.call - t.arrival)
        }
    }
    return StateForecastRun(calls: sink.calls, queues: engine.watch.queues, firstNewWait: first.map { $0?.wait })
}

/// Keeps the call times of the tickets a forecast follows.
final class FollowedTickets: RecordSink {
    let position: [Int32: Int]
    var calls: [Double?]
    var outstanding: Int
    let newFrom: Int32
    /// Per department, the lowest-numbered ordinary walk-in issued after the state that has ended.
    var firstNew: [(number: Int32, wait: Double)?]

    init(_ numbers: [Int32], newFrom: Int32, departments: Int) {
        position = Dictionary(uniqueKeysWithValues: numbers.enumerated().map { ($1, $0) })
        calls = Array(repeating: nil, count: numbers.count)
        outstanding = numbers.count
        self.newFrom = newFrom
        firstNew = Array(repeating: nil, count: departments)
    }

    func record(_ r: TicketRecord) {
        if r.ticket >= newFrom {
            guard r.channel == .walkIn, !r.priority, r.outcome != .balked else { return }
            let d = Int(r.department)
            if firstNew[d] == nil || r.ticket < firstNew[d]!.number {
                firstNew[d] = (r.ticket, r.call.map { $0 - r.arrival } ?? .infinity)
            }
            return
        }
        guard let k = position[r.ticket] else { return }
        calls[k] = r.call
        outstanding -= 1
    }
    func record(_ r: WindowRecord) {}
    func record(_ r: QueueRecord) {}
    func record(_ r: StaffRecord) {}
}

/// A visit planned by an earlier day of a multi-day run: an applicant coming back after a one-time
/// notice, or to collect a result. It takes a ticket like a walk-in (at the next open instant).
public struct PlannedVisit: Sendable, Hashable {
    /// Minutes after midnight.
    public var time: Double
    public var item: Int32
    public var visit: VisitKind
    public var caseNumber: Int32
    /// Probability that the materials are incomplete this time (0 for a collection).
    public var incompleteProbability: Double

    public init(time: Double, item: Int32, visit: VisitKind, caseNumber: Int32, incompleteProbability: Double) {
        self.time = time
        self.item = item
        self.visit = visit
        self.caseNumber = caseNumber
        self.incompleteProbability = incompleteProbability
    }
}

extension CallingRule {
    public var policy: any CallingPolicy {
        switch self {
        case .fifo: FIFOCalling()
        case .ownDepartmentFirst: OwnDepartmentFirstCalling()
        case .longestQueueFirst: LongestQueueFirstCalling()
        }
    }
}

extension RoutingRule {
    public var policy: any RoutingPolicy {
        switch self {
        case .specialistFirst: SpecialistFirstRouting()
        case .longestIdle: LongestIdleRouting()
        }
    }
}
