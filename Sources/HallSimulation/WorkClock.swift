/// Working time of one kind of back-office staff over a run: sorted, disjoint intervals of absolute
/// minutes (minutes since 00:00 of the run's first date), with prefix sums, so that "finish w working
/// minutes of work starting at t" and "work done between a and b" are binary searches. Work stops at the
/// end of a period and resumes at the next (nights, weekends and holidays do not count).
struct WorkClock: Sendable {
    private(set) var starts: [Double] = []
    private(set) var ends: [Double] = []
    /// Working minutes before interval i.
    private var before: [Double] = []

    init(intervals: [(Double, Double)]) {
        var acc = 0.0
        for (a, b) in intervals.sorted(by: { $0.0 < $1.0 }) where b > a {
            if let last = ends.last, a < last { continue }  // overlapping input is a caller error; keep the first
            starts.append(a)
            ends.append(b)
            before.append(acc)
            acc += b - a
        }
    }

    /// Index of the first interval ending after t.
    private func firstEnding(after t: Double) -> Int {
        var lo = 0
        var hi = ends.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ends[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Working minutes in [start of the run, t).
    func cumulative(_ t: Double) -> Double {
        let i = firstEnding(after: t)
        guard i < starts.count else { return (before.last ?? 0) + ((ends.last ?? 0) - (starts.last ?? 0)) }
        return before[i] + max(0, t - starts[i])
    }

    /// The first working instant at or after t (infinity when the run has none left).
    func nextWorking(_ t: Double) -> Double {
        let i = firstEnding(after: t)
        return i < starts.count ? max(t, starts[i]) : .infinity
    }

    /// When w working minutes of work started at t are done (infinity beyond the run).
    func finish(from t: Double, work w: Double) -> Double {
        let target = cumulative(t) + w
        // The first interval whose end reaches the target.
        var lo = firstEnding(after: t)
        var hi = ends.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if before[mid] + (ends[mid] - starts[mid]) < target { lo = mid + 1 } else { hi = mid }
        }
        guard lo < starts.count else { return .infinity }
        return starts[lo] + (target - before[lo])
    }

    /// Working minutes in [a, b).
    func work(from a: Double, to b: Double) -> Double { b > a ? cumulative(b) - cumulative(a) : 0 }
}
