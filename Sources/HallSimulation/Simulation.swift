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
