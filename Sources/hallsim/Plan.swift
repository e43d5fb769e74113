import ArgumentParser
import Foundation
import HallDomain
import HallPlanner
import HallScenarioYAML

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan staff: requirement per interval, shifts (CBC), layout, proven on fresh simulated days.",
        discussion:
            "FILE is a plan file (docs/planner.md) or a plain scenario (planned with the defaults). Options override the file."
    )

    @Argument(help: "Plan file or scenario (YAML).") var file: String
    @Option(help: "Output directory.") var out: String
    @Option(help: "Waiting target, minutes.") var waitTargetMin: Double?
    @Option(help: "Share to call within the target, e.g. 0.8.") var serviceLevel: Double?
    @Option(help: "Most share of a group's applicants leaving without service per day.") var abandonCap: Double?
    @Option(help: "Most the plan may cost (all days).") var budget: Double?
    @Option(help: "Planning interval, minutes.") var intervalMin: Double?
    @Option(help: "Replications the requirement is corrected on.") var replications: Int?
    @Option(help: "Fresh replications the plan is confirmed on.") var confirmReplications: Int?
    @Option(help: "Seed of the random streams.") var seed: UInt64?
    @Option(help: "Only these days (comma-separated names from the plan file).") var days: String?
    @Option(help: "Layouts to try (comma-separated: dedicated, domain, universal, chain).") var layouts: String?
    @Option(help: "Service-time factor of a generalist (1 = specialist speed).") var generalistSlowdown: Double?

    func validate() throws {
        if let s = serviceLevel, !(s > 0 && s <= 1) {
            throw ValidationError("--service-level must be a share in (0, 1], got \(s)")
        }
        if let w = waitTargetMin, !(w >= 0) { throw ValidationError("--wait-target-min must be ≥ 0, got \(w)") }
        if let c = abandonCap, !(c >= 0 && c <= 1) {
            throw ValidationError("--abandon-cap must be a share between 0 and 1, got \(c)")
        }
        if let b = budget, !(b >= 0) { throw ValidationError("--budget must be ≥ 0, got \(b)") }
        if let i = intervalMin, !(i >= 5) { throw ValidationError("--interval-min must be at least 5, got \(i)") }
        if let r = replications, r < 2 { throw ValidationError("--replications must be at least 2, got \(r)") }
        if let r = confirmReplications, r < 2 {
            throw ValidationError("--confirm-replications must be at least 2, got \(r)")
        }
        if let g = generalistSlowdown, !(g > 0) { throw ValidationError("--generalist-slowdown must be > 0, got \(g)") }
        if let l = layouts {
            for name in l.split(separator: ",") where LayoutKind(rawValue: String(name)) == nil {
                throw ValidationError(
                    "--layouts: unknown layout '\(name)'; expected \(LayoutKind.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }
    }

    func run() throws {
        var (scenario, spec): (Scenario, PlanningSpec)
        do {
            (scenario, spec) = try PlanLoader.load(path: file)
        } catch let e as ScenarioLoadError {
            FileHandle.standardError.write(
                Data(
                    (e.description
                        + "\n\(file): \(e.errors.count) problem\(e.errors.count == 1 ? "" : "s"); nothing was planned or written.\n")
                        .utf8))
            throw ExitCode(1)
        }
        if let v = waitTargetMin { spec.targets.waitMinutes = v }
        if let v = serviceLevel { spec.targets.serviceLevel = v }
        if let v = abandonCap { spec.targets.abandonCap = v }
        if let v = budget { spec.budget = v }
        if let v = intervalMin { spec.intervalMinutes = v }
        if let v = replications { spec.replications = v }
        if let v = confirmReplications { spec.confirmReplications = v }
        if let v = seed { spec.seed = v }
        if let v = generalistSlowdown { spec.generalistSlowdown = v }
        if let l = layouts { spec.layouts = l.split(separator: ",").compactMap { LayoutKind(rawValue: String($0)) } }
        if let d = days {
            let names = d.split(separator: ",").map(String.init)
            let unknown = names.filter { n in !spec.days.contains { $0.name == n } }
            guard unknown.isEmpty else {
                throw ValidationError(
                    "--days: unknown day \(unknown.joined(separator: ", ")); the plan has \(spec.days.map(\.name).joined(separator: ", "))"
                )
            }
            spec.days = spec.days.filter { names.contains($0.name) }
        }
        let result = Planner.plan(scenario, spec)
        var files: [(name: String, data: Data)] = [
            ("plan.md", Data(result.markdown.utf8)), ("plan.json", try result.json),
            ("requirements.csv", Data(result.requirementsCSV.utf8)), ("shifts.csv", Data(result.shiftsCSV.utf8)),
            ("planned.yaml", Data(ScenarioWriter.yaml(result.chosen.days[0].scenario).utf8)),
        ]
        if result.chosen.days.count > 1 {
            for d in result.chosen.days {
                let safe = d.day.name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
                files.append(("planned-\(String(safe)).yaml", Data(ScenarioWriter.yaml(d.scenario).utf8)))
            }
        }
        if let bo = result.backOffice, let csv = result.backOfficeCSV {
            files.append(("back_office.csv", Data(csv.utf8)))
            files.append(("planned-month.yaml", Data(ScenarioWriter.yaml(bo.scenario).utf8)))
        }
        if let t = result.tidal, let csv = result.tidalCSV {
            files.append(("tidal.csv", Data(csv.utf8)))
            files.append(("planned-tidal.yaml", Data(ScenarioWriter.yaml(t.scenario).utf8)))
        }
        let dir = URL(fileURLWithPath: out)
        try write(files, to: dir)
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
                    bo.departments.reduce(0) { $0 + $1.reviewers },
                    bo.departments.reduce(0) { $0 + $1.approvers }, bo.departments.reduce(0) { $0 + $1.baseReviewers },
                    bo.departments.reduce(0) { $0 + $1.baseApprovers }, bo.target * 100, bo.rounds))
        }
        for c in result.tidal?.choices ?? [] { print("  tidal rule \(c.sentence)") }
        for n in result.tidal?.notes ?? [] { print("  note: tidal rule \(n)") }
        for p in result.problems { print("  cannot be met: \(p)") }
        print("  results in \(dir.path)/ (\(files.map(\.name).joined(separator: ", ")))")
        if !result.problems.isEmpty { throw ExitCode(3) }
    }
}
