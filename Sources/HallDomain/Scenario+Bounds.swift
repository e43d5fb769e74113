/// Bounds on sizes a scenario may describe (docs/scenario-format.md, "Limits"). Beyond them a run would
/// need memory or time out of proportion to any hall, or arithmetic would overflow or lose precision;
/// they are errors at validation. Values within bounds but implausible are warnings.
public enum ScenarioBounds {
    /// Walk-ins per hour of one rate interval, and expected applicants per day over all profiles.
    public static let maxRatePerHour = 10_000.0
    public static let maxArrivalsPerDay = 1_000_000.0
    /// Mean of a duration distribution (minutes), and its coefficient of variation.
    public static let maxMeanMinutes = 1_000_000.0
    public static let maxCV = 20.0
    /// Values of an empirical distribution.
    public static let maxEmpiricalValues = 100_000
    /// Windows of one group, windows in all, clerks of one staff entry, clerks in all.
    public static let maxWindowsPerGroup = 1000
    public static let maxWindows = 10_000
    public static let maxStaffPerEntry = 1000
    public static let maxStaff = 10_000
    /// Appointment slots of one block, and bookings per slot.
    public static let maxSlots = 100_000
    public static let maxPerSlot = 10_000
    /// Any count in working days (limits, special procedures, returns, collection, archiving), and the
    /// length of a run over dates in calendar days.
    public static let maxWorkingDays = 3650
    public static let maxRunDays = 3660
    /// Back-office staff of one group, and cases of one backlog entry.
    public static let maxBackOfficeStaff = 10_000
    public static let maxBacklog = 1_000_000
    /// Demand multipliers of the calendar, and service-time factors (proficiency, skills).
    public static let maxFactor = 100.0
    /// A mean service time above this is reported as a warning (longer than a working day).
    public static let plausibleServiceMinutes = 480.0
}

extension Scenario {
    /// Implausible values that are not errors: a service mean longer than a working day, windows no clerk
    /// is posted at in a rostered hall (they stay closed all day).
    public func warnings() -> [ScenarioIssue] {
        var out: [ScenarioIssue] = []
        for (i, item) in items.enumerated() {
            for (key, d) in [("service_min", item.service), ("notice_service_min", item.noticeService)] {
                guard let d, d.mean > ScenarioBounds.plausibleServiceMinutes else { continue }
                out.append(
                    ScenarioIssue(
                        path: "items[\(i)].\(key)",
                        message:
                            "a mean service time of \(format(d.mean)) minutes is longer than a working day "
                            + "(\(Int(ScenarioBounds.plausibleServiceMinutes)) min): service times are in minutes, was it typed in seconds?"
                    ))
            }
        }
        if hasRoster, windows.reduce(0, { $0 + max($1.count, 0) }) <= ScenarioBounds.maxWindows {
            let posted = Set(staff.flatMap(\.posts))
            let tidalGroups = Set(tidal.map(\.group))
            var unstaffed: [Int: [String]] = [:]
            for w in physicalWindows where !posted.contains(w.name) && !tidalGroups.contains(windows[w.group].id) {
                unstaffed[w.group, default: []].append(w.name)
            }
            for (g, names) in unstaffed.sorted(by: { $0.key < $1.key }) {
                out.append(
                    ScenarioIssue(
                        path: "windows[\(g)]",
                        message:
                            "no clerk is posted at \(names.count == 1 ? "window" : "windows") "
                            + "\(names.joined(separator: ", ")): \(names.count == 1 ? "it stays" : "they stay") "
                            + "closed all day (add it to a clerk's posts, or lower count)"))
            }
        }
        return out
    }

    private func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

extension Validator {
    /// Size bounds, checked before anything that allocates per window, clerk or day. False if one failed:
    /// the remaining checks could then allocate or overflow, so they are skipped.
    mutating func checkBounds(_ s: Scenario) -> Bool {
        let before = issues.count
        typealias B = ScenarioBounds
        func days(_ path: String, _ v: Int) {
            if !(-B.maxWorkingDays...B.maxWorkingDays).contains(v) {  // not abs: abs(Int.min) traps
                fail(path, "at most \(B.maxWorkingDays) working days (ten years), got \(v)")
            }
        }
        func duration(_ path: String, _ d: Distribution) {
            if case .empirical(let v) = d, v.count > B.maxEmpiricalValues {
                fail(path, "at most \(B.maxEmpiricalValues) values, got \(v.count)")
                return
            }
            let m = d.mean
            if abs(m) > B.maxMeanMinutes || !m.isFinite {
                fail(path, "a mean of at most \(Int(B.maxMeanMinutes)) minutes, got \(m)")
                return
            }
            let cv: Double
            switch d {
            case .lognormal(_, let c), .gamma(_, let c): cv = c
            default: cv = m > 0 ? d.variance.squareRoot() / m : 0
            }
            if cv > B.maxCV || !cv.isFinite {
                fail(path, "a coefficient of variation (sd / mean) of at most \(Int(B.maxCV)), got \(cv)")
            }
        }
        var windowTotal = 0
        for (i, w) in s.windows.enumerated() {
            if w.count > B.maxWindowsPerGroup {
                fail("windows[\(i)].count", "at most \(B.maxWindowsPerGroup) windows in a group, got \(w.count)")
            }
            windowTotal += min(max(w.count, 0), B.maxWindowsPerGroup + 1)
        }
        if windowTotal > B.maxWindows { fail("windows", "at most \(B.maxWindows) windows in all, got \(windowTotal)") }
        var staffTotal = 0
        for (i, m) in s.staff.enumerated() {
            if m.count > B.maxStaffPerEntry {
                fail("staff[\(i)].count", "at most \(B.maxStaffPerEntry) clerks in one entry, got \(m.count)")
            }
            staffTotal += min(max(m.count, 0), B.maxStaffPerEntry + 1)
            for (d, f) in m.skills.sorted(by: { $0.key < $1.key }) where f > B.maxFactor {
                fail("staff[\(i)].skills.\(d)", "a service-time factor of at most \(Int(B.maxFactor)), got \(f)")
            }
        }
        if staffTotal > B.maxStaff { fail("staff", "at most \(B.maxStaff) clerks in all, got \(staffTotal)") }
        for pr in s.proficiency {
            let p = "proficiency.\(pr.windowKind.rawValue)"
            if pr.defaultFactor > B.maxFactor {
                fail("\(p).default", "a service-time factor of at most \(Int(B.maxFactor)), got \(pr.defaultFactor)")
            }
            for (d, f) in pr.byDepartment.sorted(by: { $0.key < $1.key }) where f > B.maxFactor {
                fail("\(p).\(d)", "a service-time factor of at most \(Int(B.maxFactor)), got \(f)")
            }
        }
        for (i, item) in s.items.enumerated() {
            let p = "items[\(i)]"
            duration("\(p).service_min", item.service)
            if let n = item.noticeService { duration("\(p).notice_service_min", n) }
            if let l = item.legalLimitDays { days("\(p).legal_limit_days", l) }
            if let c = item.committedLimitDays { days("\(p).committed_limit_days", c) }
            if let sp = item.special {
                days("\(p).special.working_days.min", sp.minDays)
                days("\(p).special.working_days.max", sp.maxDays)
            }
        }
        var perDay = 0.0
        for (i, a) in s.arrivals.enumerated() {
            for (j, r) in a.rates.enumerated() {
                if r.perHour > B.maxRatePerHour {
                    fail(
                        "arrivals[\(i)].rates[\(j)].per_hour",
                        "at most \(Int(B.maxRatePerHour)) arrivals per hour, got \(r.perHour)")
                } else if r.perHour > 0, r.interval.start < r.interval.end {
                    perDay += r.perHour * r.interval.lengthMinutes / 60
                }
            }
        }
        if perDay > B.maxArrivalsPerDay {
            fail("arrivals", "at most \(Int(B.maxArrivalsPerDay)) expected applicants a day in all, got \(Int(perDay))")
        }
        for (i, b) in s.appointments.enumerated() {
            let p = "appointments[\(i)]"
            if b.perSlot > B.maxPerSlot {
                fail("\(p).per_slot", "at most \(B.maxPerSlot) bookings a slot, got \(b.perSlot)")
            }
            if b.everyMinutes > 0, b.first <= b.last {
                let slots = (b.last.minutes - b.first.minutes) / b.everyMinutes + 1
                if slots > Double(B.maxSlots) {
                    fail("\(p).every_min", "at most \(B.maxSlots) slots a day, got \(Int(slots)) at this spacing")
                }
            } else if b.everyMinutes > 0, !(b.everyMinutes >= 0.01) {
                fail("\(p).every_min", "a slot spacing of at least 0.01 minutes, got \(b.everyMinutes)")
            }
        }
        if let pt = s.behaviour.patience { duration("behaviour.patience_min", pt) }
        if s.behaviour.noShowGraceMinutes > 1440 {
            fail("behaviour.no_show.grace_min", "at most 1440 minutes, got \(s.behaviour.noShowGraceMinutes)")
        }
        if s.calling.onTimeToleranceMinutes > 1440 {
            fail("calling.on_time_tolerance_min", "at most 1440 minutes, got \(s.calling.onTimeToleranceMinutes)")
        }
        days("delivery.collect_after_working_days.min", s.delivery.collectAfter.min)
        days("delivery.collect_after_working_days.max", s.delivery.collectAfter.max)
        days("delivery.archive_within_working_days", s.delivery.archiveWithin)
        if let nr = s.noticeReturn {
            days("notice_return.after_working_days.min", nr.after.min)
            days("notice_return.after_working_days.max", nr.after.max)
        }
        if let g = s.guideDesk {
            if g.staff > B.maxBackOfficeStaff {
                fail("guide_desk.staff", "at most \(B.maxBackOfficeStaff) clerks, got \(g.staff)")
            }
            duration("guide_desk.service_min", g.service)
            if let d = g.referralMinutes { duration("guide_desk.referral_back_office_min", d) }
        }
        if let t = s.selfService {
            if t.terminals > B.maxBackOfficeStaff {
                fail("self_service.terminals", "at most \(B.maxBackOfficeStaff) terminals, got \(t.terminals)")
            }
            duration("self_service.service_min", t.service)
        }
        if let c = s.comeBack {
            days("come_back.after_working_days.min", c.after.min)
            days("come_back.after_working_days.max", c.after.max)
        }
        for (i, item) in s.items.enumerated() {
            if let a = item.deferred?.suppliedAfter {
                days("items[\(i)].deferred_documents.supplied_after_working_days.min", a.min)
                days("items[\(i)].deferred_documents.supplied_after_working_days.max", a.max)
            }
            if let c = item.correction {
                days("items[\(i)].correction.return_after_working_days.min", c.returnAfter.min)
                days("items[\(i)].correction.return_after_working_days.max", c.returnAfter.max)
            }
        }
        if let bo = s.backOffice {
            for (i, d) in bo.departments.enumerated() {
                let p = "back_office.departments[\(i)]"
                for (role, groups) in [("reviewers", d.reviewers), ("approvers", d.approvers)] {
                    for (k, g) in groups.enumerated() where g.count > B.maxBackOfficeStaff {
                        fail("\(p).\(role)[\(k)]", "at most \(B.maxBackOfficeStaff) staff, got \(g.count)")
                    }
                }
                duration("\(p).review_min", d.reviewTime)
                duration("\(p).approval_min", d.approvalTime)
            }
            for (i, b) in bo.backlog.enumerated() where b.count > B.maxBacklog {
                fail("back_office.backlog[\(i)].count", "at most \(B.maxBacklog) cases, got \(b.count)")
            }
        }
        if let period = s.period {
            let length = period.end.ordinal - period.start.ordinal
            if length > B.maxRunDays {
                fail("calendar.end", "a run of at most \(B.maxRunDays) days, got \(length) days from \(period.start)")
            }
            for (i, o) in period.overrides.enumerated() {
                if let f = o.demand, f > B.maxFactor {
                    fail(
                        "calendar.overrides[\(i)].demand",
                        "a demand multiplier of at most \(Int(B.maxFactor)), got \(f)")
                }
            }
            for (d, f) in period.weekdayDemand.sorted(by: { $0.key < $1.key }) where f > B.maxFactor {
                fail(
                    "calendar.weekday_demand",
                    "demand multipliers of at most \(Int(B.maxFactor)), got \(f) for weekday \(d)")
            }
        }
        return issues.count == before
    }
}
