/// A problem with a scenario: the field (as a path of the file's keys, e.g. `windows[2].departments[0]`)
/// and what was expected there.
public struct ScenarioIssue: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

extension Scenario {
    /// Whether two clerks' hours on duty share any time (pieces touching end to start do not).
    static func overlap(_ a: [TimeInterval], _ b: [TimeInterval]) -> Bool {
        a.contains { x in b.contains { y in x.start < y.end && y.start < x.end } }
    }

    /// Every semantic problem, in file order. Paths use the scenario file's key names.
    public func validate() -> [ScenarioIssue] {
        var v = Validator()
        v.check(self)
        return v.issues
    }
}

struct Validator {
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

    mutating func unique(_ ids: [String], _ path: String, key: String = "id") {
        var seen: [String: Int] = [:]
        for (i, id) in ids.enumerated() {
            if id.isEmpty { fail("\(path)[\(i)].\(key)", "a non-empty \(key)") }
            if let j = seen[id] {
                fail("\(path)[\(i)].\(key)", "a unique \(key); '\(id)' is already used by \(path)[\(j)]")
            }
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
        guard checkBounds(s) else { return }
        if !(s.waitTargetMinutes > 0) { fail("service_level.target_wait_min", "a waiting target > 0 minutes") }
        if !(s.warmupMinutes >= 0) { fail("statistics.warmup_min", "a warm-up ≥ 0 minutes") }

        // Day.
        if s.day.periods.isEmpty { fail("day.periods", "at least one opening period") }
        for (i, p) in s.day.periods.enumerated() {
            if !(p.start < p.end) { fail("day.periods[\(i)]", "open before close, got \(p.start)–\(p.end)") }
            if i > 0, p.start < s.day.periods[i - 1].end {
                fail(
                    "day.periods[\(i)]",
                    "periods in order and not overlapping: \(p.start)–\(p.end) overlaps \(s.day.periods[i - 1].start)–\(s.day.periods[i - 1].end)"
                )
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
                    fail(
                        "\(p).committed_limit_days",
                        "a committed limit no longer than the legal limit (\(l) working days), got \(c)")
                }
            }
            if item.kind == .immediate, item.committedLimitDays != nil || item.legalLimitDays != nil {
                fail(
                    "\(p).kind", "committed: limits in working days apply to committed items (承诺件), not immediate ones")
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
                fail(
                    "\(p).departments",
                    "no department list for a universal window: it serves every department not marked own_windows_only")
            default: break
            }
            var seen = Set<String>()
            for (j, d) in w.departments.enumerated() {
                _ = known("\(p).departments[\(j)]", d, in: departmentIDs, what: "department")
                if !seen.insert(d).inserted {
                    fail("\(p).departments[\(j)]", "each department once; '\(d)' is listed twice")
                }
            }
        }
        let served = servableDepartments(s)
        for pr in s.proficiency {
            let p = "proficiency.\(pr.windowKind.rawValue)"
            if !(pr.defaultFactor > 0 && pr.defaultFactor.isFinite) {
                fail("\(p).default", "a service-time factor > 0")
            }
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
                if shares.isEmpty {
                    fail("\(p).shares", "at least one item share")
                } else if abs(total - 1) > 1e-6 {
                    fail("\(p).shares", "shares summing to 1, got \(total)")
                }
            }
            if let d = department, !served.contains(d) {
                fail(
                    p,
                    s.hasRoster
                        ? "a clerk with skill '\(d)' posted at a window that serves it (or a tidal window group for it): none is, so its tickets would never be called"
                        : "a window that serves department '\(d)': no window group does, so its tickets would never be called"
                )
            }
            probability("\(p).priority_share", a.priorityShare)
            if a.rates.isEmpty { fail("\(p).rates", "at least one rate interval") }
            for (j, r) in a.rates.enumerated() {
                let rp = "\(p).rates[\(j)]"
                if !(r.perHour >= 0 && r.perHour.isFinite) {
                    fail("\(rp).per_hour", "a rate ≥ 0 arrivals per hour, got \(r.perHour)")
                }
                if !(r.interval.start < r.interval.end) {
                    fail(rp, "from before to, got \(r.interval.start)–\(r.interval.end)")
                } else if r.perHour > 0, !s.day.periods.contains(where: { $0.covers(r.interval) }) {
                    fail(
                        rp,
                        "an interval inside one opening period (\(s.day.periods.map { "\($0.start)–\($0.end)" }.joined(separator: ", "))), got \(r.interval.start)–\(r.interval.end)"
                    )
                }
                if j > 0,
                    r.interval.overlaps(a.rates[j - 1].interval) || r.interval.start < a.rates[j - 1].interval.start
                {
                    fail(
                        rp,
                        "intervals in order and not overlapping: \(r.interval.start)–\(r.interval.end) after \(a.rates[j - 1].interval.start)–\(a.rates[j - 1].interval.end)"
                    )
                }
            }
        }
        for (i, b) in s.appointments.enumerated() {
            let p = "appointments[\(i)]"
            if known("\(p).item", b.item, in: itemIDs, what: "item"),
                let d = s.items.first(where: { $0.id == b.item })?.department, !served.contains(d)
            {
                fail(p, "a window that serves department '\(d)'")
            }
            if !(b.first <= b.last) { fail("\(p).last", "last slot at or after first slot") }
            if !(b.everyMinutes > 0 && b.everyMinutes.isFinite) {
                fail("\(p).every_min", "a finite slot spacing > 0 minutes")
            }
            if b.perSlot < 1 { fail("\(p).per_slot", "at least 1 booking per slot") }
            probability("\(p).show_probability", b.showProbability)
            distribution("\(p).punctuality_min", b.punctuality, duration: false)
            if b.everyMinutes > 0, b.everyMinutes.isFinite {
                for t in b.slotTimes where !s.day.isOpen(at: t.minutes) {
                    fail("\(p)", "slots inside opening hours; the slot at \(t) is outside")
                    break
                }
            }
        }

        checkStaffing(s, departmentIDs: departmentIDs)
        if s.calling.onTimeToleranceMinutes < 0 { fail("calling.on_time_tolerance_min", "a tolerance ≥ 0 minutes") }
        if let n = s.calling.normalPerPriority, n < 0 {
            fail("calling.normal_per_priority", "a number of normal tickets ≥ 0")
        }

        // Behaviour.
        if let pt = s.behaviour.patience { distribution("behaviour.patience_min", pt, duration: true) }
        for (i, b) in s.behaviour.balking.enumerated() {
            if b.queueAtLeast < 0 { fail("behaviour.balking[\(i)].queue_at_least", "a queue length ≥ 0") }
            if i > 0, b.queueAtLeast <= s.behaviour.balking[i - 1].queueAtLeast {
                fail(
                    "behaviour.balking[\(i)].queue_at_least",
                    "increasing queue lengths, got \(b.queueAtLeast) after \(s.behaviour.balking[i - 1].queueAtLeast)")
            }
            probability("behaviour.balking[\(i)].probability", b.probability)
        }
        probability("behaviour.no_show.probability", s.behaviour.noShowProbability)
        if !(s.behaviour.noShowGraceMinutes >= 0) { fail("behaviour.no_show.grace_min", "a grace time ≥ 0 minutes") }
        checkStages(s)
        checkCases(s, departmentIDs: departmentIDs)
    }

    /// The stages before the ticket: the guide desk and self-service terminals.
    mutating func checkStages(_ s: Scenario) {
        if let g = s.guideDesk {
            if g.staff < 1 { fail("guide_desk.staff", "at least 1 clerk, got \(g.staff)") }
            probability("guide_desk.share", g.share)
            probability("guide_desk.consult_only", g.consultOnly)
            probability("guide_desk.referred", g.referred)
            distribution("guide_desk.service_min", g.service, duration: true)
            if let d = g.referralMinutes { distribution("guide_desk.referral_back_office_min", d, duration: true) }
        }
        if let c = s.complaints {
            if known("complaints.item", c.item, in: Set(s.items.map(\.id)), what: "item"),
                s.arrivals.contains(where: { $0.id == Complaints.source })
                    || s.appointments.contains(where: { $0.id == Complaints.source })
            {
                fail(
                    "complaints",
                    "the source name '\(Complaints.source)' is taken by an arrival profile or appointment block; rename it"
                )
            }
            probability("complaints.after_failed_visit", c.afterFailedVisit)
        }
        if let t = s.selfService {
            if t.terminals < 1 { fail("self_service.terminals", "at least 1 terminal, got \(t.terminals)") }
            let ids = Set(s.items.map(\.id))
            for (id, share) in t.shares.sorted(by: { $0.key < $1.key }) {
                if known("self_service.items.\(id)", id, in: ids, what: "item") {
                    probability("self_service.items.\(id)", share)
                }
            }
            probability("self_service.fall_back", t.fallBack)
            distribution("self_service.service_min", t.service, duration: true)
        }
    }
}

extension Validator {
    /// Departments some window can serve: without a roster any window's; with one, a posted clerk's
    /// skill at a window serving it, or a tidal group's.
    func servableDepartments(_ s: Scenario) -> Set<String> {
        var out = Set<String>()
        let tidalGroups = Set(s.tidal.map(\.group))
        for w in s.windows where !s.hasRoster || tidalGroups.contains(w.id) { out.formUnion(s.servedDepartments(w)) }
        guard s.hasRoster else { return out }
        let byName = Dictionary(s.physicalWindows.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for m in s.staff {
            for post in m.posts {
                guard let w = byName[post] else { continue }
                out.formUnion(w.departments.filter { m.skills[$0] != nil })
            }
        }
        return out
    }

    mutating func checkStaffing(_ s: Scenario, departmentIDs: Set<String>) {
        let opens = s.day.opens
        let closes = s.day.closes
        unique(s.shifts.map(\.id), "shifts")
        for (i, sh) in s.shifts.enumerated() {
            let p = "shifts[\(i)]"
            if !(sh.start < sh.end) { fail(p, "start before end, got \(sh.start)–\(sh.end)") }
            if sh.start < opens || sh.end > closes {
                fail(p, "a shift inside opening hours (\(opens)–\(closes)), got \(sh.start)–\(sh.end)")
            }
            for (j, b) in sh.breaks.enumerated() {
                if !(b.start < b.end) {
                    fail("\(p).breaks[\(j)]", "from before to, got \(b.start)–\(b.end)")
                } else if !(sh.start < b.start && b.end < sh.end) {
                    fail("\(p).breaks[\(j)]", "a break inside the shift \(sh.start)–\(sh.end), got \(b.start)–\(b.end)")
                }
                if j > 0, b.start < sh.breaks[j - 1].end {
                    fail("\(p).breaks[\(j)]", "breaks in order and not overlapping")
                }
            }
        }
        if !s.staff.isEmpty, s.shifts.isEmpty { fail("shifts", "at least one shift for the staff to work") }
        let shiftIDs = Set(s.shifts.map(\.id))
        unique(s.staff.map(\.id), "staff")
        let memberIDs = Set(s.staff.flatMap(\.memberIDs))
        let windowNames = Set(s.physicalWindows.map(\.name))
        let tidalGroups = Set(s.tidal.map(\.group))
        let tidalWindowNames = Set(
            s.physicalWindows.filter { tidalGroups.contains(s.windows[$0.group].id) }.map(\.name))
        // A post is one clerk's at a time: clerks may share it only when their hours on duty do not overlap
        // (an early and a late shift at the same window, or a clerk covering another's lunch break).
        var postedBy: [String: [(clerk: String, duty: [TimeInterval])]] = [:]
        let shiftByID = Dictionary(s.shifts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let windowByName = Dictionary(s.physicalWindows.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let memberEntry = Dictionary(
            s.staff.flatMap { m in m.memberIDs.map { ($0, m) } }, uniquingKeysWith: { a, _ in a })
        for (i, m) in s.staff.enumerated() {
            let p = "staff[\(i)]"
            if m.count < 1 { fail("\(p).count", "at least 1 clerk, got \(m.count)") }
            if m.skills.isEmpty { fail("\(p).skills", "at least one department the clerk can serve") }
            for (d, f) in m.skills.sorted(by: { $0.key < $1.key }) {
                if known("\(p).skills.\(d)", d, in: departmentIDs, what: "department"), !(f > 0 && f.isFinite) {
                    fail("\(p).skills.\(d)", "a service-time factor > 0, got \(f)")
                }
            }
            _ = known("\(p).shift", m.shift, in: shiftIDs, what: "shift")
            if !m.posts.isEmpty, m.posts.count != m.count {
                fail("\(p).posts", "one post per clerk of the group (\(m.count)), got \(m.posts.count)")
            }
            for (j, post) in m.posts.enumerated() {
                let pp = m.count == 1 ? "\(p).post" : "\(p).posts[\(j)]"
                guard known(pp, post, in: windowNames, what: "window") else { continue }
                if tidalWindowNames.contains(post) {
                    fail(pp, "a window that is not tidal: tidal windows are staffed by their rule's source")
                }
                if let w = windowByName[post], !m.skills.isEmpty,
                    !w.departments.contains(where: { m.skills[$0] != nil })
                {
                    fail(
                        pp,
                        "a window the clerk can serve: '\(post)' serves \(w.departments.joined(separator: ", ")), the clerk's skills are \(m.skills.keys.sorted().joined(separator: ", "))"
                    )
                }
                let duty = shiftByID[m.shift]?.duty ?? []
                let me = m.memberIDs[min(j, m.memberIDs.count - 1)]
                if let other = postedBy[post, default: []].first(where: { Scenario.overlap($0.duty, duty) }) {
                    fail(
                        pp,
                        "one clerk per post at a time; '\(post)' is already \(other.clerk)'s post during this clerk's shift (a post is shared only by shifts that do not overlap)"
                    )
                }
                postedBy[post, default: []].append((me, duty))
            }
            if let b = m.backup {
                if m.count != 1 {
                    fail(
                        "\(p).backup",
                        "a B post for a single clerk (count 1); give each clerk of a group their own entry")
                }
                if m.memberIDs.contains(b) {
                    fail("\(p).backup", "another clerk as B post: '\(b)' is this clerk")
                } else if known("\(p).backup", b, in: memberIDs, what: "clerk"), let post = m.posts.first,
                    let w = windowByName[post],
                    let bm = memberEntry[b], !w.departments.contains(where: { bm.skills[$0] != nil })
                {
                    fail(
                        "\(p).backup",
                        "a B who can serve the post '\(post)' (\(w.departments.joined(separator: ", "))); '\(b)' has skills \(bm.skills.keys.sorted().joined(separator: ", "))"
                    )
                }
            }
            probability("\(p).absence_probability", m.absenceProbability)
        }

        unique(s.tidal.map(\.id), "tidal")
        var governed = Set<String>()
        for (i, r) in s.tidal.enumerated() {
            let p = "tidal[\(i)]"
            guard let g = s.windows.first(where: { $0.id == r.group }) else {
                _ = known("\(p).group", r.group, in: Set(s.windows.map(\.id)), what: "window group")
                continue
            }
            if !governed.insert(r.group).inserted {
                fail("\(p).group", "one tidal rule per window group; '\(r.group)' already has one")
            }
            if !(r.openAt > 0 && r.openAt.isFinite) { fail("\(p).open_when", "a threshold > 0") }
            if !(r.closeBelow >= 0) {
                fail("\(p).close_when.below", "a threshold ≥ 0")
            } else if r.closeBelow >= r.openAt {
                fail(
                    "\(p).close_when.below",
                    "a close threshold below the open threshold (\(r.openAt)) so windows do not flap, got \(r.closeBelow)"
                )
            }
            if !(r.closeAfterMinutes >= 0) { fail("\(p).close_when.for_min", "minutes ≥ 0") }
            if !(r.walkOverMinutes >= 0) { fail("\(p).walk_over_min", "minutes ≥ 0") }
            if !(r.minOpenMinutes >= 0) { fail("\(p).min_open_min", "minutes ≥ 0") }
            if let m = r.maxOpen, m < 1 || m > g.count {
                fail("\(p).max_open", "between 1 and the group's \(g.count) windows, got \(m)")
            }
            switch r.source {
            case .pool(let n):
                if n < 1 { fail("\(p).staff_from.pool", "a pool of at least 1 clerk") }
            case .backOffice(let d, let n):
                if known("\(p).staff_from.back_office", d, in: departmentIDs, what: "department"),
                    !s.servedDepartments(g).contains(d)
                {
                    fail(
                        "\(p).staff_from.back_office",
                        "a department the tidal windows serve (\(s.servedDepartments(g).joined(separator: ", "))), got '\(d)'"
                    )
                }
                if n < 1 { fail("\(p).staff_from.max", "at least 1 clerk") }
            }
        }
    }
}

extension Validator {
    mutating func workingDayRange(_ path: String, _ r: WorkingDayRange, least: Int) {
        if r.min < least { fail("\(path).min", "at least \(least) working day\(least == 1 ? "" : "s"), got \(r.min)") }
        if r.max < r.min { fail("\(path).max", "a maximum ≥ the minimum (\(r.min)), got \(r.max)") }
    }

    /// Cases over days: items' review, the back office, delivery, returns and the run's dates.
    mutating func checkCases(_ s: Scenario, departmentIDs: Set<String>) {
        let itemByID = Dictionary(s.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, item) in s.items.enumerated() {
            let p = "items[\(i)]"
            var seen = Set([item.department])
            for (k, d) in item.joint.enumerated() {
                guard known("\(p).joint[\(k)]", d, in: departmentIDs, what: "department") else { continue }
                if !seen.insert(d).inserted {
                    fail("\(p).joint[\(k)]", "each department once, and not the item's own ('\(d)' repeats)")
                }
            }
            if item.kind == .immediate, !item.joint.isEmpty {
                fail("\(p).joint", "joint review applies to committed items only")
            }
            if item.reviewDepth == .special, item.special == nil {
                fail("\(p).special", "review_depth special needs its procedure: {name, probability, working_days}")
            }
            probability("\(p).online_share", item.onlineShare)
            probability("\(p).rejected_share", item.rejectedShare)
            probability("\(p).refused_share", item.refusedShare)
            let immediate = item.kind == .immediate
            /// Outcomes of the back office's work apply to committed items only.
            func committedOnly(_ key: String, _ what: String) {
                fail("\(p).\(key)", "\(what): committed items only (an immediate item is decided at the window)")
            }
            if immediate, item.refusedShare > 0 { committedOnly("refused_share", "a share of back-office decisions") }
            if let d = item.deferred {
                probability("\(p).deferred_documents.share", d.share)
                probability("\(p).deferred_documents.never_supplied", d.neverSupplied)
                if let a = d.suppliedAfter {
                    workingDayRange("\(p).deferred_documents.supplied_after_working_days", a, least: 1)
                }
                if immediate {
                    committedOnly("deferred_documents", "a case the back office decides")
                } else if item.incompleteProbability == 0 {
                    fail(
                        "\(p).deferred_documents",
                        "incomplete applications to accept: set incomplete_probability above 0 (the share of applications missing a document)"
                    )
                }
            }
            if let c = item.correction {
                probability("\(p).correction.probability", c.probability)
                probability("\(p).correction.never_returns", c.neverReturns)
                workingDayRange("\(p).correction.return_after_working_days", c.returnAfter, least: 1)
                if immediate { committedOnly("correction", "a request from the back office's review") }
            }
            if let sp = item.special {
                if item.reviewDepth != .special {
                    fail("\(p).review_depth", "special: a special procedure goes with review_depth special")
                }
                probability("\(p).special.probability", sp.probability)
                workingDayRange(
                    "\(p).special.working_days", WorkingDayRange(min: sp.minDays, max: sp.maxDays), least: 1)
            }
        }
        let multiDay = s.period != nil
        if !multiDay {
            if s.backOffice != nil {
                fail(
                    "back_office",
                    "a back office needs a run over dates: add a calendar section (file, start, end or days)")
            }
            if s.noticeReturn != nil {
                fail("notice_return", "returns happen on later days: add a calendar section (file, start, end or days)")
            }
            if s.delivery.collectShare > 0 {
                fail("delivery.collect_share", "collection happens on later days: add a calendar section")
            }
            if s.comeBack != nil {
                fail(
                    "come_back", "coming back happens on later days: add a calendar section (file, start, end or days)")
            }
            for (i, item) in s.items.enumerated() {
                for (key, set) in [
                    ("rejected_share", item.rejectedShare > 0), ("refused_share", item.refusedShare > 0),
                    ("deferred_documents", item.deferred != nil), ("correction", item.correction != nil),
                ] where set {
                    fail(
                        "items[\(i)].\(key)",
                        "outcomes of cases over days: add a calendar section (file, start, end or days)")
                }
            }
        }
        // Delivery and returns.
        probability("delivery.collect_share", s.delivery.collectShare)
        workingDayRange("delivery.collect_after_working_days", s.delivery.collectAfter, least: 1)
        if s.delivery.archiveWithin < 0 { fail("delivery.archive_within_working_days", "≥ 0 working days") }
        if let c = s.delivery.collectItem, known("delivery.collect_item", c, in: Set(itemByID.keys), what: "item"),
            itemByID[c]?.kind != .immediate
        {
            fail(
                "delivery.collect_item",
                "an immediate item (collecting a result is done on the spot), got committed item '\(c)'")
        }
        if let c = s.comeBack {
            probability("come_back.probability", c.probability)
            workingDayRange("come_back.after_working_days", c.after, least: 1)
        }
        if let nr = s.noticeReturn {
            probability("notice_return.probability", nr.probability)
            workingDayRange("notice_return.after_working_days", nr.after, least: 1)
            if let q = nr.incompleteAgain { probability("notice_return.incomplete_again", q) }
        }

        // The back office.
        var office: [String: DepartmentBackOffice] = [:]
        if let bo = s.backOffice {
            unique(bo.departments.map(\.department), "back_office.departments", key: "department")
            let shiftIDs = Set(s.shifts.map(\.id))
            for (i, d) in bo.departments.enumerated() {
                let p = "back_office.departments[\(i)]"
                if known("\(p).department", d.department, in: departmentIDs, what: "department") {
                    office[d.department] = d
                }
                for (role, groups) in [("reviewers", d.reviewers), ("approvers", d.approvers)] {
                    for (k, g) in groups.enumerated() {
                        if g.count < 0 { fail("\(p).\(role)", "a number of staff ≥ 0, got \(g.count)") }
                        if let sh = g.shift { _ = known("\(p).\(role)[\(k)].shift", sh, in: shiftIDs, what: "shift") }
                    }
                }
                if d.reviewers.reduce(0, { $0 + $1.count }) < 1 { fail("\(p).reviewers", "at least 1 reviewer") }
                distribution("\(p).review_min", d.reviewTime, duration: true)
                distribution("\(p).approval_min", d.approvalTime, duration: true)
            }
            if let hours = bo.hours {
                if hours.isEmpty { fail("back_office.hours", "at least one working period") }
                for (i, h) in hours.enumerated() where !(h.start < h.end) || (i > 0 && h.start < hours[i - 1].end) {
                    fail(
                        "back_office.hours[\(i)]",
                        "periods in order, each opening before it closes, got \(h.start)–\(h.end)")
                }
            }
            if case .cutOff(let split, let same, _) = bo.handOff, same < split {
                fail(
                    "back_office.hand_off.same_day",
                    "a time after the split (\(split)): morning intake arrives later that day, got \(same)")
            }
            if case .checkTimes(let times) = bo.pickUp {
                if times.isEmpty {
                    fail("back_office.pick_up.check_times", "at least one check time, or pick_up: continuous")
                }
                for i in times.indices.dropFirst() where times[i] <= times[i - 1] {
                    fail(
                        "back_office.pick_up.check_times[\(i)]",
                        "times in increasing order, got \(times[i]) after \(times[i - 1])")
                }
            }
            for (i, b) in bo.backlog.enumerated() {
                let p = "back_office.backlog[\(i)]"
                if b.count < 0 { fail("\(p).count", "a number of cases ≥ 0, got \(b.count)") }
                guard known("\(p).item", b.item, in: Set(itemByID.keys), what: "item"), let item = itemByID[b.item]
                else { continue }
                if item.kind != .committed {
                    fail("\(p).item", "a committed item (only those are reviewed), got immediate item '\(b.item)'")
                }
                if let step = b.step, !ReviewStep.steps(for: item.reviewDepth ?? .oneStep).contains(step) {
                    fail(
                        "\(p).step",
                        "one of the item's steps (\(ReviewStep.steps(for: item.reviewDepth ?? .oneStep).map(\.rawValue).joined(separator: ", "))), got \(step.rawValue)"
                    )
                }
                if let period = s.period, b.accepted > period.start {
                    fail("\(p).accepted", "a date on or before the run's start (\(period.start)), got \(b.accepted)")
                }
            }
        }
        if multiDay {
            for (i, item) in s.items.enumerated() where item.kind == .committed {
                let p = "items[\(i)]"
                if item.limitDays == nil {
                    fail(
                        "\(p).committed_limit_days",
                        "a committed (or legal) limit in working days: cases are held to it")
                }
                let steps = ReviewStep.steps(for: item.reviewDepth ?? .oneStep)
                for d in item.reviewingDepartments where departmentIDs.contains(d) {
                    guard let o = office[d] else {
                        fail(
                            "\(p).department",
                            "a back office for '\(d)', which reviews this committed item: add it under back_office.departments"
                        )
                        continue
                    }
                    if steps.contains(where: \.byApprovers), o.approvers.reduce(0, { $0 + $1.count }) < 1 {
                        fail(
                            "\(p).review_depth",
                            "approvers in the back office of '\(d)' for a depth with approval (\(item.reviewDepth?.rawValue ?? "")); add approvers there"
                        )
                    }
                }
            }
        }
        if let period = s.period { checkPeriod(s, period, items: s.items) }
    }

    mutating func checkPeriod(_ s: Scenario, _ period: Period, items: [ServiceItem]) {
        let cal = period.calendar
        let range = "\(cal.years.lowerBound)–\(cal.years.upperBound)"
        if !cal.covers(period.start) {
            fail("calendar.start", "a date inside the calendar's data (\(range)), got \(period.start)")
        }
        if !cal.covers(period.end) {
            fail("calendar.end", "a date inside the calendar's data (\(range)), got \(period.end)")
        }
        if period.end < period.start {
            fail("calendar.end", "a date on or after the start (\(period.start)), got \(period.end)")
        }
        for (i, o) in period.overrides.enumerated() {
            // Overrides outside the run are allowed (a shorter run of the same hall) but must be real dates
            // of the calendar.
            if let d = o.date, !cal.covers(d) {
                fail("calendar.overrides[\(i)].date", "a date inside the calendar's data (\(range)), got \(d)")
            }
            if let f = o.demand, !(f >= 0) {
                fail("calendar.overrides[\(i)].demand", "a demand multiplier ≥ 0, got \(f)")
            }
            if case .open(let hours?) = o.action {
                if hours.isEmpty {
                    fail("calendar.overrides[\(i)].hours", "at least one opening period, or closed: true")
                }
                for (k, h) in hours.enumerated() where !(h.start < h.end) || (k > 0 && h.start < hours[k - 1].end) {
                    fail(
                        "calendar.overrides[\(i)].hours[\(k)]",
                        "periods in order, each opening before it closes, got \(h.start)–\(h.end)")
                }
            }
        }
        for (d, f) in period.weekdayDemand.sorted(by: { $0.key < $1.key }) where !(f >= 0) {
            fail("calendar.weekday_demand", "demand multipliers ≥ 0, got \(f) for weekday \(d)")
        }
        for (i, b) in (s.backOffice?.backlog ?? []).enumerated() where !cal.covers(b.accepted) {
            fail(
                "back_office.backlog[\(i)].accepted", "a date inside the calendar's data (\(range)), got \(b.accepted)")
        }
        // Deadlines of cases accepted on the last day must be countable on the calendar.
        guard cal.covers(period.end), period.start <= period.end else { return }
        let longest =
            items.filter { $0.kind == .committed }.map { ($0.limitDays ?? 0) + ($0.special?.maxDays ?? 0) }.max() ?? 0
        let margin = max(longest, s.delivery.archiveWithin + s.delivery.collectAfter.max)
        if (try? cal.deadline(acceptance: period.end, workingDays: margin)) == nil {
            fail(
                "calendar.end",
                "a last date whose deadlines the calendar can count: \(margin) working days after \(period.end) (the longest limit plus special procedures) go past its data (\(range)); add the next year's notice or end earlier"
            )
        }
    }
}

/// Levenshtein distance, for "did you mean" hints.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a)
    let y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
