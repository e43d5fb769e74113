import HallDomain

/// Counts from one simulated day (the records themselves went to the sink).
public struct DayStats: Sendable, Equatable {
    public var tickets: Int
    public var events: Int
    /// Time of the last event (the hall is empty then).
    public var end: Double
}

/// Simulates one terminating day: the hall opens empty, doors close, every ticket issued is served
/// (by the clerks still on duty; tickets nobody is left to call end `unserved`). Random numbers come
/// from streams named by purpose and seeded from (seed, replication, name).
public func simulateDay(_ hall: CompiledHall, seed: UInt64, replication: Int, sink: RecordSink,
                        calling: (any CallingPolicy)? = nil, routing: (any RoutingPolicy)? = nil) -> DayStats {
    let engine = DayEngine(hall: hall, seed: seed, replication: replication, sink: sink,
                           calling: calling ?? hall.calling.rule.policy, routing: routing ?? hall.scenario.routing.policy)
    return engine.run()
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
