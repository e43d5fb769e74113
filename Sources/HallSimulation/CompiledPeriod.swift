import HallDomain
import HallRandom

/// A validated multi-day scenario turned into what the period loop reads: the hall's open days with a
/// compiled front desk for each kind of day, the back office's working clocks and check instants, and
/// the case rules of every item. Immutable and shared by all replications.
public struct CompiledPeriod: Sendable {
    public let scenario: Scenario
    public let period: Period
    public let calendar: WorkingCalendar
    public let dates: [CivilDate]
    /// The front desk of each date (nil: the hall is closed).
    public let hallDays: [HallDay?]
    /// Index into `halls` for each open date.
    let hallOfDay: [Int]
    public let halls: [CompiledHall]
    /// Per compiled hall: cumulative walk-in intensity pieces (start, end, cumulative count at end), to
    /// place planned visits where applicants usually come.
    let visitShape: [[(start: Double, end: Double, cumulative: Double)]]
    /// Statutory working days among `dates` and after (for counting), as date ordinals.
    let firstOrdinal: Int
    /// Horizon of the run in absolute minutes (end of the last date).
    public let horizon: Double

    struct Department: Sendable {
        var index: Int32
        /// Staff: pool 0 = reviewers, 1 = approvers; each with its work clock.
        var servers: [(pool: Int, clock: Int)]
        var reviewTime: Sampler
        var approvalTime: Sampler
        var edf: Bool
    }
    /// Back-office departments by department index (nil: no back office).
    let departments: [Department?]
    let clocks: [WorkClock]
    /// The clock of the back office's full hours.
    let hoursClock: Int
    /// The clock of each back-office group's shift ("" for every back-office hour).
    let shiftClocks: [String: Int]
    /// Instants when new work becomes visible (empty: continuous pick-up).
    let checks: [Double]
    let handOff: HandOff
    /// Working-day starts of the back office (absolute), one per statutory working day of the run.
    let workdayStarts: [(ordinal: Int, start: Double)]

    struct ItemRule: Sendable {
        var department: Int32
        var committed: Bool
        /// Reviewing departments with their steps.
        var reviews: [(department: Int32, steps: [ReviewStep])]
        var limit: Int
        var special: SpecialProcedure?
        var incompleteProbability: Double
    }
    let itemRules: [ItemRule]
    let collectItem: Int32?
    let backlog: [(item: Int32, count: Int, accepted: CivilDate, step: ReviewStep?)]

    public init(_ s: Scenario) {
        scenario = s
        let p = s.period!
        period = p
        calendar = p.calendar
        let dates = p.dates
        self.dates = dates
        firstOrdinal = p.start.ordinal
        horizon = Double(dates.count) * 1440
        let cal = p.calendar
        hallDays = dates.map { try! p.hallDay($0, regular: s.day.periods) }
        // One compiled front desk per distinct kind of day.
        var variants: [[HallDomain.TimeInterval]: [Double: Int]] = [:]
        var halls: [CompiledHall] = []
        var hallOfDay: [Int] = []
        for day in hallDays {
            guard let day else {
                hallOfDay.append(-1)
                continue
            }
            if let k = variants[day.periods]?[day.demand] {
                hallOfDay.append(k)
                continue
            }
            halls.append(CompiledHall(s.forHallDay(periods: day.periods, demand: day.demand)))
            variants[day.periods, default: [:]][day.demand] = halls.count - 1
            hallOfDay.append(halls.count - 1)
        }
        self.halls = halls
        self.hallOfDay = hallOfDay
        visitShape = halls.map { h in
            var acc = 0.0
            let pieces = h.scenario.arrivals.flatMap(\.rates).filter { $0.perHour > 0 }
            // Sum the profiles' rates over the union of their breakpoints.
            let cuts = Set(pieces.flatMap { [$0.interval.start.minutes, $0.interval.end.minutes] }).sorted()
            var shape: [(Double, Double, Double)] = []
            for (a, b) in zip(cuts, cuts.dropFirst()) {
                let rate = pieces.filter { $0.interval.start.minutes <= a && b <= $0.interval.end.minutes }.reduce(0) {
                    $0 + $1.perHour
                }
                guard rate > 0 else { continue }
                acc += rate * (b - a)
                shape.append((a, b, acc))
            }
            if shape.isEmpty {  // no walk-ins at all: spread over the opening hours
                for q in h.scenario.day.periods {
                    acc += q.lengthMinutes
                    shape.append((q.start.minutes, q.end.minutes, acc))
                }
            }
            return shape
        }

        // Back office.
        let dIndex = Dictionary(uniqueKeysWithValues: s.departments.enumerated().map { ($1.id, Int32($0)) })
        let bo = s.backOffice
        let hours = bo?.hours ?? s.day.periods
        var starts: [(Int, Double)] = []
        for (k, d) in dates.enumerated() where (try? cal.isWorkingDay(d)) == true {
            starts.append((d.ordinal, Double(k) * 1440 + (hours.first?.start.minutes ?? 0)))
        }
        workdayStarts = starts
        let shifts = Dictionary(uniqueKeysWithValues: s.shifts.map { ($0.id, $0) })
        var clocks: [WorkClock] = []
        var clockOfShift: [String: Int] = [:]
        func clock(_ shift: String?) -> Int {
            if let c = clockOfShift[shift ?? ""] { return c }
            var intervals: [(Double, Double)] = []
            for (k, d) in dates.enumerated() where (try? cal.isWorkingDay(d)) == true {
                let base = Double(k) * 1440
                for h in hours {
                    if let shift, let sh = shifts[shift] {
                        for duty in sh.duty {
                            let a = max(h.start.minutes, duty.start.minutes)
                            let b = min(h.end.minutes, duty.end.minutes)
                            if b > a { intervals.append((base + a, base + b)) }
                        }
                    } else {
                        intervals.append((base + h.start.minutes, base + h.end.minutes))
                    }
                }
            }
            clocks.append(WorkClock(intervals: intervals))
            clockOfShift[shift ?? ""] = clocks.count - 1
            return clocks.count - 1
        }
        hoursClock = clock(nil)
        var departments = [Department?](repeating: nil, count: s.departments.count)
        for d in bo?.departments ?? [] {
            let di = dIndex[d.department]!
            var servers: [(Int, Int)] = []
            for g in d.reviewers {
                let c = clock(g.shift)
                for _ in 0..<max(g.count, 0) { servers.append((0, c)) }
            }
            for g in d.approvers {
                let c = clock(g.shift)
                for _ in 0..<max(g.count, 0) { servers.append((1, c)) }
            }
            departments[Int(di)] = Department(
                index: di, servers: servers, reviewTime: Sampler(d.reviewTime),
                approvalTime: Sampler(d.approvalTime), edf: d.discipline == .earliestDeadlineFirst)
        }
        self.departments = departments
        self.clocks = clocks
        shiftClocks = clockOfShift
        switch bo?.pickUp ?? .continuous {
        case .continuous: checks = []
        case .checkTimes(let times):
            checks = dates.enumerated().flatMap { k, d -> [Double] in
                (try? cal.isWorkingDay(d)) == true ? times.map { Double(k) * 1440 + $0.minutes }.sorted() : []
            }
        }
        handOff = bo?.handOff ?? .immediate
        itemRules = s.items.map { item in
            let depth = item.reviewDepth ?? .oneStep
            let steps = ReviewStep.steps(for: depth)
            return ItemRule(
                department: dIndex[item.department]!, committed: item.kind == .committed,
                reviews: item.reviewingDepartments.map { (dIndex[$0]!, steps) },
                limit: item.limitDays ?? 0, special: depth == .special ? item.special : nil,
                incompleteProbability: s.noticeReturn?.incompleteAgain ?? item.incompleteProbability)
        }
        let iIndex = Dictionary(uniqueKeysWithValues: s.items.enumerated().map { ($1.id, Int32($0)) })
        collectItem = s.delivery.collectItem.flatMap { iIndex[$0] }
        backlog = (bo?.backlog ?? []).map { (iIndex[$0.item]!, $0.count, $0.accepted, $0.step) }
    }

    /// Back-office working minutes (its hours on statutory working days) from a to b: the time axis on
    /// which the back office is a plain queue.
    public func workingMinutes(from a: Stamp, to b: Stamp) -> Double {
        clocks[hoursClock].work(from: absolute(a.date, a.minute), to: absolute(b.date, b.minute))
    }

    /// Working minutes from a to b on the clock of a back-office group's `shift` (its duty within the back
    /// office's hours; nil: every back-office hour). Nil for a shift no back-office group works.
    public func workingMinutes(from a: Stamp, to b: Stamp, shift: String?) -> Double? {
        shiftClocks[shift ?? ""].map {
            clocks[$0].work(from: absolute(a.date, a.minute), to: absolute(b.date, b.minute))
        }
    }

    /// The absolute minute of a stamp.
    func absolute(_ date: CivilDate, _ minute: Double) -> Double { Double(date.ordinal - firstOrdinal) * 1440 + minute }

    /// The stamp of an absolute minute.
    func stamp(_ t: Double) -> Stamp {
        let day = Int((t / 1440).rounded(.down))
        return Stamp(CivilDate(ordinal: firstOrdinal + day), t - Double(day) * 1440)
    }

    /// The first check instant at or after t (t itself with continuous pick-up; infinity when none is left).
    func visible(_ t: Double) -> Double {
        guard !checks.isEmpty else { return t }
        var lo = 0
        var hi = checks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if checks[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo < checks.count ? checks[lo] : .infinity
    }

    /// When a case accepted at (date, minute) reaches the back office.
    func handOffInstant(_ date: CivilDate, _ minute: Double) -> Double {
        switch handOff {
        case .immediate:
            return absolute(date, minute)
        case .cutOff(let split, let sameDay, let nextDay):
            if minute < split.minutes, workingDay(date) { return absolute(date, max(minute, sameDay.minutes)) }
            guard let next = nextWorkingDay(after: date) else { return .infinity }
            return absolute(next, nextDay.minutes)
        }
    }

    /// Start of the back-office day `n` working days after `date` (the day after a suspension).
    func workdayStart(workingDaysAfter date: CivilDate, _ n: Int) -> Double {
        var i = workdayStarts.firstIndex { $0.ordinal > date.ordinal } ?? workdayStarts.count
        i += max(n, 0)
        return i < workdayStarts.count ? workdayStarts[i].start : .infinity
    }

    func workingDay(_ d: CivilDate) -> Bool { (try? calendar.isWorkingDay(d)) == true }

    /// The first statutory working day after `date` within the run (nil past its end).
    func nextWorkingDay(after date: CivilDate) -> CivilDate? {
        workdayStarts.first { $0.ordinal > date.ordinal }.map { CivilDate(ordinal: $0.ordinal) }
    }

    /// The index of the first open hall day on or after the n-th working day after `date`.
    func hallDay(workingDaysAfter date: CivilDate, _ n: Int) -> Int? {
        var d = date
        var counted = 0
        while counted < n {
            d = d.adding(days: 1)
            if d.ordinal - firstOrdinal >= dates.count { return nil }
            if workingDay(d) { counted += 1 }
        }
        var k = d.ordinal - firstOrdinal
        if n == 0 { k += 1 }
        while k < dates.count, hallDays[k] == nil { k += 1 }
        return k < dates.count ? k : nil
    }

    /// A time on open day k drawn from the day's walk-in intensity (where applicants usually come).
    func visitTime(day k: Int, u: Double) -> Double {
        let shape = visitShape[hallOfDay[k]]
        let total = shape.last!.cumulative
        let x = u * total
        var before = 0.0
        for piece in shape {
            if x <= piece.cumulative {
                return piece.start + (x - before) / (piece.cumulative - before) * (piece.end - piece.start)
            }
            before = piece.cumulative
        }
        return shape.last!.end
    }

    /// Deadline with suspensions; the scenario's validation made sure the calendar covers it.
    func deadline(_ accepted: CivilDate, limit: Int, suspensions: [ClosedRange<CivilDate>]) -> CivilDate {
        do { return try calendar.deadline(acceptance: accepted, workingDays: limit, suspensions: suspensions) } catch {
            preconditionFailure("validated scenario needs a date outside the calendar: \(error)")
        }
    }

    func workingDays(after a: CivilDate, through b: CivilDate) -> Int {
        do { return try calendar.workingDays(after: a, through: b) } catch {
            preconditionFailure("validated scenario needs a date outside the calendar: \(error)")
        }
    }
}

extension Scenario {
    /// The scenario of one kind of hall day: other opening periods (arrival rates clipped to them) and
    /// a demand multiplier.
    public func forHallDay(periods: [HallDomain.TimeInterval], demand: Double) -> Scenario {
        var s = self
        s.day.periods = periods
        s.period = nil
        for i in s.arrivals.indices {
            s.arrivals[i].rates = s.arrivals[i].rates.flatMap { r -> [RateInterval] in
                periods.compactMap { p in
                    let a = max(r.interval.start.minutes, p.start.minutes)
                    let b = min(r.interval.end.minutes, p.end.minutes)
                    return b > a
                        ? RateInterval(
                            from: ClockTime(minutes: a), to: ClockTime(minutes: b), perHour: r.perHour * demand) : nil
                }
            }
        }
        return s
    }
}
