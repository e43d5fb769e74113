import Foundation
import HallDomain
import Yams

/// The multi-day sections of a scenario: `calendar`, `back_office`, `delivery`, `notice_return`.
extension ScenarioDecoder {
    static let weekdays = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    func date(_ node: Node, _ path: String) -> CivilDate? {
        guard let s = r.string(node, path) else { return nil }
        if let d = CivilDate(parsing: s) { return d }
        r.fail(path, "expected a date \"YYYY-MM-DD\" (quote it), got '\(s)'", at: node.mark)
        return nil
    }

    func weekday(_ node: Node, _ path: String) -> Int? {
        guard let s = r.string(node, path) else { return nil }
        if let d = Self.weekdays[s.lowercased()] { return d }
        r.fail(path, "expected a weekday (mon, tue, wed, thu, fri, sat, sun), got '\(s)'", at: node.mark)
        return nil
    }

    /// `3` or `{min: 1, max: 5}` working days.
    func workingDays(_ node: Node, _ path: String) -> WorkingDayRange? {
        if case .scalar = node { return r.int(node, path).map { WorkingDayRange($0) } }
        guard let f = r.mapping(node, path, allowed: ["min", "max"]) else { return nil }
        guard let a = f.required("min", "the fewest working days", r.int),
            let b = f.required("max", "the most working days", r.int)
        else { return nil }
        return WorkingDayRange(min: a, max: b)
    }

    func periods(_ node: Node, _ path: String) -> [HallDomain.TimeInterval]? {
        var out: [HallDomain.TimeInterval] = []
        for (n, p) in r.sequence(node, path) {
            guard let pf = r.mapping(n, p, allowed: ["open", "close"]),
                let o = pf.required("open", "a time \"HH:MM\"", r.clock),
                let c = pf.required("close", "a time \"HH:MM\"", r.clock)
            else { return nil }
            out.append(HallDomain.TimeInterval(start: o, end: c))
        }
        return out
    }

    /// The `calendar` section; the calendar file is read relative to the scenario file.
    func period(_ node: Node, _ path: String, scenarioFile: String, regular: [HallDomain.TimeInterval]?) -> Period? {
        guard let f = r.mapping(node, path, allowed: ["file", "start", "end", "days", "weekday_demand", "overrides"])
        else { return nil }
        let file = f.required("file", "the working-day calendar file, e.g. ../calendars/china.yaml", r.string)
        let start = f.required("start", "the first date \"YYYY-MM-DD\"", date)
        var end = f.optional("end", date)
        let days = f.optional("days", r.int)
        if f["end"] != nil, f["days"] != nil {
            r.fail(f.path("days"), "either end (a date) or days (open days), not both")
        }
        if f["end"] == nil, f["days"] == nil {
            r.fail(
                f.path("end"), "missing field 'end': expected the last date, or days: the number of open days",
                at: f.mark)
        }
        var weekdayDemand: [Int: Double] = [:]
        if let n = f["weekday_demand"] {
            for (key, v, p) in r.entries(n, f.path("weekday_demand")) {
                guard let d = Self.weekdays[key.lowercased()] else {
                    r.fail(p, "expected a weekday (mon, tue, wed, thu, fri, sat, sun), got '\(key)'")
                    continue
                }
                if let x = r.double(v, p) { weekdayDemand[d] = x }
            }
        }
        var overrides: [DayOverride] = []
        if let n = f["overrides"] {
            for (o, op) in r.sequence(n, f.path("overrides")) {
                guard let of = r.mapping(o, op, allowed: ["date", "weekday", "hours", "closed", "demand"]) else {
                    continue
                }
                let d = of.optional("date", date)
                let wd = of.optional("weekday", weekday)
                if (of["date"] == nil) == (of["weekday"] == nil) {
                    r.fail(of.path("date"), "exactly one of date or weekday", at: of.mark)
                }
                let closed = of.optional("closed", r.bool) ?? false
                if closed, of["hours"] != nil {
                    r.fail(of.path("hours"), "hours of a closed day: remove hours or closed")
                }
                let hours = of.optional("hours", periods)
                overrides.append(
                    DayOverride(
                        date: d, weekday: wd, action: closed ? .closed : .open(hours),
                        demand: of.optional("demand", r.double)))
            }
        }
        guard let file, let start else { return nil }
        // Resolved against the scenario file's folder, made absolute (so a scenario written elsewhere,
        // e.g. the planner's planned.yaml, still finds it).
        let dir = (scenarioFile as NSString).deletingLastPathComponent
        let relative = file.hasPrefix("/") || dir.isEmpty ? file : (dir as NSString).appendingPathComponent(file)
        let resolved = URL(fileURLWithPath: relative).standardizedFileURL.path
        let calendar: WorkingCalendar
        do { calendar = try CalendarLoader.load(path: resolved) } catch let e as ScenarioLoadError {
            let first = e.errors.first.map { " — \($0)" } ?? ""
            r.fail(
                f.path("file"), "a readable working-day calendar; \(resolved) has \(e.errors.count) problem(s)\(first)")
            return nil
        } catch {
            r.fail(f.path("file"), "a readable working-day calendar: \(error)")
            return nil
        }
        var period = Period(
            calendarFile: resolved, calendar: calendar, start: start, end: end ?? start, overrides: overrides,
            weekdayDemand: weekdayDemand)
        if let days, let regular {
            // The end is the date of the days-th open day.
            guard days >= 1 else {
                r.fail(f.path("days"), "at least 1 open day, got \(days)")
                return nil
            }
            var d = start
            var open = 0
            while true {
                guard calendar.covers(d) else {
                    r.fail(
                        f.path("days"),
                        "\(days) open days from \(start) go past the calendar's data (\(calendar.years.lowerBound)–\(calendar.years.upperBound))"
                    )
                    return nil
                }
                if (try? period.hallDay(d, regular: regular)) != nil { open += 1 }
                if open == days { break }
                d = d.adding(days: 1)
            }
            end = d
            period.end = d
        }
        return period
    }

    func backOfficeStaff(_ node: Node, _ path: String) -> [BackOfficeStaff]? {
        if case .scalar = node { return r.int(node, path).map { [BackOfficeStaff(count: $0)] } }
        var out: [BackOfficeStaff] = []
        for (n, p) in r.sequence(node, path) {
            guard let f = r.mapping(n, p, allowed: ["count", "shift"]) else { return nil }
            guard let c = f.required("count", "how many", r.int) else { return nil }
            out.append(BackOfficeStaff(count: c, shift: f.optional("shift", r.string)))
        }
        return out
    }

    func backOffice(_ node: Node, _ path: String) -> BackOfficeRules? {
        guard let f = r.mapping(node, path, allowed: ["hours", "hand_off", "pick_up", "departments", "backlog"]) else {
            return nil
        }
        var rules = BackOfficeRules(departments: [])
        if f["hours"] != nil { rules.hours = f.optional("hours", periods) }
        if let n = f["hand_off"] {
            if case .scalar = n {
                let s = r.string(n, f.path("hand_off"))
                if s == "immediate" {
                    rules.handOff = .immediate
                } else {
                    r.fail(
                        f.path("hand_off"), "immediate, or {split, same_day, next_day} times, got '\(s ?? "")'",
                        at: n.mark)
                }
            } else if let h = r.mapping(n, f.path("hand_off"), allowed: ["split", "same_day", "next_day"]),
                let a = h.required("split", "the time dividing morning from afternoon intake", r.clock),
                let b = h.required("same_day", "when morning intake reaches the back office", r.clock),
                let c = h.required("next_day", "when afternoon intake reaches it the next working day", r.clock)
            {
                rules.handOff = .cutOff(split: a, sameDayAt: b, nextDayAt: c)
            }
        }
        if let n = f["pick_up"] {
            if case .scalar = n {
                let s = r.string(n, f.path("pick_up"))
                if s == "continuous" {
                    rules.pickUp = .continuous
                } else {
                    r.fail(
                        f.path("pick_up"), "continuous, or {check_times: [\"11:00\", \"17:00\"]}, got '\(s ?? "")'",
                        at: n.mark)
                }
            } else if let pf = r.mapping(n, f.path("pick_up"), allowed: ["check_times"]),
                let times = pf.required("check_times", "times of day when staff look at new work")
            {
                rules.pickUp = .checkTimes(
                    r.sequence(times, pf.path("check_times")).compactMap { r.clock($0.node, $0.path) })
            }
        }
        if let n = f.required("departments", "the departments' back offices (reviewers, approvers, step times)") {
            for (d, dp) in r.sequence(n, f.path("departments")) {
                guard
                    let df = r.mapping(
                        d, dp,
                        allowed: ["department", "reviewers", "approvers", "review_min", "approval_min", "discipline"])
                else { continue }
                let dept = df.required("department", "a department id", r.string)
                let reviewers = df.required("reviewers", "a number, or a list of {count, shift}", backOfficeStaff)
                let approvers = df.optional("approvers", backOfficeStaff) ?? []
                let review = df.required(
                    "review_min", "working minutes of a review step (a distribution)", distribution)
                let approval = df.optional("approval_min", distribution)
                let discipline = df.optional("discipline") { r.choice($0, $1, BackOfficeDiscipline.self) } ?? .fifo
                guard let dept, let reviewers, let review else { continue }
                rules.departments.append(
                    DepartmentBackOffice(
                        department: dept, reviewers: reviewers, approvers: approvers,
                        reviewTime: review, approvalTime: approval ?? .deterministic(value: 0),
                        discipline: discipline))
            }
        }
        if let n = f["backlog"] {
            for (b, bp) in r.sequence(n, f.path("backlog")) {
                guard let bf = r.mapping(b, bp, allowed: ["item", "count", "accepted", "step"]) else { continue }
                let item = bf.required("item", "a committed item id", r.string)
                let count = bf.required("count", "how many cases", r.int)
                let accepted = bf.required("accepted", "their acceptance date \"YYYY-MM-DD\"", date)
                let step = bf.optional("step") { r.choice($0, $1, ReviewStep.self) }
                guard let item, let count, let accepted else { continue }
                rules.backlog.append(BacklogEntry(item: item, count: count, accepted: accepted, step: step))
            }
        }
        return rules
    }

    func delivery(_ node: Node, _ path: String) -> Delivery? {
        guard
            let f = r.mapping(
                node, path,
                allowed: [
                    "collect_share", "collect_item", "collect_after_working_days",
                    "archive_within_working_days",
                ])
        else { return nil }
        var d = Delivery()
        d.collectShare = f.optional("collect_share", r.double) ?? 0
        d.collectItem = f.optional("collect_item", r.string)
        d.collectAfter = f.optional("collect_after_working_days", workingDays) ?? d.collectAfter
        d.archiveWithin = f.optional("archive_within_working_days", r.int) ?? d.archiveWithin
        return d
    }

    func noticeReturn(_ node: Node, _ path: String) -> NoticeReturn? {
        guard let f = r.mapping(node, path, allowed: ["probability", "after_working_days", "incomplete_again"]) else {
            return nil
        }
        guard let p = f.required("probability", "the probability of coming back", r.double),
            let after = f.required("after_working_days", "working days later: a number or {min, max}", workingDays)
        else { return nil }
        return NoticeReturn(probability: p, after: after, incompleteAgain: f.optional("incomplete_again", r.double))
    }

    func comeBack(_ node: Node, _ path: String) -> ComeBack? {
        guard let f = r.mapping(node, path, allowed: ["probability", "after_working_days"]) else { return nil }
        guard let p = f.required("probability", "the probability of coming back", r.double),
            let after = f.required("after_working_days", "working days later: a number or {min, max}", workingDays)
        else { return nil }
        return ComeBack(probability: p, after: after)
    }

    func deferredDocuments(_ node: Node, _ path: String) -> DeferredDocuments? {
        guard
            let f = r.mapping(
                node, path,
                allowed: ["share", "supplied_after_working_days", "supplied_at_collection", "never_supplied"])
        else { return nil }
        let share = f.required(
            "share", "the share of incomplete applications accepted with a deferred document", r.double)
        let after = f.optional("supplied_after_working_days", workingDays)
        let atCollection = f.optional("supplied_at_collection", r.bool)
        guard let share else { return nil }
        if (after == nil) == (atCollection != true) {
            r.fail(
                path,
                "when the document follows: supplied_after_working_days (a number or {min, max}) or supplied_at_collection: true, one of them"
            )
            return nil
        }
        return DeferredDocuments(
            share: share, suppliedAfter: after, neverSupplied: f.optional("never_supplied", r.double) ?? 0)
    }

    func correction(_ node: Node, _ path: String) -> Correction? {
        guard
            let f = r.mapping(
                node, path, allowed: ["probability", "return_after_working_days", "never_returns", "clock"])
        else { return nil }
        let p = f.required("probability", "the share of cases whose first review asks for a correction", r.double)
        let after = f.required(
            "return_after_working_days", "working days until the applicant comes back: a number or {min, max}",
            workingDays)
        let clock = f.optional("clock") { r.choice($0, $1, CorrectionClock.self) } ?? .suspended
        guard let p, let after else { return nil }
        return Correction(
            probability: p, returnAfter: after, neverReturns: f.optional("never_returns", r.double) ?? 0, clock: clock)
    }

    func specialProcedure(_ node: Node, _ path: String) -> SpecialProcedure? {
        guard let f = r.mapping(node, path, allowed: ["name", "probability", "working_days"]) else { return nil }
        let name = f.required("name", "what it is (hearing, inspection, expert review…)", r.string)
        let days = f.required("working_days", "working days it suspends the case: a number or {min, max}", workingDays)
        guard let name, let days else { return nil }
        return SpecialProcedure(
            name: name, probability: f.optional("probability", r.double) ?? 1, minDays: days.min, maxDays: days.max)
    }
}
