/// A run over a range of dates: which days the hall opens, with which hours and demand, on a working-day
/// calendar. The statutory working days (the calendar file) count deadlines; the hall's own overrides
/// (weekend opening, half days, closures) change when the front desk opens, never how deadlines count.
public struct Period: Sendable, Hashable, Codable {
    /// The calendar file read (the scenario's path resolved against the scenario file's folder).
    public var calendarFile: String
    public var calendar: WorkingCalendar
    public var start: CivilDate
    /// The last date of the run (inclusive).
    public var end: CivilDate
    public var overrides: [DayOverride]
    /// Demand multiplier by ISO weekday (1 = Monday), e.g. busier Mondays.
    public var weekdayDemand: [Int: Double]

    public init(
        calendarFile: String, calendar: WorkingCalendar, start: CivilDate, end: CivilDate,
        overrides: [DayOverride] = [], weekdayDemand: [Int: Double] = [:]
    ) {
        self.calendarFile = calendarFile
        self.calendar = calendar
        self.start = start
        self.end = end
        self.overrides = overrides
        self.weekdayDemand = weekdayDemand
    }

    /// Every date of the run, in order.
    public var dates: [CivilDate] { (start.ordinal...max(start.ordinal, end.ordinal)).map { CivilDate(ordinal: $0) } }

    /// The front desk's day on `date`: nil when the hall is closed. A statutory working day opens with
    /// `regular` hours; an override for the date opens, shortens or closes it. A weekday override (e.g.
    /// Saturday mornings) applies to ordinary days only: not to public holidays, nor to make-up working
    /// days (调休), which open like any working day.
    public func hallDay(_ date: CivilDate, regular: [TimeInterval]) throws -> HallDay? {
        let working = try calendar.isWorkingDay(date)
        let ordinary = !calendar.holidays.contains(date) && !calendar.makeUpDays.contains(date)
        let o =
            overrides.first { $0.date == date }
            ?? (ordinary ? overrides.first { $0.date == nil && $0.weekday == date.weekday } : nil)
        let periods: [TimeInterval]?
        switch o?.action {
        case .closed?: periods = nil
        case .open(let p)?: periods = p ?? regular
        case nil: periods = working ? regular : nil
        }
        guard let periods, !periods.isEmpty else { return nil }
        let demand = (o?.demand ?? 1) * (weekdayDemand[date.weekday] ?? 1)
        return HallDay(date: date, periods: periods, demand: demand)
    }
}

/// The hall's own exception to the statutory calendar, for one date or every such weekday.
public struct DayOverride: Sendable, Hashable, Codable {
    public enum Action: Sendable, Hashable, Codable {
        /// Open with these periods (nil: the regular hours), e.g. a Saturday morning or a half day.
        case open([TimeInterval]?)
        /// Closed (an extra closure).
        case closed
    }
    public var date: CivilDate?
    /// ISO weekday (1 = Monday … 7 = Sunday) for a recurring override.
    public var weekday: Int?
    public var action: Action
    /// Demand multiplier on that day.
    public var demand: Double?

    public init(date: CivilDate? = nil, weekday: Int? = nil, action: Action, demand: Double? = nil) {
        self.date = date
        self.weekday = weekday
        self.action = action
        self.demand = demand
    }
}

/// A day the front desk is open.
public struct HallDay: Sendable, Hashable {
    public var date: CivilDate
    public var periods: [TimeInterval]
    public var demand: Double
}

extension WorkingCalendar: Codable {
    enum CodingKeys: String, CodingKey { case name, first, last, holidays, makeUpDays }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            years: try c.decode(Int.self, forKey: .first)...c.decode(Int.self, forKey: .last),
            holidays: try c.decode(Set<CivilDate>.self, forKey: .holidays),
            makeUpDays: try c.decode(Set<CivilDate>.self, forKey: .makeUpDays))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(years.lowerBound, forKey: .first)
        try c.encode(years.upperBound, forKey: .last)
        try c.encode(holidays, forKey: .holidays)
        try c.encode(makeUpDays, forKey: .makeUpDays)
    }
}
