/// Everything that can happen in a front-desk day, with named payloads. The calendar keeps an event as
/// (time, tier, index, tag); `DayEngine.schedule(_:at:)` packs a `DayEvent` into that and
/// `DayEvent(_:)` unpacks it, here and nowhere else. The tier of each kind fixes the same-instant order
/// (see `EventTier`).
///
/// Cancelling a scheduled event is always lazy and always the same way: the event carries a stamp
/// (`Generation.stamp`, or the number of the ticket it expects), the handler compares it with the
/// current one and ignores a stale event; the heap drops it when its time comes.
enum DayEvent: Equatable {
    /// Opening period k of the day begins (windows with a clerk start calling).
    case periodOpens(period: Int)
    /// Opening period k ends (the doors close; calling goes on at the end of the day, or unless held).
    case periodCloses(period: Int)
    /// A clerk's duty starts (the clerk sits at the post's window) or ends (leaves after the applicant).
    case dutyStarts(clerk: Int)
    case dutyEnds(clerk: Int)
    /// The applicant at the window is done, or the grace after calling a no-show is over.
    case serviceEnds(window: Int)
    /// A clerk sent by a tidal rule reaches the window after the walk over.
    case tidalWindowOpens(window: Int, clerk: Int32)
    /// A tidal rule's close countdown is over; stale unless `stamp` is the rule's current close generation.
    case tidalCloseDue(rule: Int, stamp: Int32)
    /// The oldest ticket watched by an oldest-wait tidal rule reaches the rule's open threshold.
    case tidalAgeCheck(rule: Int)
    /// A waiting applicant's patience runs out; stale unless `slot` still holds ticket `ticket`, waiting.
    case patienceEnds(slot: Int, ticket: Int32)
    /// The next walk-in of a profile.
    case walkIn(profile: Int)
    /// A booked applicant (index into the day's drawn appointment arrivals).
    case appointment(Int)
    /// A visit planned by an earlier day (index into the day's planned visits).
    case plannedVisit(Int)
    /// An applicant's visit to the guide desk or a terminal ends (index into the day's visitors); they
    /// leave or go on to the ticket machine, so it ranks with the arrivals.
    case stageEnds(visitor: Int)
    /// An applicant whose visit failed takes a ticket for the complaints window.
    case complaint

    var tier: EventTier {
        switch self {
        case .periodCloses: .periodClose
        case .dutyStarts, .dutyEnds: .staffChange
        case .serviceEnds: .serviceEnd
        case .periodOpens: .periodOpen
        case .tidalWindowOpens: .tidalOpen
        case .tidalCloseDue, .tidalAgeCheck: .tidalCheck
        case .patienceEnds: .renege
        case .walkIn, .appointment, .plannedVisit, .stageEnds, .complaint: .arrival
        }
    }

    /// The calendar's two payload words.
    @inline(__always) var packed: (index: Int32, tag: Int32) {
        switch self {
        case .periodOpens(let k), .periodCloses(let k): (Int32(k), 0)
        case .dutyStarts(let c): (Int32(c), 1)
        case .dutyEnds(let c): (Int32(c), 0)
        case .serviceEnds(let w): (Int32(w), 0)
        case .tidalWindowOpens(let w, let c): (Int32(w), c)
        case .tidalCloseDue(let r, let stamp): (Int32(r), stamp)
        case .tidalAgeCheck(let r): (Int32(r), -1)
        case .patienceEnds(let slot, let ticket): (Int32(slot), ticket)
        case .walkIn(let p): (Int32(p), 0)
        case .appointment(let k): (Int32(k), 1)
        case .plannedVisit(let k): (Int32(k), 2)
        case .stageEnds(let k): (Int32(k), 3)
        case .complaint: (0, 4)
        }
    }

    @inline(__always) init(_ e: Event<EventTier>) {
        let i = Int(e.index)
        switch e.tier {
        case .periodClose: self = .periodCloses(period: i)
        case .staffChange: self = e.tag == 1 ? .dutyStarts(clerk: i) : .dutyEnds(clerk: i)
        case .serviceEnd: self = .serviceEnds(window: i)
        case .periodOpen: self = .periodOpens(period: i)
        case .tidalOpen: self = .tidalWindowOpens(window: i, clerk: e.tag)
        case .tidalCheck: self = e.tag < 0 ? .tidalAgeCheck(rule: i) : .tidalCloseDue(rule: i, stamp: e.tag)
        case .renege: self = .patienceEnds(slot: i, ticket: e.tag)
        case .arrival:
            switch e.tag {
            case 0: self = .walkIn(profile: i)
            case 1: self = .appointment(i)
            case 2: self = .plannedVisit(i)
            case 3: self = .stageEnds(visitor: i)
            default: self = .complaint
            }
        }
    }
}

/// The one way to invalidate scheduled events of a subject (a tidal rule's close countdown, a back-office
/// step): an event carries the stamp current when it was scheduled; `invalidate()` makes every event
/// scheduled before it stale.
struct Generation {
    private(set) var stamp: Int32 = 0
    @inline(__always) mutating func invalidate() { stamp &+= 1 }
    @inline(__always) func isCurrent(_ s: Int32) -> Bool { s == stamp }
}

extension EventCalendar where Tier == EventTier {
    @inline(__always) mutating func schedule(_ event: DayEvent, at time: Double) {
        let p = event.packed
        schedule(event.tier, at: time, index: p.index, tag: p.tag)
    }
}
