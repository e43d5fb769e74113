import DequeModule
import HallDomain
import HallRandom

/// Counts from one simulated day (the records themselves went to the sink).
public struct DayStats: Sendable, Equatable {
    public var tickets: Int
    public var events: Int
    /// Time of the last event (the hall is empty then).
    public var end: Double
}

/// Simulates one terminating day: the hall opens empty, doors close, every ticket issued is served.
/// Random numbers come from streams named by purpose and seeded from (seed, replication, name).
public func simulateDay(_ hall: CompiledHall, seed: UInt64, replication: Int, sink: RecordSink,
                        calling: (any CallingPolicy)? = nil, routing: (any RoutingPolicy)? = nil) -> DayStats {
    let engine = DayEngine(hall: hall, seed: seed, replication: replication, sink: sink,
                           calling: calling ?? hall.scenario.calling.policy, routing: routing ?? hall.scenario.routing.policy)
    return engine.run()
}

extension CallingRule {
    public var policy: any CallingPolicy {
        switch self {
        case .fifo: FIFOCalling()
        case .ownDepartmentFirst: OwnDepartmentFirstCalling()
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

/// Streams of one source of applicants (a walk-in profile or an appointment block), as non-owning
/// handles: the engine keeps the owning `RandomStream`s alive for the day.
private struct SourceStreams {
    var interarrival: RandomStream.Handle?
    var item: RandomStream.Handle?
    var priority: RandomStream.Handle?
    var patience: RandomStream.Handle?
    var balking: RandomStream.Handle?
    var noShow: RandomStream.Handle?
}

private struct ItemStreams {
    var service: RandomStream.Handle
    var notice: RandomStream.Handle?
    var materials: RandomStream.Handle?
}

private enum TicketState: UInt8 { case waiting, called, gone }

private struct Ticket {
    var number: Int32
    var source: Int32
    var item: Int32
    var department: Int32
    var channel: Channel
    var priority: Bool
    var notice: Bool
    var noShow: Bool
    var state: TicketState
    var arrival: Double
    /// Intake time at a specialist's window (before the window's proficiency factor).
    var work: Double
    var call: Double
}

/// The engine: state of one day and the handlers of its events. A class, so that handlers never copy
/// the day's state; its private state is touched by one thread only (exclusivity checks off on the
/// hot arrays).
final class DayEngine {
    let hall: CompiledHall
    let sink: RecordSink
    let calling: any CallingPolicy
    let routing: any RoutingPolicy

    @exclusivity(unchecked) private var calendar = EventCalendar()
    private let board: HallBoard

    /// Owners of every stream used this day (the handles below do not retain them).
    private var owners: [RandomStream] = []
    private var sources: [SourceStreams] = []
    private var itemStreams: [ItemStreams] = []
    @exclusivity(unchecked) private var tickets: [Ticket] = []
    @exclusivity(unchecked) private var freeSlots: [Int32] = []
    @exclusivity(unchecked) private var queues: [Deque<Int32>]
    @exclusivity(unchecked) private var waiting: [Int32]
    @exclusivity(unchecked) private var windowState: [WindowState]
    @exclusivity(unchecked) private var windowTicket: [Int32]
    private var nextNumber: Int32 = 1
    @exclusivity(unchecked) private var pieceIndex: [Int]
    /// Pre-drawn appointment arrivals: (time, block).
    private var appointmentArrivals: [(time: Double, block: Int32)] = []
    private var open = false
    private var callingAllowed = false
    private var events = 0

    // Flat copies of the compiled hall's tables (read on every event).
    private let items: [CompiledHall.Item]
    private let pieceStart: [Double], pieceEnd: [Double], pieceMean: [Double]
    private let profilePieces: [Range<Int>]
    private let profileItems: [[Int32]]
    private let profileCumulative: [[Double]]
    private let profilePriority: [Double]
    private let profileCount: Int
    private let appointmentItem: [Int32]
    private let windowDepartments: [[Int32]]
    private let windowHome: [Int32]
    private let eligible: [[Int32]]
    private let breadth: [Int32]
    private let factor: [Double]
    private let departmentCount: Int
    private let patience: Sampler?
    private let balking: [BalkStep]
    private let noShowProbability: Double
    private let noShowGrace: Double

    init(hall: CompiledHall, seed: UInt64, replication: Int, sink: RecordSink, calling: any CallingPolicy, routing: any RoutingPolicy) {
        self.hall = hall; self.sink = sink; self.calling = calling; self.routing = routing
        items = hall.items
        var starts: [Double] = [], ends: [Double] = [], means: [Double] = [], ranges: [Range<Int>] = []
        for p in hall.profiles {
            let from = starts.count
            for pc in p.pieces { starts.append(pc.start); ends.append(pc.end); means.append(1 / pc.perMinute) }
            ranges.append(from..<starts.count)
        }
        pieceStart = starts; pieceEnd = ends; pieceMean = means; profilePieces = ranges
        profileItems = hall.profiles.map(\.items)
        profileCumulative = hall.profiles.map(\.cumulative)
        profilePriority = hall.profiles.map(\.priorityShare)
        profileCount = hall.profiles.count
        appointmentItem = hall.appointments.map(\.item)
        windowDepartments = hall.windows.map(\.departments)
        windowHome = hall.windows.map(\.home)
        eligible = hall.eligible
        breadth = hall.breadth
        factor = hall.factor
        departmentCount = hall.departmentCount
        patience = hall.patience
        balking = hall.balking
        noShowProbability = hall.noShowProbability
        noShowGrace = hall.noShowGrace

        var owners: [RandomStream] = []
        func stream(_ name: String) -> RandomStream.Handle {
            let s = RandomStream(seed: seed, replication: replication, name: name)
            owners.append(s)
            return s.handle
        }
        let behaviour = hall.scenario.behaviour
        func streams(_ id: String, walkIn: Bool, choices: Int, priority: Bool) -> SourceStreams {
            SourceStreams(interarrival: walkIn ? stream("arrivals/\(id)") : nil,
                          item: choices > 1 ? stream("items/\(id)") : nil,
                          priority: priority ? stream("priority/\(id)") : nil,
                          patience: behaviour.patience != nil ? stream("patience/\(id)") : nil,
                          balking: behaviour.balking.isEmpty ? nil : stream("balking/\(id)"),
                          noShow: behaviour.noShowProbability > 0 ? stream("no_show/\(id)") : nil)
        }
        sources = hall.profiles.map { streams($0.id, walkIn: true, choices: $0.items.count, priority: $0.priorityShare > 0) }
            + hall.appointments.map { streams($0.id, walkIn: false, choices: 1, priority: false) }
        itemStreams = zip(hall.scenario.items, hall.items).map { spec, item in
            ItemStreams(service: stream("service/\(spec.id)"),
                        notice: item.notice != nil ? stream("notice_service/\(spec.id)") : nil,
                        materials: item.incompleteProbability > 0 ? stream("materials/\(spec.id)") : nil)
        }
        let nw = hall.windowCount, nd = hall.departmentCount
        board = HallBoard(departments: nd, windows: nw)
        queues = Array(repeating: Deque<Int32>(), count: nd * 2)
        waiting = Array(repeating: 0, count: nd)
        windowState = Array(repeating: .closed, count: nw)
        windowTicket = Array(repeating: -1, count: nw)
        pieceIndex = Array(repeating: 0, count: hall.profiles.count)

        // Appointments are booked in advance: draw who comes and when, once, at the start of the day.
        for (b, block) in hall.appointments.enumerated() {
            let s = stream("appointments/\(block.id)")
            for slot in block.slots {
                for _ in 0..<block.perSlot {
                    let shows = s.uniform() < block.show
                    let offset = block.punctuality.sample(s)
                    if shows, let t = DayEngine.nextOpenInstant(slot + offset, periods: hall.periods) {
                        appointmentArrivals.append((t, Int32(b)))
                    }
                }
            }
        }
        self.owners = owners
    }

    /// The loop.
    func run() -> DayStats {
        for (k, p) in hall.periods.enumerated() {
            calendar.schedule(.periodOpen, at: p.open, index: Int32(k))
            calendar.schedule(.periodClose, at: p.close, index: Int32(k))
        }
        for p in 0..<profileCount {
            if let t = nextWalkIn(p, from: -.infinity) { calendar.schedule(.arrival, at: t, index: Int32(p)) }
        }
        let order = appointmentArrivals.indices.sorted { (appointmentArrivals[$0].time, $0) < (appointmentArrivals[$1].time, $1) }
        for k in order {
            calendar.schedule(.arrival, at: appointmentArrivals[k].time, index: Int32(profileCount + k))
        }
        while let e = calendar.next() {
            events += 1
            switch e.tier {
            case .serviceEnd: serviceEnd(window: Int(e.index))
            case .periodOpen: periodOpen()
            case .renege: renege(slot: Int(e.index), number: e.tag)
            case .arrival: arrival(Int(e.index))
            case .periodClose: periodClose(Int(e.index))
            }
        }
        return DayStats(tickets: Int(nextNumber - 1), events: events, end: calendar.now)
    }

    // MARK: Arrivals

    /// Next walk-in of profile p after `t` (piecewise-constant rate; exact by memorylessness).
    private func nextWalkIn(_ p: Int, from t0: Double) -> Double? {
        let range = profilePieces[p]
        let stream = sources[p].interarrival!
        var t = t0
        var i = range.lowerBound + pieceIndex[p]
        while i < range.upperBound {
            if t < pieceStart[i] { t = pieceStart[i] }
            let x = t + stream.exponential(mean: pieceMean[i])
            if x < pieceEnd[i] { pieceIndex[p] = i - range.lowerBound; return x }
            t = pieceEnd[i]
            i += 1
        }
        pieceIndex[p] = range.count
        return nil
    }

    /// The first instant at or after t when the hall is open (nil after the last closing).
    static func nextOpenInstant(_ t: Double, periods: [(open: Double, close: Double)]) -> Double? {
        for p in periods {
            if t < p.open { return p.open }
            if t < p.close { return t }
        }
        return nil
    }

    private func arrival(_ index: Int) {
        let now = calendar.now
        let source: Int, item: Int32
        let channel: Channel
        if index < profileCount {
            source = index
            if let s = sources[index].item {
                let u = s.uniform()
                let cumulative = profileCumulative[index]
                item = profileItems[index][cumulative.firstIndex { u < $0 } ?? (cumulative.count - 1)]
            } else {
                item = profileItems[index][0]
            }
            channel = .walkIn
            if let t = nextWalkIn(index, from: now) { calendar.schedule(.arrival, at: t, index: Int32(index)) }
        } else {
            let block = Int(appointmentArrivals[index - profileCount].block)
            source = profileCount + block
            item = appointmentItem[block]
            channel = .appointment
        }
        issueTicket(source: source, item: item, channel: channel, now: now)
    }

    private func issueTicket(source s: Int, item i: Int32, channel: Channel, now: Double) {
        // Every applicant draws the same numbers whatever happens to them (common random numbers).
        let streams = sources[s]
        let itemStreams = self.itemStreams[Int(i)]
        let priority = streams.priority.map { $0.uniform() < profilePriority[s] } ?? false
        let service = items[Int(i)].service.sample(itemStreams.service)
        let noticeWork = itemStreams.notice.map { items[Int(i)].notice!.sample($0) }
        let notice = itemStreams.materials.map { $0.uniform() < items[Int(i)].incompleteProbability } ?? false
        let patience = streams.patience.map { self.patience!.sample($0) }
        let balkU = streams.balking.map { $0.uniform() }
        let noShow = streams.noShow.map { $0.uniform() < noShowProbability } ?? false

        let number = nextNumber
        nextNumber += 1
        let d = items[Int(i)].department
        let ticket = Ticket(number: number, source: Int32(s), item: i, department: d, channel: channel, priority: priority,
                            notice: notice, noShow: noShow, state: .waiting, arrival: now,
                            work: notice ? (noticeWork ?? service) : service, call: .nan)
        if let u = balkU, u < balkProbability(Int(waiting[Int(d)])) {
            emit(ticket, outcome: .balked, window: nil, start: nil, end: now)
            return
        }
        let slot = allocate(ticket)
        enqueue(slot)
        if let w = routing.choose(eligible: eligible[Int(d)], breadth: breadth, board: board) { callNext(window: Int(w)) }
        if let patience, tickets[Int(slot)].state == .waiting {
            calendar.schedule(.renege, at: now + patience, index: slot, tag: number)
        }
    }

    private func balkProbability(_ q: Int) -> Double {
        var p = 0.0
        for step in balking where q >= step.queueAtLeast { p = step.probability }
        return p
    }

    // MARK: Queues

    private func allocate(_ t: Ticket) -> Int32 {
        if let slot = freeSlots.popLast() { tickets[Int(slot)] = t; return slot }
        tickets.append(t)
        return Int32(tickets.count - 1)
    }

    private func enqueue(_ slot: Int32) {
        let t = tickets[Int(slot)]
        let q = HallBoard.queue(department: t.department, priority: t.priority)
        if queues[q].isEmpty { board.head[q] = t.number }
        queues[q].append(slot)
        changeWaiting(t.department, by: 1)
    }

    private func changeWaiting(_ d: Int32, by delta: Int32) {
        waiting[Int(d)] += delta
        sink.record(QueueRecord(time: calendar.now, department: d, waiting: waiting[Int(d)]))
    }

    /// Removes the head of queue q and any reneged tickets behind it; keeps `board.head` current.
    private func popHead(_ q: Int) -> Int32 {
        let slot = queues[q].removeFirst()
        pruneHead(q)
        return slot
    }

    private func pruneHead(_ q: Int) {
        while let first = queues[q].first, tickets[Int(first)].state == .gone {
            queues[q].removeFirst()
            freeSlots.append(first)
        }
        board.head[q] = queues[q].first.map { tickets[Int($0)].number } ?? .max
    }

    private func renege(slot: Int, number: Int32) {
        guard tickets[slot].number == number, tickets[slot].state == .waiting else { return }
        tickets[slot].state = .gone
        let t = tickets[slot]
        changeWaiting(t.department, by: -1)
        emit(t, outcome: .reneged, window: nil, start: nil, end: calendar.now)
        let q = HallBoard.queue(department: t.department, priority: t.priority)
        if board.head[q] == number { pruneHead(q) }
    }

    // MARK: Windows

    private func setWindow(_ w: Int, _ state: WindowState, ticket: Int32? = nil) {
        windowState[w] = state
        board.idle[w] = state == .idle
        if state == .idle { board.idleSince[w] = calendar.now }
        sink.record(WindowRecord(time: calendar.now, window: Int32(w), state: state, ticket: ticket))
    }

    /// An available window calls the next ticket, or goes idle (open) or closed.
    private func callNext(window w: Int) {
        guard callingAllowed, let q = calling.choose(departments: windowDepartments[w], home: windowHome[w], board: board) else {
            let state: WindowState = open ? .idle : .closed
            if windowState[w] != state { setWindow(w, state) }
            return
        }
        let slot = popHead(q)
        let now = calendar.now
        tickets[Int(slot)].state = .called
        tickets[Int(slot)].call = now
        let t = tickets[Int(slot)]
        changeWaiting(t.department, by: -1)
        windowTicket[w] = slot
        if t.noShow {
            setWindow(w, .calling, ticket: t.number)
            calendar.schedule(.serviceEnd, at: now + noShowGrace, index: Int32(w))
        } else {
            setWindow(w, .busy, ticket: t.number)
            let duration = t.work * factor[w * departmentCount + Int(t.department)]
            calendar.schedule(.serviceEnd, at: now + duration, index: Int32(w))
        }
    }

    private func serviceEnd(window w: Int) {
        let slot = windowTicket[w]
        let t = tickets[Int(slot)]
        if t.noShow {
            emit(t, outcome: .noShow, window: Int32(w), start: nil, end: calendar.now)
        } else {
            emit(t, outcome: t.notice ? .notice : .served, window: Int32(w), start: t.call, end: calendar.now)
        }
        windowTicket[w] = -1
        freeSlots.append(slot)
        callNext(window: w)
    }

    private func periodOpen() {
        open = true
        callingAllowed = true
        for w in windowState.indices where windowState[w] == .closed { callNext(window: w) }
    }

    private func periodClose(_ k: Int) {
        open = false
        let last = k == hall.periods.count - 1
        // Tickets already issued are served: at the end of the day always, at a break unless held.
        callingAllowed = last || !hall.holdAtBreak
        for w in windowState.indices where windowState[w] == .idle { setWindow(w, .closed) }
    }

    private func emit(_ t: Ticket, outcome: TicketOutcome, window: Int32?, start: Double?, end: Double) {
        sink.record(TicketRecord(ticket: t.number, profile: t.source, item: t.item, department: t.department,
                                 channel: t.channel, priority: t.priority, arrival: t.arrival,
                                 call: t.call.isNaN ? nil : t.call, serviceStart: start,
                                 serviceEnd: start == nil ? nil : end, window: window, outcome: outcome, end: end))
    }
}
