import Foundation
import HallDomain
import Yams

/// Reads scenario files (YAML). The format is documented in docs/scenario-format.md.
public enum ScenarioLoader {
    /// Loads and validates a scenario file; throws `ScenarioLoadError` listing every problem found.
    public static func load(path: String, overrides: [ScenarioOverride] = []) throws -> Scenario {
        try loadWithWarnings(path: path, overrides: overrides).scenario
    }

    /// Loads and validates a scenario file, with the warnings about values that are allowed but
    /// implausible (`Scenario.warnings()`), positioned like errors.
    public static func loadWithWarnings(path: String, overrides: [ScenarioOverride] = []) throws -> (
        scenario: Scenario, warnings: [ScenarioError]
    ) {
        let text = try SourceText.read(path: path, what: "scenario")
        return try parseWithWarnings(yaml: text, file: path, overrides: overrides)
    }

    /// Parses and validates scenario text; `file` names it in error messages.
    public static func parse(yaml: String, file: String, overrides: [ScenarioOverride] = []) throws -> Scenario {
        try parseWithWarnings(yaml: yaml, file: file, overrides: overrides).scenario
    }

    /// `parse`, with the scenario's warnings.
    public static func parseWithWarnings(yaml: String, file: String, overrides: [ScenarioOverride] = []) throws
        -> (scenario: Scenario, warnings: [ScenarioError])
    {
        var root: Node
        if let e = YAMLBudget.check(yaml, file: file) { throw ScenarioLoadError([e]) }
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ScenarioLoadError([
                    ScenarioError(
                        file: file, line: 1, column: 1, path: "",
                        message: "the file is empty; expected a scenario mapping")
                ])
            }
            root = node
        } catch let e as ScenarioLoadError {
            throw e
        } catch let e as YamlError {
            throw ScenarioLoadError([yamlSyntaxError(e, file: file)])
        }
        if let e = FileKind.mismatch(root, file: file, expected: .scenario) { throw ScenarioLoadError([e]) }
        for o in overrides {
            switch o.apply(to: root) {
            case .success(let n): root = n
            case .failure(let problem):
                throw ScenarioLoadError([
                    ScenarioError(
                        file: file, line: nil, column: nil, path: o.path, message: "cannot set it: \(problem.why)")
                ])
            }
        }
        let reader = NodeReader(file: file)
        let decoded = ScenarioDecoder(reader).scenario(root)
        // Semantic checks run whenever the structure could be read (an unknown key, say, does not stop
        // them), so one pass reports every problem.
        for issue in decoded?.validate() ?? [] { reader.fail(issue.path, issue.message) }
        guard reader.errors.isEmpty, let scenario = decoded else {
            throw ScenarioLoadError(reader.errors.sorted(by: positionOrder))
        }
        for w in scenario.warnings() { reader.fail(w.path, w.message) }
        return (
            scenario,
            reader.errors.map { e in
                var w = e
                w.message = "warning: " + e.message
                return w
            }
        )
    }

    private static func positionOrder(_ a: ScenarioError, _ b: ScenarioError) -> Bool {
        (a.line ?? 0, a.column ?? 0) < (b.line ?? 0, b.column ?? 0)
    }

    static func yamlSyntaxError(_ e: YamlError, file: String) -> ScenarioError {
        switch e {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { " \($0.text)" } ?? ""
            return ScenarioError(
                file: file, line: mark.line, column: mark.column, path: "", message: "YAML syntax: \(problem)\(ctx)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ScenarioError(
                file: file, line: context.mark.line, column: context.mark.column, path: "",
                message: "duplicate keys in a mapping: \(duplicates.joined(separator: ", "))")
        default:
            return ScenarioError(file: file, line: nil, column: nil, path: "", message: "YAML: \(e)")
        }
    }
}

/// Turns the YAML tree into domain values. Structural problems (wrong types, unknown or missing keys)
/// are reported here; semantic ones by `Scenario.validate()`.
struct ScenarioDecoder {
    let r: NodeReader
    init(_ r: NodeReader) { self.r = r }

    func scenario(_ root: Node) -> Scenario? {
        guard
            let f = r.mapping(
                root, "",
                allowed: [
                    "name", "description", "service_level", "statistics", "day", "departments",
                    "items", "arrivals", "appointments", "windows", "proficiency",
                    "behaviour", "calling", "routing", "shifts", "staff", "tidal",
                    "calendar", "back_office", "delivery", "notice_return", "come_back", "guide_desk",
                    "self_service", "complaints",
                ])
        else { return nil }
        let name = f.required("name", "the hall's name", r.string)
        let description = f.optional("description", r.string) ?? ""
        var target = 15.0
        if let n = f["service_level"], let sl = r.mapping(n, f.path("service_level"), allowed: ["target_wait_min"]) {
            target =
                sl.required("target_wait_min", "minutes within which a ticket should be called", r.double) ?? target
        }
        var warmup = 0.0
        if let n = f["statistics"], let st = r.mapping(n, f.path("statistics"), allowed: ["warmup_min"]) {
            warmup = st.optional("warmup_min", r.double) ?? 0
        }
        let day = f.required("day", "opening periods").flatMap { daySchedule($0, f.path("day")) }
        let departments = list(f, "departments", required: true, department)
        let items = list(f, "items", required: true, item)
        let arrivals = list(f, "arrivals", required: true, arrivalProfile)
        let appointments = list(f, "appointments", required: false, appointmentBlock)
        let windows = list(f, "windows", required: true, windowGroup)
        let proficiency = f["proficiency"].map { proficiencies($0, f.path("proficiency")) } ?? []
        let behaviour = f["behaviour"].flatMap { readBehaviour($0, f.path("behaviour")) } ?? Behaviour()
        let calling = f["calling"].flatMap { callingSpec($0, f.path("calling")) } ?? CallingSpec()
        let shifts = list(f, "shifts", required: false, shift)
        let staff = list(f, "staff", required: false, staffMember)
        let tidal = list(f, "tidal", required: false, tidalRule)
        let routing = f.optional("routing") { r.choice($0, $1, RoutingRule.self) } ?? .specialistFirst
        let runPeriod = f["calendar"].flatMap {
            self.period($0, f.path("calendar"), scenarioFile: r.file, regular: day?.periods)
        }
        let office = f.optional("back_office", self.backOffice)
        let results = f.optional("delivery", self.delivery) ?? Delivery()
        let returns = f.optional("notice_return", self.noticeReturn)
        let comeBack = f.optional("come_back", self.comeBack)
        let guideDesk = f.optional("guide_desk", self.guideDesk)
        let selfService = f.optional("self_service", self.selfService)
        let complaints = f.optional("complaints") { node, path -> Complaints? in
            guard let c = r.mapping(node, path, allowed: ["item", "after_failed_visit"]) else { return nil }
            let item = c.required("item", "the complaints window's item id", r.string)
            let share = c.required(
                "after_failed_visit", "the share of failed visits that go on to the complaints window", r.double)
            guard let item, let share else { return nil }
            return Complaints(item: item, afterFailedVisit: share)
        }
        if f["calendar"] != nil, runPeriod == nil { return nil }
        guard let name, let day, let departments, let items, let arrivals, let windows, let shifts, let staff, let tidal
        else { return nil }
        return Scenario(
            name: name, description: description, waitTargetMinutes: target, warmupMinutes: warmup, day: day,
            departments: departments, items: items, arrivals: arrivals, appointments: appointments ?? [],
            windows: windows, proficiency: proficiency, behaviour: behaviour, calling: calling, routing: routing,
            shifts: shifts, staff: staff, tidal: tidal, period: runPeriod, backOffice: office, delivery: results,
            noticeReturn: returns, comeBack: comeBack, guideDesk: guideDesk, selfService: selfService,
            complaints: complaints)
    }

    func guideDesk(_ node: Node, _ path: String) -> GuideDesk? {
        guard
            let f = r.mapping(
                node, path,
                allowed: ["staff", "share", "service_min", "consult_only", "referred", "referral_back_office_min"])
        else { return nil }
        let staff = f.required("staff", "clerks at the desk", r.int)
        let share = f.required("share", "the share of arriving applicants who stop at the desk first", r.double)
        let service = f.required("service_min", "a service-time distribution in minutes", distribution)
        let consult = f.required("consult_only", "the share of them who only consult and leave", r.double)
        guard let staff, let share, let service, let consult else { return nil }
        return GuideDesk(
            staff: staff, share: share, service: service, consultOnly: consult,
            referred: f.optional("referred", r.double) ?? 0,
            referralMinutes: f.optional("referral_back_office_min", distribution))
    }

    func selfService(_ node: Node, _ path: String) -> SelfService? {
        guard let f = r.mapping(node, path, allowed: ["terminals", "items", "service_min", "fall_back"]) else {
            return nil
        }
        let terminals = f.required("terminals", "the number of terminals", r.int)
        let shares = f.required(
            "items", "item ids with the share of their applicants who try a terminal first, e.g. {tax-invoice: 0.3}"
        ).map { n in
            Dictionary(
                r.entries(n, f.path("items")).compactMap { k, v, p in r.double(v, p).map { (k, $0) } },
                uniquingKeysWith: { a, _ in a })
        }
        let service = f.required("service_min", "a service-time distribution in minutes", distribution)
        let fallBack = f.required("fall_back", "the share who cannot finish and take a ticket", r.double)
        guard let terminals, let shares, let service, let fallBack else { return nil }
        return SelfService(terminals: terminals, shares: shares, service: service, fallBack: fallBack)
    }

    /// A list field whose elements are read by `element`; nil when any element failed.
    private func list<T>(_ f: Fields, _ key: String, required: Bool, _ element: (Node, String) -> T?) -> [T]? {
        guard let node = required ? f.required(key, "a list") : f[key] else { return required ? nil : [] }
        var out: [T] = []
        var ok = true
        for (n, p) in r.sequence(node, f.path(key)) {
            if let v = element(n, p) { out.append(v) } else { ok = false }
        }
        return ok ? out : nil
    }

    func daySchedule(_ node: Node, _ path: String) -> DaySchedule? {
        guard let f = r.mapping(node, path, allowed: ["periods", "at_break"]) else { return nil }
        let periods = list(f, "periods", required: true) { n, p -> HallDomain.TimeInterval? in
            guard let pf = r.mapping(n, p, allowed: ["open", "close"]) else { return nil }
            guard let o = pf.required("open", "a time \"HH:MM\"", r.clock),
                let c = pf.required("close", "a time \"HH:MM\"", r.clock)
            else { return nil }
            return HallDomain.TimeInterval(start: o, end: c)
        }
        let atBreak = f.optional("at_break") { r.choice($0, $1, BreakRule.self) } ?? .serveIssued
        return periods.map { DaySchedule(periods: $0, atBreak: atBreak) }
    }

    func department(_ node: Node, _ path: String) -> Department? {
        guard let f = r.mapping(node, path, allowed: ["id", "name", "own_windows_only"]) else { return nil }
        guard let id = f.required("id", "a department id", r.string) else { return nil }
        return Department(
            id: id, name: f.optional("name", r.string), ownWindowsOnly: f.optional("own_windows_only", r.bool) ?? false)
    }

    func item(_ node: Node, _ path: String) -> ServiceItem? {
        guard
            let f = r.mapping(
                node, path,
                allowed: [
                    "id", "name", "department", "kind", "service_min", "notice_service_min",
                    "incomplete_probability", "legal_limit_days", "committed_limit_days",
                    "review_depth", "joint", "special", "rejected_share", "refused_share", "deferred_documents",
                    "correction", "online_share",
                ])
        else { return nil }
        let id = f.required("id", "an item id", r.string)
        let department = f.required("department", "the id of the department the item belongs to", r.string)
        let kind = f.required("kind", "immediate or committed") { r.choice($0, $1, ItemKind.self) }
        let service = f.required("service_min", "a service-time distribution in minutes", distribution)
        let notice = f.optional("notice_service_min", distribution)
        guard let id, let department, let kind, let service else { return nil }
        return ServiceItem(
            id: id, name: f.optional("name", r.string), department: department, kind: kind, service: service,
            noticeService: notice, incompleteProbability: f.optional("incomplete_probability", r.double) ?? 0,
            legalLimitDays: f.optional("legal_limit_days", r.int),
            committedLimitDays: f.optional("committed_limit_days", r.int),
            reviewDepth: f.optional("review_depth") { r.choice($0, $1, ReviewDepth.self) },
            joint: f["joint"].map { n in r.sequence(n, f.path("joint")).compactMap { r.string($0.node, $0.path) } }
                ?? [],
            special: f.optional("special", specialProcedure),
            rejectedShare: f.optional("rejected_share", r.double) ?? 0,
            refusedShare: f.optional("refused_share", r.double) ?? 0,
            deferred: f.optional("deferred_documents", deferredDocuments),
            correction: f.optional("correction", correction),
            onlineShare: f.optional("online_share", r.double) ?? 0)
    }

    func arrivalProfile(_ node: Node, _ path: String) -> ArrivalProfile? {
        guard let f = r.mapping(node, path, allowed: ["id", "item", "department", "shares", "rates", "priority_share"])
        else { return nil }
        let id = f.required("id", "a profile id", r.string)
        var target: ArrivalTarget?
        switch (f["item"], f["department"]) {
        case (.some, .some):
            r.fail(f.path("department"), "either item or department (with shares), not both")
        case (.some, nil):
            if f["shares"] != nil { r.fail(f.path("shares"), "shares only with department, not with a single item") }
            target = f.optional("item", r.string).map { .item($0) }
        case (nil, .some):
            let d = f.optional("department", r.string)
            let shares = f.required("shares", "item shares summing to 1, e.g. {item-a: 0.7, item-b: 0.3}").map { n in
                r.entries(n, f.path("shares")).compactMap { k, v, p in
                    r.double(v, p).map { ItemShare(item: k, share: $0) }
                }
            }
            if let d, let shares { target = .department(d, shares: shares) }
        case (nil, nil):
            r.fail(f.path("item"), "missing field: expected item (one item) or department with shares", at: f.mark)
        }
        let rates = list(f, "rates", required: true) { n, p -> RateInterval? in
            guard let rf = r.mapping(n, p, allowed: ["from", "to", "per_hour"]) else { return nil }
            guard let a = rf.required("from", "a time \"HH:MM\"", r.clock),
                let b = rf.required("to", "a time \"HH:MM\"", r.clock),
                let rate = rf.required("per_hour", "arrivals per hour", r.double)
            else { return nil }
            return RateInterval(from: a, to: b, perHour: rate)
        }
        guard let id, let target, let rates else { return nil }
        return ArrivalProfile(
            id: id, target: target, rates: rates, priorityShare: f.optional("priority_share", r.double) ?? 0)
    }

    func appointmentBlock(_ node: Node, _ path: String) -> AppointmentBlock? {
        guard
            let f = r.mapping(
                node, path,
                allowed: [
                    "id", "item", "first", "last", "every_min", "per_slot", "show_probability",
                    "punctuality_min",
                ])
        else { return nil }
        let id = f.required("id", "a block id", r.string)
        let item = f.required("item", "the item booked", r.string)
        let first = f.required("first", "the first slot \"HH:MM\"", r.clock)
        let last = f.required("last", "the last slot \"HH:MM\"", r.clock)
        let every = f.required("every_min", "minutes between slots", r.double)
        let perSlot = f.required("per_slot", "bookings per slot", r.int)
        guard let id, let item, let first, let last, let every, let perSlot else { return nil }
        return AppointmentBlock(
            id: id, item: item, first: first, last: last, everyMinutes: every, perSlot: perSlot,
            showProbability: f.optional("show_probability", r.double) ?? 1,
            punctuality: f.optional("punctuality_min", distribution) ?? .deterministic(value: 0))
    }

    func windowGroup(_ node: Node, _ path: String) -> WindowGroup? {
        guard let f = r.mapping(node, path, allowed: ["id", "kind", "departments", "count"]) else { return nil }
        let id = f.required("id", "a window group id", r.string)
        let kind = f.required("kind", "department, domain or universal") { r.choice($0, $1, WindowKind.self) }
        let departments =
            f["departments"].map { n in r.sequence(n, f.path("departments")).compactMap { r.string($0.node, $0.path) } }
            ?? []
        let count = f.optional("count", r.int) ?? 1
        guard let id, let kind else { return nil }
        return WindowGroup(id: id, kind: kind, departments: departments, count: count)
    }

    func proficiencies(_ node: Node, _ path: String) -> [Proficiency] {
        guard let f = r.mapping(node, path, allowed: WindowKind.allCases.map(\.rawValue)) else { return [] }
        return WindowKind.allCases.compactMap { kind -> Proficiency? in
            guard let n = f[kind.rawValue] else { return nil }
            var p = Proficiency(windowKind: kind)
            for (key, v, vp) in r.entries(n, f.path(kind.rawValue)) {
                guard let factor = r.double(v, vp) else { continue }
                if key == "default" { p.defaultFactor = factor } else { p.byDepartment[key] = factor }
            }
            return p
        }
    }

    func readBehaviour(_ node: Node, _ path: String) -> Behaviour? {
        guard let f = r.mapping(node, path, allowed: ["patience_min", "balking", "no_show"]) else { return nil }
        var b = Behaviour()
        b.patience = f.optional("patience_min", distribution)
        b.balking =
            list(f, "balking", required: false) { n, p -> BalkStep? in
                guard let bf = r.mapping(n, p, allowed: ["queue_at_least", "probability"]) else { return nil }
                guard let q = bf.required("queue_at_least", "a queue length", r.int),
                    let pr = bf.required("probability", "a probability", r.double)
                else { return nil }
                return BalkStep(queueAtLeast: q, probability: pr)
            } ?? []
        if let n = f["no_show"], let nf = r.mapping(n, f.path("no_show"), allowed: ["probability", "grace_min"]) {
            b.noShowProbability = nf.required("probability", "a probability", r.double) ?? 0
            b.noShowGraceMinutes = nf.optional("grace_min", r.double) ?? 0
        }
        return b
    }

    /// `calling: fifo`, or a mapping with the rule and its options.
    func callingSpec(_ node: Node, _ path: String) -> CallingSpec? {
        if case .scalar = node { return r.choice(node, path, CallingRule.self).map { CallingSpec(rule: $0) } }
        guard
            let f = r.mapping(
                node, path, allowed: ["rule", "appointments_first", "on_time_tolerance_min", "normal_per_priority"])
        else { return nil }
        var c = CallingSpec()
        c.rule = f.optional("rule") { r.choice($0, $1, CallingRule.self) } ?? .fifo
        c.appointmentsFirst = f.optional("appointments_first", r.bool) ?? false
        c.onTimeToleranceMinutes = f.optional("on_time_tolerance_min", r.double) ?? c.onTimeToleranceMinutes
        c.normalPerPriority = f.optional("normal_per_priority", r.int)
        return c
    }

    func interval(_ node: Node, _ path: String) -> HallDomain.TimeInterval? {
        guard let f = r.mapping(node, path, allowed: ["from", "to"]) else { return nil }
        guard let a = f.required("from", "a time \"HH:MM\"", r.clock),
            let b = f.required("to", "a time \"HH:MM\"", r.clock)
        else { return nil }
        return HallDomain.TimeInterval(start: a, end: b)
    }

    func shift(_ node: Node, _ path: String) -> Shift? {
        guard let f = r.mapping(node, path, allowed: ["id", "start", "end", "breaks"]) else { return nil }
        let id = f.required("id", "a shift id", r.string)
        let start = f.required("start", "a time \"HH:MM\"", r.clock)
        let end = f.required("end", "a time \"HH:MM\"", r.clock)
        let breaks = list(f, "breaks", required: false, interval)
        guard let id, let start, let end, let breaks else { return nil }
        return Shift(id: id, start: start, end: end, breaks: breaks)
    }

    func staffMember(_ node: Node, _ path: String) -> StaffMember? {
        guard
            let f = r.mapping(
                node, path,
                allowed: [
                    "id", "name", "count", "skills", "shift", "post", "posts", "backup",
                    "absence_probability",
                ])
        else { return nil }
        let id = f.required("id", "a clerk id", r.string)
        let skills = f.required("skills", "departments with service-time factors, e.g. {tax: 1.0, hrss: 1.3}").map {
            n in
            Dictionary(
                r.entries(n, f.path("skills")).compactMap { k, v, p in r.double(v, p).map { (k, $0) } },
                uniquingKeysWith: { a, _ in a })
        }
        let shift = f.required("shift", "the id of the clerk's shift", r.string)
        var posts: [String] = []
        if f["post"] != nil, f["posts"] != nil {
            r.fail(f.path("posts"), "either post (one clerk) or posts (a group), not both")
        }
        if let p = f.optional("post", r.string) { posts = [p] }
        if let n = f["posts"] { posts = r.sequence(n, f.path("posts")).compactMap { r.string($0.node, $0.path) } }
        guard let id, let skills, let shift else { return nil }
        return StaffMember(
            id: id, name: f.optional("name", r.string), count: f.optional("count", r.int) ?? 1, skills: skills,
            shift: shift, posts: posts, backup: f.optional("backup", r.string),
            absenceProbability: f.optional("absence_probability", r.double) ?? 0)
    }

    func tidalRule(_ node: Node, _ path: String) -> TidalRule? {
        guard
            let f = r.mapping(
                node, path,
                allowed: [
                    "id", "group", "open_when", "close_when", "walk_over_min", "min_open_min",
                    "max_open", "staff_from",
                ])
        else { return nil }
        let id = f.required("id", "a rule id", r.string)
        let group = f.required("group", "the id of the tidal window group", r.string)
        var measure: TidalMeasure?
        var openAt: Double?
        if let n = f.required("open_when", "one measure and its threshold, e.g. {queue_length: 15}") {
            let entries = r.entries(n, f.path("open_when"))
            if entries.count != 1 {
                r.fail(
                    f.path("open_when"),
                    "exactly one of \(TidalMeasure.allCases.map(\.rawValue).joined(separator: ", "))")
            } else if let m = TidalMeasure(rawValue: entries[0].key) {
                measure = m
                openAt = r.double(entries[0].node, entries[0].path)
            } else {
                r.fail(
                    entries[0].path,
                    "expected one of \(TidalMeasure.allCases.map(\.rawValue).joined(separator: ", ")), got '\(entries[0].key)'"
                )
            }
        }
        var below: Double?
        var forMin: Double?
        if let n = f.required("close_when", "{below: threshold, for_min: minutes}"),
            let c = r.mapping(n, f.path("close_when"), allowed: ["below", "for_min"])
        {
            below = c.required("below", "the lower threshold (same measure)", r.double)
            forMin = c.optional("for_min", r.double) ?? 0
        }
        var source: TidalSource?
        if let n = f.required("staff_from", "{pool: N} or {back_office: department, max: N}"),
            let s = r.mapping(n, f.path("staff_from"), allowed: ["pool", "back_office", "max"])
        {
            switch (s["pool"], s["back_office"]) {
            case (.some, nil):
                if s["max"] != nil { r.fail(s.path("max"), "max goes with back_office; a pool's size is its number") }
                source = s.optional("pool", r.int).map { .pool(size: $0) }
            case (nil, .some):
                if let d = s.optional("back_office", r.string),
                    let m = s.required("max", "the most clerks the back office lends at once", r.int)
                {
                    source = .backOffice(department: d, max: m)
                }
            default:
                r.fail(f.path("staff_from"), "exactly one of pool or back_office", at: s.mark)
            }
        }
        guard let id, let group, let measure, let openAt, let below, let forMin, let source else { return nil }
        return TidalRule(
            id: id, group: group, measure: measure, openAt: openAt, closeBelow: below, closeAfterMinutes: forMin,
            walkOverMinutes: f.optional("walk_over_min", r.double) ?? 0,
            minOpenMinutes: f.optional("min_open_min", r.double) ?? 0,
            maxOpen: f.optional("max_open", r.int), source: source)
    }

    /// `{dist: lognormal, mean: 8, cv: 0.5}`, or a bare number for a deterministic value.
    func distribution(_ node: Node, _ path: String) -> Distribution? {
        if case .scalar = node { return r.double(node, path).map { .deterministic(value: $0) } }
        let keys = ["dist", "mean", "cv", "sd", "value", "min", "mode", "max", "values"]
        guard let f = r.mapping(node, path, allowed: keys) else { return nil }
        guard let kind = f.required("dist", "one of \(Distribution.kinds.joined(separator: ", "))", r.string) else {
            return nil
        }
        let needs: [String]
        switch kind {
        case "exponential": needs = ["mean"]
        case "lognormal", "gamma": needs = ["mean", "cv"]
        case "deterministic": needs = ["value"]
        case "uniform": needs = ["min", "max"]
        case "triangular": needs = ["min", "mode", "max"]
        case "normal": needs = ["mean", "sd"]
        case "empirical": needs = ["values"]
        default:
            r.fail(f.path("dist"), "expected one of \(Distribution.kinds.joined(separator: ", ")), got '\(kind)'")
            return nil
        }
        for (key, _) in f.pairs where key != "dist" && !needs.contains(key) {
            r.fail(
                f.path(key),
                "'\(key)' does not belong to a \(kind) distribution; expected \(needs.joined(separator: ", "))")
        }
        if kind == "empirical" {
            guard let n = f.required("values", "a list of observed values") else { return nil }
            let seq = r.sequence(n, f.path("values"))
            let values = seq.compactMap { r.double($0.node, $0.path) }
            return values.count == seq.count ? .empirical(values: values) : nil
        }
        var v: [String: Double] = [:]
        for key in needs { if let x = f.required(key, "a number", r.double) { v[key] = x } }
        guard v.count == needs.count else { return nil }
        switch kind {
        case "exponential": return .exponential(mean: v["mean"]!)
        case "lognormal": return .lognormal(mean: v["mean"]!, cv: v["cv"]!)
        case "gamma": return .gamma(mean: v["mean"]!, cv: v["cv"]!)
        case "deterministic": return .deterministic(value: v["value"]!)
        case "uniform": return .uniform(min: v["min"]!, max: v["max"]!)
        case "triangular": return .triangular(min: v["min"]!, mode: v["mode"]!, max: v["max"]!)
        default: return .normal(mean: v["mean"]!, sd: v["sd"]!)
        }
    }
}
