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
    var engine = DayEngine(hall: hall, seed: seed, replication: replication, sink: sink,
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

/// Streams of one source of applicants (a walk-in profile or an appointment block).
private struct SourceStreams {
    var interarrival: RandomStream?
    var item: RandomStream?
    var priority: RandomStream?
    var patience: RandomStream?
    var balking: RandomStream?
    var noShow: RandomStream?
}

private struct ItemStreams {
    var service: RandomStream
    var notice: RandomStream?
    var materials: RandomStream?
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

/// The engine: state of one day and the handlers of its events.
struct DayEngine {
    let hall: CompiledHall
    let sink: RecordSink
    let calling: any CallingPolicy
    let routing: any RoutingPolicy

    var calendar = EventCalendar()
    var board: HallBoard

    private var sources: [SourceStreams]
    private var itemStreams: [ItemStreams]
    private var tickets: [Ticket] = []
    private var freeSlots: [Int32] = []
    private var queues: [Deque<Int32>]
    private var waiting: [Int32]
    private var windowState: [WindowState]
    private var windowTicket: [Int32]
    private var nextNumber: Int32 = 1
    private var pieceIndex: [Int]
    /// Pre-drawn appointment arrivals: (time, block).
    private var appointmentArrivals: [(time: Double, block: Int32)] = []
    private var open = false
    private var callingAllowed = false
    private var events = 0

    init(hall: CompiledHall, seed: UInt64, replication: Int, sink: RecordSink, calling: any CallingPolicy, routing: any RoutingPolicy) {
        self.hall = hall; self.sink = sink; self.calling = calling; self.routing = routing
        func stream(_ name: String) -> RandomStream { RandomStream(seed: seed, replication: replication, name: name) }
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
                    if shows, let t = nextOpenInstant(slot + offset) { appointmentArrivals.append((t, Int32(b))) }
                }
            }
        }
    }

    /// The loop.
    mutating func run() -> DayStats {
        for (k, p) in hall.periods.enumerated() {
            calendar.schedule(.periodOpen, at: p.open, index: Int32(k))
            calendar.schedule(.periodClose, at: p.close, index: Int32(k))
        }
        for p in hall.profiles.indices {
            if let t = nextWalkIn(p, from: -.infinity) { calendar.schedule(.arrival, at: t, index: Int32(p)) }
        }
        let order = appointmentArrivals.indices.sorted { (appointmentArrivals[$0].time, $0) < (appointmentArrivals[$1].time, $1) }
        for k in order {
            calendar.schedule(.arrival, at: appointmentArrivals[k].time, index: Int32(hall.profiles.count + k))
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
    private mutating func nextWalkIn(_ p: Int, from t0: Double) -> Double? {
        let pieces = hall.profiles[p].pieces
        var t = t0
        var i = pieceIndex[p]
        while i < pieces.count {
            let pc = pieces[i]
            if t < pc.start { t = pc.start }
            let x = t + sources[p].interarrival!.exponential(mean: 1 / pc.perMinute)
            if x < pc.end { pieceIndex[p] = i; return x }
            t = pc.end
            i += 1
        }
        pieceIndex[p] = i
        return nil
    }

    private func nextOpenInstant(_ t: Double) -> Double? {
        for p in hall.periods {
            if t < p.open { return p.open }
            if t < p.close { return t }
        }
        return nil
    }

    private mutating func arrival(_ index: Int) {
        let now = calendar.now
        let source: Int, item: Int32
        let channel: Channel
        if index < hall.profiles.count {
            source = index
            let profile = hall.profiles[index]
            if let s = sources[index].item {
                let u = s.uniform()
                item = profile.items[profile.cumulative.firstIndex { u < $0 } ?? (profile.items.count - 1)]
            } else {
                item = profile.items[0]
            }
            channel = .walkIn
            if let t = nextWalkIn(index, from: now) { calendar.schedule(.arrival, at: t, index: Int32(index)) }
        } else {
            let block = Int(appointmentArrivals[index - hall.profiles.count].block)
            source = hall.profiles.count + block
            item = hall.appointments[block].item
            channel = .appointment
        }
        issueTicket(source: source, item: item, channel: channel, now: now)
    }

    private mutating func issueTicket(source s: Int, item i: Int32, channel: Channel, now: Double) {
        // Every applicant draws the same numbers whatever happens to them (common random numbers).
        let item = hall.items[Int(i)]
        let streams = sources[s]
        let priorityShare = s < hall.profiles.count ? hall.profiles[s].priorityShare : 0
        let priority = streams.priority.map { $0.uniform() < priorityShare } ?? false
        let service = item.service.sample(itemStreams[Int(i)].service)
        let noticeWork = itemStreams[Int(i)].notice.map { item.notice!.sample($0) }
        let notice = itemStreams[Int(i)].materials.map { $0.uniform() < item.incompleteProbability } ?? false
        let patience = streams.patience.map { hall.patience!.sample($0) }
        let balkU = streams.balking.map { $0.uniform() }
        let noShow = streams.noShow.map { $0.uniform() < hall.noShowProbability } ?? false

        let number = nextNumber
        nextNumber += 1
        let d = item.department
        let ticket = Ticket(number: number, source: Int32(s), item: i, department: d, channel: channel, priority: priority,
                            notice: notice, noShow: noShow, state: .waiting, arrival: now,
                            work: notice ? (noticeWork ?? service) : service, call: .nan)
        if let u = balkU, u < balkProbability(Int(waiting[Int(d)])) {
            emit(ticket, outcome: .balked, window: nil, start: nil, end: now)
            return
        }
        let slot = allocate(ticket)
        enqueue(slot)
        if let w = routing.choose(eligible: hall.eligible[Int(d)], breadth: hall.breadth, board: board) { callNext(window: Int(w)) }
        if let patience, tickets[Int(slot)].state == .waiting {
            calendar.schedule(.renege, at: now + patience, index: slot, tag: number)
        }
    }

    private func balkProbability(_ q: Int) -> Double {
        var p = 0.0
        for step in hall.balking where q >= step.queueAtLeast { p = step.probability }
        return p
    }

    // MARK: Queues

    private mutating func allocate(_ t: Ticket) -> Int32 {
        if let slot = freeSlots.popLast() { tickets[Int(slot)] = t; return slot }
        tickets.append(t)
        return Int32(tickets.count - 1)
    }

    private mutating func enqueue(_ slot: Int32) {
        let t = tickets[Int(slot)]
        let q = HallBoard.queue(department: t.department, priority: t.priority)
        if queues[q].isEmpty { board.head[q] = t.number }
        queues[q].append(slot)
        changeWaiting(t.department, by: 1)
    }

    private mutating func changeWaiting(_ d: Int32, by delta: Int32) {
        waiting[Int(d)] += delta
        sink.record(QueueRecord(time: calendar.now, department: d, waiting: waiting[Int(d)]))
    }

    /// Removes the head of queue q and any reneged tickets behind it; keeps `board.head` current.
    private mutating func popHead(_ q: Int) -> Int32 {
        let slot = queues[q].removeFirst()
        pruneHead(q)
        return slot
    }

    private mutating func pruneHead(_ q: Int) {
        while let first = queues[q].first, tickets[Int(first)].state == .gone {
            queues[q].removeFirst()
            freeSlots.append(first)
        }
        board.head[q] = queues[q].first.map { tickets[Int($0)].number } ?? .max
    }

    private mutating func renege(slot: Int, number: Int32) {
        guard tickets[slot].number == number, tickets[slot].state == .waiting else { return }
        tickets[slot].state = .gone
        let t = tickets[slot]
        changeWaiting(t.department, by: -1)
        emit(t, outcome: .reneged, window: nil, start: nil, end: calendar.now)
        let q = HallBoard.queue(department: t.department, priority: t.priority)
        if board.head[q] == number { pruneHead(q) }
    }

    // MARK: Windows

    private mutating func setWindow(_ w: Int, _ state: WindowState, ticket: Int32? = nil) {
        windowState[w] = state
        board.idle[w] = state == .idle
        if state == .idle { board.idleSince[w] = calendar.now }
        sink.record(WindowRecord(time: calendar.now, window: Int32(w), state: state, ticket: ticket))
    }

    /// An available window calls the next ticket, or goes idle (open) or closed.
    private mutating func callNext(window w: Int) {
        let cw = hall.windows[w]
        guard callingAllowed, let q = calling.choose(departments: cw.departments, home: cw.home, board: board) else {
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
            calendar.schedule(.serviceEnd, at: now + hall.noShowGrace, index: Int32(w))
        } else {
            setWindow(w, .busy, ticket: t.number)
            let duration = t.work * hall.factor[w * hall.departmentCount + Int(t.department)]
            calendar.schedule(.serviceEnd, at: now + duration, index: Int32(w))
        }
    }

    private mutating func serviceEnd(window w: Int) {
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

    private mutating func periodOpen() {
        open = true
        callingAllowed = true
        for w in hall.windows.indices where windowState[w] == .closed { callNext(window: w) }
    }

    private mutating func periodClose(_ k: Int) {
        open = false
        let last = k == hall.periods.count - 1
        // Tickets already issued are served: at the end of the day always, at a break unless held.
        callingAllowed = last || !hall.holdAtBreak
        for w in hall.windows.indices where windowState[w] == .idle { setWindow(w, .closed) }
    }

    private func emit(_ t: Ticket, outcome: TicketOutcome, window: Int32?, start: Double?, end: Double) {
        sink.record(TicketRecord(ticket: t.number, profile: t.source, item: t.item, department: t.department,
                                 channel: t.channel, priority: t.priority, arrival: t.arrival,
                                 call: t.call.isNaN ? nil : t.call, serviceStart: start,
                                 serviceEnd: start == nil ? nil : end, window: window, outcome: outcome, end: end))
    }
}
