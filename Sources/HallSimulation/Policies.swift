/// Ticket classes, each with its own queue per department.
public enum TicketClass: Int, Sendable, CaseIterable {
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
    /// Number of the ticket at the head of queue `q = department * 3 + class`, or `Int32.max` when empty.
    @exclusivity(unchecked) public var head: [Int32]
    /// Tickets in queue q.
    @exclusivity(unchecked) public var count: [Int32]
    @exclusivity(unchecked) public var idle: [Bool]
    @exclusivity(unchecked) public var idleSince: [Double]
    /// Whether window w can serve department d now (its clerk has the skill): `serves[w * departments + d]`.
    @exclusivity(unchecked) public var serves: [Bool]

    /// An empty board (every queue empty, every window closed). The engine and the operations module
    /// (which fills it from its database before each call) both build one.
    public init(departments: Int, windows: Int) {
        self.departments = departments
        head = [Int32](repeating: .max, count: departments * TicketClass.count)
        count = [Int32](repeating: 0, count: departments * TicketClass.count)
        idle = [Bool](repeating: false, count: windows)
        idleSince = [Double](repeating: 0, count: windows)
        serves = [Bool](repeating: false, count: windows * departments)
    }

    @inline(__always) public static func queue(department: Int32, class c: Int) -> Int {
        Int(department) * TicketClass.count + c
    }
    @inline(__always) public func canServe(window w: Int, department d: Int32) -> Bool {
        serves[w * departments + Int(d)]
    }
}

/// A set of ticket classes treated as one pool by a calling decision (bit i = class i).
public struct ClassSet: Sendable, Equatable {
    public var bits: UInt8
    public init(_ classes: TicketClass...) { bits = classes.reduce(0) { $0 | 1 << UInt8($1.rawValue) } }
    @inline(__always) public func contains(_ c: Int) -> Bool { bits & (1 << UInt8(c)) != 0 }
}

/// Which waiting ticket an idle window calls, among the given classes (the engine asks class by class:
/// green channel, on-time appointments, others — in the order its guard allows). Returns a queue index
/// or nil.
public protocol CallingPolicy: Sendable {
    func choose(window: Int, departments: [Int32], home: Int32, classes: ClassSet, board: HallBoard) -> Int?
}

/// The calling decision of one window, class by class (green channel, on-time appointments, others),
/// with the green-channel guard (after a priority call the window owes `normal_per_priority` normal
/// calls, and the green channel goes last while it owes them). The simulator's engine and the
/// operations module both call this, so that a real hall calls exactly as the simulated one.
public enum CallingGuard {
    static let classOrder: [(TicketClass, ClassSet)] = [
        (.priority, ClassSet(.priority)), (.appointment, ClassSet(.appointment)), (.normal, ClassSet(.normal)),
    ]
    static let guardedOrder: [(TicketClass, ClassSet)] = [
        (.appointment, ClassSet(.appointment)), (.normal, ClassSet(.normal)), (.priority, ClassSet(.priority)),
    ]

    /// The queue (`department * 3 + class`) window `window` calls next, or nil. `classWaiting[c]` is the
    /// number of tickets waiting in class c over all departments (classes with none are skipped).
    @inline(__always)
    public static func chooseQueue(
        window: Int, departments: [Int32], home: Int32, owedNormal: Int, classWaiting: [Int32],
        policy: any CallingPolicy, board: HallBoard
    ) -> Int? {
        let order = owedNormal > 0 ? guardedOrder : classOrder
        for (c, classes) in order where classWaiting[c.rawValue] > 0 {
            if let q = policy.choose(
                window: window, departments: departments, home: home, classes: classes, board: board)
            {
                return q
            }
        }
        return nil
    }

    /// Normal calls the window owes after calling a ticket of class `calledClass`.
    @inline(__always)
    public static func owedAfterCall(calledClass: TicketClass, owed: Int, normalPerPriority: Int) -> Int {
        guard normalPerPriority > 0 else { return owed }
        if calledClass == .priority { return normalPerPriority }
        return owed > 0 ? owed - 1 : 0
    }
}

/// The oldest ticket over every department the window can serve.
public struct FIFOCalling: CallingPolicy {
    public init() {}
    public func choose(window: Int, departments: [Int32], home: Int32, classes: ClassSet, board: HallBoard) -> Int? {
        var best = -1
        var bestNumber = Int32.max
        for d in departments where board.canServe(window: window, department: d) {
            for c in 0..<TicketClass.count where classes.contains(c) {
                let q = BoardIndex.q(d, c)
                if board.head[q] < bestNumber {
                    bestNumber = board.head[q]
                    best = q
                }
            }
        }
        return best >= 0 ? best : nil
    }
}

/// The window's home department (its first) first, then the oldest of the others.
public struct OwnDepartmentFirstCalling: CallingPolicy {
    public init() {}
    public func choose(window: Int, departments: [Int32], home: Int32, classes: ClassSet, board: HallBoard) -> Int? {
        if board.canServe(window: window, department: home) {
            var best = -1
            var bestNumber = Int32.max
            for c in 0..<TicketClass.count where classes.contains(c) {
                let q = BoardIndex.q(home, c)
                if board.head[q] < bestNumber {
                    bestNumber = board.head[q]
                    best = q
                }
            }
            if best >= 0 { return best }
        }
        return FIFOCalling().choose(
            window: window, departments: departments, home: home, classes: classes, board: board)
    }
}

/// The department with the most tickets waiting (ties: the older head), then its oldest ticket.
public struct LongestQueueFirstCalling: CallingPolicy {
    public init() {}
    public func choose(window: Int, departments: [Int32], home: Int32, classes: ClassSet, board: HallBoard) -> Int? {
        var best = -1
        var bestCount: Int32 = 0
        var bestNumber = Int32.max
        for d in departments where board.canServe(window: window, department: d) {
            var n: Int32 = 0
            var q = -1
            var number = Int32.max
            for c in 0..<TicketClass.count where classes.contains(c) {
                let qc = BoardIndex.q(d, c)
                n += board.count[qc]
                if board.head[qc] < number {
                    number = board.head[qc]
                    q = qc
                }
            }
            if q >= 0, n > bestCount || (n == bestCount && number < bestNumber) {
                best = q
                bestCount = n
                bestNumber = number
            }
        }
        return best >= 0 ? best : nil
    }
}

enum BoardIndex {
    @inline(__always) static func q(_ d: Int32, _ c: Int) -> Int { Int(d) * TicketClass.count + c }
}

/// Which idle window takes a ticket that finds several idle. `eligible` lists the windows whose
/// departments include the ticket's, most specialised first; `breadth[w]` is the number of departments
/// window w serves. Only windows idle now and able to serve the department may be chosen.
public protocol RoutingPolicy: Sendable {
    func choose(department: Int32, eligible: [Int32], breadth: [Int32], board: HallBoard) -> Int32?
}

/// The most specialised idle window; among equally specialised ones the one idle the longest (so that
/// identical windows of a group share the work instead of the first in the file running hot).
public struct SpecialistFirstRouting: RoutingPolicy {
    public init() {}
    public func choose(department: Int32, eligible: [Int32], breadth: [Int32], board: HallBoard) -> Int32? {
        var best: Int32?
        var since = Double.infinity
        for w in eligible where board.idle[Int(w)] && board.canServe(window: Int(w), department: department) {
            if let b = best, breadth[Int(w)] > breadth[Int(b)] { break }
            if board.idleSince[Int(w)] < since {
                since = board.idleSince[Int(w)]
                best = w
            }
        }
        return best
    }
}

/// The window idle the longest.
public struct LongestIdleRouting: RoutingPolicy {
    public init() {}
    public func choose(department: Int32, eligible: [Int32], breadth: [Int32], board: HallBoard) -> Int32? {
        var best: Int32?
        var since = Double.infinity
        for w in eligible
        where board.idle[Int(w)] && board.canServe(window: Int(w), department: department)
            && board.idleSince[Int(w)] < since
        {
            since = board.idleSince[Int(w)]
            best = w
        }
        return best
    }
}
