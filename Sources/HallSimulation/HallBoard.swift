/// Ticket classes, each with its own queue per department.
public enum TicketClass: Int, Sendable, CaseIterable, Codable {
    case normal = 0
    /// An appointment that arrived on time (with `appointments_first`).
    case appointment = 1
    /// The green channel.
    case priority = 2

    public static let count = 3
}

/// What a calling or routing policy may look at. Owned by one day's engine (one thread); a class so
/// that handing it to a policy copies nothing.
public final class HallBoard {
    public let departments: Int
    /// Number of the ticket at the head of each queue (indexed by `QueueID.index`), or `Int32.max` when empty.
    @exclusivity(unchecked) public var head: [Int32]
    /// Tickets waiting in each queue (indexed by `QueueID.index`).
    @exclusivity(unchecked) public var count: [Int32]
    @exclusivity(unchecked) public var idle: [Bool]
    @exclusivity(unchecked) public var idleSince: [Double]
    /// Whether window w can serve department d now (its clerk has the skill): `serves[w * departments + d]`.
    @exclusivity(unchecked) public var serves: [Bool]

    /// An empty board (every queue empty, every window closed). The engine and the operations module
    /// (which fills it from its database before each call) both build one.
    public init(departments: Int, windows: Int) {
        self.departments = departments
        head = [Int32](repeating: .max, count: QueueID.count(departments: departments))
        count = [Int32](repeating: 0, count: QueueID.count(departments: departments))
        idle = [Bool](repeating: false, count: windows)
        idleSince = [Double](repeating: 0, count: windows)
        serves = [Bool](repeating: false, count: windows * departments)
    }

    @inline(__always) public func head(_ q: QueueID) -> Int32 { head[q.index] }
    @inline(__always) public func count(_ q: QueueID) -> Int32 { count[q.index] }
    @inline(__always) public func canServe(window w: Int, department d: Int32) -> Bool {
        serves[w * departments + Int(d)]
    }
}

/// One queue of the hall: a department's tickets of one class. Calling policies answer with one; the
/// board's per-queue arrays are indexed by `index` (the one place the flat layout is defined).
public struct QueueID: Hashable, Sendable {
    /// Position in the board's per-queue arrays: `department * TicketClass.count + class`.
    public let index: Int

    @inline(__always) public init(department: Int32, class c: TicketClass) {
        index = Int(department) * TicketClass.count + c.rawValue
    }
    @inline(__always) init(department: Int32, classIndex c: Int) { index = Int(department) * TicketClass.count + c }
    @inline(__always) init(index: Int) { self.index = index }

    public var department: Int32 { Int32(index / TicketClass.count) }
    public var ticketClass: TicketClass { TicketClass(rawValue: index % TicketClass.count)! }
    /// Number of queues of a hall with `departments` departments.
    public static func count(departments: Int) -> Int { departments * TicketClass.count }
}

/// A set of ticket classes treated as one pool by a calling decision (bit i = class i).
public struct ClassSet: Sendable, Equatable {
    public var bits: UInt8
    public init(_ classes: TicketClass...) { bits = classes.reduce(0) { $0 | 1 << UInt8($1.rawValue) } }
    @inline(__always) public func contains(_ c: Int) -> Bool { bits & (1 << UInt8(c)) != 0 }
}
