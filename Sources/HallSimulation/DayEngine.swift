import DequeModule
import HallDomain
import HallRandom

/// Streams of one source of applicants (a walk-in profile or an appointment block), as non-owning
/// handles: the engine keeps the owning `RandomStream`s alive for the day.
struct SourceStreams {
    var interarrival: RandomStream.Handle?
    var item: RandomStream.Handle?
    var priority: RandomStream.Handle?
    var patience: RandomStream.Handle?
    var balking: RandomStream.Handle?
    var noShow: RandomStream.Handle?
}

struct ItemStreams {
    var service: RandomStream.Handle
    var notice: RandomStream.Handle?
    var materials: RandomStream.Handle?
}

enum TicketState: UInt8 { case waiting, called, gone }

struct Ticket {
    var number: Int32
    var source: Int32
    var item: Int32
    var department: Int32
    var channel: Channel
    var ticketClass: UInt8
    var notice: Bool
    var noShow: Bool
    var state: TicketState
    var arrival: Double
    /// Intake time at a specialist's window (before the clerk's or window's factor).
    var work: Double
    var call: Double
    var visit: VisitKind
    /// The case of a planned visit, or -1.
    var caseNumber: Int32
}

/// The engine: state of one day and the handlers of its events. A class, so that handlers never copy
/// the day's state; it is touched by one thread only (exclusivity checks off on the hot arrays).
/// Staff (shifts, AB cover) and tidal rules are in the extensions beside this file.
final class DayEngine {
    let hall: CompiledHall
    let sink: RecordSink
    let calling: any CallingPolicy
    let routing: any RoutingPolicy

    @exclusivity(unchecked) var calendar = EventCalendar<EventTier>()
    let board: HallBoard

    /// Owners of every stream used this day (the handles below do not retain them).
    var owners: [RandomStream] = []
    var sources: [SourceStreams] = []
    var itemStreams: [ItemStreams] = []
    @exclusivity(unchecked) var tickets: [Ticket] = []
    @exclusivity(unchecked) var freeSlots: [Int32] = []
    @exclusivity(unchecked) var queues: [Deque<Int32>]
    /// Arrival time of the ticket at the head of each queue (for the oldest-wait tidal measure).
    @exclusivity(unchecked) var headArrival: [Double]
    @exclusivity(unchecked) var waiting: [Int32]
    /// Tickets waiting in each class, over all departments (classes with none are not asked about).
    @exclusivity(unchecked) var classWaiting = [Int32](repeating: 0, count: TicketClass.count)
    @exclusivity(unchecked) var windowState: [WindowState]
    @exclusivity(unchecked) var windowTicket: [Int32]
    var nextNumber: Int32 = 1
    @exclusivity(unchecked) var pieceIndex: [Int]
    /// Pre-drawn appointment arrivals: (time, block, slot time).
    var appointmentArrivals: [(time: Double, block: Int32, slot: Double)] = []
    /// Visits planned by earlier days (returns after a notice, result collection), sorted by time.
    let planned: [PlannedVisit]
    /// The source index of planned visits (after walk-in profiles and appointment blocks).
    let plannedSource: Int
    var open = false
    /// When the current (or last) opening period closes.
    var periodCloses = 0.0
    var callingAllowed = false
    var events = 0

    // Staffing. A window is staffed when `clerkAt[w] != noClerk`; `unnamedClerk` staffs windows all day
    // in halls without a roster.
    static let noClerk: Int32 = -1
    static let unnamedClerk: Int32 = -2
    @exclusivity(unchecked) var clerkAt: [Int32]
    @exclusivity(unchecked) var clerkWindow: [Int32]
    /// The post each clerk works today (own post, or the post covered as B), -1 if none.
    var assigned: [Int32]
    /// The clerk at the window is due to leave when the window next frees.
    @exclusivity(unchecked) var leaving: [Bool]
    /// A clerk waiting for the previous one to finish at the window.
    var waitingToSit: [Int32]
    /// Service-time factor of window w on department d with its current clerk.
    @exclusivity(unchecked) var factorNow: [Double]
    /// Green-channel guard: normal calls still owed by each window.
    @exclusivity(unchecked) var owedNormal: [Int]

    // Tidal rules.
    var tidalFree: [[Int32]]
    var tidalWalking: [Int]
    var tidalOpen: [[Int32]]
    var openedAt: [Double]
    var closePending: [Bool]
    var closeToken: [Int32]
    var ageCheckAt: [Double]

    // Flat copies of the compiled hall's tables, read on every event. Reading them through `hall`
    // instead measured 7 % slower on M/M/3 (hallbench: 0.43 → 0.40 of the bare loop), so they stay.
    let items: [CompiledHall.Item]
    let pieceStart: [Double], pieceEnd: [Double], pieceMean: [Double]
    let profilePieces: [Range<Int>]
    let profileItems: [[Int32]]
    let profileCumulative: [[Double]]
    let profilePriority: [Double]
    let profileCount: Int
    let appointmentItem: [Int32]
    let windowDepartments: [[Int32]]
    let windowHome: [Int32]
    let eligible: [[Int32]]
    let breadth: [Int32]
    let departmentCount: Int
    let patience: Sampler?
    let balking: [BalkStep]
    let noShowProbability: Double
    let noShowGrace: Double
    let appointmentsFirst: Bool
    let onTimeTolerance: Double
    let normalPerPriority: Int
    let rulesWatching: [[Int32]]

    init(
        hall: CompiledHall, seed: UInt64, replication: Int, sink: RecordSink, calling: any CallingPolicy,
        routing: any RoutingPolicy,
        planned: [PlannedVisit] = []
    ) {
        self.hall = hall
        self.sink = sink
        self.calling = calling
        self.routing = routing
        self.planned = planned.sorted { ($0.time, $0.caseNumber) < ($1.time, $1.caseNumber) }
        plannedSource = hall.profiles.count + hall.appointments.count
        items = hall.items
        var starts: [Double] = []
        var ends: [Double] = []
        var means: [Double] = []
        var ranges: [Range<Int>] = []
        for p in hall.profiles {
            let from = starts.count
            for pc in p.pieces {
                starts.append(pc.start)
                ends.append(pc.end)
                means.append(1 / pc.perMinute)
            }
            ranges.append(from..<starts.count)
        }
        pieceStart = starts
        pieceEnd = ends
        pieceMean = means
        profilePieces = ranges
        profileItems = hall.profiles.map(\.items)
        profileCumulative = hall.profiles.map(\.cumulative)
        profilePriority = hall.profiles.map(\.priorityShare)
        profileCount = hall.profiles.count
        appointmentItem = hall.appointments.map(\.item)
        windowDepartments = hall.windows.map(\.departments)
        windowHome = hall.windows.map(\.home)
        eligible = hall.eligible
        breadth = hall.breadth
        departmentCount = hall.departmentCount
        patience = hall.patience
        balking = hall.balking
        noShowProbability = hall.noShowProbability
        noShowGrace = hall.noShowGrace
        appointmentsFirst = hall.calling.appointmentsFirst
        onTimeTolerance = hall.calling.onTimeToleranceMinutes
        normalPerPriority = hall.calling.normalPerPriority ?? 0
        rulesWatching = hall.rulesWatching

        var owners: [RandomStream] = []
        func stream(_ name: String) -> RandomStream.Handle {
            let s = RandomStream(seed: seed, replication: replication, name: name)
            owners.append(s)
            return s.handle
        }
        let behaviour = hall.scenario.behaviour
        func streams(_ id: String, walkIn: Bool, choices: Int, priority: Bool) -> SourceStreams {
            SourceStreams(
                interarrival: walkIn ? stream("arrivals/\(id)") : nil,
                item: choices > 1 ? stream("items/\(id)") : nil,
                priority: priority ? stream("priority/\(id)") : nil,
                patience: behaviour.patience != nil ? stream("patience/\(id)") : nil,
                balking: behaviour.balking.isEmpty ? nil : stream("balking/\(id)"),
                noShow: behaviour.noShowProbability > 0 ? stream("no_show/\(id)") : nil)
        }
        sources =
            hall.profiles.map { streams($0.id, walkIn: true, choices: $0.items.count, priority: $0.priorityShare > 0) }
            + hall.appointments.map { streams($0.id, walkIn: false, choices: 1, priority: false) }
        if !planned.isEmpty {
            var s = streams(Catalogue.plannedVisits, walkIn: false, choices: 1, priority: false)
            s.item = stream("materials/\(Catalogue.plannedVisits)")
            sources.append(s)
        }
        itemStreams = zip(hall.scenario.items, hall.items).map { spec, item in
            ItemStreams(
                service: stream("service/\(spec.id)"),
                notice: item.notice != nil ? stream("notice_service/\(spec.id)") : nil,
                materials: item.incompleteProbability > 0 ? stream("materials/\(spec.id)") : nil)
        }
        let nw = hall.windowCount
        let nd = hall.departmentCount
        let nq = nd * TicketClass.count
        board = HallBoard(departments: nd, windows: nw)
        queues = Array(repeating: Deque<Int32>(), count: nq)
        headArrival = Array(repeating: .infinity, count: nq)
        waiting = Array(repeating: 0, count: nd)
        windowState = Array(repeating: .closed, count: nw)
        windowTicket = Array(repeating: -1, count: nw)
        pieceIndex = Array(repeating: 0, count: hall.profiles.count)
        clerkAt = Array(repeating: DayEngine.noClerk, count: nw)
        clerkWindow = Array(repeating: -1, count: hall.clerks.count)
        assigned = Array(repeating: -1, count: hall.clerks.count)
        leaving = Array(repeating: false, count: nw)
        waitingToSit = Array(repeating: -1, count: nw)
        factorNow = hall.factor
        owedNormal = Array(repeating: 0, count: nw)
        tidalFree = hall.tidal.map { $0.clerks.reversed() }
        tidalWalking = Array(repeating: 0, count: hall.tidal.count)
        tidalOpen = Array(repeating: [], count: hall.tidal.count)
        openedAt = Array(repeating: 0, count: nw)
        closePending = Array(repeating: false, count: hall.tidal.count)
        closeToken = Array(repeating: 0, count: hall.tidal.count)
        ageCheckAt = Array(repeating: .nan, count: hall.tidal.count)

        // Appointments are booked in advance: draw who comes and when, once, at the start of the day.
        for (b, block) in hall.appointments.enumerated() {
            let s = stream("appointments/\(block.id)")
            for slot in block.slots {
                for _ in 0..<block.perSlot {
                    let shows = s.uniform() < block.show
                    let offset = block.punctuality.sample(s)
                    if shows, let t = DayEngine.nextOpenInstant(slot + offset, periods: hall.periods) {
                        appointmentArrivals.append((t, Int32(b), slot))
                    }
                }
            }
        }
        // Who is absent today (one draw per rostered clerk, whatever the roster).
        let absent = hall.clerks.map { c in
            c.kind == .rostered ? stream("absence/\(c.id)").uniform() < c.absence : false
        }
        self.owners = owners
        planStaff(absent: absent)
    }

    /// The loop.
    func run() -> DayStats {
        for (k, p) in hall.periods.enumerated() {
            calendar.schedule(.periodOpen, at: p.open, index: Int32(k))
            calendar.schedule(.periodClose, at: p.close, index: Int32(k))
        }
        scheduleStaff()
        for p in 0..<profileCount {
            if let t = nextWalkIn(p, from: -.infinity) { calendar.schedule(.arrival, at: t, index: Int32(p)) }
        }
        let order = appointmentArrivals.indices.sorted {
            (appointmentArrivals[$0].time, $0) < (appointmentArrivals[$1].time, $1)
        }
        for k in order {
            calendar.schedule(.arrival, at: appointmentArrivals[k].time, index: Int32(profileCount + k))
        }
        let firstPlanned = profileCount + appointmentArrivals.count
        for (k, v) in planned.enumerated() {
            if let t = DayEngine.nextOpenInstant(v.time, periods: hall.periods) {
                calendar.schedule(.arrival, at: t, index: Int32(firstPlanned + k))
            }
        }
        var sameInstant = 0
        var lastTime = -Double.infinity
        while let e = calendar.next() {
            events += 1
            // A day cannot need ten million events at one instant: that is a livelock in a rule.
            if e.time == lastTime {
                sameInstant += 1
                precondition(
                    sameInstant < 10_000_000,
                    "livelock: 10 million events at \(ClockTime.format(e.time, seconds: true)) (last tier \(e.tier))")
            } else {
                sameInstant = 0
                lastTime = e.time
            }
            switch e.tier {
            case .periodClose: periodClose(Int(e.index))
            case .staffChange: staffChange(clerk: Int(e.index), starts: e.tag == 1)
            case .serviceEnd: serviceEnd(window: Int(e.index))
            case .periodOpen: periodOpen(Int(e.index))
            case .tidalOpen: tidalWindowOpens(window: Int(e.index), clerk: e.tag)
            case .tidalCheck: tidalCheck(rule: Int(e.index), token: e.tag)
            case .renege: renege(slot: Int(e.index), number: e.tag)
            case .arrival: arrival(Int(e.index))
            }
        }
        // Tickets nobody was left to call (a staffing gap at the end of the day).
        for q in queues.indices {
            for slot in queues[q] where tickets[Int(slot)].state == .waiting {
                emit(tickets[Int(slot)], outcome: .unserved, window: nil, start: nil, end: calendar.now)
            }
        }
        return DayStats(tickets: Int(nextNumber - 1), events: events, end: calendar.now)
    }

    // MARK: Arrivals

    /// Next walk-in of profile p after `t` (piecewise-constant rate; exact by memorylessness).
    func nextWalkIn(_ p: Int, from t0: Double) -> Double? {
        let range = profilePieces[p]
        let stream = sources[p].interarrival!
        var t = t0
        var i = range.lowerBound + pieceIndex[p]
        while i < range.upperBound {
            if t < pieceStart[i] { t = pieceStart[i] }
            let x = t + stream.exponential(mean: pieceMean[i])
            if x < pieceEnd[i] {
                pieceIndex[p] = i - range.lowerBound
                return x
            }
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

    func arrival(_ index: Int) {
        let now = calendar.now
        if index < profileCount {
            let item: Int32
            if let s = sources[index].item {
                let u = s.uniform()
                let cumulative = profileCumulative[index]
                item = profileItems[index][cumulative.firstIndex { u < $0 } ?? (cumulative.count - 1)]
            } else {
                item = profileItems[index][0]
            }
            if let t = nextWalkIn(index, from: now) { calendar.schedule(.arrival, at: t, index: Int32(index)) }
            issueTicket(source: index, item: item, channel: .walkIn, onTime: false, now: now)
        } else if index < profileCount + appointmentArrivals.count {
            let a = appointmentArrivals[index - profileCount]
            issueTicket(
                source: profileCount + Int(a.block), item: appointmentItem[Int(a.block)], channel: .appointment,
                onTime: now <= a.slot + onTimeTolerance, now: now)
        } else {
            let v = planned[index - profileCount - appointmentArrivals.count]
            issueTicket(source: plannedSource, item: v.item, channel: .walkIn, onTime: false, now: now, planned: v)
        }
    }

    func issueTicket(
        source s: Int, item i: Int32, channel: Channel, onTime: Bool, now: Double, planned: PlannedVisit? = nil
    ) {
        // Every applicant draws the same numbers whatever happens to them (common random numbers).
        let streams = sources[s]
        let itemStreams = self.itemStreams[Int(i)]
        let priority = streams.priority.map { $0.uniform() < profilePriority[s] } ?? false
        let service = items[Int(i)].service.sample(itemStreams.service)
        let noticeWork = itemStreams.notice.map { items[Int(i)].notice!.sample($0) }
        let notice: Bool
        if let planned {
            // Planned visits draw their materials from their own stream, with their own probability.
            notice = streams.item!.uniform() < planned.incompleteProbability
        } else {
            notice = itemStreams.materials.map { $0.uniform() < items[Int(i)].incompleteProbability } ?? false
        }
        let patience = streams.patience.map { self.patience!.sample($0) }
        let balkU = streams.balking.map { $0.uniform() }
        let noShow = streams.noShow.map { $0.uniform() < noShowProbability } ?? false

        let number = nextNumber
        nextNumber += 1
        let d = items[Int(i)].department
        let cls: TicketClass = priority ? .priority : (appointmentsFirst && onTime ? .appointment : .normal)
        let ticket = Ticket(
            number: number, source: Int32(s), item: i, department: d, channel: channel,
            ticketClass: UInt8(cls.rawValue), notice: notice, noShow: noShow, state: .waiting, arrival: now,
            work: notice ? (noticeWork ?? service) : service, call: .nan,
            visit: planned?.visit ?? .first, caseNumber: planned?.caseNumber ?? -1)
        if let u = balkU, u < balkProbability(Int(waiting[Int(d)])) {
            emit(ticket, outcome: .balked, window: nil, start: nil, end: now)
            return
        }
        let slot = allocate(ticket)
        enqueue(slot)
        if let w = routing.choose(department: d, eligible: eligible[Int(d)], breadth: breadth, board: board) {
            callNext(window: Int(w))
        }
        if let patience, tickets[Int(slot)].state == .waiting {
            calendar.schedule(.renege, at: now + patience, index: slot, tag: number)
        }
    }

    func balkProbability(_ q: Int) -> Double {
        var p = 0.0
        for step in balking where q >= step.queueAtLeast { p = step.probability }
        return p
    }

    // MARK: Queues

    func allocate(_ t: Ticket) -> Int32 {
        if let slot = freeSlots.popLast() {
            tickets[Int(slot)] = t
            return slot
        }
        tickets.append(t)
        return Int32(tickets.count - 1)
    }

    func enqueue(_ slot: Int32) {
        let t = tickets[Int(slot)]
        let q = BoardIndex.q(t.department, Int(t.ticketClass))
        if queues[q].isEmpty {
            board.head[q] = t.number
            headArrival[q] = t.arrival
        }
        queues[q].append(slot)
        board.count[q] += 1
        classWaiting[Int(t.ticketClass)] += 1
        changeWaiting(t.department, by: 1)
    }

    func changeWaiting(_ d: Int32, by delta: Int32) {
        waiting[Int(d)] += delta
        sink.record(QueueRecord(time: calendar.now, department: d, waiting: waiting[Int(d)]))
        for r in rulesWatching[Int(d)] { tidalEvaluate(Int(r)) }
    }

    /// Removes the head of queue q and any reneged tickets behind it; keeps the board current.
    func popHead(_ q: Int) -> Int32 {
        let slot = queues[q].removeFirst()
        board.count[q] -= 1
        classWaiting[q % TicketClass.count] -= 1
        pruneHead(q)
        return slot
    }

    func pruneHead(_ q: Int) {
        while let first = queues[q].first, tickets[Int(first)].state == .gone {
            queues[q].removeFirst()
            freeSlots.append(first)
        }
        if let first = queues[q].first {
            board.head[q] = tickets[Int(first)].number
            headArrival[q] = tickets[Int(first)].arrival
        } else {
            board.head[q] = .max
            headArrival[q] = .infinity
        }
    }

    func renege(slot: Int, number: Int32) {
        guard tickets[slot].number == number, tickets[slot].state == .waiting else { return }
        tickets[slot].state = .gone
        let t = tickets[slot]
        let q = BoardIndex.q(t.department, Int(t.ticketClass))
        board.count[q] -= 1
        classWaiting[Int(t.ticketClass)] -= 1
        if board.head[q] == number { pruneHead(q) }
        changeWaiting(t.department, by: -1)
        emit(t, outcome: .reneged, window: nil, start: nil, end: calendar.now)
    }

    // MARK: Windows

    func setWindow(_ w: Int, _ state: WindowState, ticket: Int32? = nil) {
        windowState[w] = state
        board.idle[w] = state == .idle
        if state == .idle { board.idleSince[w] = calendar.now }
        let clerk = clerkAt[w]
        sink.record(
            WindowRecord(
                time: calendar.now, window: Int32(w), state: state, ticket: ticket, staff: clerk >= 0 ? clerk : nil))
    }

    /// The queue window w calls next: class by class (green channel, on-time appointments, others;
    /// the green channel last while the window owes normal calls), each chosen by the calling policy.
    func chooseQueue(_ w: Int) -> Int? {
        CallingGuard.chooseQueue(
            window: w, departments: windowDepartments[w], home: windowHome[w], owedNormal: owedNormal[w],
            classWaiting: classWaiting, policy: calling, board: board)
    }

    /// An available window calls the next ticket, goes idle (open) or closed, or lets its clerk go.
    func callNext(window w: Int) {
        guard clerkAt[w] != DayEngine.noClerk else {
            if windowState[w] != .closed { setWindow(w, .closed) }
            return
        }
        // A clerk due off leaves now, unless the hall has closed and tickets already issued remain.
        if leaving[w], open || !callingAllowed {
            release(window: w)
            return
        }
        guard callingAllowed, let q = chooseQueue(w) else {
            if leaving[w] || (!open && hall.tidalRuleOfWindow[w] >= 0) {
                release(window: w)
                return
            }
            let state: WindowState = open ? .idle : .closed
            if windowState[w] != state { setWindow(w, state) }
            return
        }
        let slot = popHead(q)
        let now = calendar.now
        tickets[Int(slot)].state = .called
        tickets[Int(slot)].call = now
        let t = tickets[Int(slot)]
        if normalPerPriority > 0 {
            owedNormal[w] = CallingGuard.owedAfterCall(
                calledClass: TicketClass(rawValue: Int(t.ticketClass))!, owed: owedNormal[w],
                normalPerPriority: normalPerPriority)
        }
        changeWaiting(t.department, by: -1)
        windowTicket[w] = slot
        if t.noShow {
            setWindow(w, .calling, ticket: t.number)
            calendar.schedule(.serviceEnd, at: now + noShowGrace, index: Int32(w))
        } else {
            setWindow(w, .busy, ticket: t.number)
            calendar.schedule(
                .serviceEnd, at: now + t.work * factorNow[w * departmentCount + Int(t.department)], index: Int32(w))
        }
    }

    func serviceEnd(window w: Int) {
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

    /// Whether the window is between applicants (idle or closed), so that a change can act at once.
    func isFree(_ w: Int) -> Bool { windowState[w] == .idle || windowState[w] == .closed }

    func periodOpen(_ k: Int) {
        open = true
        periodCloses = hall.periods[k].close
        callingAllowed = true
        for w in windowState.indices where windowState[w] == .closed && clerkAt[w] != DayEngine.noClerk {
            callNext(window: w)
        }
    }

    func periodClose(_ k: Int) {
        open = false
        let last = k == hall.periods.count - 1
        // Tickets already issued are served: at the end of the day always, at a break unless held.
        callingAllowed = last || !hall.holdAtBreak
        for w in windowState.indices where windowState[w] == .idle { callNext(window: w) }
    }

    func emit(_ t: Ticket, outcome: TicketOutcome, window: Int32?, start: Double?, end: Double) {
        sink.record(
            TicketRecord(
                ticket: t.number, profile: t.source, item: t.item, department: t.department,
                channel: t.channel, priority: t.ticketClass == UInt8(TicketClass.priority.rawValue),
                arrival: t.arrival, call: t.call.isNaN ? nil : t.call, serviceStart: start,
                serviceEnd: start == nil ? nil : end, window: window, outcome: outcome, end: end,
                visit: t.visit, caseNumber: t.caseNumber >= 0 ? t.caseNumber : nil))
    }
}
