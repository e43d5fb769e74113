/// A problem with a scenario: the field (as a path of the file's keys, e.g. `windows[2].departments[0]`)
/// and what was expected there.
public struct ScenarioIssue: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

extension Scenario {
    /// Every semantic problem, in file order. Paths use the scenario file's key names.
    public func validate() -> [ScenarioIssue] {
        var v = Validator()
        v.check(self)
        return v.issues
    }
}

private struct Validator {
    var issues: [ScenarioIssue] = []

    mutating func fail(_ path: String, _ message: String) { issues.append(ScenarioIssue(path: path, message: message)) }

    mutating func probability(_ path: String, _ p: Double) {
        if !(p >= 0 && p <= 1) { fail(path, "a probability between 0 and 1, got \(p)") }
    }

    mutating func distribution(_ path: String, _ d: Distribution, duration: Bool) {
        for (field, expected) in d.parameterProblems() { fail("\(path).\(field)", "expected \(expected)") }
        if duration, d.parameterProblems().isEmpty, !d.isNonNegative {
            fail(path, "a duration cannot be negative: \(d.kindName) with these parameters can give values below 0")
        }
    }

    mutating func unique(_ ids: [String], _ path: String) {
        var seen: [String: Int] = [:]
        for (i, id) in ids.enumerated() {
            if id.isEmpty { fail("\(path)[\(i)].id", "a non-empty id") }
            if let j = seen[id] { fail("\(path)[\(i)].id", "a unique id; '\(id)' is already used by \(path)[\(j)]") }
            seen[id] = seen[id] ?? i
        }
    }

    mutating func known(_ path: String, _ id: String, in ids: Set<String>, what: String) -> Bool {
        if ids.contains(id) { return true }
        let near = ids.sorted().min { editDistance($0, id) < editDistance($1, id) }
        let hint = near.map { editDistance($0, id) <= 2 ? " (did you mean '\($0)'?)" : "" } ?? ""
        fail(path, "unknown \(what) '\(id)'\(hint); expected one of: \(ids.sorted().joined(separator: ", "))")
        return false
    }

    mutating func check(_ s: Scenario) {
        if !(s.waitTargetMinutes > 0) { fail("service_level.target_wait_min", "a waiting target > 0 minutes") }
        if !(s.warmupMinutes >= 0) { fail("statistics.warmup_min", "a warm-up ≥ 0 minutes") }

        // Day.
        if s.day.periods.isEmpty { fail("day.periods", "at least one opening period") }
        for (i, p) in s.day.periods.enumerated() {
            if !(p.start < p.end) { fail("day.periods[\(i)]", "open before close, got \(p.start)–\(p.end)") }
            if i > 0, p.start < s.day.periods[i - 1].end {
                fail("day.periods[\(i)]", "periods in order and not overlapping: \(p.start)–\(p.end) overlaps \(s.day.periods[i - 1].start)–\(s.day.periods[i - 1].end)")
            }
        }
        if s.warmupMinutes > 0, s.warmupMinutes >= s.day.openMinutes {
            fail("statistics.warmup_min", "a warm-up shorter than the opening hours (\(s.day.openMinutes) min)")
        }

        // Departments and items.
        unique(s.departments.map(\.id), "departments")
        if s.departments.isEmpty { fail("departments", "at least one department") }
        let departmentIDs = Set(s.departments.map(\.id))
        unique(s.items.map(\.id), "items")
        let itemIDs = Set(s.items.map(\.id))
        for (i, item) in s.items.enumerated() {
            let p = "items[\(i)]"
            _ = known("\(p).department", item.department, in: departmentIDs, what: "department")
            distribution("\(p).service_min", item.service, duration: true)
            if let n = item.noticeService { distribution("\(p).notice_service_min", n, duration: true) }
            probability("\(p).incomplete_probability", item.incompleteProbability)
            if let l = item.legalLimitDays, l < 0 { fail("\(p).legal_limit_days", "a limit ≥ 0 working days") }
            if let c = item.committedLimitDays {
                if c < 0 { fail("\(p).committed_limit_days", "a limit ≥ 0 working days") }
                if let l = item.legalLimitDays, c > l {
                    fail("\(p).committed_limit_days", "a committed limit no longer than the legal limit (\(l) working days), got \(c)")
                }
            }
            if item.kind == .immediate, item.committedLimitDays != nil || item.legalLimitDays != nil {
                fail("\(p).kind", "committed: limits in working days apply to committed items (承诺件), not immediate ones")
            }
        }

        // Windows and who serves whom.
        unique(s.windows.map(\.id), "windows")
        if s.windows.isEmpty { fail("windows", "at least one window group") }
        for (i, w) in s.windows.enumerated() {
            let p = "windows[\(i)]"
            if w.count < 1 { fail("\(p).count", "at least 1 window, got \(w.count)") }
            switch w.kind {
            case .department where w.departments.count != 1:
                fail("\(p).departments", "exactly one department for a department window, got \(w.departments.count)")
            case .domain where w.departments.count < 2:
                fail("\(p).departments", "at least two departments for a domain window (use kind: department for one)")
            case .universal where !w.departments.isEmpty:
                fail("\(p).departments", "no department list for a universal window: it serves every department not marked own_windows_only")
            default: break
            }
            var seen = Set<String>()
            for (j, d) in w.departments.enumerated() {
                _ = known("\(p).departments[\(j)]", d, in: departmentIDs, what: "department")
                if !seen.insert(d).inserted { fail("\(p).departments[\(j)]", "each department once; '\(d)' is listed twice") }
            }
        }
        var served = Set<String>()
        for w in s.windows { served.formUnion(s.servedDepartments(w)) }
        for pr in s.proficiency {
            let p = "proficiency.\(pr.windowKind.rawValue)"
            if !(pr.defaultFactor > 0 && pr.defaultFactor.isFinite) { fail("\(p).default", "a service-time factor > 0") }
            for (d, f) in pr.byDepartment.sorted(by: { $0.key < $1.key }) {
                if known("\(p).\(d)", d, in: departmentIDs, what: "department"), !(f > 0 && f.isFinite) {
                    fail("\(p).\(d)", "a service-time factor > 0, got \(f)")
                }
            }
        }

        // Demand.
        unique(s.arrivals.map(\.id) + s.appointments.map(\.id), "arrivals")
        for (i, a) in s.arrivals.enumerated() {
            let p = "arrivals[\(i)]"
            var department: String?
            switch a.target {
            case .item(let item):
                if known("\(p).item", item, in: itemIDs, what: "item") {
                    department = s.items.first { $0.id == item }?.department
                }
            case .department(let d, let shares):
                if known("\(p).department", d, in: departmentIDs, what: "department") { department = d }
                let own = Set(s.items.filter { $0.department == d }.map(\.id))
                var total = 0.0
                for sh in shares {
                    let sp = "\(p).shares.\(sh.item)"
                    if department != nil, !own.contains(sh.item) {
                        _ = known(sp, sh.item, in: own, what: "item of department '\(d)'")
                    }
                    if !(sh.share >= 0 && sh.share <= 1) { fail(sp, "a share between 0 and 1, got \(sh.share)") }
                    total += sh.share
                }
                if shares.isEmpty { fail("\(p).shares", "at least one item share") }
                else if abs(total - 1) > 1e-6 { fail("\(p).shares", "shares summing to 1, got \(total)") }
            }
            if let d = department, !served.contains(d) {
                fail(p, "a window that serves department '\(d)': no window group does, so its tickets would never be called")
            }
            probability("\(p).priority_share", a.priorityShare)
            if a.rates.isEmpty { fail("\(p).rates", "at least one rate interval") }
            for (j, r) in a.rates.enumerated() {
                let rp = "\(p).rates[\(j)]"
                if !(r.perHour >= 0 && r.perHour.isFinite) { fail("\(rp).per_hour", "a rate ≥ 0 arrivals per hour, got \(r.perHour)") }
                if !(r.interval.start < r.interval.end) { fail(rp, "from before to, got \(r.interval.start)–\(r.interval.end)") }
                else if r.perHour > 0, !s.day.periods.contains(where: { $0.covers(r.interval) }) {
                    fail(rp, "an interval inside one opening period (\(s.day.periods.map { "\($0.start)–\($0.end)" }.joined(separator: ", "))), got \(r.interval.start)–\(r.interval.end)")
                }
                if j > 0, r.interval.overlaps(a.rates[j - 1].interval) || r.interval.start < a.rates[j - 1].interval.start {
                    fail(rp, "intervals in order and not overlapping: \(r.interval.start)–\(r.interval.end) after \(a.rates[j - 1].interval.start)–\(a.rates[j - 1].interval.end)")
                }
            }
        }
        for (i, b) in s.appointments.enumerated() {
            let p = "appointments[\(i)]"
            if known("\(p).item", b.item, in: itemIDs, what: "item"),
               let d = s.items.first(where: { $0.id == b.item })?.department, !served.contains(d) {
                fail(p, "a window that serves department '\(d)'")
            }
            if !(b.first <= b.last) { fail("\(p).last", "last slot at or after first slot") }
            if !(b.everyMinutes > 0) { fail("\(p).every_min", "a slot spacing > 0 minutes") }
            if b.perSlot < 1 { fail("\(p).per_slot", "at least 1 booking per slot") }
            probability("\(p).show_probability", b.showProbability)
            distribution("\(p).punctuality_min", b.punctuality, duration: false)
            if b.everyMinutes > 0 {
                for t in b.slotTimes where !s.day.isOpen(at: t.minutes) {
                    fail("\(p)", "slots inside opening hours; the slot at \(t) is outside"); break
                }
            }
        }

        // Behaviour.
        if let pt = s.behaviour.patience { distribution("behaviour.patience_min", pt, duration: true) }
        for (i, b) in s.behaviour.balking.enumerated() {
            if b.queueAtLeast < 0 { fail("behaviour.balking[\(i)].queue_at_least", "a queue length ≥ 0") }
            if i > 0, b.queueAtLeast <= s.behaviour.balking[i - 1].queueAtLeast {
                fail("behaviour.balking[\(i)].queue_at_least", "increasing queue lengths, got \(b.queueAtLeast) after \(s.behaviour.balking[i - 1].queueAtLeast)")
            }
            probability("behaviour.balking[\(i)].probability", b.probability)
        }
        probability("behaviour.no_show.probability", s.behaviour.noShowProbability)
        if !(s.behaviour.noShowGraceMinutes >= 0) { fail("behaviour.no_show.grace_min", "a grace time ≥ 0 minutes") }
    }
}

/// Levenshtein distance, for "did you mean" hints.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count), cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
