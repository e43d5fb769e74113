import DequeModule
import HallDomain
import HallRandom

/// Who is at a window, beside the clerk indices of the roster.
enum WindowClerk {
    /// The window has no clerk (`clerkAt[w]`).
    static let none: Int32 = -1
    /// Halls without a roster: an unnamed clerk staffs the window all day at the window kind's speed.
    static let unnamed: Int32 = -2
    /// `waitingToSit[w]`: the window is reserved while a tidal rule's clerk walks over.
    static let reservedForWalkOver: Int32 = -2
}

/// What a day engine tells its owner beyond the records: a run over dates opens cases from the tickets
/// that end and lends back-office reviewers to tidal windows. Record sinks only observe; anything that
/// changes the simulation's state or a record is a hook.
protocol DayHooks: AnyObject {
    /// A ticket has ended; the hook may fill in fields the day cannot know (the case it opened). Called
    /// before the record goes to the sink.
    func ticketEnded(_ record: inout TicketRecord)
    /// A clerk's state changed (after the record went to the sink).
    func staffChanged(_ record: StaffRecord)
    /// A visit to the guide desk or a terminal ended (after the record went to the sink): a referred
    /// question becomes back-office work in a run over dates.
    func stageEnded(_ record: StageRecord)
}

extension DayHooks {
    func stageEnded(_ record: StageRecord) {}
}

/// The engine: state of one day and the handlers of its events. A class, so that handlers never copy
/// the day's state; it is touched by one thread only (exclusivity checks off on the hot arrays).
/// The rest is in the extensions beside this file: streams (`+Streams`), arrivals (`+Arrivals`), queues
/// (`+Queues`), windows and calling (`+Windows`), staff (`+Staff`), tidal rules (`+Tidal`) and the
/// invariant checks of debug builds (`+Invariants`). docs/engine.md explains the design.
final class DayEngine {
    let hall: CompiledHall
    let sink: RecordSink
    let hooks: DayHooks?
    let calling: any CallingPolicy
    let routing: any RoutingPolicy

    @exclusivity(unchecked) var calendar = EventCalendar<EventTier>()
    let board: HallBoard
    let streams: DayStreams
    /// Check the engine's invariants after every event (always in debug builds; on request in release).
    let checking: Bool

    // Tickets and queues.
    @exclusivity(unchecked) var tickets: [Ticket] = []
    @exclusivity(unchecked) var freeSlots: [Int32] = []
    /// One queue of ticket slots per (department, class), indexed by `QueueID.index`.
    @exclusivity(unchecked) var queues: [Deque<Int32>]
    /// Arrival time of the ticket at the head of each queue (for the oldest-wait tidal measure).
    @exclusivity(unchecked) var headArrival: [Double]
    /// Tickets waiting per department.
    @exclusivity(unchecked) var waiting: [Int32]
    /// Tickets waiting in each class, over all departments (classes with none are not asked about).
    @exclusivity(unchecked) var classWaiting = [Int32](repeating: 0, count: TicketClass.count)
    var nextNumber: Int32 = 1

    // Arrivals.
    @exclusivity(unchecked) var pieceIndex: [Int]
    /// Pre-drawn appointment arrivals: (time, block, slot time).
    let appointmentArrivals: [(time: Double, block: Int32, slot: Double)]
    /// Visits planned by earlier days (returns after a notice, result collection), sorted by time.
    let planned: [PlannedVisit]
    /// The source index of planned visits (after walk-in profiles and appointment blocks).
    let plannedSource: Int

    /// The complaints window's item (-1: none) and the share of failed visits that go on to it.
    let complaintsItem: Int32
    let complaintsShare: Double

    // Stages before the ticket (guide desk, terminals): index 0 guide, 1 terminal.
    let stages: CompiledStages
    let stageStreams: StageStreams
    @exclusivity(unchecked) var visitors: [Visitor] = []
    /// Booked slot of each appointment ticket (by ticket number), for its record.
    var appointmentSlots: [Int32: Double] = [:]
    var stageBusy = [0, 0]
    var stageQueue = [Deque<Int32>(), Deque<Int32>()]

    /// Where the day starts from instead of the opening (a now-cast), and what a forecast watches.
    let state: HallState?
    let seed: UInt64
    let replication: Int
    var watch = ForecastWatch()
    /// The next instant the forecast watch acts after (infinite when nothing is watched).
    var watchFrom = Double.infinity

    // Opening.
    var open = false
    /// When the current (or last) opening period closes.
    var periodCloses = 0.0
    var callingAllowed = false
    var events = 0

    // Windows.
    @exclusivity(unchecked) var windowState: [WindowState]
    /// The slot of the ticket at each window, or -1.
    @exclusivity(unchecked) var windowTicket: [Int32]
    /// Service-time factor of window w on department d with its current clerk.
    @exclusivity(unchecked) var factorNow: [Double]
    /// Green-channel guard: normal calls still owed by each window.
    @exclusivity(unchecked) var owedNormal: [Int]

    // Staff. A window is staffed when `clerkAt[w] != WindowClerk.none`.
    @exclusivity(unchecked) var clerkAt: [Int32]
    @exclusivity(unchecked) var clerkWindow: [Int32]
    /// The post each clerk works today (own post, or the post covered as B), -1 if none.
    var assigned: [Int32]
    /// The clerk at the window is due to leave when the window next frees.
    @exclusivity(unchecked) var leaving: [Bool]
    /// A clerk waiting for the previous one to finish at the window, -1, or `WindowClerk.reservedForWalkOver`.
    var waitingToSit: [Int32]

    // Tidal rules.
    var tidalFree: [[Int32]]
    var tidalWalking: [Int]
    var tidalOpen: [[Int32]]
    var openedAt: [Double]
    var closePending: [Bool]
    /// Invalidates a rule's scheduled close countdown when the queue rises again.
    var closeGeneration: [Generation]
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
        routing: any RoutingPolicy, planned: [PlannedVisit] = [], hooks: DayHooks? = nil,
        checkInvariants: Bool = false, state: HallState? = nil
    ) {
        self.hall = hall
        self.sink = sink
        self.hooks = hooks
        self.calling = calling
        self.routing = routing
        checking = checkInvariants || _isDebugAssertConfiguration()
        self.planned = planned.filter { $0.time >= state?.minute ?? -.infinity }.sorted {
            ($0.time, $0.caseNumber) < ($1.time, $1.caseNumber)
        }
        self.state = state
        self.seed = seed
        self.replication = replication
        plannedSource = hall.profiles.count + hall.appointments.count
        items = hall.items
        var starts: [Double] = []
        var ends: [Double] = []
        var means: [Double] = []
        var ranges: [Range<Int>] = []
        for profile in hall.profiles {
            let from = starts.count
            for piece in profile.pieces {
                starts.append(piece.start)
                ends.append(piece.end)
                means.append(1 / piece.perMinute)
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

        streams = DayStreams(hall: hall, seed: seed, replication: replication, hasPlannedVisits: !planned.isEmpty)
        stages = hall.stages
        if let c = hall.scenario.complaints, let i = hall.scenario.items.firstIndex(where: { $0.id == c.item }) {
            complaintsItem = Int32(i)
            complaintsShare = c.afterFailedVisit
        } else {
            complaintsItem = -1
            complaintsShare = 0
        }
        stageStreams = StageStreams(hall.stages, seed: seed, replication: replication)
        let nw = hall.windowCount
        let nd = hall.departmentCount
        let nq = QueueID.count(departments: nd)
        board = HallBoard(departments: nd, windows: nw)
        queues = Array(repeating: Deque<Int32>(), count: nq)
        headArrival = Array(repeating: .infinity, count: nq)
        waiting = Array(repeating: 0, count: nd)
        windowState = Array(repeating: .closed, count: nw)
        windowTicket = Array(repeating: -1, count: nw)
        pieceIndex = Array(repeating: 0, count: hall.profiles.count)
        clerkAt = Array(repeating: WindowClerk.none, count: nw)
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
        closeGeneration = Array(repeating: Generation(), count: hall.tidal.count)
        ageCheckAt = Array(repeating: .nan, count: hall.tidal.count)

        // Appointments are booked in advance: who comes and when is drawn once, at the start of the day.
        appointmentArrivals = streams.drawAppointments(hall, seed: seed, replication: replication).filter {
            $0.time >= state?.minute ?? -.infinity
        }
        if let known = state?.absent {
            // A state that knows today's absences: nothing to draw, and their records are in the past.
            var absent = [Bool](repeating: false, count: hall.clerks.count)
            for c in known { absent[Int(c)] = true }
            planStaff(absent: absent, record: false)
        } else {
            planStaff(absent: streams.drawAbsences(hall, seed: seed, replication: replication))
        }
    }

    /// Puts an event on the day's calendar.
    @inline(__always) func schedule(_ event: DayEvent, at time: Double) { calendar.schedule(event, at: time) }

    /// The loop of a plain day (and of a day from a state that nobody watches).
    func run() -> DayStats { run(PlainLoop.self) }

    /// The loop. A forecast's loop also takes its probes and may stop early (`ForecastLoop`); the loop
    /// kind is a type so that a plain day's loop is compiled without that check (it cost 8 % of the
    /// engine's speed on M/M/3 as a comparison on every event).
    func run<Loop: LoopKind>(_: Loop.Type) -> DayStats {
        if let state {
            start(from: state)
        } else {
            for (k, period) in hall.periods.enumerated() {
                schedule(.periodOpens(period: k), at: period.open)
                schedule(.periodCloses(period: k), at: period.close)
            }
            scheduleStaff()
            scheduleFirstArrivals()
        }
        var sameInstant = 0
        var lastTime = -Double.infinity
        while let e = calendar.next() {
            // A forecast's probes and its stop (never in a plain run: `watchFrom` stays infinite).
            if Loop.watches, e.time >= watchFrom, watch(before: e.time) {
                return DayStats(tickets: Int(nextNumber - 1), events: events, end: e.time)
            }
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
            handle(DayEvent(e))
            if checking { checkInvariants() }
        }
        if Loop.watches { watchToEnd() }
        // Tickets nobody was left to call (a staffing gap at the end of the day).
        for q in queues.indices {
            for slot in queues[q] where tickets[Int(slot)].state == .waiting {
                emit(tickets[Int(slot)], outcome: .unserved, window: nil, start: nil, end: calendar.now)
            }
        }
        return DayStats(tickets: Int(nextNumber - 1), events: events, end: calendar.now)
    }

    @inline(__always) func handle(_ event: DayEvent) {
        switch event {
        case .periodCloses(let k): periodClose(k)
        case .dutyStarts(let c): dutyStarts(clerk: c)
        case .dutyEnds(let c): dutyEnds(clerk: c)
        case .serviceEnds(let w): serviceEnd(window: w)
        case .periodOpens(let k): periodOpen(k)
        case .tidalWindowOpens(let w, let c): tidalWindowOpens(window: w, clerk: c)
        case .tidalCloseDue(let r, let stamp): tidalCloseDue(rule: r, stamp: stamp)
        case .tidalAgeCheck(let r): tidalEvaluate(r)
        case .patienceEnds(let slot, let number): renege(slot: slot, number: number)
        case .stageEnds(let k): stageEnd(visitor: k)
        case .complaint: complaintArrives()
        case .walkIn(let p): walkIn(profile: p)
        case .appointment(let k): appointmentArrives(k)
        case .plannedVisit(let k): plannedVisitArrives(k)
        }
    }

    /// Sends a ticket's record: through the hooks (a run over dates opens its case), then to the sink.
    func emit(_ t: Ticket, outcome: TicketOutcome, window: Int32?, start: Double?, end: Double) {
        var record = TicketRecord(
            ticket: t.number, source: t.source, item: t.item, department: t.department,
            channel: t.channel, priority: t.ticketClass == UInt8(TicketClass.priority.rawValue),
            arrival: t.arrival, call: t.call.isNaN ? nil : t.call, serviceStart: start,
            serviceEnd: start == nil ? nil : end, window: window, outcome: outcome, end: end,
            visit: t.visit, caseNumber: t.caseNumber >= 0 ? t.caseNumber : nil,
            slot: t.channel == .appointment ? appointmentSlots[t.number] : nil)
        hooks?.ticketEnded(&record)
        sink.record(record)
        if complaintsItem >= 0, record.item != complaintsItem, record.outcome.failedVisit,
            streams.complaintsRedirect!.uniform() < complaintsShare,
            let t = DayEngine.nextOpenInstant(calendar.now, periods: hall.periods)
        {
            schedule(.complaint, at: t)
        }
    }

    /// An applicant whose visit failed takes a ticket for the complaints window (有诉即办, 001 art. 25).
    func complaintArrives() {
        let draws = drawApplicant(source: plannedSource + 1, item: complaintsItem, planned: nil)
        issueTicket(
            source: plannedSource + 1, item: complaintsItem, channel: .walkIn, onTime: false, now: calendar.now,
            draws: draws)
    }

    /// Sends a staff record to the sink, then tells the hooks.
    func emit(_ record: StaffRecord) {
        sink.record(record)
        hooks?.staffChanged(record)
    }
}
