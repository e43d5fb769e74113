import HallDomain

/// The hall on one planned day: walk-in rates scaled, and optionally open through the midday gap.
public enum DayScenario {
    public static func make(_ base: Scenario, day: PlanDay, middayDemandShare: Double?) -> Scenario {
        var s = base
        s.name = "\(base.name) — \(day.name)"
        // The planner sizes the front desk of one day: a base that runs over dates (with its back
        // office, returns and collection) is planned on its ordinary day.
        s.period = nil
        s.backOffice = nil
        s.noticeReturn = nil
        s.comeBack = nil
        s.delivery = Delivery()
        for i in s.items.indices {
            s.items[i].rejectedShare = 0
            s.items[i].refusedShare = 0
            s.items[i].deferred = nil
            s.items[i].correction = nil
        }
        for i in s.arrivals.indices {
            for k in s.arrivals[i].rates.indices { s.arrivals[i].rates[k].perHour *= day.demandScale }
        }
        guard let share = middayDemandShare, s.day.periods.count > 1 else { return s }
        let gaps = zip(s.day.periods, s.day.periods.dropFirst()).map { TimeInterval(start: $0.end, end: $1.start) }
        s.day.periods = [TimeInterval(start: s.day.opens, end: s.day.closes)]
        for i in s.arrivals.indices {
            var rates = s.arrivals[i].rates
            for g in gaps {
                let before = rates.last { $0.interval.end <= g.start && $0.interval.end == g.start }?.perHour ?? 0
                let after = rates.first { $0.interval.start == g.end }?.perHour ?? 0
                let r = share * (before + after) / 2
                if r > 0 { rates.append(RateInterval(from: g.start, to: g.end, perHour: r)) }
            }
            s.arrivals[i].rates = rates.sorted { $0.interval.start < $1.interval.start }
        }
        return s
    }

    /// The planning intervals: opening hours cut into pieces of `length` minutes (the last piece of a
    /// period may be shorter).
    public static func intervals(_ s: Scenario, length: Double) -> [TimeInterval] {
        s.day.periods.flatMap { $0.split(every: length) }
    }
}
