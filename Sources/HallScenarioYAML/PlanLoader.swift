import Foundation
import HallDomain
import Yams

/// Reads plan files (docs/planner.md): a base scenario file and what to plan for it. A plain scenario
/// file is accepted too and planned with the defaults.
public enum PlanLoader {
    /// Bounds of plan-file values (docs/planner.md): beyond them a plan would take unbounded time or is
    /// surely a typo (a percentage written where a share or factor is meant).
    public static let maxWaitMinutes = 1440.0
    public static let maxIntervalMinutes = 240.0
    public static let maxReplications = 10_000
    public static let maxSlowdown = 5.0
    public static let maxRounds = 1000
    public static let maxStaff = 10_000
    public static let maxDemandScale = 100.0

    /// The file a planned day is written to: its name with anything but letters, digits and '-' as '_'.
    public static func plannedDayFile(_ name: String) -> String {
        "planned-\(String(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })).yaml"
    }

    public static func load(path: String) throws -> (scenario: Scenario, spec: PlanningSpec) {
        let text = try SourceText.read(path: path, what: "plan")
        let root = try NodeReader.root(
            yaml: text, file: path, expected: "a plan (scenario, days, shift_types…) or a scenario")
        if let e = FileKind.mismatch(root, file: path, expected: .plan) { throw ScenarioLoadError([e]) }
        guard case .mapping(let m) = root, m["scenario"] != nil else {
            return (try ScenarioLoader.parse(yaml: text, file: path), PlanningSpec())
        }
        let r = NodeReader(file: path)
        let decoded = decode(root, r)
        guard r.errors.isEmpty, let decoded else { throw ScenarioLoadError(r.errors) }
        let base = decoded.0
        var spec = decoded.1
        let basePath =
            base.hasPrefix("/")
            ? base : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(base).path
        let scenario = try ScenarioLoader.load(path: basePath)
        if case .mapping(let m) = root, case .scalar(let v) = m["shift_types"], v.string == "per_interval" {
            spec.shiftTypes = perInterval(scenario, spec)
        }
        for (i, t) in spec.shiftTypes.enumerated() where t.start < scenario.day.opens || t.end > scenario.day.closes {
            r.fail(
                "shift_types[\(i)]",
                "a shift inside the opening hours \(scenario.day.opens)–\(scenario.day.closes), "
                    + "got \(t.start)–\(t.end)"
            )
        }
        if spec.tidalTuning != nil, spec.budget != nil {
            r.fail(
                "tidal_tuning",
                "no budget beside it: the days replanned under each tidal setting are not held to the budget; leave out one of budget and tidal_tuning"
            )
        }
        if spec.tidalTuning != nil, scenario.tidal.isEmpty {
            r.fail("tidal_tuning", "a base scenario with tidal rules (tidal:); \(basePath) has none")
        }
        if spec.targets.onTimeRate != nil, scenario.period == nil || scenario.backOffice == nil {
            r.fail(
                "targets.on_time_rate",
                "a base scenario that runs over dates (calendar) with a back_office section; \(basePath) has none")
        }
        if !r.errors.isEmpty { throw ScenarioLoadError(r.errors) }
        return (scenario, spec)
    }

    /// `shift_types: per_interval`: one shift type per planning interval, so that staff may change every
    /// interval (what a per-interval staffing requirement means). The lunch break is one interval of its
    /// own when the hall stays open through it (midday_service).
    static func perInterval(_ s: Scenario, _ spec: PlanningSpec) -> [ShiftType] {
        let spans =
            spec.middayDemandShare != nil
            ? [HallDomain.TimeInterval(start: s.day.opens, end: s.day.closes)] : s.day.periods
        return spans.flatMap { $0.split(every: spec.intervalMinutes) }.map { iv in
            ShiftType(id: "\(iv.start)-\(iv.end)".filter { $0 != ":" }, start: iv.start, end: iv.end)  // "0830-0900"
        }
    }

    static func decode(_ root: Node, _ r: NodeReader) -> (String, PlanningSpec)? {
        guard
            let f = r.mapping(
                root, "",
                allowed: [
                    "scenario", "days", "interval_min", "midday_service", "targets", "shift_types",
                    "cost_per_hour", "generalist_cost_per_hour", "generalist_slowdown", "layouts",
                    "budget", "max_staff_per_group", "seed", "replications", "confirm_replications",
                    "max_rounds", "back_office", "tidal_tuning", "compare_at_headcount",
                ])
        else { return nil }
        var spec = PlanningSpec()
        let base = f.required("scenario", "the hall's scenario file, relative to this plan file", r.string)
        if let n = f["days"] {
            spec.days = r.sequence(n, f.path("days")).compactMap { node, p in
                guard let d = r.mapping(node, p, allowed: ["name", "demand_scale"]) else { return nil }
                guard let name = d.required("name", "a day name, e.g. Monday", r.string) else { return nil }
                let scale = d.optional("demand_scale", r.double) ?? 1
                if !(scale > 0 && scale <= maxDemandScale) {
                    r.fail(
                        d.path("demand_scale"),
                        "a factor > 0 and at most \(Int(maxDemandScale)) on every walk-in rate "
                            + "(1.3 = 30 % busier), got \(scale)"
                    )
                }
                return PlanDay(name: name, demandScale: scale)
            }
            if spec.days.isEmpty { r.fail(f.path("days"), "at least one day") }
            var files: [String: String] = [:]
            for (i, d) in spec.days.enumerated() {
                if let other = files.updateValue(d.name, forKey: plannedDayFile(d.name)) {
                    r.fail(
                        f.path("days[\(i)].name"),
                        other == d.name
                            ? "a unique day name; '\(d.name)' is used twice"
                            : "a day name that differs from '\(other)' in more than spaces and punctuation "
                                + "(both would be written to \(plannedDayFile(d.name)))")
                }
            }
        }
        spec.intervalMinutes = f.optional("interval_min", r.double) ?? 30
        if !(spec.intervalMinutes >= 5 && spec.intervalMinutes <= maxIntervalMinutes) {
            r.fail(
                f.path("interval_min"),
                "a planning interval from 5 to \(Int(maxIntervalMinutes)) minutes, got \(spec.intervalMinutes)")
        }
        if let n = f["midday_service"], let m = r.mapping(n, f.path("midday_service"), allowed: ["demand_share"]) {
            spec.middayDemandShare = m.required(
                "demand_share", "the midday walk-in rate as a share of the rates around the gap", r.double)
            if let v = spec.middayDemandShare, !(v >= 0 && v <= 1) {
                r.fail(m.path("demand_share"), "a share from 0 to 1, e.g. 0.45 for 45 %, got \(v)")
            }
        }
        if let n = f["targets"],
            let t = r.mapping(
                n, f.path("targets"), allowed: ["wait_min", "service_level", "abandon_cap", "on_time_rate"])
        {
            spec.targets.waitMinutes = t.optional("wait_min", r.double) ?? 15
            spec.targets.serviceLevel = t.optional("service_level", r.double) ?? 0.8
            spec.targets.abandonCap = t.optional("abandon_cap", r.double)
            if !(spec.targets.waitMinutes >= 0 && spec.targets.waitMinutes <= maxWaitMinutes) {
                r.fail(t.path("wait_min"), "minutes from 0 to \(Int(maxWaitMinutes)), got \(spec.targets.waitMinutes)")
            }
            if !(spec.targets.serviceLevel > 0 && spec.targets.serviceLevel <= 1) {
                r.fail(
                    t.path("service_level"), "a share in (0, 1], e.g. 0.8 for 80 %, got \(spec.targets.serviceLevel)")
            }
            if let c = spec.targets.abandonCap, !(c >= 0 && c <= 1) {
                r.fail(t.path("abandon_cap"), "a share between 0 and 1, got \(c)")
            }
            spec.targets.onTimeRate = t.optional("on_time_rate", r.double)
            if let v = spec.targets.onTimeRate, !(v > 0 && v <= 1) {
                r.fail(t.path("on_time_rate"), "a share in (0, 1], e.g. 0.95 for 95 %, got \(v)")
            }
        }
        if let n = f["shift_types"], case .scalar(let v) = n {
            if v.string != "per_interval" {
                r.fail(
                    f.path("shift_types"),
                    "a list of shift types, or per_interval for one shift type per planning interval, got '\(v.string)'"
                )
            }
        } else if let n = f["shift_types"] {
            let dec = ScenarioDecoder(r)
            spec.shiftTypes = r.sequence(n, f.path("shift_types")).compactMap { node, p in
                guard let s = r.mapping(node, p, allowed: ["id", "start", "end", "breaks", "min", "max"]) else {
                    return nil
                }
                let id = s.required("id", "a shift type id", r.string)
                let start = s.required("start", "a time \"HH:MM\"", r.clock)
                let end = s.required("end", "a time \"HH:MM\"", r.clock)
                let breaks =
                    s["breaks"].map { b in r.sequence(b, s.path("breaks")).compactMap { dec.interval($0.node, $0.path) }
                    } ?? []
                let minStaff = s.optional("min", r.int) ?? 0
                let maxStaff = s.optional("max", r.int)
                guard let id, let start, let end else { return nil }
                if !(start < end) { r.fail(p, "start before end, got \(start)–\(end)") }
                for (k, b) in breaks.enumerated() where !(start <= b.start && b.end <= end && b.start < b.end) {
                    r.fail(s.path("breaks[\(k)]"), "a break inside the shift \(start)–\(end), got \(b.start)–\(b.end)")
                }
                if !(0...Self.maxStaff).contains(minStaff) {
                    r.fail(s.path("min"), "a number from 0 to \(Self.maxStaff)")
                }
                if let m = maxStaff, m < minStaff { r.fail(s.path("max"), "max ≥ min (\(minStaff)), got \(m)") }
                if let m = maxStaff, m > Self.maxStaff { r.fail(s.path("max"), "at most \(Self.maxStaff), got \(m)") }
                let sorted = breaks.sorted { $0.start < $1.start }
                for k in sorted.indices.dropFirst() where sorted[k].start < sorted[k - 1].end {
                    r.fail(
                        s.path("breaks"),
                        "breaks that do not overlap, got \(sorted[k - 1].start)–\(sorted[k - 1].end) "
                            + "and \(sorted[k].start)–\(sorted[k].end)")
                }
                return ShiftType(id: id, start: start, end: end, breaks: breaks, minStaff: minStaff, maxStaff: maxStaff)
            }
            if r.sequence(n, f.path("shift_types")).isEmpty, case .sequence = n {
                r.fail(f.path("shift_types"), "at least one shift type (leave the key out for the default shifts)")
            }
            var seen = Set<String>()
            for (i, t) in spec.shiftTypes.enumerated() where !seen.insert(t.id).inserted {
                r.fail(f.path("shift_types[\(i)].id"), "a unique id; '\(t.id)' is used twice")
            }
        }
        spec.costPerHour = f.optional("cost_per_hour", r.double) ?? 60
        spec.generalistCostPerHour = f.optional("generalist_cost_per_hour", r.double) ?? spec.costPerHour
        spec.generalistSlowdown = f.optional("generalist_slowdown", r.double)
        if let g = spec.generalistSlowdown, !(g > 0 && g <= maxSlowdown) {
            r.fail(
                f.path("generalist_slowdown"),
                "a service-time factor > 0 and at most \(maxSlowdown) "
                    + "(1 = specialist speed, 1.2 = 20 % slower), got \(g)"
            )
        }
        for (key, v) in [("cost_per_hour", spec.costPerHour), ("generalist_cost_per_hour", spec.generalistCostPerHour)]
        where v < 0 {
            r.fail(f.path(key), "a cost per hour ≥ 0, got \(v)")
        }
        if let n = f["layouts"] {
            spec.layouts = r.sequence(n, f.path("layouts")).compactMap { r.choice($0.node, $0.path, LayoutKind.self) }
            if spec.layouts.isEmpty {
                r.fail(
                    f.path("layouts"), "at least one of \(LayoutKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        spec.budget = f.optional("budget", r.double)
        if let b = spec.budget, !(b >= 0) { r.fail(f.path("budget"), "a budget ≥ 0, got \(b)") }
        spec.maxStaffPerGroup = f.optional("max_staff_per_group", r.int)
        if let m = spec.maxStaffPerGroup, !(1...maxStaff).contains(m) {
            r.fail(f.path("max_staff_per_group"), "a number of clerks from 1 to \(maxStaff), got \(m)")
        }
        let seed = f.optional("seed", r.int) ?? 1
        if seed < 0 { r.fail(f.path("seed"), "a seed ≥ 0") }
        spec.seed = UInt64(max(seed, 0))
        spec.replications = f.optional("replications", r.int) ?? 10
        spec.confirmReplications = f.optional("confirm_replications", r.int) ?? 20
        spec.maxRounds = f.optional("max_rounds", r.int) ?? 8
        if let n = f["back_office"] { spec.backOffice = backOffice(n, f.path("back_office"), r) }
        spec.compareAtHeadcount = f.optional("compare_at_headcount", r.int)
        if let h = spec.compareAtHeadcount, !(1...maxStaff).contains(h) {
            r.fail(f.path("compare_at_headcount"), "a number of clerks a day from 1 to \(maxStaff), got \(h)")
        }
        if let n = f["tidal_tuning"] { spec.tidalTuning = tidalTuning(n, f.path("tidal_tuning"), r) }
        if !(2...maxReplications).contains(spec.replications) {
            r.fail(f.path("replications"), "from 2 to \(maxReplications), got \(spec.replications)")
        }
        if !(2...maxReplications).contains(spec.confirmReplications) {
            r.fail(
                f.path("confirm_replications"),
                "from 2 (for an interval) to \(maxReplications), got \(spec.confirmReplications)")
        }
        if !(1...maxRounds).contains(spec.maxRounds) {
            r.fail(f.path("max_rounds"), "from 1 to \(maxRounds) rounds of correction, got \(spec.maxRounds)")
        }
        guard let base else { return nil }
        return (base, spec)
    }

    /// Bounds of `tidal_tuning`: threshold factors and source steps.
    public static let maxOpenScale = 10.0
    public static let maxSourceStep = 20

    /// `tidal_tuning: {open_scales: [0.5, 0.75, 1], source_steps: [0, 1]}` (either key may be left out).
    static func tidalTuning(_ n: Node, _ path: String, _ r: NodeReader) -> TidalTuningSpec {
        var t = TidalTuningSpec()
        guard let m = r.mapping(n, path, allowed: ["open_scales", "source_steps"]) else { return t }
        if let s = m["open_scales"] {
            t.openScales = r.sequence(s, m.path("open_scales")).compactMap { node, p in
                guard let x = r.double(node, p) else { return nil }
                if !(x > 0 && x <= maxOpenScale) {
                    r.fail(
                        p,
                        "a factor > 0 and at most \(Int(maxOpenScale)) on the open threshold (0.5 = open at half the queue), got \(x)"
                    )
                }
                return x
            }
            if t.openScales.isEmpty { r.fail(m.path("open_scales"), "at least one factor, e.g. [0.5, 0.75, 1]") }
        }
        if let s = m["source_steps"] {
            t.sourceSteps = r.sequence(s, m.path("source_steps")).compactMap { node, p in
                guard let x = r.int(node, p) else { return nil }
                if !(-maxSourceStep...maxSourceStep).contains(x) {  // not abs: abs(Int.min) traps
                    r.fail(
                        p,
                        "clerks added to (or, negative, taken from) each rule's source, from -\(maxSourceStep) to \(maxSourceStep), got \(x)"
                    )
                }
                return x
            }
            if t.sourceSteps.isEmpty { r.fail(m.path("source_steps"), "at least one step, e.g. [0, 1]") }
        }
        return t
    }

    /// `back_office: {max_reviewers, max_approvers, reviewer_cost_per_hour, approver_cost_per_hour, max_rounds}`.
    static func backOffice(_ n: Node, _ path: String, _ r: NodeReader) -> BackOfficePlanSpec {
        var b = BackOfficePlanSpec()
        guard
            let m = r.mapping(
                n, path,
                allowed: [
                    "max_reviewers", "max_approvers", "reviewer_cost_per_hour", "approver_cost_per_hour", "max_rounds",
                ])
        else { return b }
        b.maxReviewers = m.optional("max_reviewers", r.int)
        b.maxApprovers = m.optional("max_approvers", r.int)
        for (key, v) in [("max_reviewers", b.maxReviewers), ("max_approvers", b.maxApprovers)] {
            if let v, !(1...maxStaff).contains(v) {
                r.fail(m.path(key), "at least 1 and at most \(maxStaff) per department, got \(v)")
            }
        }
        b.reviewerCostPerHour = m.optional("reviewer_cost_per_hour", r.double) ?? 60
        b.approverCostPerHour = m.optional("approver_cost_per_hour", r.double) ?? b.reviewerCostPerHour
        for (key, v) in [
            ("reviewer_cost_per_hour", b.reviewerCostPerHour), ("approver_cost_per_hour", b.approverCostPerHour),
        ] where !(v >= 0) {
            r.fail(m.path(key), "a cost per working hour ≥ 0, got \(v)")
        }
        b.maxRounds = m.optional("max_rounds", r.int) ?? 16
        if !(1...maxRounds).contains(b.maxRounds) {
            r.fail(m.path("max_rounds"), "from 1 to \(maxRounds), got \(b.maxRounds)")
        }
        return b
    }
}
