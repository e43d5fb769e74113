/// What a calling or routing policy may look at: for every queue (department × class) the number of
/// the ticket at its head, and which windows are idle since when. Owned by one day's engine (one
/// thread); a class so that handing it to a policy copies nothing.
public final class HallBoard {
    /// Number of the ticket at the head of queue `q = department * 2 + class` (class 1 = green
    /// channel), or `Int32.max` when empty.
    @exclusivity(unchecked) public internal(set) var head: [Int32]
    @exclusivity(unchecked) public internal(set) var idle: [Bool]
    @exclusivity(unchecked) public internal(set) var idleSince: [Double]

    init(departments: Int, windows: Int) {
        head = [Int32](repeating: .max, count: departments * 2)
        idle = [Bool](repeating: false, count: windows)
        idleSince = [Double](repeating: 0, count: windows)
    }

    @inline(__always) public static func queue(department: Int32, priority: Bool) -> Int { Int(department) * 2 + (priority ? 1 : 0) }
}

/// Which waiting ticket an idle window calls. Returns a queue index (see `HallBoard.head`) or nil.
public protocol CallingPolicy: Sendable {
    func choose(departments: [Int32], home: Int32, board: HallBoard) -> Int?
}

/// Green channel first, then the oldest ticket over all departments the window serves.
public struct FIFOCalling: CallingPolicy {
    public init() {}
    public func choose(departments: [Int32], home: Int32, board: HallBoard) -> Int? {
        for cls in stride(from: 1, through: 0, by: -1) {
            var best = -1
            var bestNumber = Int32.max
            for d in departments {
                let q = Int(d) * 2 + cls
                let n = board.head[q]
                if n < bestNumber { bestNumber = n; best = q }
            }
            if best >= 0 { return best }
        }
        return nil
    }
}

/// Green channel first, then the window's home department (its first listed), then the oldest of the rest.
public struct OwnDepartmentFirstCalling: CallingPolicy {
    public init() {}
    public func choose(departments: [Int32], home: Int32, board: HallBoard) -> Int? {
        for cls in stride(from: 1, through: 0, by: -1) {
            let h = Int(home) * 2 + cls
            if board.head[h] != .max { return h }
            var best = -1
            var bestNumber = Int32.max
            for d in departments {
                let q = Int(d) * 2 + cls
                if board.head[q] < bestNumber { bestNumber = board.head[q]; best = q }
            }
            if best >= 0 { return best }
        }
        return nil
    }
}

/// Which idle window takes a ticket that finds several idle. `eligible` is sorted most specialised
/// first; `breadth[w]` is the number of departments window w serves.
public protocol RoutingPolicy: Sendable {
    func choose(eligible: [Int32], breadth: [Int32], board: HallBoard) -> Int32?
}

/// The most specialised idle window; among equally specialised ones the one idle the longest (so that
/// identical windows of a group share the work instead of the first in the file running hot).
public struct SpecialistFirstRouting: RoutingPolicy {
    public init() {}
    public func choose(eligible: [Int32], breadth: [Int32], board: HallBoard) -> Int32? {
        var best: Int32?
        var since = Double.infinity
        for w in eligible where board.idle[Int(w)] {
            if let b = best, breadth[Int(w)] > breadth[Int(b)] { break }
            if board.idleSince[Int(w)] < since { since = board.idleSince[Int(w)]; best = w }
        }
        return best
    }
}

public struct LongestIdleRouting: RoutingPolicy {
    public init() {}
    public func choose(eligible: [Int32], breadth: [Int32], board: HallBoard) -> Int32? {
        var best: Int32?
        var since = Double.infinity
        for w in eligible where board.idle[Int(w)] && board.idleSince[Int(w)] < since {
            since = board.idleSince[Int(w)]; best = w
        }
        return best
    }
}
