/// Times of day written as the hall's clock, "09:05", in the engine's minutes since midnight.
public func clock(_ times: String...) -> [Double] { times.map(minutesOfDay) }

/// Times of day, "09:05", where nil is a time that never came (a ticket never called).
public func clock(_ times: String?...) -> [Double?] { times.map { $0.map(minutesOfDay) } }

/// One time of day, "09:05", in minutes since midnight.
public func minutesOfDay(_ s: String) -> Double {
    let parts = s.split(separator: ":")
    guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]) else {
        preconditionFailure("a clock time is HH:MM, not \(s)")
    }
    return Double(h * 60 + m)
}
