import Foundation
import HallDomain

/// Writes a scenario as YAML that `ScenarioLoader` reads back to an equal `Scenario` (used for the
/// planner's planned.yaml). Every field is written explicitly, in the order of docs/scenario-format.md.
public enum ScenarioWriter {
    /// `folder`: where the file will live; the calendar is then referred to by a path relative to it,
    /// so that the folder can be moved or shared with the calendar beside it.
    public static func yaml(_ s: Scenario, relativeTo folder: String? = nil) -> String {
        var out = ""
        func line(_ text: String, _ indent: Int = 0) { out += String(repeating: " ", count: indent) + text + "\n" }
        line("name: \(q(s.name))")
        if !s.description.isEmpty { line("description: \(q(s.description))") }
        line("service_level: {target_wait_min: \(n(s.waitTargetMinutes))}")
        line("statistics: {warmup_min: \(n(s.warmupMinutes))}")
        line("day:")
        line("periods:", 2)
        for p in s.day.periods { line("- {open: \(t(p.start)), close: \(t(p.end))}", 4) }
        line("at_break: \(s.day.atBreak.rawValue)", 2)
        line("departments:")
        for d in s.departments {
            line("- {id: \(q(d.id)), name: \(q(d.name)), own_windows_only: \(d.ownWindowsOnly)}", 2)
        }
        line("items:")
        for i in s.items {
            var f = [
                "id: \(q(i.id))", "name: \(q(i.name))", "department: \(q(i.department))", "kind: \(i.kind.rawValue)",
                "service_min: \(dist(i.service))",
            ]
            if let d = i.noticeService { f.append("notice_service_min: \(dist(d))") }
            f.append("incomplete_probability: \(n(i.incompleteProbability))")
            if let v = i.legalLimitDays { f.append("legal_limit_days: \(v)") }
            if let v = i.committedLimitDays { f.append("committed_limit_days: \(v)") }
            if let v = i.reviewDepth { f.append("review_depth: \(v.rawValue)") }
            if !i.joint.isEmpty { f.append("joint: [\(i.joint.map(q).joined(separator: ", "))]") }
            if let sp = i.special {
                f.append(
                    "special: {name: \(q(sp.name)), probability: \(n(sp.probability)), working_days: {min: \(sp.minDays), max: \(sp.maxDays)}}"
                )
            }
            if i.rejectedShare > 0 { f.append("rejected_share: \(n(i.rejectedShare))") }
            if i.onlineShare > 0 { f.append("online_share: \(n(i.onlineShare))") }
            if i.refusedShare > 0 { f.append("refused_share: \(n(i.refusedShare))") }
            if let d = i.deferred {
                let when =
                    d.suppliedAfter.map { "supplied_after_working_days: \(days($0))" } ?? "supplied_at_collection: true"
                f.append("deferred_documents: {share: \(n(d.share)), \(when), never_supplied: \(n(d.neverSupplied))}")
            }
            if let c = i.correction {
                f.append(
                    "correction: {probability: \(n(c.probability)), return_after_working_days: \(days(c.returnAfter)), never_returns: \(n(c.neverReturns)), clock: \(c.clock.rawValue)}"
                )
            }
            line("- {\(f.joined(separator: ", "))}", 2)
        }
        line("arrivals:")
        for a in s.arrivals {
            line("- id: \(q(a.id))", 2)
            switch a.target {
            case .item(let i): line("item: \(q(i))", 4)
            case .department(let d, let shares):
                line("department: \(q(d))", 4)
                line("shares: {\(shares.map { "\(q($0.item)): \(n($0.share))" }.joined(separator: ", "))}", 4)
            }
            line("priority_share: \(n(a.priorityShare))", 4)
            line("rates:", 4)
            for r in a.rates {
                line("- {from: \(t(r.interval.start)), to: \(t(r.interval.end)), per_hour: \(n(r.perHour))}", 6)
            }
        }
        if !s.appointments.isEmpty {
            line("appointments:")
            for b in s.appointments {
                line(
                    "- {id: \(q(b.id)), item: \(q(b.item)), first: \(t(b.first)), last: \(t(b.last)), every_min: \(n(b.everyMinutes)), "
                        + "per_slot: \(b.perSlot), show_probability: \(n(b.showProbability)), punctuality_min: \(dist(b.punctuality))}",
                    2)
            }
        }
        line("windows:")
        for w in s.windows {
            let deps = w.departments.isEmpty ? "" : ", departments: [\(w.departments.map(q).joined(separator: ", "))]"
            line("- {id: \(q(w.id)), kind: \(w.kind.rawValue)\(deps), count: \(w.count)}", 2)
        }
        if !s.proficiency.isEmpty {
            line("proficiency:")
            for p in s.proficiency {
                let f =
                    ["default: \(n(p.defaultFactor))"]
                    + p.byDepartment.sorted { $0.key < $1.key }.map { "\(q($0.key)): \(n($0.value))" }
                line("\(p.windowKind.rawValue): {\(f.joined(separator: ", "))}", 2)
            }
        }
        line("behaviour:")
        if let p = s.behaviour.patience { line("patience_min: \(dist(p))", 2) }
        if !s.behaviour.balking.isEmpty {
            line("balking:", 2)
            for b in s.behaviour.balking {
                line("- {queue_at_least: \(b.queueAtLeast), probability: \(n(b.probability))}", 4)
            }
        }
        line(
            "no_show: {probability: \(n(s.behaviour.noShowProbability)), grace_min: \(n(s.behaviour.noShowGraceMinutes))}",
            2)
        var c = [
            "rule: \(s.calling.rule.rawValue)", "appointments_first: \(s.calling.appointmentsFirst)",
            "on_time_tolerance_min: \(n(s.calling.onTimeToleranceMinutes))",
        ]
        if let k = s.calling.normalPerPriority { c.append("normal_per_priority: \(k)") }
        line("calling: {\(c.joined(separator: ", "))}")
        line("routing: \(s.routing.rawValue)")
        if !s.shifts.isEmpty {
            line("shifts:")
            for sh in s.shifts {
                let breaks = sh.breaks.map { "{from: \(t($0.start)), to: \(t($0.end))}" }.joined(separator: ", ")
                line("- {id: \(q(sh.id)), start: \(t(sh.start)), end: \(t(sh.end)), breaks: [\(breaks)]}", 2)
            }
        }
        if !s.staff.isEmpty {
            line("staff:")
            for m in s.staff {
                var f = [
                    "id: \(q(m.id))", "name: \(q(m.name))", "count: \(m.count)",
                    "skills: {\(m.skills.sorted { $0.key < $1.key }.map { "\(q($0.key)): \(n($0.value))" }.joined(separator: ", "))}",
                    "shift: \(q(m.shift))", "posts: [\(m.posts.map(q).joined(separator: ", "))]",
                ]
                if let b = m.backup { f.append("backup: \(q(b))") }
                f.append("absence_probability: \(n(m.absenceProbability))")
                line("- {\(f.joined(separator: ", "))}", 2)
            }
        }
        if !s.tidal.isEmpty {
            line("tidal:")
            for r in s.tidal {
                var f = [
                    "id: \(q(r.id))", "group: \(q(r.group))", "open_when: {\(r.measure.rawValue): \(n(r.openAt))}",
                    "close_when: {below: \(n(r.closeBelow)), for_min: \(n(r.closeAfterMinutes))}",
                    "walk_over_min: \(n(r.walkOverMinutes))", "min_open_min: \(n(r.minOpenMinutes))",
                ]
                if let m = r.maxOpen { f.append("max_open: \(m)") }
                switch r.source {
                case .pool(let k): f.append("staff_from: {pool: \(k)}")
                case .backOffice(let d, let m): f.append("staff_from: {back_office: \(q(d)), max: \(m)}")
                }
                line("- {\(f.joined(separator: ", "))}", 2)
            }
        }
        writeCases(s, folder: folder, line)
        return out
    }

    /// The path of `file` as seen from `folder` ("../calendars/china.yaml"); both made absolute first.
    public static func relativePath(from folder: String, to file: String) -> String {
        func parts(_ p: String) -> [String] {
            URL(fileURLWithPath: p).standardizedFileURL.path.split(separator: "/").map(String.init)
        }
        let a = parts(folder)
        let b = parts(file)
        var common = 0
        while common < a.count && common < b.count - 1 && a[common] == b[common] { common += 1 }
        return (Array(repeating: "..", count: a.count - common) + b[common...]).joined(separator: "/")
    }

    static func periods(_ ps: [HallDomain.TimeInterval]) -> String {
        "[\(ps.map { "{open: \(t($0.start)), close: \(t($0.end))}" }.joined(separator: ", "))]"
    }
    static func days(_ r: WorkingDayRange) -> String { "{min: \(r.min), max: \(r.max)}" }

    /// The multi-day sections: calendar, back office, returns, delivery.
    static func writeCases(_ s: Scenario, folder: String?, _ line: (String, Int) -> Void) {
        let weekdays = ["", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        if let p = s.period {
            line("calendar:", 0)
            line("file: \(q(folder.map { relativePath(from: $0, to: p.calendarFile) } ?? p.calendarFile))", 2)
            line("start: \(q(p.start.description))", 2)
            line("end: \(q(p.end.description))", 2)
            if !p.weekdayDemand.isEmpty {
                line(
                    "weekday_demand: {\(p.weekdayDemand.sorted { $0.key < $1.key }.map { "\(weekdays[$0.key]): \(n($0.value))" }.joined(separator: ", "))}",
                    2)
            }
            if !p.overrides.isEmpty {
                line("overrides:", 2)
                for o in p.overrides {
                    var f: [String] = []
                    if let d = o.date { f.append("date: \(q(d.description))") }
                    if let w = o.weekday { f.append("weekday: \(weekdays[w])") }
                    switch o.action {
                    case .closed: f.append("closed: true")
                    case .open(let hours?): f.append("hours: \(periods(hours))")
                    case .open(nil): break
                    }
                    if let k = o.demand { f.append("demand: \(n(k))") }
                    line("- {\(f.joined(separator: ", "))}", 4)
                }
            }
        }
        if let bo = s.backOffice {
            line("back_office:", 0)
            if let h = bo.hours { line("hours: \(periods(h))", 2) }
            switch bo.handOff {
            case .immediate: line("hand_off: immediate", 2)
            case .cutOff(let a, let b, let c):
                line("hand_off: {split: \(t(a)), same_day: \(t(b)), next_day: \(t(c))}", 2)
            }
            switch bo.pickUp {
            case .continuous: line("pick_up: continuous", 2)
            case .checkTimes(let ts): line("pick_up: {check_times: [\(ts.map(t).joined(separator: ", "))]}", 2)
            }
            func staff(_ g: [BackOfficeStaff]) -> String {
                "[\(g.map { "{count: \($0.count)\($0.shift.map { ", shift: \(q($0))" } ?? "")}" }.joined(separator: ", "))]"
            }
            line("departments:", 2)
            for d in bo.departments {
                line(
                    "- {department: \(q(d.department)), reviewers: \(staff(d.reviewers)), approvers: \(staff(d.approvers)), "
                        + "review_min: \(dist(d.reviewTime)), approval_min: \(dist(d.approvalTime)), discipline: \(d.discipline.rawValue)}",
                    4)
            }
            if !bo.backlog.isEmpty {
                line("backlog:", 2)
                for b in bo.backlog {
                    line(
                        "- {item: \(q(b.item)), count: \(b.count), accepted: \(q(b.accepted.description))\(b.step.map { ", step: \($0.rawValue)" } ?? "")}",
                        4)
                }
            }
        }
        if let r = s.noticeReturn {
            line(
                "notice_return: {probability: \(n(r.probability)), after_working_days: \(days(r.after))\(r.incompleteAgain.map { ", incomplete_again: \(n($0))" } ?? "")}",
                0)
        }
        if let g = s.guideDesk {
            line(
                "guide_desk: {staff: \(g.staff), share: \(n(g.share)), service_min: \(dist(g.service)), consult_only: \(n(g.consultOnly)), referred: \(n(g.referred))\(g.referralMinutes.map { ", referral_back_office_min: \(dist($0))" } ?? "")}",
                0)
        }
        if let c = s.complaints {
            line("complaints: {item: \(q(c.item)), after_failed_visit: \(n(c.afterFailedVisit))}", 0)
        }
        if let t = s.selfService {
            let items = t.shares.keys.sorted().map { "\(q($0)): \(n(t.shares[$0]!))" }.joined(separator: ", ")
            line(
                "self_service: {terminals: \(t.terminals), items: {\(items)}, service_min: \(dist(t.service)), fall_back: \(n(t.fallBack))}",
                0)
        }
        if let c = s.comeBack {
            line("come_back: {probability: \(n(c.probability)), after_working_days: \(days(c.after))}", 0)
        }
        let d = s.delivery
        line(
            "delivery: {collect_share: \(n(d.collectShare))\(d.collectItem.map { ", collect_item: \(q($0))" } ?? ""), "
                + "collect_after_working_days: \(days(d.collectAfter)), archive_within_working_days: \(d.archiveWithin)}",
            0)
    }

    /// A double-quoted YAML string (JSON escapes are valid YAML escapes).
    static func q(_ s: String) -> String {
        let data = try! JSONEncoder().encode(s)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }
    /// A number that reads back to the same Double.
    static func n(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
    static func t(_ c: ClockTime) -> String { "\"\(ClockTime.format(c.minutes))\"" }

    static func dist(_ d: Distribution) -> String {
        switch d {
        case .exponential(let m): "{dist: exponential, mean: \(n(m))}"
        case .lognormal(let m, let cv): "{dist: lognormal, mean: \(n(m)), cv: \(n(cv))}"
        case .gamma(let m, let cv): "{dist: gamma, mean: \(n(m)), cv: \(n(cv))}"
        case .deterministic(let v): "{dist: deterministic, value: \(n(v))}"
        case .uniform(let a, let b): "{dist: uniform, min: \(n(a)), max: \(n(b))}"
        case .triangular(let a, let c, let b): "{dist: triangular, min: \(n(a)), mode: \(n(c)), max: \(n(b))}"
        case .normal(let m, let sd): "{dist: normal, mean: \(n(m)), sd: \(n(sd))}"
        case .empirical(let v): "{dist: empirical, values: [\(v.map(n).joined(separator: ", "))]}"
        }
    }
}
