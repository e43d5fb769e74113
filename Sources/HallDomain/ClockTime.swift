/// A time of day in minutes after midnight (Double, so that simulated instants keep their precision).
/// Written "HH:MM" or "HH:MM:SS" in files; hours up to 24 ("24:00" is the end of the day).
public struct ClockTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var minutes: Double

    public init(minutes: Double) { self.minutes = minutes }
    public init(_ hours: Int, _ minutes: Int) { self.minutes = Double(hours * 60 + minutes) }

    /// Parses "H:MM", "HH:MM" or "HH:MM:SS"; nil when malformed or out of 00:00–24:00.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            parts.dropFirst().allSatisfy({ $0.count == 2 }),
            let h = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        let s = parts.count == 3 ? Int(parts[2]) ?? 99 : 0
        guard h <= 24, m < 60, s < 60, h * 3600 + m * 60 + s <= 24 * 3600 else { return nil }
        minutes = Double(h * 60 + m) + Double(s) / 60
    }

    public static func < (a: ClockTime, b: ClockTime) -> Bool { a.minutes < b.minutes }

    /// "HH:MM" (seconds shown only when not whole minutes).
    public var description: String { ClockTime.format(minutes) }

    public static func format(_ minutes: Double, seconds: Bool = false) -> String {
        let totalSeconds = Int((minutes * 60).rounded())
        let h = totalSeconds / 3600
        let m = (totalSeconds / 60) % 60
        let s = totalSeconds % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return seconds || s != 0 ? "\(two(h)):\(two(m)):\(two(s))" : "\(two(h)):\(two(m))"
    }
}

/// A half-open interval of the day [start, end).
public struct TimeInterval: Sendable, Hashable, Codable {
    public var start: ClockTime
    public var end: ClockTime
    public init(start: ClockTime, end: ClockTime) {
        self.start = start
        self.end = end
    }
    public var lengthMinutes: Double { end.minutes - start.minutes }

    /// Consecutive pieces of `length` minutes from the start (the last one shorter where it does not
    /// divide): the planner's intervals.
    public func split(every length: Double) -> [TimeInterval] {
        var out: [TimeInterval] = []
        var t = start.minutes
        while t < end.minutes - 1e-9 {
            let e = min(t + length, end.minutes)
            out.append(TimeInterval(start: ClockTime(minutes: t), end: ClockTime(minutes: e)))
            t = e
        }
        return out
    }
    public func contains(_ t: Double) -> Bool { start.minutes <= t && t < end.minutes }
    public func covers(_ other: TimeInterval) -> Bool { start <= other.start && other.end <= end }
    public func overlaps(_ other: TimeInterval) -> Bool { start < other.end && other.start < end }
}
