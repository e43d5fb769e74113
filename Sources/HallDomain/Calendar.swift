/// A date of the civil (Gregorian) calendar, without time or zone.
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(_ year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses "YYYY-MM-DD"; nil when malformed or not a real date.
    public init?(parsing s: String) {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
            let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m),
            d >= 1, d <= CivilDate.daysIn(month: m, year: y)
        else { return nil }
        self.init(y, m, d)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    static func daysIn(month m: Int, year y: Int) -> Int {
        [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(ordinal z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public func adding(days n: Int) -> CivilDate { CivilDate(ordinal: ordinal + n) }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((ordinal % 7) + 7 + 3) % 7 + 1 }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        // ISO 8601: at least four digits of year (0040-09-22, which the parser reads back).
        let y = (0..<1000).contains(year) ? String("000\(year)".suffix(4)) : "\(year)"
        return "\(y)-\(two(month))-\(two(day))"
    }
}

/// Statutory working days: weekends and public holidays (法定节假日) off, official make-up days (调休)
/// on, as published each year by the State Council. Deadlines in working days count these (行政许可法
/// art. 82: 期限以工作日计算，不含法定节假日). The data covers whole years; asking outside them is an
/// error rather than a guess.
public struct WorkingCalendar: Sendable, Hashable {
    public var name: String
    public var years: ClosedRange<Int>
    public var holidays: Set<CivilDate>
    public var makeUpDays: Set<CivilDate>

    /// Day-by-day tables over the covered years (derived from the fields above): whether each day is a
    /// working day, and how many working days there are up to it, so that deadlines are lookups.
    private let firstOrdinal: Int
    private let working: [Bool]
    /// Working days in [first day, day] inclusive.
    private let rank: [Int32]
    /// Ordinals of the working days, in order.
    private let workdays: [Int32]

    public init(name: String, years: ClosedRange<Int>, holidays: Set<CivilDate>, makeUpDays: Set<CivilDate>) {
        self.name = name
        self.years = years
        self.holidays = holidays
        self.makeUpDays = makeUpDays
        let first = CivilDate(years.lowerBound, 1, 1).ordinal
        let last = CivilDate(years.upperBound, 12, 31).ordinal
        firstOrdinal = first
        var working: [Bool] = []
        var rank: [Int32] = []
        var workdays: [Int32] = []
        working.reserveCapacity(last - first + 1)
        for o in first...last {
            let d = CivilDate(ordinal: o)
            let w = makeUpDays.contains(d) || (d.weekday <= 5 && !holidays.contains(d))
            working.append(w)
            if w { workdays.append(Int32(o)) }
            rank.append(Int32(workdays.count))
        }
        self.working = working
        self.rank = rank
        self.workdays = workdays
    }

    public static func == (a: WorkingCalendar, b: WorkingCalendar) -> Bool {
        a.name == b.name && a.years == b.years && a.holidays == b.holidays && a.makeUpDays == b.makeUpDays
    }

    public func hash(into h: inout Hasher) {
        h.combine(name)
        h.combine(years.lowerBound)
        h.combine(years.upperBound)
        h.combine(holidays)
        h.combine(makeUpDays)
    }

    public struct OutOfRange: Error, CustomStringConvertible {
        public var date: CivilDate
        public var years: ClosedRange<Int>
        public var description: String {
            "\(date) is outside the calendar's data (\(years.lowerBound)–\(years.upperBound)); add that year's State Council notice to the calendar file"
        }
    }

    public func covers(_ d: CivilDate) -> Bool { years.contains(d.year) }

    public func isWorkingDay(_ d: CivilDate) throws -> Bool {
        guard covers(d) else { throw OutOfRange(date: d, years: years) }
        return working[d.ordinal - firstOrdinal]
    }

    /// The deadline of a limit of `n` working days counted from `acceptance`: the acceptance day itself
    /// does not count (the period starts the next day), working days inside a suspension (hearing,
    /// inspection, expert review: 行政许可法 art. 45) do not count, and an extension adds working days
    /// (art. 42). A case is on time when decided on or before this date.
    public func deadline(
        acceptance: CivilDate, workingDays n: Int, suspensions: [ClosedRange<CivilDate>] = [],
        extension extra: Int = 0
    ) throws -> CivilDate {
        precondition(n >= 0 && extra >= 0)
        if suspensions.isEmpty, covers(acceptance) {
            // The (n + extra)-th working day after acceptance, by lookup.
            let target = n + extra
            if target == 0 { return acceptance }
            let i = Int(rank[acceptance.ordinal - firstOrdinal]) + target - 1
            guard i < workdays.count else {
                throw OutOfRange(date: CivilDate(years.upperBound + 1, 1, 1), years: years)
            }
            return CivilDate(ordinal: Int(workdays[i]))
        }
        var d = acceptance
        var counted = 0
        let target = n + extra
        while counted < target {
            d = d.adding(days: 1)
            if try isWorkingDay(d), !suspensions.contains(where: { $0.contains(d) }) { counted += 1 }
        }
        return d
    }

    /// Working days strictly after `from` up to and including `to` (0 when `to` ≤ `from`).
    public func workingDays(after from: CivilDate, through to: CivilDate) throws -> Int {
        if to <= from { return 0 }
        if covers(from), covers(to) { return Int(rank[to.ordinal - firstOrdinal] - rank[from.ordinal - firstOrdinal]) }
        var n = 0
        var d = from.adding(days: 1)
        while d <= to {
            if try isWorkingDay(d) { n += 1 }
            d = d.adding(days: 1)
        }
        return n
    }
}
