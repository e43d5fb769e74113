import HallDomain

/// The hall at one instant, as its operations records show it: what a now-cast starts from
/// (`simulateDay(_:from:…)`). Indices are the event log's (`Catalogue`): departments, items, windows and
/// staff in the scenario's order.
///
/// What the state does not say is drawn: the time still to go of each service in progress (from the
/// item's intake time conditioned on the time already spent), each waiting applicant's intake time,
/// materials and no-show, and their patience conditioned on the wait so far. Visitors at the guide desk
/// or a terminal and planned visits are not part of the state: the day goes on from the instant with
/// none. A tidal window open in the state keeps its rule's minimum open time from when its clerk sat
/// down (`Staffed.since`), and every rule looks at the queue at once (a close countdown starts then).
public struct HallState: Sendable, Hashable, Codable {
    /// A ticket waiting to be called.
    public struct Waiting: Sendable, Hashable, Codable {
        /// The day's ticket number (calling order: lower numbers first within a queue).
        public var number: Int32
        public var department: Int32
        /// The item, when the ticket names one; otherwise drawn from the department's walk-in mix.
        public var item: Int32?
        public var ticketClass: TicketClass
        /// When the ticket was issued (minutes after midnight): its wait so far and its patience start here.
        public var arrival: Double

        public init(number: Int32, department: Int32, item: Int32?, ticketClass: TicketClass, arrival: Double) {
            self.number = number
            self.department = department
            self.item = item
            self.ticketClass = ticketClass
            self.arrival = arrival
        }
    }

    /// A window serving an applicant (called or in intake).
    public struct Serving: Sendable, Hashable, Codable {
        public var window: Int32
        public var number: Int32
        public var department: Int32
        public var item: Int32?
        /// When the ticket was issued.
        public var arrival: Double
        /// When it was called to the window: the service so far runs from here.
        public var since: Double
        /// Known not to have come (the window waits out the no-show grace from `since`).
        public var noShow: Bool

        public init(
            window: Int32, number: Int32, department: Int32, item: Int32?, arrival: Double, since: Double,
            noShow: Bool = false
        ) {
            self.window = window
            self.number = number
            self.department = department
            self.item = item
            self.arrival = arrival
            self.since = since
            self.noShow = noShow
        }
    }

    /// A clerk at a window (serving or not). `clerk` nil: an unnamed clerk at the window kind's speed who
    /// stays until the hall's last closing.
    public struct Staffed: Sendable, Hashable, Codable {
        public var window: Int32
        public var clerk: Int32?
        /// When the clerk sat down at the window (nil: unknown, taken as the state's instant). A tidal
        /// window stays open at least its rule's minimum from here.
        public var since: Double?

        public init(window: Int32, clerk: Int32?, since: Double? = nil) {
            self.window = window
            self.clerk = clerk
            self.since = since
        }
    }

    /// Minutes after midnight.
    public var minute: Double
    public var waiting: [Waiting]
    public var serving: [Serving]
    /// Every window with a clerk now; a serving window must be here too (halls with a roster). A rostered
    /// clerk who is not at a window during one of their duty hours is taken as away for the rest of the
    /// day (not signed in: absent, or covering elsewhere).
    public var staffed: [Staffed]
    /// The clerks absent today, when the day's absences are known (everyone else on the roster comes to
    /// their duties); nil: not known yet, drawn as in a plain run.
    public var absent: [Int32]?
    /// The number the next ticket gets (above every number in the state).
    public var nextNumber: Int32

    public init(
        minute: Double, waiting: [Waiting] = [], serving: [Serving] = [], staffed: [Staffed] = [],
        absent: [Int32]? = nil, nextNumber: Int32? = nil
    ) {
        self.minute = minute
        self.waiting = waiting
        self.serving = serving
        self.staffed = staffed
        self.absent = absent
        self.nextNumber = nextNumber ?? ((waiting.map(\.number) + serving.map(\.number)).max() ?? 0) + 1
    }

    /// A hall before it opens: a run from it is the plain day's run, record for record.
    public static func beforeOpening(_ hall: CompiledHall) -> HallState {
        HallState(minute: min(0, hall.periods.first?.open ?? 0))
    }
}

/// A state that does not fit its hall (an index out of range, a window serving a department it cannot
/// serve, a clerk in two places): the caller's records and scenario disagree.
public struct HallStateError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
}

extension HallState {
    /// Checks the state against the hall; the engine trusts a checked state.
    public func check(against hall: CompiledHall) throws {
        func fail(_ s: String) throws -> Never { throw HallStateError(description: s) }
        let nd = hall.departmentCount
        let ni = hall.items.count
        let nw = hall.windowCount
        guard minute.isFinite, minute >= 0, minute < 24 * 60 else { try fail("minute \(minute) is not a time of day") }
        var numbers = Set<Int32>()
        /// What a waiting and a serving ticket must both satisfy.
        func ticket(_ number: Int32, department: Int32, item: Int32?, _ time: Double, _ when: String) throws {
            guard (0..<Int32(nd)).contains(department) else {
                try fail("ticket \(number): no department \(department)")
            }
            if let i = item {
                guard (0..<Int32(ni)).contains(i), hall.items[Int(i)].department == department else {
                    try fail("ticket \(number): item \(i) is not one of its department's")
                }
            }
            guard time.isFinite, time <= minute else { try fail("ticket \(number): \(when) after the state's minute") }
            guard numbers.insert(number).inserted else { try fail("ticket \(number) appears twice") }
        }
        for t in waiting { try ticket(t.number, department: t.department, item: t.item, t.arrival, "issued") }
        var busy = Set<Int32>()
        for s in serving {
            guard (0..<Int32(nw)).contains(s.window) else { try fail("ticket \(s.number): no window \(s.window)") }
            try ticket(s.number, department: s.department, item: s.item, s.since, "called")
            guard busy.insert(s.window).inserted else { try fail("window \(s.window) serves two tickets") }
        }
        guard numbers.allSatisfy({ $0 < nextNumber }) else {
            try fail("next number \(nextNumber) is not above every ticket's")
        }
        var windows = Set<Int32>()
        var clerks = Set<Int32>()
        for s in staffed {
            guard (0..<Int32(nw)).contains(s.window) else { try fail("no window \(s.window)") }
            guard windows.insert(s.window).inserted else { try fail("window \(s.window) has two clerks") }
            if let c = s.clerk {
                guard (0..<Int32(hall.clerks.count)).contains(c) else { try fail("no clerk \(c)") }
                guard clerks.insert(c).inserted else { try fail("clerk \(c) is at two windows") }
            }
        }
        if hall.hasRoster {
            for s in serving where !windows.contains(s.window) { try fail("window \(s.window) serves with no clerk") }
        }
        for c in absent ?? [] {
            guard (0..<Int32(hall.clerks.count)).contains(c) else { try fail("no clerk \(c)") }
            guard !clerks.contains(c) else { try fail("clerk \(c) is absent and at a window") }
        }
    }
}

extension HallState {
    /// The state at `minute` as a day's records show it, after every event at or before that instant:
    /// tickets issued and neither called nor gone are waiting; tickets called whose visit has not ended
    /// are at their window; a clerk is where the last staff record put them. This is what an operations
    /// store knows at that instant, so a simulated day's records can test a now-cast against what then
    /// happened. An appointment ticket is taken as on time (the records do not say).
    public init(minute: Double, tickets: [TicketRecord], staff: [StaffRecord], hall: CompiledHall) {
        var waiting: [Waiting] = []
        var serving: [Serving] = []
        var next: Int32 = 1
        for t in tickets where t.arrival <= minute {
            next = max(next, t.ticket + 1)
            guard t.outcome != .balked, t.end > minute else { continue }
            if let call = t.call, call <= minute {
                if let w = t.window {
                    serving.append(
                        Serving(
                            window: w, number: t.ticket, department: t.department, item: t.item, arrival: t.arrival,
                            since: call, noShow: t.outcome == .noShow))
                }
            } else {
                let cls: TicketClass =
                    t.priority
                    ? .priority : (t.channel == .appointment && hall.calling.appointmentsFirst ? .appointment : .normal)
                waiting.append(
                    Waiting(
                        number: t.ticket, department: t.department, item: t.item, ticketClass: cls, arrival: t.arrival))
            }
        }
        var at: [Int32: (window: Int32, since: Double)] = [:]
        var absent: [Int32] = []
        for r in staff where r.time <= minute {
            if r.state == .absent { absent.append(r.staff) }
            if r.state == .atWindow, let w = r.window {
                if at[r.staff]?.window != w { at[r.staff] = (w, r.time) }
            } else {
                at[r.staff] = nil
            }
        }
        self.init(
            minute: minute, waiting: waiting.sorted { $0.number < $1.number },
            serving: serving.sorted { $0.window < $1.window },
            staffed: at.map { Staffed(window: $1.window, clerk: $0, since: $1.since) }.sorted { $0.window < $1.window },
            absent: minute >= (hall.periods.first?.open ?? 0) ? absent : nil, nextNumber: next)
    }
}
