/// A shift: when a clerk is on duty, with breaks (lunch) off duty.
public struct Shift: Sendable, Hashable, Codable {
    public var id: String
    public var start: ClockTime
    public var end: ClockTime
    public var breaks: [TimeInterval]

    public init(id: String, start: ClockTime, end: ClockTime, breaks: [TimeInterval] = []) {
        self.id = id
        self.start = start
        self.end = end
        self.breaks = breaks
    }

    /// The on-duty pieces of the shift, in order.
    public var duty: [TimeInterval] {
        var out: [TimeInterval] = []
        var t = start
        for b in breaks.sorted(by: { $0.start < $1.start }) {
            if t < b.start { out.append(TimeInterval(start: t, end: b.start)) }
            t = max(t, b.end)
        }
        if t < end { out.append(TimeInterval(start: t, end: end)) }
        return out
    }
}

/// A clerk, or a group of identical clerks (`count` > 1, ids "id-1", "id-2"…).
public struct StaffMember: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var count: Int
    /// Departments the clerk can serve, each with a service-time factor (1 = specialist speed,
    /// > 1 slower, e.g. a generalist on an unfamiliar department).
    public var skills: [String: Double]
    public var shift: String
    /// The windows the roster assigns (window names such as "tax-1"), one per clerk of the group;
    /// empty for floating clerks (who only cover for others).
    public var posts: [String]
    /// The designated B clerk (AB岗, 003 §4(1)) who covers this post when this clerk is absent.
    public var backup: String?
    /// Probability of being absent on a given day (each clerk of a group independently).
    public var absenceProbability: Double

    public init(
        id: String, name: String? = nil, count: Int = 1, skills: [String: Double], shift: String, posts: [String] = [],
        backup: String? = nil, absenceProbability: Double = 0
    ) {
        self.id = id
        self.name = name ?? id
        self.count = count
        self.skills = skills
        self.shift = shift
        self.posts = posts
        self.backup = backup
        self.absenceProbability = absenceProbability
    }

    /// The ids of the clerks of this entry.
    public var memberIDs: [String] { count == 1 ? [id] : (1...max(count, 1)).map { "\(id)-\($0)" } }
}

/// What a tidal rule watches (over the departments of its window group).
public enum TidalMeasure: String, Sendable, Hashable, Codable, CaseIterable {
    /// Tickets waiting.
    case queueLength = "queue_length"
    /// Minutes the oldest waiting ticket has waited.
    case oldestWait = "oldest_wait_min"
    /// Tickets waiting × mean intake time / windows open for them (minutes).
    case estimatedWait = "estimated_wait_min"
}

/// Where the clerks of tidal windows come from.
public enum TidalSource: Sendable, Hashable, Codable {
    /// A floating pool of this many clerks.
    case pool(size: Int)
    /// The back office of a department, at most this many clerks at once: the back office loses that
    /// capacity while they sit at the front.
    case backOffice(department: String, max: Int)
}

/// 潮汐窗口 (001 art. 18): extra windows opened when the queue grows, closed with hysteresis.
public struct TidalRule: Sendable, Hashable, Codable {
    public var id: String
    /// The window group whose windows are tidal (closed until the rule opens them).
    public var group: String
    public var measure: TidalMeasure
    /// Open a window when the measure reaches this.
    public var openAt: Double
    /// Close one when the measure has stayed below this for `closeAfterMinutes`.
    public var closeBelow: Double
    public var closeAfterMinutes: Double
    /// Minutes for a clerk to walk over before the window opens.
    public var walkOverMinutes: Double
    /// A tidal window stays open at least this long.
    public var minOpenMinutes: Double
    /// At most this many of the group's windows open at once (nil: all of them).
    public var maxOpen: Int?
    public var source: TidalSource

    /// Clerks the source can send at most.
    public var sourceSize: Int {
        switch source {
        case .pool(let n): n
        case .backOffice(_, let n): n
        }
    }

    public init(
        id: String, group: String, measure: TidalMeasure, openAt: Double, closeBelow: Double, closeAfterMinutes: Double,
        walkOverMinutes: Double = 0, minOpenMinutes: Double = 0, maxOpen: Int? = nil, source: TidalSource
    ) {
        self.id = id
        self.group = group
        self.measure = measure
        self.openAt = openAt
        self.closeBelow = closeBelow
        self.closeAfterMinutes = closeAfterMinutes
        self.walkOverMinutes = walkOverMinutes
        self.minOpenMinutes = minOpenMinutes
        self.maxOpen = maxOpen
        self.source = source
    }
}

/// How idle windows choose the next ticket.
public struct CallingSpec: Sendable, Hashable, Codable {
    public var rule: CallingRule
    /// Appointments that arrive on time (no later than slot + tolerance) are called before walk-ins.
    public var appointmentsFirst: Bool
    public var onTimeToleranceMinutes: Double
    /// Green-channel guard: after a window calls a priority ticket, its next N calls go to normal
    /// tickets when any wait ("serve N normal tickets per priority ticket"). nil: strict priority.
    public var normalPerPriority: Int?

    public init(
        rule: CallingRule = .fifo, appointmentsFirst: Bool = false, onTimeToleranceMinutes: Double = 5,
        normalPerPriority: Int? = nil
    ) {
        self.rule = rule
        self.appointmentsFirst = appointmentsFirst
        self.onTimeToleranceMinutes = onTimeToleranceMinutes
        self.normalPerPriority = normalPerPriority
    }
}
