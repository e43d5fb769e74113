import ArgumentParser
import Foundation
import HallDomain
import HallPlanner
import HallRunner
import HallScenarioYAML

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan staff: requirement per interval, shifts (CBC), layout, proven on fresh simulated days.",
        discussion:
            "FILE is a plan file (docs/planner.md) or a plain scenario (planned with the defaults). Options override the file."
    )

    @Argument(help: "Plan file or scenario (YAML).") var file: String
    @OptionGroup var common: CommonOptions
    @Option(parsing: .unconditional, help: "Waiting target, minutes.") var waitTargetMin: Double?
    @Option(parsing: .unconditional, help: "Share to call within the target, e.g. 0.8.") var serviceLevel: Double?
    @Option(parsing: .unconditional, help: "Most share of a group's applicants leaving without service per day.")
    var abandonCap: Double?
    @Option(parsing: .unconditional, help: "Most the plan may cost (all days).") var budget: Double?
    @Option(parsing: .unconditional, help: "Planning interval, minutes.") var intervalMin: Double?
    @Option(parsing: .unconditional, help: "Fresh replications the plan is confirmed on.") var confirmReplications: Int?
    @Option(help: "Only these days (comma-separated names from the plan file).") var days: String?
    @Option(help: "Layouts to try (comma-separated: dedicated, domain, universal, chain).") var layouts: LayoutList?
    @Option(parsing: .unconditional, help: "Service-time factor of a generalist (1 = specialist speed).")
    var generalistSlowdown: Double?
    @Option(help: "Language of report.html: zh (default) or en.") var lang: ReportLanguage = .zh

    func validate() throws {
        try common.check(replicationsAtLeast: 2)
        guard common.out != nil else { throw ValidationError("plan needs --out FOLDER for its results") }
        if let s = serviceLevel, !(s > 0 && s <= 1) {
            throw ValidationError("--service-level must be a share in (0, 1], e.g. 0.8 for 80 %, got \(s)")
        }
        if let w = waitTargetMin, !(w >= 0 && w <= PlanLoader.maxWaitMinutes) {
            throw ValidationError(
                "--wait-target-min must be from 0 to \(Int(PlanLoader.maxWaitMinutes)) minutes, got \(w)")
        }
        if let c = abandonCap, !(c >= 0 && c <= 1) {
            throw ValidationError("--abandon-cap must be a share between 0 and 1, got \(c)")
        }
        if let b = budget, !(b >= 0 && b.isFinite) { throw ValidationError("--budget must be ≥ 0, got \(b)") }
        if let i = intervalMin, !(i >= 5 && i <= PlanLoader.maxIntervalMinutes) {
            throw ValidationError(
                "--interval-min must be from 5 to \(Int(PlanLoader.maxIntervalMinutes)) minutes, got \(i)")
        }
        if let r = confirmReplications, !(2...PlanLoader.maxReplications).contains(r) {
            throw ValidationError(
                "--confirm-replications must be a whole number from 2 to \(PlanLoader.maxReplications), got \(r)")
        }
        if let r = common.replications, r > PlanLoader.maxReplications {
            throw ValidationError("--replications must be at most \(PlanLoader.maxReplications) for plan, got \(r)")
        }
        if let g = generalistSlowdown, !(g >= 1 && g <= PlanLoader.maxSlowdown) {
            throw ValidationError(
                "--generalist-slowdown must be a service-time factor from 1 to \(PlanLoader.maxSlowdown) "
                    + "(1.2 = 20 % slower), got \(g)")
        }
        if let d = days {
            let names = d.split(separator: ",", omittingEmptySubsequences: false)
            if names.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw ValidationError("--days: expected day names separated by commas, e.g. Monday,Friday, got '\(d)'")
            }
        }
    }

    func run() throws {
        var (scenario, spec): (Scenario, PlanningSpec)
        do {
            (scenario, spec) = try PlanLoader.load(path: file)
        } catch let e as ScenarioLoadError {
            throw Console.fail(e, file: file, notDone: "nothing was planned or written")
        }
        let out = common.out ?? ""
        let replications = common.replications
        let seed = common.seed
        if let v = waitTargetMin { spec.targets.waitMinutes = v }
        if let v = serviceLevel { spec.targets.serviceLevel = v }
        if let v = abandonCap { spec.targets.abandonCap = v }
        if let v = budget { spec.budget = v }
        if let v = intervalMin { spec.intervalMinutes = v }
        if let v = replications { spec.replications = v }
        if let v = confirmReplications { spec.confirmReplications = v }
        if let v = seed { spec.seed = v }
        if let v = generalistSlowdown { spec.generalistSlowdown = v }
        if let l = layouts { spec.layouts = l.kinds }
        if let d = days {
            let names = d.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let unknown = names.filter { n in !spec.days.contains { $0.name == n } }
            guard unknown.isEmpty else {
                throw ValidationError(
                    "--days: unknown day \(unknown.joined(separator: ", ")); the plan has \(spec.days.map(\.name).joined(separator: ", "))"
                )
            }
            spec.days = spec.days.filter { names.contains($0.name) }
        }
        try Console.checkOut(out)
        let started = Date()
        let tty = isatty(STDERR_FILENO) == 1
        let result = Planner.plan(scenario, spec, threads: common.threads) { where_ in
            guard tty else { return }
            let text = String(format: "%@ (%.0f s)", where_, Date().timeIntervalSince(started))
            Console.progress("\r" + text.padding(toLength: max(text.count, 79), withPad: " ", startingAt: 0))
        }
        if tty { Console.progress("\n") }
        let files = try Outputs.plan(result, folder: out, lang: lang)
        let dir = URL(fileURLWithPath: out)
        try Console.write(files, to: dir)
        let c = result.chosen
        print("\(scenario.name): \(spec.days.count) day(s) planned in \(String(format: "%.1f", result.seconds)) s")
        print("  layout: \(result.choice)")
        print(
            String(
                format: "  cost %.0f, %.1f staff-hours (plain Erlang C / SIPP plan: %.0f, %.1f)", c.cost, c.staffHours,
                c.sippCost, c.sippStaffHours))
        if let bo = result.backOffice {
            print(
                String(
                    format:
                        "  back office: %d reviewers, %d approvers (base %d, %d), on-time target %.0f %%, %d rounds",
                    bo.totals.reviewers, bo.totals.approvers, bo.totals.baseReviewers, bo.totals.baseApprovers,
                    bo.target * 100, bo.rounds))
        }
        if let t = result.tidal { print("  \(t.sentence)") }
        for reason in result.headcount?.skipped ?? [] { print("  fixed headcount, not compared: \(reason)") }
        if let h = result.headcount, !h.layouts.isEmpty {
            let ranked = h.layouts.map { l in
                l.layout + (l.weekSL.mean.map { String(format: " %.1f %%", $0 * 100) } ?? " –")
            }
            print(
                "  at \(h.headcount) clerks a day, week's service level on fresh days: \(ranked.joined(separator: ", "))"
            )
        }
        for p in result.problems { print("  cannot be met: \(p)") }
        print("  results in \(dir.path)/ (\(files.map(\.name).joined(separator: ", ")))")
        if !result.problems.isEmpty { throw ExitCode(3) }
    }
}
