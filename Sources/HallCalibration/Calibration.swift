import Foundation
import HallDomain
import HallRandom

/// One estimated scenario field: what the records say, how sure, and what it replaced.
public struct EstimatedField: Sendable, Codable, Hashable {
    /// Scenario path, e.g. `arrivals[pa].per_hour@09:00-09:30`, `items[xa].service_min.mean`.
    public var field: String
    public var group: String
    /// The estimate (nil when nothing was observed).
    public var estimate: Double?
    /// Interval at the calibration's level (95 %).
    public var lower: Double?
    public var upper: Double?
    /// Observations behind the estimate (tickets, services, days… as `method` says).
    public var sampleSize: Int
    public var method: String
    /// The base scenario's value.
    public var base: Double?
    /// The value written to the calibrated scenario.
    public var value: Double?
    /// True when the estimate replaced the base value; false when the base was kept (too few observations).
    public var estimated: Bool
    public var note: String?

    /// Whether the interval contains `x`.
    public func covers(_ x: Double) -> Bool {
        guard let lower, let upper else { return false }
        return lower <= x + 1e-12 && x <= upper + 1e-12
    }
}

/// A statistical test reported beside the fields (e.g. overdispersion of arrival counts).
public struct CalibrationTest: Sendable, Codable, Hashable {
    public var name: String
    public var subject: String
    public var statistic: Double
    public var dof: Double
    public var pValue: Double
    public var verdict: String
}

/// A service-time fit with its competitors.
public struct ServiceFit: Sendable, Codable, Hashable {
    public var item: String
    public var sampleSize: Int
    public var chosen: String
    public var fits: [Estimation.Fit]
    public var source: String
}

public struct CalibrationOptions: Sendable {
    /// Interval level.
    public var level = 0.95
    /// Minimum observations: days for arrival rates, applicants for shares and rates, services for fits.
    public var minDays = 5
    public var minTrials = 30
    public var minServices = 30
    public var minEvents = 10
    /// Families tried for service times (AIC chooses). Only the exponential is a deliberate
    /// mis-specification used by the tests to show that the coverage check can fail.
    public var serviceFamilies = ["lognormal", "gamma"]
    /// Keep only served tickets (a hall that logs served applicants only): another deliberate
    /// mis-specification for the tests.
    public var servedOnly = false
    /// Minutes after an opening within which an appointment's check-in may be one who waited at the door
    /// (a kiosk records the early crowd seconds to minutes after it opens): such an arrival is taken as
    /// somewhere between the previous closing and the opening plus this (censored), whether it was early
    /// or not — the same interval for every arrival in it, so the estimate stays unbiased.
    public var openingRushMinutes = 3.0
    public init() {}
}

public struct CalibrationResult: Sendable {
    public var base: Scenario
    public var scenario: Scenario
    public var fields: [EstimatedField]
    public var tests: [CalibrationTest]
    public var serviceFits: [ServiceFit]
    public var days: [String]
    public var tickets: Int
    public var notEstimated: [String]
    public var options: CalibrationOptions
}

/// Estimates a scenario's demand, intake and behaviour parameters from observed days.
public enum Calibration {
    /// Calibrates `base` from the observed days. With a calendar and dated days, the weekday demand
    /// multipliers (`calendar.weekday_demand`) are estimated with the arrival rates, alternately (see
    /// `weekdayDemand`).
    public static func calibrate(
        base: Scenario, days: [ObservedDay], options o: CalibrationOptions = CalibrationOptions()
    ) -> CalibrationResult {
        var result = calibrateAtDemand(base: base, days: days, options: o)
        guard let period = base.period, !days.isEmpty, days.allSatisfy({ $0.date != nil }) else { return result }
        var fitted = days
        var weekdays: [(weekday: Int, field: EstimatedField)] = []
        var multipliers = period.weekdayDemand
        // Rates at demand 1 given the multipliers, multipliers given the rates: two rounds settle it.
        for _ in 0..<2 {
            // Counts and the other multipliers from the days as observed; the rates fitted at the current ones.
            weekdays = weekdayDemand(base: base, rated: result.scenario, days: days, options: o)
            multipliers = period.weekdayDemand
            for (w, f) in weekdays where f.estimated { multipliers[w] = f.value! }
            for k in fitted.indices {
                let w = fitted[k].date!.weekday
                let old = period.weekdayDemand[w] ?? 1
                let other = old > 0 ? days[k].demand / old : 0
                fitted[k].demand = other * (multipliers[w] ?? 1)
            }
            result = calibrateAtDemand(base: base, days: fitted, options: o)
        }
        if let returns = noticeReturns(base: base, days: days, options: o) {
            result.scenario.noticeReturn = returns.value
            result.fields += returns.fields
            result.notEstimated.removeAll { $0.hasPrefix("return delays") }
        }
        if let steps = backOfficeSteps(base: base, days: days, options: o) {
            result.scenario.backOffice = steps.backOffice
            result.fields += steps.fields
            result.serviceFits += steps.fits
            result.notEstimated.removeAll { $0.hasPrefix("back-office step times") }
            if steps.untimed > 0 {
                result.notEstimated.append(
                    "\(steps.untimed) back-office steps recorded without being taken (no working time; left out)")
            }
        }
        guard !weekdays.isEmpty else { return result }
        result.scenario.period!.weekdayDemand = multipliers
        result.fields += weekdays.map(\.field)
        result.notEstimated.removeAll { $0.hasPrefix("weekday") }
        return result
    }

    /// Coming back after a one-time notice (`notice_return`), from dated records with case numbers: the
    /// share of notices followed by a return visit of the same case (notices too close to the end of the
    /// records to see one are left out), the working days from the notice to the return (the bounds of
    /// a uniform: smallest and largest observed, no interval), and the share of returns that reach a
    /// window with materials still incomplete.
    static func noticeReturns(base: Scenario, days: [ObservedDay], options o: CalibrationOptions)
        -> (fields: [EstimatedField], value: NoticeReturn)?
    {
        guard let nr = base.noticeReturn, let calendar = base.period?.calendar, days.allSatisfy({ $0.date != nil })
        else { return nil }
        var returned = 0
        var uncensored = 0
        var delays: [Int] = []
        var again = 0
        var reached = 0
        // Case numbers are per replication: group the days by their run ("folder#replication").
        let runs = Dictionary(grouping: days) { $0.label.split(separator: "/").first.map(String.init) ?? $0.label }
        for (_, runDays) in runs {
            guard let last = runDays.compactMap(\.date).max() else { continue }
            var visits: [Int32: [(date: CivilDate, t: TicketRecord)]] = [:]
            for d in runDays {
                for t in d.tickets { if let c = t.caseNumber { visits[c, default: []].append((d.date!, t)) } }
            }
            for (_, list) in visits {
                let ordered = list.sorted { ($0.date, $0.t.arrival) < ($1.date, $1.t.arrival) }
                for (k, v) in ordered.enumerated() {
                    if v.t.visit == .return, v.t.outcome == .served || v.t.outcome == .notice {
                        reached += 1
                        if v.t.outcome == .notice { again += 1 }
                    }
                    guard v.t.outcome == .notice else { continue }
                    let next = k + 1 < ordered.count && ordered[k + 1].t.visit == .return ? ordered[k + 1] : nil
                    if let next, let n = try? calendar.workingDays(after: v.date, through: next.date) {
                        delays.append(n)
                    }
                    // Only notices whose whole return window lies inside the records count for the share:
                    // those near the end would be counted when they return early and left out when not.
                    guard let left = try? calendar.workingDays(after: v.date, through: last), left >= nr.after.max
                    else { continue }
                    uncensored += 1
                    if next != nil { returned += 1 }
                }
            }
        }
        var out: [EstimatedField] = []
        var value = nr
        func share(_ field: String, _ k: Int, _ n: Int, _ base: Double?, _ method: String) -> EstimatedField {
            let f = proportion(
                field, group: "notice return", successes: k, trials: n, base: base, method: method,
                unit: "observations", options: o)
            out.append(f)
            return f
        }
        let p = share(
            "notice_return.probability", returned, uncensored, nr.probability,
            "notices followed by a return visit of the case (notices within the longest delay of the records' end "
                + "left out), Wilson interval")
        if p.estimated { value.probability = p.value! }
        var bounds = nr.after
        for (name, value, base) in [
            ("min", delays.min(), nr.after.min), ("max", delays.max(), nr.after.max),
        ] {
            var f = EstimatedField(
                field: "notice_return.after_working_days.\(name)", group: "notice return",
                estimate: value.map(Double.init), lower: nil, upper: nil, sampleSize: delays.count,
                method: "\(name == "min" ? "smallest" : "largest") observed working days from notice to return "
                    + "(a uniform's bound; no interval)", base: Double(base), value: Double(base), estimated: false,
                note: nil)
            if delays.count >= o.minEvents, let observed = value {
                f.value = f.estimate
                f.estimated = true
                if name == "min" { bounds.min = observed } else { bounds.max = observed }
            } else {
                f.note = "fewer than \(o.minEvents) returns: base kept"
            }
            out.append(f)
        }
        value.after = bounds
        let a = share(
            "notice_return.incomplete_again", again, reached, nr.incompleteAgain,
            "return visits reaching a window whose materials are still incomplete, Wilson interval")
        if a.estimated { value.incompleteAgain = a.value! }
        return (out, value)
    }

    /// A proportion's field: k of n with its Wilson interval, written when n reaches the minimum sample
    /// (`minTrials`), otherwise the base kept with "fewer than … <unit>: base kept".
    static func proportion(
        _ field: String, group: String, successes k: Int, trials n: Int, base: Double?, method: String,
        unit: String, options o: CalibrationOptions
    ) -> EstimatedField {
        let (lo, hi) = Estimation.wilsonInterval(successes: k, trials: n, level: o.level)
        var f = EstimatedField(
            field: field, group: group, estimate: n > 0 ? Double(k) / Double(n) : nil, lower: lo, upper: hi,
            sampleSize: n, method: method, base: base, value: base, estimated: false, note: nil)
        if n >= o.minTrials {
            f.value = f.estimate
            f.estimated = true
        } else {
            f.note = "fewer than \(o.minTrials) \(unit): base kept"
        }
        return f
    }

    static let weekdayNames = ["", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Weekday demand multipliers: per weekday, the first-visit walk-ins counted on its days over those
    /// expected at demand 1 from the calibrated rates (times each date's other multipliers), normalised so
    /// that their mean over the observed days equals the base's (the rates carry the level). Poisson
    /// exact interval, the rates taken as known. A weekday needs 3 observed days.
    static func weekdayDemand(base: Scenario, rated: Scenario, days: [ObservedDay], options o: CalibrationOptions)
        -> [(weekday: Int, field: EstimatedField)]
    {
        guard let period = base.period else { return [] }
        var count = [Int](repeating: 0, count: 8)
        var expected = [Double](repeating: 0, count: 8)
        var dayCount = [Int](repeating: 0, count: 8)
        let profiles = rated.arrivals.count
        for d in days {
            let w = d.date!.weekday
            let old = period.weekdayDemand[w] ?? 1
            guard old > 0 else { continue }
            let other = d.demand / old
            var e = 0.0
            for a in rated.arrivals {
                for r in a.rates {
                    e += r.perHour * d.openMinutes(from: r.interval.start.minutes, to: r.interval.end.minutes) / 60
                }
            }
            guard e > 0 else { continue }
            count[w] += d.tickets.reduce(0) {
                $0
                    + (Int($1.source) < profiles && $1.source >= 0 && $1.visit == .first && $1.channel == .walkIn
                        ? 1 : 0)
            }
            expected[w] += e * other
            dayCount[w] += 1
        }
        let estimated = (1...7).filter { dayCount[$0] >= 3 && expected[$0] > 0 }
        guard !estimated.isEmpty else { return [] }
        var baseMean = 0.0
        var rawMean = 0.0
        for w in estimated {
            baseMean += Double(dayCount[w]) * (period.weekdayDemand[w] ?? 1)
            rawMean += Double(dayCount[w]) * Double(count[w]) / expected[w]
        }
        let c = rawMean > 0 ? baseMean / rawMean : 1
        return (1...7).filter { dayCount[$0] > 0 }.map { w in
            let name = weekdayNames[w]
            var f = EstimatedField(
                field: "calendar.weekday_demand.\(name)", group: "weekday demand", estimate: nil, lower: nil,
                upper: nil, sampleSize: dayCount[w],
                method: "walk-ins counted ÷ expected at demand 1 from the calibrated rates, normalised to the base's "
                    + "mean over the observed weekdays; exact Poisson interval (rates as known); \(count[w]) arrivals",
                base: period.weekdayDemand[w] ?? 1, value: period.weekdayDemand[w] ?? 1, estimated: false, note: nil)
            if expected[w] > 0 {
                let (lo, hi) = Estimation.poissonRateInterval(count: count[w], exposure: expected[w], level: o.level)
                f.estimate = c * Double(count[w]) / expected[w]
                f.lower = c * lo
                f.upper = c * hi
            }
            if estimated.contains(w) {
                f.value = f.estimate
                f.estimated = true
            } else {
                f.note = "fewer than 3 observed \(name) days: base kept"
            }
            return (w, f)
        }
    }

    static func calibrateAtDemand(
        base: Scenario, days allDays: [ObservedDay], options o: CalibrationOptions
    ) -> CalibrationResult {
        var days = allDays
        if o.servedOnly {
            for i in days.indices { days[i].tickets = days[i].tickets.filter { $0.outcome.isServed } }
        }
        var s = base
        var fields: [EstimatedField] = []
        var tests: [CalibrationTest] = []
        let cat = base.catalogue
        let z = Estimation.normalQuantile(1 - (1 - o.level) / 2)
        let walkInProfiles = base.arrivals.count

        // MARK: Walk-in arrival rates per profile × half-hour (at demand 1), with Poisson intervals.
        for (p, profile) in base.arrivals.enumerated() {
            var newRates: [RateInterval] = []
            var dispersion = 0.0
            var dof = 0.0
            // Arrival times of this profile's first visits, per day.
            let times: [[Double]] = days.map { d in
                d.tickets.filter { Int($0.source) == p && $0.visit == .first && $0.channel == .walkIn }.map(\.arrival)
            }
            for r in profile.rates {
                var a = r.interval.start.minutes
                let end = r.interval.end.minutes
                while a < end - 1e-9 {
                    let b = min(end, (floor(a / 30) + 1) * 30)
                    var count = 0
                    var exposure = 0.0
                    var daily: [(Int, Double)] = []
                    var openDays = 0
                    for (k, d) in days.enumerated() {
                        let e = d.demand * d.openMinutes(from: a, to: b) / 60
                        guard e > 0 else { continue }
                        openDays += 1
                        let n = times[k].reduce(0) { $0 + ($1 >= a && $1 < b ? 1 : 0) }
                        count += n
                        exposure += e
                        daily.append((n, e))
                    }
                    let name = "arrivals[\(profile.id)].per_hour@\(ClockTime.format(a))-\(ClockTime.format(b))"
                    var f = EstimatedField(
                        field: name, group: "arrival rate", estimate: nil, lower: nil, upper: nil, sampleSize: openDays,
                        method: "Poisson MLE count/exposure, exact (Garwood) interval; \(count) arrivals",
                        base: r.perHour, value: r.perHour, estimated: false, note: nil)
                    if exposure > 0 {
                        let rate = Double(count) / exposure
                        let (lo, hi) = Estimation.poissonRateInterval(count: count, exposure: exposure, level: o.level)
                        f.estimate = rate
                        f.lower = lo
                        f.upper = hi
                        if rate > 0 {
                            for (n, e) in daily {
                                let m = rate * e
                                dispersion += (Double(n) - m) * (Double(n) - m) / m
                            }
                            dof += Double(daily.count - 1)
                        }
                    }
                    if openDays >= o.minDays, let e = f.estimate {
                        f.value = e
                        f.estimated = true
                    } else {
                        f.note = "fewer than \(o.minDays) open days: base kept"
                    }
                    fields.append(f)
                    newRates.append(
                        RateInterval(from: ClockTime(minutes: a), to: ClockTime(minutes: b), perHour: f.value!))
                    a = b
                }
            }
            s.arrivals[p].rates = mergeEqual(newRates)
            if dof > 0 {
                let pv = Estimation.chiSquareUpperTail(dispersion, dof: dof)
                tests.append(
                    CalibrationTest(
                        name: "overdispersion (Pearson dispersion of daily counts per half-hour)", subject: profile.id,
                        statistic: dispersion / dof, dof: dof, pValue: pv,
                        verdict: pv < 0.01
                            ? "overdispersed: day-to-day variation beyond Poisson (intervals too narrow; "
                                + "consider day classes)"
                            : "consistent with Poisson"))
            }

            // Item shares of a department profile.
            let first = days.flatMap { d in
                d.tickets.filter { Int($0.source) == p && $0.visit == .first && $0.channel == .walkIn }
            }
            if case .department(let dep, let shares) = profile.target {
                // Shares among the tickets that name their item.
                let named = first.filter { $0.item >= 0 }
                let n = named.count
                var newShares: [ItemShare] = []
                for sh in shares {
                    guard let idx = cat.items.firstIndex(of: sh.item) else { continue }
                    let k = named.reduce(0) { $0 + (Int($1.item) == idx ? 1 : 0) }
                    let f = proportion(
                        "arrivals[\(profile.id)].shares[\(sh.item)]", group: "item share", successes: k, trials: n,
                        base: sh.share, method: "multinomial proportion, Wilson interval", unit: "applicants",
                        options: o)
                    fields.append(f)
                    newShares.append(ItemShare(item: sh.item, share: f.value!))
                }
                let total = newShares.reduce(0) { $0 + $1.share }
                if total > 0, newShares.allSatisfy({ $0.share >= 0 }) {
                    s.arrivals[p].target = .department(
                        dep, shares: newShares.map { ItemShare(item: $0.item, share: $0.share / total) })
                }
            }
            // Green-channel share.
            do {
                let n = first.count
                let k = first.reduce(0) { $0 + ($1.priority ? 1 : 0) }
                let f = proportion(
                    "arrivals[\(profile.id)].green_channel_share", group: "green-channel share", successes: k,
                    trials: n, base: profile.priorityShare, method: "binomial proportion, Wilson interval",
                    unit: "applicants", options: o)
                fields.append(f)
                s.arrivals[p].priorityShare = f.value!
            }
        }

        // MARK: One-time-notice rates per item (first visits reaching a window).
        let all = days.flatMap(\.tickets)
        for (i, item) in base.items.enumerated() {
            let reached = all.filter { Int($0.item) == i && $0.visit == .first && $0.outcome.isServed }
            let n = reached.count
            let k = reached.reduce(0) { $0 + ($1.outcome == .notice ? 1 : 0) }
            let f = proportion(
                "items[\(item.id)].incomplete_probability", group: "one-time-notice rate", successes: k, trials: n,
                base: item.incompleteProbability, method: "binomial proportion of first visits served, Wilson interval",
                unit: "first visits at a window", options: o)
            fields.append(f)
            s.items[i].incompleteProbability = f.value!
        }

        // MARK: Service times per item at department (specialist) windows; generalist slowdown.
        let physical = base.physicalWindows
        var serviceFits: [ServiceFit] = []
        var specialistMean: [Int: (mean: Double, cv: Double, n: Int)] = [:]
        // Service-time factor of the desk that served a ticket: the clerk's skill with a roster (lent tidal
        // clerks work at the window kind's proficiency), else the window kind's proficiency.
        let rosterSkills = base.staff.flatMap { m in m.memberIDs.map { _ in m.skills } }
        var clerkOf: [Int: [Int32: Int32]] = [:]
        var dayOf: [Int] = []
        for (k, d) in days.enumerated() {
            clerkOf[k] = d.clerk
            dayOf += Array(repeating: k, count: d.tickets.count)
        }
        func factor(_ t: TicketRecord, at index: Int) -> Double? {
            guard let w = t.window else { return nil }
            let dep = base.departments[Int(t.department)].id
            if base.hasRoster {
                guard let c = clerkOf[dayOf[index]]?[t.ticket] else { return nil }
                if Int(c) < rosterSkills.count { return rosterSkills[Int(c)][dep] }
                return base.proficiencyFactor(physical[Int(w)].kind, department: dep)
            }
            return base.proficiencyFactor(physical[Int(w)].kind, department: dep)
        }
        /// The intake time of a ticket with `outcome` (served or notice).
        func duration(_ t: TicketRecord, _ outcome: TicketOutcome = .served) -> Double? {
            guard t.outcome == outcome, let a = t.serviceStart, let b = t.serviceEnd, b > a else { return nil }
            return b - a
        }
        // Intake times of served tickets (`service_min`), then of one-time notices (`notice_service_min`:
        // a notice's intake; in a base without one, notices take the item's intake time).
        var serviceFields: [EstimatedField] = []
        var noticeFields: [EstimatedField] = []
        for notice in [false, true] {
            let outcome: TicketOutcome = notice ? .notice : .served
            let key = notice ? "notice_service_min" : "service_min"
            let what = notice ? "notice intake time" : "service time"
            let unit = notice ? "notices" : "services"
            for (i, item) in base.items.enumerated() {
                let atDesk = all.indices.filter { Int(all[$0].item) == i }
                let specialist = atDesk.compactMap { j -> Double? in
                    guard let w = all[j].window, let x = duration(all[j], outcome), let f = factor(all[j], at: j),
                        f == 1
                    else { return nil }
                    return base.hasRoster || physical[Int(w)].kind == .department ? x : nil
                }
                var sample = specialist
                var source = base.hasRoster ? "clerks at specialist speed (skill 1)" : "department windows"
                if specialist.count < o.minServices {
                    // No specialist window for this item: other desks' times divided by their factor in the base.
                    sample = atDesk.compactMap { j -> Double? in
                        guard let x = duration(all[j], outcome), let f = factor(all[j], at: j), f > 0 else {
                            return nil
                        }
                        return x / f
                    }
                    source =
                        base.hasRoster ? "all clerks ÷ their skill in the base" : "all windows ÷ the base slowdown"
                }
                if notice && sample.isEmpty { continue }  // items without notices: nothing to say
                let (best, fits) = fitDurations(sample, options: o)
                let enough = sample.count >= o.minServices && best != nil
                var (fm, fc) = durationFields(
                    "items[\(item.id)].\(key)", what: what, best: best, sampleSize: sample.count,
                    base: notice ? (item.noticeService ?? item.service) : item.service, source: source,
                    enough: enough, options: o)
                if notice && item.noticeService == nil {
                    fm.note = "the base has none: notices take the item's intake time"
                }
                if enough, let best {
                    if notice {
                        s.items[i].noticeService = distribution(best)
                    } else {
                        s.items[i].service = distribution(best)
                    }
                    if !notice && specialist.count >= o.minServices && !base.hasRoster {
                        // Only times measured at specialists' windows anchor the slowdown (else it is circular).
                        specialistMean[i] = (best.mean, best.cv, sample.count)
                    }
                    if specialist.count < o.minServices {
                        fm.note = [
                            fm.note,
                            "fewer than \(o.minServices) \(unit) at specialist speed: times rescaled by the base factors",
                        ].compactMap { $0 }.joined(separator: "; ")
                    }
                } else {
                    fm.note = [fm.note, "fewer than \(o.minServices) \(unit): base kept"].compactMap { $0 }
                        .joined(separator: "; ")
                    fc.note = fm.note
                }
                if notice {
                    noticeFields.append(fm)
                    if fc.base != nil || fc.estimated { noticeFields.append(fc) }
                } else {
                    serviceFields.append(fm)
                    if fc.base != nil || fc.estimated { serviceFields.append(fc) }
                }
                if !sample.isEmpty {
                    serviceFits.append(
                        ServiceFit(
                            item: notice ? "\(item.id) (notice)" : item.id, sampleSize: sample.count,
                            chosen: best?.family ?? "–", fits: fits, source: source))
                }
            }
        }
        // Means, then cvs (the report groups consecutive fields).
        func meansFirst(_ f: [EstimatedField]) -> [EstimatedField] {
            f.filter { $0.group.hasSuffix("mean") } + f.filter { !$0.group.hasSuffix("mean") }
        }
        fields += meansFirst(serviceFields)
        // Slowdown: Σ observed ÷ Σ specialist means of the same items, per window kind × department.
        for kind in base.hasRoster ? [] : [WindowKind.domain, .universal] {
            for (d, dep) in base.departments.enumerated() {
                var obs = 0.0
                var expected = 0.0
                var n = 0
                var sq = 0.0
                var specialistVar = 0.0
                for t in all where Int(t.department) == d {
                    guard let w = t.window, physical[Int(w)].kind == kind, let x = duration(t),
                        let sm = specialistMean[Int(t.item)]
                    else { continue }
                    obs += x
                    expected += sm.mean
                    sq += (x / sm.mean) * (x / sm.mean)
                    n += 1
                    specialistVar += sm.cv * sm.cv / Double(max(sm.n, 1))
                }
                let hasWindows = physical.contains { $0.kind == kind && $0.departments.contains(dep.id) }
                guard hasWindows else { continue }
                let baseFactor = base.proficiencyFactor(kind, department: dep.id)
                var f = EstimatedField(
                    field: "proficiency[\(kind.rawValue)].\(dep.id)", group: "generalist slowdown",
                    estimate: nil, lower: nil, upper: nil, sampleSize: n,
                    method: "ratio of service times to the specialist means of the same items; delta-method interval",
                    base: baseFactor, value: baseFactor, estimated: false, note: nil)
                if n >= 2, expected > 0 {
                    let r = obs / expected
                    let meanRel = sq / Double(n)
                    let cv2 = max(meanRel / (r * r) - 1, 0)
                    // Var(log R) ≈ cv² / n of the generalist times + the specialist means' own error.
                    let se = (cv2 / Double(n) + specialistVar / Double(n)).squareRoot()
                    f.estimate = r
                    f.lower = r * Foundation.exp(-z * se)
                    f.upper = r * Foundation.exp(z * se)
                }
                if n >= o.minServices, let r = f.estimate {
                    f.value = r
                    f.estimated = true
                    setFactor(&s, kind: kind, department: dep.id, factor: r)
                } else {
                    f.note =
                        specialistMean.isEmpty || f.estimate == nil
                        ? "no specialist times to compare with: base kept"
                        : "fewer than \(o.minServices) services: base kept"
                }
                fields.append(f)
            }
        }

        // MARK: Patience from waits censored by the call (exponential MLE with censoring; Kaplan–Meier median).
        var obs: [(time: Double, event: Bool)] = []
        for t in all where t.outcome != .balked {
            obs.append((max(t.wait, 0), t.outcome == .reneged))
        }
        let events = obs.reduce(0) { $0 + ($1.event ? 1 : 0) }
        let exposure = obs.reduce(0) { $0 + $1.time }
        let km = Estimation.kaplanMeierMedian(obs)
        let basePatience = base.behaviour.patience?.mean
        let shape: Estimation.FixedShape
        var familyNote = "exponential"
        switch base.behaviour.patience {
        case .lognormal(_, let cv)?:
            shape = .lognormal(cv: cv)
            familyNote = "lognormal, cv \(cv) kept from the base"
        case .gamma(_, let cv)?:
            shape = .gamma(cv: cv)
            familyNote = "gamma, cv \(cv) kept from the base"
        default: shape = .exponential
        }
        var fp = EstimatedField(
            field: "behaviour.patience_min.mean", group: "patience",
            estimate: nil, lower: nil, upper: nil, sampleSize: obs.count,
            method:
                "censored MLE (\(familyNote)): waits ended by the call are censored, \(events) abandonments, "
                + "\(String(format: "%.0f", exposure)) min at risk; likelihood-ratio interval; "
                + "Kaplan–Meier median \(km.map { String(format: "%.1f", $0) } ?? "not reached") min",
            base: basePatience, value: basePatience, estimated: false, note: nil)
        if let e = Estimation.censoredMean(obs, family: shape, level: o.level) {
            fp.estimate = e.mean
            fp.lower = e.lower
            fp.upper = e.upper
        }
        if events >= o.minEvents, let m = fp.estimate {
            fp.value = m
            fp.estimated = true
            switch shape {
            case .exponential: s.behaviour.patience = .exponential(mean: m)
            case .lognormal(let cv): s.behaviour.patience = .lognormal(mean: m, cv: cv)
            case .gamma(let cv): s.behaviour.patience = .gamma(mean: m, cv: cv)
            }
            if let b = base.behaviour.patience, !["exponential", "lognormal", "gamma"].contains(b.kindName) {
                fp.note = "base patience was \(b.kindName); written as exponential"
            }
        } else {
            fp.note = "fewer than \(o.minEvents) abandonments: base kept"
        }
        fields.append(fp)

        // MARK: No-show (过号) probability and grace.
        do {
            let called = all.filter { $0.outcome.wasCalled }
            let k = called.reduce(0) { $0 + ($1.outcome == .noShow ? 1 : 0) }
            let n = called.count
            let f = proportion(
                "behaviour.no_show.probability", group: "no-show probability", successes: k, trials: n,
                base: base.behaviour.noShowProbability,
                method: "binomial proportion of called tickets, Wilson interval",
                unit: "calls", options: o)
            if f.estimated { s.behaviour.noShowProbability = f.estimate! }
            fields.append(f)
            let graces = called.filter { $0.outcome == .noShow }.compactMap { t in t.call.map { t.end - $0 } }.sorted()
            if graces.count >= o.minEvents, let med = Statistics.quantile(sorted: graces, 0.5) {
                s.behaviour.noShowGraceMinutes = med
                fields.append(
                    EstimatedField(
                        field: "behaviour.no_show.grace_min", group: "no-show grace", estimate: med, lower: nil,
                        upper: nil, sampleSize: graces.count,
                        method: "median of call-to-leave times of no-shows (a rule of the hall, no interval)",
                        base: base.behaviour.noShowGraceMinutes, value: med, estimated: true, note: nil))
            }
        }

        fields += meansFirst(noticeFields)
        let appointments = appointments(base: base, days: days, options: o)
        fields += appointments.fields
        s.appointments = appointments.blocks

        let dayLabels = days.map(\.label)
        s.description =
            (base.description.isEmpty ? "" : base.description + " ")
            + "Calibrated from \(days.count) observed days (hallsim calibrate)."
        _ = walkInProfiles
        return CalibrationResult(
            base: base, scenario: s, fields: fields, tests: tests, serviceFits: serviceFits, days: dayLabels,
            tickets: all.count,
            notEstimated: [
                "balking steps (base kept)",
                "return delays after a notice (records without dates or case numbers; base kept)",
                "back-office step times (no steps.csv with a calendar and a back office; base kept)",
            ] + appointments.notes
                + (base.period != nil ? ["weekday demand multipliers (records without dates, base kept)"] : [])
                + (base.hasRoster
                    ? ["clerks' skills (with a roster the clerks' skills set the speed; base kept)"] : []),
            options: o)
    }

    /// Durations fitted by every family of `o.serviceFamilies` (maximum likelihood); AIC chooses.
    static func fitDurations(_ sample: [Double], options o: CalibrationOptions) -> (
        best: Estimation.Fit?, fits: [Estimation.Fit]
    ) {
        var fits: [Estimation.Fit] = []
        for fam in o.serviceFamilies {
            let fit: Estimation.Fit? =
                switch fam {
                case "lognormal": Estimation.fitLognormal(sample, level: o.level)
                case "gamma": Estimation.fitGamma(sample, level: o.level)
                default: Estimation.fitExponential(sample, level: o.level)
                }
            if let fit { fits.append(fit) }
        }
        return (fits.min { $0.aic < $1.aic }, fits)
    }

    /// The mean and cv fields of durations fitted by `fitDurations` (`name`.mean, `name`.cv, groups
    /// "`what` mean" and "`what` cv"): the fit's values when `enough`, the base's otherwise.
    static func durationFields(
        _ name: String, what: String, best: Estimation.Fit?, sampleSize n: Int, base: Distribution,
        source: String, enough: Bool, options o: CalibrationOptions
    ) -> (mean: EstimatedField, cv: EstimatedField) {
        let (baseMean, baseCV) = meanCV(base)
        var fm = EstimatedField(
            field: name + ".mean", group: "\(what) mean", estimate: best?.mean, lower: best?.meanInterval[0],
            upper: best?.meanInterval[1], sampleSize: n,
            method:
                "\(best?.family ?? "–") by maximum likelihood (AIC among "
                + "\(o.serviceFamilies.joined(separator: ", "))), \(source)",
            base: baseMean, value: baseMean, estimated: false, note: nil)
        var fc = fm
        fc.field = name + ".cv"
        fc.group = "\(what) cv"
        fc.estimate = best?.cv
        fc.lower = best?.cvInterval[0]
        fc.upper = best?.cvInterval[1]
        fc.base = baseCV
        fc.value = baseCV
        if enough, let best {
            fm.value = best.mean
            fm.estimated = true
            fc.value = best.cv
            fc.estimated = true
        }
        return (fm, fc)
    }

    /// The scenario distribution of a fit.
    static func distribution(_ f: Estimation.Fit) -> Distribution {
        switch f.family {
        case "lognormal": .lognormal(mean: f.mean, cv: f.cv)
        case "gamma": .gamma(mean: f.mean, cv: f.cv)
        default: .exponential(mean: f.mean)
        }
    }

    /// Mean and cv of a duration distribution (cv nil for families without one).
    static func meanCV(_ d: Distribution) -> (Double, Double?) {
        switch d {
        case .exponential(let m): (m, 1)
        case .lognormal(let m, let cv), .gamma(let m, let cv): (m, cv)
        default: (d.mean, d.mean > 0 ? d.variance.squareRoot() / d.mean : nil)
        }
    }

    static func setFactor(_ s: inout Scenario, kind: WindowKind, department: String, factor: Double) {
        if let i = s.proficiency.firstIndex(where: { $0.windowKind == kind }) {
            s.proficiency[i].byDepartment[department] = factor
        } else {
            s.proficiency.append(Proficiency(windowKind: kind, defaultFactor: 1, byDepartment: [department: factor]))
        }
    }

    /// Joins adjacent half-hours with the same rate (the base's values kept where nothing was estimated).
    static func mergeEqual(_ rates: [RateInterval]) -> [RateInterval] {
        var out: [RateInterval] = []
        for r in rates {
            if let last = out.last, last.perHour == r.perHour, last.interval.end == r.interval.start {
                out[out.count - 1] = RateInterval(from: last.interval.start, to: r.interval.end, perHour: r.perHour)
            } else {
                out.append(r)
            }
        }
        return out
    }
}
