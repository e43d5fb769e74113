/// Which waiting ticket an idle window calls, among the given classes (the engine asks class by class:
/// green channel, on-time appointments, others — in the order its guard allows). Returns the queue whose
/// head the window calls, or nil. A new policy: a struct conforming to this, a case of `CallingRule` in
/// the domain and its line in `CallingRule.policy` (Simulation.swift); see docs/engine.md.
public protocol CallingPolicy: Sendable {
    func choose(window: Int, departments: [Int32], home: Int32, classes: ClassSet, board: HallBoard) -> QueueID?
}

/// The calling decision of one window, class by class (green channel, on-time appointments, others),
/// with the green-channel guard (after a priority call the window owes `normal_per_priority` normal
/// calls, and the green channel goes last while it owes them). The simulator's engine and the
/// operations module both call this, so that a real hall calls exactly as the simulated one.
public enum CallingGuard {
    /// The queue window `window` calls next, or nil: classes in the order priority, appointment, normal;
    /// while the window owes normal calls, appointment, normal, priority. `classWaiting[c]` is the
    /// number of tickets waiting in class c over all departments (classes with none are skipped).
    @inline(__always)
    public static func chooseQueue(
        window: Int, departments: [Int32], home: Int32, owedNormal: Int, classWaiting: [Int32],
        policy: any CallingPolicy, board: HallBoard
    ) -> QueueID? {
        // Three calls rather than a loop over the static orders: no array to retain on a hot path.
        @inline(__always) func ask(_ c: TicketClass) -> QueueID? {
            guard classWaiting[c.rawValue] > 0 else { return nil }
            return policy.choose(
                window: window, departments: departments, home: home, classes: ClassSet(c), board: board)
        }
        if owedNormal > 0 { return ask(.appointment) ?? ask(.normal) ?? ask(.priority) }
        return ask(.priority) ?? ask(.appointment) ?? ask(.normal)
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
    public func choose(window: Int, departments: [Int32], home: Int32, classes: ClassSet, board: HallBoard)
        -> QueueID?
    {
        FIFOCalling.oldest(in: departments, window: window, classes: classes, board: board)
    }

    /// The queue with the oldest head ticket among the given departments the window can serve (ticket
    /// numbers grow with arrival, so the lowest number is the oldest).
    @inline(__always)
    static func oldest<Departments: Sequence<Int32>>(
        in departments: Departments, window: Int, classes: ClassSet, board: HallBoard
    ) -> QueueID? {
        var best = -1
        var bestNumber = Int32.max
        for d in departments where board.canServe(window: window, department: d) {
            for c in 0..<TicketClass.count where classes.contains(c) {
                let q = QueueID(department: d, classIndex: c).index
                if board.head[q] < bestNumber {
                    bestNumber = board.head[q]
                    best = q
                }
            }
        }
        return best >= 0 ? QueueID(index: best) : nil
    }
}

/// The window's home department (its first) first, then the oldest of the others.
public struct OwnDepartmentFirstCalling: CallingPolicy {
    public init() {}
    public func choose(window: Int, departments: [Int32], home: Int32, classes: ClassSet, board: HallBoard)
        -> QueueID?
    {
        FIFOCalling.oldest(in: CollectionOfOne(home), window: window, classes: classes, board: board)
            ?? FIFOCalling.oldest(in: departments, window: window, classes: classes, board: board)
    }
}

/// The department with the most tickets waiting (ties: the older head), then its oldest ticket.
public struct LongestQueueFirstCalling: CallingPolicy {
    public init() {}
    public func choose(window: Int, departments: [Int32], home: Int32, classes: ClassSet, board: HallBoard)
        -> QueueID?
    {
        var best = -1
        var bestCount: Int32 = 0
        var bestNumber = Int32.max
        for d in departments where board.canServe(window: window, department: d) {
            var n: Int32 = 0
            var q = -1
            var number = Int32.max
            for c in 0..<TicketClass.count where classes.contains(c) {
                let qc = QueueID(department: d, classIndex: c).index
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
        return best >= 0 ? QueueID(index: best) : nil
    }
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
