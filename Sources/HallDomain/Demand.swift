/// A piece of a piecewise-constant arrival rate.
public struct RateInterval: Sendable, Hashable, Codable {
    public var interval: TimeInterval
    public var perHour: Double
    public init(from: ClockTime, to: ClockTime, perHour: Double) {
        interval = TimeInterval(start: from, end: to)
        self.perHour = perHour
    }
}

/// What the arrivals of a profile ask for.
public enum ArrivalTarget: Sendable, Hashable, Codable {
    /// Every arrival asks for this item.
    case item(String)
    /// Arrivals for a department, split over its items by shares summing to 1 (in the given order).
    case department(String, shares: [ItemShare])
}

public struct ItemShare: Sendable, Hashable, Codable {
    public var item: String
    public var share: Double
    public init(item: String, share: Double) {
        self.item = item
        self.share = share
    }
}

/// Walk-in arrivals: a non-homogeneous Poisson process with a piecewise-constant (tidal) rate.
public struct ArrivalProfile: Sendable, Hashable, Codable {
    public var id: String
    public var target: ArrivalTarget
    public var rates: [RateInterval]
    /// Share of arrivals entitled to the green channel (priority class).
    public var priorityShare: Double

    public init(id: String, target: ArrivalTarget, rates: [RateInterval], priorityShare: Double = 0) {
        self.id = id
        self.target = target
        self.rates = rates
        self.priorityShare = priorityShare
    }
}

/// Booked appointment slots (预约) for one item.
public struct AppointmentBlock: Sendable, Hashable, Codable {
    public var id: String
    public var item: String
    /// First and last slot start (inclusive), and slot spacing.
    public var first: ClockTime
    public var last: ClockTime
    public var everyMinutes: Double
    public var perSlot: Int
    /// Probability that a booked applicant comes at all.
    public var showProbability: Double
    /// Arrival minus slot time, minutes (negative: early).
    public var punctuality: Distribution

    public init(
        id: String, item: String, first: ClockTime, last: ClockTime, everyMinutes: Double, perSlot: Int,
        showProbability: Double = 1, punctuality: Distribution = .deterministic(value: 0)
    ) {
        self.id = id
        self.item = item
        self.first = first
        self.last = last
        self.everyMinutes = everyMinutes
        self.perSlot = perSlot
        self.showProbability = showProbability
        self.punctuality = punctuality
    }

    public var slotTimes: [ClockTime] {
        guard everyMinutes > 0, first <= last else { return [] }
        return Array(
            stride(from: first.minutes, through: last.minutes + 1e-9, by: everyMinutes).map { ClockTime(minutes: $0) })
    }

    /// The index of `minute` among the block's slots (to within a second), or nil: the key under which
    /// bookings and check-ins of one slot meet, whether the slot was written 540 or 540.01.
    public func slotIndex(_ minute: Double) -> Int? {
        guard minute.isFinite, everyMinutes > 0, minute >= first.minutes - 1e-6, minute <= last.minutes + 1e-6
        else { return nil }
        let k = ((minute - first.minutes) / everyMinutes).rounded()
        return abs(first.minutes + k * everyMinutes - minute) < 1.0 / 60 ? Int(k) : nil
    }

    /// Whether `minute` is one of the block's slots (to within a second).
    public func hasSlot(_ minute: Double) -> Bool { slotIndex(minute) != nil }

    /// Whether a slot is booked on a day whose last closing is `lastClosing` (minutes after midnight): only
    /// those before it (a half day books no afternoon slot). The simulator draws, `fullBookings` books and
    /// calibration counts by this one rule.
    public static func isBookable(_ slot: Double, lastClosing: Double) -> Bool { slot < lastClosing }

    /// The slot `minute` is (to within a second), as the block's grid has it, or nil.
    public func slot(near minute: Double) -> Double? {
        slotIndex(minute).map { first.minutes + Double($0) * everyMinutes }
    }
}

extension Scenario {
    /// The bookings of a simulated day with the regular hours (`fullBookings(periods:)`).
    public var fullBookings: [BookingRecord] { fullBookings(periods: day.periods) }

    /// The bookings of a simulated day open for `periods`: every slot of every block before the day's
    /// last closing booked full (`per_slot`; a hall books no slot after it closes, and the simulator's
    /// arrivals for one would all be lost, biasing the show-up low); who comes is drawn by the engine.
    public func fullBookings(periods: [TimeInterval]) -> [BookingRecord] {
        let close = periods.map(\.end.minutes).max() ?? -Double.infinity
        return appointments.enumerated().flatMap { b, block in
            block.slotTimes.filter { AppointmentBlock.isBookable($0.minutes, lastClosing: close) }.map {
                BookingRecord(block: Int32(b), slot: $0.minutes, booked: Int32(block.perSlot))
            }
        }
    }

    /// The appointment block a checked-in ticket for `item` booked at `slot` belongs to (the first that
    /// has that slot), or nil.
    public func appointmentBlock(item: String, slot: Double) -> Int? {
        appointments.firstIndex { $0.item == item && $0.hasSlot(slot) }
    }
}

/// Applicant behaviour.
public struct Behaviour: Sendable, Hashable, Codable {
    /// Time an applicant is willing to wait for the call (reneging); nil: waits forever.
    public var patience: Distribution?
    /// Balking: on seeing at least `queueAtLeast` tickets waiting for their department, leave with the
    /// probability of the highest step reached.
    public var balking: [BalkStep]
    /// Probability that a called applicant is not there (过号), and how long the window waits.
    public var noShowProbability: Double
    public var noShowGraceMinutes: Double

    public init(
        patience: Distribution? = nil, balking: [BalkStep] = [], noShowProbability: Double = 0,
        noShowGraceMinutes: Double = 0
    ) {
        self.patience = patience
        self.balking = balking
        self.noShowProbability = noShowProbability
        self.noShowGraceMinutes = noShowGraceMinutes
    }

    public func balkProbability(queueLength q: Int) -> Double {
        var p = 0.0
        for step in balking where q >= step.queueAtLeast { p = step.probability }
        return p
    }
}

public struct BalkStep: Sendable, Hashable, Codable {
    public var queueAtLeast: Int
    public var probability: Double
    public init(queueAtLeast: Int, probability: Double) {
        self.queueAtLeast = queueAtLeast
        self.probability = probability
    }
}

/// The guide and consultation desk (咨询/导引, 004 art. 5(1)): a stage before the ticket, with its own
/// staff and queue. Applicants who stop there either only consult and leave, or go on to take a ticket.
public struct GuideDesk: Sendable, Hashable, Codable {
    /// Clerks at the desk whenever the hall is open.
    public var staff: Int
    /// Share of arriving applicants (walk-ins and appointments) who stop at the desk first.
    public var share: Double
    public var service: Distribution
    /// Of those, the share who only consult and leave.
    public var consultOnly: Double
    /// Of those who only consult, the share whose question goes to the department behind (后援式答疑),
    /// costing that many back-office minutes (counted, not queued).
    public var referred: Double
    public var referralMinutes: Distribution?

    public init(
        staff: Int, share: Double, service: Distribution, consultOnly: Double, referred: Double = 0,
        referralMinutes: Distribution? = nil
    ) {
        self.staff = staff
        self.share = share
        self.service = service
        self.consultOnly = consultOnly
        self.referred = referred
        self.referralMinutes = referralMinutes
    }
}

/// Self-service terminals (24 小时自助, 001 art. 26): a walk-up stage before the ticket. Per item, a share
/// of its arriving applicants tries a terminal first; those who cannot finish there take a ticket.
public struct SelfService: Sendable, Hashable, Codable {
    public var terminals: Int
    /// Item id → share of its applicants who try a terminal first.
    public var shares: [String: Double]
    public var service: Distribution
    /// Share who cannot finish at the terminal and fall back to a window.
    public var fallBack: Double

    public init(terminals: Int, shares: [String: Double], service: Distribution, fallBack: Double) {
        self.terminals = terminals
        self.shares = shares
        self.service = service
        self.fallBack = fallBack
    }
}

/// The complaints window (有诉即办 / "办不成事"反映窗口, 001 art. 25): applicants whose visit failed go
/// to it with a share, at once, with a ticket for its item; the item's own arrival profiles bring the
/// other complaints. A committed item gives each complaint a follow-up case with its deadline in
/// working days (runs over dates).
public struct Complaints: Sendable, Hashable, Codable {
    /// The complaints window's item (its department keeps the window).
    public var item: String
    /// Share of failed visits (left before intake, a one-time notice, not accepted) that go on to it.
    public var afterFailedVisit: Double

    public init(item: String, afterFailedVisit: Double) {
        self.item = item
        self.afterFailedVisit = afterFailedVisit
    }

    /// The source name of these tickets (tickets.csv `source`), after the planned visits.
    public static let source = "complaints"
}
