import HallDomain
import HallRandom

/// The KPIs of a hall, by name as they appear in summary.json.
public enum KPI: String, Sendable, CaseIterable, Codable {
    /// Applicants who came (tickets issued, plus those who balked).
    case arrivals
    /// Applicants whose intake was done at a window (outcome served or notice).
    case served
    /// (reneged + balked + no-show + unserved) / arrivals.
    case abandonedFraction = "abandoned_fraction"
    /// Mean wait from ticket to call, over tickets that were called.
    case waitMean = "wait_mean_min"
    /// 90th percentile of that wait.
    case waitP90 = "wait_p90_min"
    /// Share of arrivals called within the waiting target (balked and reneged count as misses).
    case serviceLevel = "sl_share"
    case reneged
    case balked
    case noShows = "no_shows"
    /// Still waiting when nobody was left on duty to call them.
    case unserved
    /// One-time notices (materials incomplete) / served.
    case noticeFraction = "notice_fraction"
    /// Time-average number of tickets waiting, over the opening hours.
    case queueMean = "queue_mean"
    case queueMax = "queue_max"
    /// Minutes after closing until the last applicant left (overall only).
    case overtime = "overtime_min"
    /// Hours clerks spent at the front desk (at windows, or walking to tidal ones) (overall only).
    case staffHours = "staff_hours"
    /// Share of that time spent serving (overall only).
    case staffUtilisation = "staff_utilisation"
    /// Tidal windows opened, and minutes they were open (overall only).
    case tidalOpenings = "tidal_openings"
    case tidalOpenMinutes = "tidal_open_min"
    /// Minutes of back-office clerks' time spent at (or walking to) tidal windows (overall only).
    case backOfficeMinutesLost = "back_office_min_lost"
    /// Minutes during opening hours when windows expected open (rostered posts) were closed (overall only).
    case closedWindowMinutes = "closed_window_min"
    /// Of the tickets called, the share who waited longer than the target. Not `sl_share`'s complement:
    /// `sl_share` is over every applicant (those who left count as misses), this only over those called.
    case calledOverTarget = "called_over_target_share"
    /// Intakes that ended in a written refusal to accept (不予受理): served at the window, no case.
    case rejected
    /// The stages before the ticket (overall only): visits to the guide desk, those who only consulted
    /// (referred questions included) and the back-office minutes referred questions cost, the mean wait
    /// for a guide clerk; visits to self-service terminals, those finished there, the mean wait for one.
    case guideVisits = "guide_visits"
    case consultOnly = "consult_only"
    case referralMinutes = "referral_back_office_min"
    case guideWaitMean = "guide_wait_mean_min"
    case terminalVisits = "terminal_visits"
    case selfServed = "self_served"
    case terminalWaitMean = "terminal_wait_mean_min"
}

/// KPIs of one day (one replication, or one real day), every value optional: nil when undefined
/// (e.g. no ticket called in that hour).
public struct DayKPIs: Sendable, Equatable {
    public var overall: [KPI: Double?]
    public var departments: [String: [KPI: Double?]]
    public var hours: [String: [KPI: Double?]]
    /// Per window: share of open time spent serving.
    public var windowUtilisation: [String: Double?]
    /// Little's law, checked over the whole day from two independent record streams:
    /// ∫ queue length dt (queue records) vs Σ waits (ticket records), and ∫ busy windows dt (window
    /// records) vs Σ service durations (ticket records). Equal for a day that starts and ends empty.
    public var queueArea: Double
    public var waitSum: Double
    public var busyArea: Double
    public var serviceSum: Double
    /// The day hour by hour (keys of `hours`): per department the mean tickets waiting, per window the
    /// share of its open time spent serving (nil where the window was not open in that hour).
    public var queueByHour: [String: [String: Double?]] = [:]
    public var windowUtilisationByHour: [String: [String: Double?]] = [:]
}

/// Streams a day's event log into KPIs, keeping only what the KPIs need (waits for percentiles,
/// counters, integrals) rather than every record. The same code measures simulated and real days.
/// One instance belongs to one day and one thread (exclusivity checks are off on its accumulators).
public final class DayMetrics: RecordSink {
    public let catalogue: Catalogue
    let waitTarget: Double
    /// Tickets issued before this instant are left out of the statistics (warm-up).
    let cutoff: Double
    let opens: Double
    let closes: Double
    let openMinutes: Double
    let firstHour: Int
    let hourCount: Int

    private struct Group {
        var arrivals = 0, served = 0, reneged = 0, balked = 0, noShows = 0, unserved = 0, notices = 0, withinTarget = 0
        var rejected = 0
        var waits: [Double] = []
    }
    @exclusivity(unchecked) private var overall = Group()
    @exclusivity(unchecked) private var byDepartment: [Group]
    @exclusivity(unchecked) private var byHour: [Group]
    // Window state time.
    @exclusivity(unchecked) private var windowLast: [(time: Double, state: WindowState, named: Bool)]
    @exclusivity(unchecked) private var windowBusy: [Double]
    @exclusivity(unchecked) private var windowOpen: [Double]
    // Queue integrals.
    @exclusivity(unchecked) private var queueLast: [(time: Double, waiting: Int32)]
    @exclusivity(unchecked) private var queueArea: [Double]
    @exclusivity(unchecked) private var queueMax: [Int32]
    @exclusivity(unchecked) private var totalWaiting: Int32 = 0
    @exclusivity(unchecked) private var totalLast: Double
    @exclusivity(unchecked) private var totalArea = 0.0
    @exclusivity(unchecked) private var totalMax: Int32 = 0
    // Hour by hour (after the warm-up): [department × hour] queue area, [window × hour] busy and open time.
    @exclusivity(unchecked) private var queueHourArea: [Double]
    @exclusivity(unchecked) private var windowHourBusy: [Double]
    @exclusivity(unchecked) private var windowHourOpen: [Double]
    // Little's-law bookkeeping over the whole day.
    @exclusivity(unchecked) private var wholeQueueArea = 0.0
    @exclusivity(unchecked) private var wholeBusyArea = 0.0
    @exclusivity(unchecked) private var waitSum = 0.0
    @exclusivity(unchecked) private var serviceSum = 0.0
    @exclusivity(unchecked) private var lastEnd = -Double.infinity
    // Staff.
    let periods: [HallDomain.TimeInterval]
    @exclusivity(unchecked) private var staffLast: [(time: Double, state: StaffState)]
    @exclusivity(unchecked) private var namedDeskTime = 0.0
    @exclusivity(unchecked) private var unnamedOpenTime = 0.0
    @exclusivity(unchecked) private var tidalOpenings = 0
    @exclusivity(unchecked) private var tidalOpenTime = 0.0
    @exclusivity(unchecked) private var backOfficeLost = 0.0
    @exclusivity(unchecked) private var closedWindowTime = 0.0
    // Stages before the ticket: [0 guide, 1 terminal] visits, ended there, waits; referral minutes.
    @exclusivity(unchecked) private var stageVisits = [0, 0]
    @exclusivity(unchecked) private var stageEndedThere = [0, 0]
    @exclusivity(unchecked) private var stageWaits = [0.0, 0.0]
    @exclusivity(unchecked) private var referral = 0.0

    public init(catalogue: Catalogue, day: DaySchedule, waitTargetMinutes: Double, warmupMinutes: Double = 0) {
        self.catalogue = catalogue
        waitTarget = waitTargetMinutes
        opens = day.opens.minutes
        closes = day.closes.minutes
        openMinutes = day.openMinutes
        cutoff = opens + warmupMinutes
        firstHour = Int(opens / 60)
        hourCount = max(1, Int((closes / 60).rounded(.up)) - firstHour)
        let first = firstHour
        openHours = (0..<hourCount).filter { h in
            let start = Double((first + h) * 60)
            return day.periods.contains { $0.start.minutes < start + 60 && start < $0.end.minutes }
        }
        byDepartment = Array(repeating: Group(), count: catalogue.departments.count)
        byHour = Array(repeating: Group(), count: hourCount)
        let nw = catalogue.windows.count
        let nd = catalogue.departments.count
        windowLast = Array(repeating: (opens, .closed, false), count: nw)
        periods = day.periods
        staffLast = Array(repeating: (opens, .off), count: catalogue.staff.count)
        windowBusy = Array(repeating: 0, count: nw)
        windowOpen = Array(repeating: 0, count: nw)
        queueLast = Array(repeating: (opens, 0), count: nd)
        queueArea = Array(repeating: 0, count: nd)
        queueMax = Array(repeating: 0, count: nd)
        queueHourArea = Array(repeating: 0, count: nd * hourCount)
        windowHourBusy = Array(repeating: 0, count: nw * hourCount)
        windowHourOpen = windowHourBusy
        totalLast = opens
    }

    /// Hour buckets that overlap an opening period (the lunch break has none), in order.
    let openHours: [Int]

    /// "HH:MM" of each hour bucket reported, in order.
    public var hourKeys: [String] { openHours.map { ClockTime.format(Double((firstHour + $0) * 60)) } }

    public func record(_ r: TicketRecord) {
        waitSum += r.wait
        if let s = r.serviceStart, let e = r.serviceEnd { serviceSum += e - s }
        lastEnd = max(lastEnd, r.end)
        // A transferred segment counts in Little's law (its wait and its time at the window) but not
        // as an applicant: the applicant's last segment does (docs/event-log.md).
        guard r.arrival >= cutoff, r.outcome != .transferred else { return }
        let hour = min(max(Int(r.arrival / 60) - firstHour, 0), hourCount - 1)
        func add(_ g: inout Group) {
            g.arrivals += 1
            switch r.outcome {
            case .served: g.served += 1
            case .notice:
                g.served += 1
                g.notices += 1
            case .reneged: g.reneged += 1
            case .balked: g.balked += 1
            case .noShow: g.noShows += 1
            case .unserved: g.unserved += 1
            case .rejected:
                g.served += 1
                g.rejected += 1
            case .transferred: break
            }
            if r.outcome.wasCalled {
                g.waits.append(r.wait)
                if r.wait <= waitTarget { g.withinTarget += 1 }
            }
        }
        add(&overall)
        add(&byDepartment[Int(r.department)])
        add(&byHour[hour])
    }

    public func record(_ r: WindowRecord) {
        let w = Int(r.window)
        let last = windowLast[w]
        let span = r.time - last.time
        if last.state == .busy { wholeBusyArea += span }
        if last.state != .closed, !last.named { unnamedOpenTime += span }
        if last.state == .closed, catalogue.rosteredWindows[w] { closedWindowTime += openOverlap(last.time, r.time) }
        let clipped = r.time - max(last.time, cutoff)
        if clipped > 0 {
            if last.state != .closed {
                windowOpen[w] += clipped
                spread(max(last.time, cutoff), r.time, weight: 1, into: &windowHourOpen, row: w)
            }
            if last.state == .busy {
                windowBusy[w] += clipped
                spread(max(last.time, cutoff), r.time, weight: 1, into: &windowHourBusy, row: w)
            }
        }
        windowLast[w] = (r.time, r.state, r.staff != nil)
    }

    /// Adds weight × the minutes of [a, b) to each hour bucket of `row` they fall in (time outside the
    /// buckets goes to the first or last).
    private func spread(_ a: Double, _ b: Double, weight: Double, into buckets: inout [Double], row: Int) {
        let base = row * hourCount
        var t = a
        while t < b {
            let h = min(max(Int(t / 60) - firstHour, 0), hourCount - 1)
            let end = h == hourCount - 1 ? b : min(b, Double((firstHour + h + 1) * 60))
            buckets[base + h] += weight * (end - t)
            t = end
        }
    }

    /// Minutes of [a, b) inside opening periods.
    private func openOverlap(_ a: Double, _ b: Double) -> Double {
        periods.reduce(0) { $0 + max(0, min(b, $1.end.minutes) - max(a, $1.start.minutes)) }
    }

    public func record(_ r: StaffRecord) {
        let s = Int(r.staff)
        let last = staffLast[s]
        let span = r.time - last.time
        let kind = catalogue.staffKind[s]
        if last.state == .atWindow || last.state == .walking {
            namedDeskTime += span
            if kind == .backOffice { backOfficeLost += span }
        }
        if last.state == .atWindow, kind != .rostered { tidalOpenTime += span }
        if r.state == .atWindow, kind != .rostered { tidalOpenings += 1 }
        staffLast[s] = (r.time, r.state)
    }

    public func record(_ r: StageRecord) {
        guard r.arrival >= cutoff else { return }
        let k = r.stage == .guide ? 0 : 1
        stageVisits[k] += 1
        stageWaits[k] += r.wait
        if r.outcome != .ticket { stageEndedThere[k] += 1 }
        referral += r.referralMinutes
    }

    public func record(_ r: QueueRecord) {
        let d = Int(r.department)
        let last = queueLast[d]
        let clipped = r.time - max(last.time, cutoff)
        if clipped > 0, last.waiting > 0 {
            queueArea[d] += Double(last.waiting) * clipped
            spread(max(last.time, cutoff), r.time, weight: Double(last.waiting), into: &queueHourArea, row: d)
        }
        if r.time >= cutoff { queueMax[d] = max(queueMax[d], r.waiting) }
        queueLast[d] = (r.time, r.waiting)
        // Total over departments.
        let tc = r.time - max(totalLast, cutoff)
        if tc > 0 { totalArea += Double(totalWaiting) * tc }
        wholeQueueArea += Double(totalWaiting) * (r.time - totalLast)
        totalWaiting += r.waiting - last.waiting
        if r.time >= cutoff { totalMax = max(totalMax, totalWaiting) }
        totalLast = r.time
    }

    /// The day's KPIs. Call once, after the last record.
    public func result() -> DayKPIs {
        // Time-averages are over the opening hours after the warm-up (a queue left after closing
        // still counts, spread over the same span, so that days of different overtime compare).
        let span = max(openMinutes - (cutoff - opens), 1e-9)
        func kpis(_ g: Group, queueArea: Double?, queueMax: Int32?) -> [KPI: Double?] {
            var k: [KPI: Double?] = [:]
            let a = Double(g.arrivals)
            k[.arrivals] = a
            k[.served] = Double(g.served)
            k[.reneged] = Double(g.reneged)
            k[.balked] = Double(g.balked)
            k[.noShows] = Double(g.noShows)
            k[.unserved] = Double(g.unserved)
            k[.rejected] = Double(g.rejected)
            k[.abandonedFraction] = g.arrivals > 0 ? Double(g.reneged + g.balked + g.noShows + g.unserved) / a : nil
            k[.noticeFraction] = g.served > 0 ? Double(g.notices) / Double(g.served) : nil
            k[.waitMean] = g.waits.isEmpty ? nil : Statistics.mean(g.waits)
            k[.waitP90] = Statistics.quantile(g.waits, 0.9)
            k[.serviceLevel] = g.arrivals > 0 ? Double(g.withinTarget) / a : nil
            k[.calledOverTarget] =
                g.waits.isEmpty ? nil : Double(g.waits.count - g.withinTarget) / Double(g.waits.count)
            if let queueArea { k[.queueMean] = queueArea / span }
            if let queueMax { k[.queueMax] = Double(queueMax) }
            return k
        }
        var overallK = kpis(overall, queueArea: totalArea, queueMax: totalMax)
        overallK[.overtime] = lastEnd.isFinite ? max(0, lastEnd - closes) : 0
        // Windows still closed at their last record stay closed to the end of the day.
        var closedTime = closedWindowTime
        for (w, last) in windowLast.enumerated() where last.state == .closed && catalogue.rosteredWindows[w] {
            closedTime += openOverlap(last.time, closes)
        }
        let deskTime = namedDeskTime + unnamedOpenTime
        overallK[.staffHours] = deskTime / 60
        overallK[.staffUtilisation] = deskTime > 0 ? wholeBusyArea / deskTime : nil
        overallK[.tidalOpenings] = Double(tidalOpenings)
        overallK[.tidalOpenMinutes] = tidalOpenTime
        overallK[.backOfficeMinutesLost] = backOfficeLost
        overallK[.closedWindowMinutes] = closedTime
        overallK[.guideVisits] = Double(stageVisits[0])
        overallK[.consultOnly] = Double(stageEndedThere[0])
        overallK[.referralMinutes] = referral
        overallK[.guideWaitMean] = stageVisits[0] > 0 ? stageWaits[0] / Double(stageVisits[0]) : nil
        overallK[.terminalVisits] = Double(stageVisits[1])
        overallK[.selfServed] = Double(stageEndedThere[1])
        overallK[.terminalWaitMean] = stageVisits[1] > 0 ? stageWaits[1] / Double(stageVisits[1]) : nil
        var departments: [String: [KPI: Double?]] = [:]
        for (d, id) in catalogue.departments.enumerated() {
            departments[id] = kpis(byDepartment[d], queueArea: queueArea[d], queueMax: queueMax[d])
        }
        var hours: [String: [KPI: Double?]] = [:]
        for (h, key) in zip(openHours, hourKeys) { hours[key] = kpis(byHour[h], queueArea: nil, queueMax: nil) }
        var utilisation: [String: Double?] = [:]
        for (w, name) in catalogue.windows.enumerated() {
            utilisation[name] = windowOpen[w] > 0 ? windowBusy[w] / windowOpen[w] : nil
        }
        // Hour by hour: the minutes of each reported hour after the warm-up.
        let hourMinutes = openHours.map { h -> Double in
            let start = Double((firstHour + h) * 60)
            return max(min(start + 60, max(closes, start)) - max(start, cutoff), 0)
        }
        let keys = hourKeys
        var queueByHour: [String: [String: Double?]] = [:]
        for (d, id) in catalogue.departments.enumerated() {
            var row: [String: Double?] = [:]
            for (k, (h, m)) in zip(openHours, hourMinutes).enumerated() {
                row[keys[k]] = m > 0 ? queueHourArea[d * hourCount + h] / m : nil
            }
            queueByHour[id] = row
        }
        var windowByHour: [String: [String: Double?]] = [:]
        for (w, name) in catalogue.windows.enumerated() {
            var row: [String: Double?] = [:]
            for (k, h) in openHours.enumerated() {
                let open = windowHourOpen[w * hourCount + h]
                row[keys[k]] = open > 1e-9 ? windowHourBusy[w * hourCount + h] / open : nil
            }
            windowByHour[name] = row
        }
        return DayKPIs(
            overall: overallK, departments: departments, hours: hours, windowUtilisation: utilisation,
            queueArea: wholeQueueArea, waitSum: waitSum, busyArea: wholeBusyArea, serviceSum: serviceSum,
            queueByHour: queueByHour, windowUtilisationByHour: windowByHour)
    }
}
