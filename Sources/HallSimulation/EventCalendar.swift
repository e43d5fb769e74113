import HeapModule

/// The same-instant tiers of one event loop: an enum of `UInt8` raw values, lower first.
public protocol EventTiers: RawRepresentable, Sendable where RawValue == UInt8 {}

/// What happens first when several events fall on the same instant. Opening periods are half-open
/// [open, close): a period closes before anything else at its closing instant (a window finishing at
/// 12:00 does not call again under `hold`); clerks come and go (a clerk whose shift ends as a service
/// ends leaves rather than calling again); services end (freeing windows); periods open; tidal windows
/// open and tidal rules are checked; applicants renege; and last new applicants arrive, seeing the
/// windows freed at that instant.
public enum EventTier: UInt8, EventTiers, Comparable {
    case periodClose = 0
    case staffChange = 1
    case serviceEnd = 2
    case periodOpen = 3
    case tidalOpen = 4
    case tidalCheck = 5
    case renege = 6
    case arrival = 7

    public static func < (a: EventTier, b: EventTier) -> Bool { a.rawValue < b.rawValue }
}

/// An event: its key (time, tier, sequence) and a small payload (the kind is the tier, plus an index).
public struct Event<Tier: EventTiers>: Sendable, Comparable {
    public var time: Double
    /// Tier in the top 8 bits, insertion sequence below: same-time events run by tier, then FIFO.
    @usableFromInline var key: UInt64
    public var index: Int32
    /// A second payload word (e.g. the ticket number an event expects to find in a slot).
    public var tag: Int32

    @usableFromInline init(time: Double, key: UInt64, index: Int32, tag: Int32) {
        self.time = time
        self.key = key
        self.index = index
        self.tag = tag
    }

    @inlinable public var tier: Tier { Tier(rawValue: UInt8(truncatingIfNeeded: key >> 56))! }
    @inlinable public var sequence: UInt64 { key & 0x00FF_FFFF_FFFF_FFFF }

    @inlinable public static func < (a: Event, b: Event) -> Bool {
        a.time < b.time || (a.time == b.time && a.key < b.key)
    }
    @inlinable public static func == (a: Event, b: Event) -> Bool { a.time == b.time && a.key == b.key }
}

/// The future event list of one loop (the front-desk day, the back office): a heap ordered by
/// (time, tier, sequence). The whole loop is
/// `while let e = calendar.next() { handle(e) }`.
public struct EventCalendar<Tier: EventTiers>: Sendable {
    @usableFromInline var heap = Heap<Event<Tier>>()
    @usableFromInline var sequence: UInt64 = 0
    public private(set) var now: Double = 0

    public init() {}

    @inlinable public mutating func schedule(_ tier: Tier, at time: Double, index: Int32, tag: Int32 = 0) {
        heap.insert(Event(time: time, key: UInt64(tier.rawValue) << 56 | sequence, index: index, tag: tag))
        sequence &+= 1
    }

    /// Removes and returns the earliest event, advancing the clock.
    public mutating func next() -> Event<Tier>? {
        guard let e = heap.popMin() else { return nil }
        precondition(e.time >= now, "event scheduled in the past")
        now = e.time
        return e
    }

    /// Moves the clock to `time` before the loop starts (a day started from a state at that instant).
    public mutating func advance(to time: Double) {
        precondition(time >= now && (heap.min?.time ?? .infinity) >= time, "the clock cannot go back")
        now = time
    }

    /// Time of the earliest pending event.
    public var nextTime: Double? { heap.min?.time }

    public var isEmpty: Bool { heap.isEmpty }
    public var count: Int { heap.count }
}
