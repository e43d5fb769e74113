import ArgumentParser
import Foundation
import HallDomain
import HallMetrics
import HallRandom
import HallRunner
import HallScenarioYAML

@main
struct HallSim: ParsableCommand {
    static let version = "hallsim 0.16"
    static let configuration = CommandConfiguration(
        commandName: "hallsim",
        abstract: "Simulate government service halls (政务服务大厅) and size their staff.",
        discussion: "Exit status: 0 done, 1 bad input (nothing written), 2 results could not be written, "
            + "3 a plan that cannot meet every target (written).",
        version: version,
        subcommands: [
            Validate.self, Run.self, Compare.self, Batch.self, Merge.self, Plan.self, Calibrate.self,
            BacktestCommand.self,
        ]
    )

    /// Parses and runs a command. Every failure is a sentence on stderr and an exit status in {0, 1, 2, 3}:
    /// usage mistakes exit 1 (not argument-parser's 64), so that scripts see one code for bad input.
    static func main() {
        Allocator.keepFreedMemory()
        let args = Array(CommandLine.arguments.dropFirst())
        if let first = args.first, !first.hasPrefix("-") {
            let names = configuration.subcommands.map { $0._commandName }
            if !names.contains(first) && first != "help" {
                let looksLikeFile = first.hasSuffix(".yaml") || first.hasSuffix(".yml") || first.contains("/")
                Console.error(
                    "hallsim: unknown command '\(first)'; the commands are \(names.joined(separator: ", "))"
                        + (looksLikeFile ? " (to simulate a scenario file: hallsim run \(first))" : "")
                        + ". See hallsim --help.")
                Foundation.exit(1)
            }
        }
        do {
            var command = try parseAsRoot(args)
            do { try command.run() } catch let e as ValidationError {
                // A problem found while running (an option checked against the file): the sentence only.
                Console.error("Error: \(e.message)")
                Foundation.exit(1)
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if let e = error as? ExitCode { Foundation.exit(e.rawValue) }
            if !message.isEmpty { Console.error(message) }
            Foundation.exit(code.rawValue == 2 || code.rawValue == 3 ? code.rawValue : 1)
        }
    }
}

/// Loads a scenario or prints every problem (file:line:column: field: expected…) and exits 1.
func loadScenario(_ path: String) throws -> Scenario {
    do {
        let (scenario, warnings) = try ScenarioLoader.loadWithWarnings(path: path)
        for w in warnings { Console.error(w.description) }
        return scenario
    } catch let e as ScenarioLoadError {
        throw Console.fail(e, file: path)
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a scenario, plan, sweep or calendar file and report every problem with its line and field.",
        discussion: "A plan file is checked with its base scenario; a sweep file with its base at every point.")

    @Argument(help: "Scenario, plan, sweep or calendar file (YAML).") var file: String

    func run() throws {
        do {
            switch InputKind.of(path: file) {
            case .plan:
                let (s, spec) = try PlanLoader.load(path: file)
                print("\(file): ok — a plan of \(spec.days.count) day(s) for \(s.name)")
                return
            case .sweep:
                let plan = try BatchPlan.prepare(sweepFile: file)
                print(
                    "\(file): ok — a sweep of \(plan.sweep.points.count) points × \(plan.sweep.replications) "
                        + "replications over \(plan.sweep.base)")
                return
            case .calendar:
                let c = try CalendarLoader.load(path: file)
                print("\(file): ok — the \(c.name) calendar, \(c.years.lowerBound)–\(c.years.upperBound)")
                return
            case .scenario: break
            }
        } catch let e as ScenarioLoadError {
            throw Console.fail(e, file: file)
        }
        let s = try loadScenario(file)
        let windows = s.physicalWindows.count
        print(
            "\(file): ok — \(s.name): \(s.departments.count) departments, \(s.items.count) items, \(windows) windows, "
                + "\(s.arrivals.count) arrival profiles, \(s.appointments.count) appointment blocks"
                + (s.period.map { p in
                    ", \(p.start) to \(p.end) on the \(p.calendar.name) calendar, \(s.backOffice?.departments.count ?? 0) back offices"
                } ?? ""))
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a scenario and write summary.json, report.md and the event log.")

    @Argument(help: "Scenario file (YAML).") var file: String
    @OptionGroup var common: CommonOptions
    @Option(
        help:
            "Which replications' event logs to write (default: all for one day, first for a run over dates)."
    )
    var records: RecordsMode?
    @Option(help: "Language of report.html: zh (default) or en.") var lang: ReportLanguage = .zh

    var seed: UInt64 { common.seed ?? 1 }
    var replications: Int { common.replications ?? 20 }

    func validate() throws { try common.check(replicationsAtLeast: 1) }

    func run() throws {
        let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let outPath = common.out ?? "outputs/\(stem)"
        let scenario = try loadScenario(file)
        try Console.checkOut(outPath)
        let started = Date()
        let mode = records ?? (scenario.period == nil ? .all : .first)
        let result = Experiment.run(
            scenario, seed: seed, replications: 0..<replications, threads: common.threads, records: mode)
        let elapsed = Date().timeIntervalSince(started)
        let dir = URL(fileURLWithPath: outPath)
        let files = try Outputs.run(result, sourceFile: file, lang: lang)
        try Console.write(files, to: dir)
        let s = result.summary
        let tickets = result.stats.reduce(0) { $0 + $1.tickets }
        func show(_ f: Estimate?, _ scale: Double = 1) -> String {
            guard let f, let m = f.mean else { return "–" }
            return String(format: "%.2f", m * scale) + (f.halfWidth.map { String(format: " ± %.2f", $0 * scale) } ?? "")
        }
        print(
            "\(scenario.name): \(replications) replications, \(tickets) applicants in \(String(format: "%.2f", elapsed)) s"
        )
        if let p = s.period {
            print("  \(p.start) to \(p.end), \(p.openDays) open days; front-desk figures per open day:")
        }
        print(
            "  mean wait \(show(s.overall[.waitMean])) min, p90 \(show(s.overall[.waitP90])) min, within \(String(format: "%g", scenario.waitTargetMinutes)) min \(show(s.overall[.serviceLevel], 100)) %, left without service \(show(s.overall[.abandonedFraction], 100)) %"
        )
        if s.period != nil {
            print(
                "  cases: on time \(show(s.overall[.onTimeRate], 100)) %, lead time \(show(s.overall[.leadTimeMean])) working days (p90 \(show(s.overall[.leadTimeP90]))), "
                    + "backlog at the end \(show(s.overall[.backlogEnd])), overdue \(show(s.overall[.overdueCases])), done in one visit \(show(s.overall[.doneInOneVisitRate], 100)) %"
            )
        }
        print("  results in \(dir.path)/ (\(files.map(\.name).joined(separator: ", ")))")
    }
}

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare layout B with layout A on common random numbers: paired differences with 95 % intervals.")

    @Argument(help: "Scenario A (the reference).") var a: String
    @Argument(help: "Scenario B.") var b: String
    @OptionGroup var common: CommonOptions
    @Option(
        parsing: .unconditional,
        help: "Keep adding replications until the paired 95 % half-width of --kpi is at most this.")
    var untilPrecision: Double?
    @Option(help: "The KPI --until-precision watches.") var kpi: KPI = .waitMean
    @Option(parsing: .unconditional, help: "Most replications --until-precision may use.") var maxReplications: Int =
        500
    @Option(help: "Language of compare.html: zh (default) or en.") var lang: ReportLanguage = .zh

    var seed: UInt64 { common.seed ?? 1 }
    var replications: Int { common.replications ?? 20 }

    func validate() throws {
        try common.check(replicationsAtLeast: 2)
        if let w = untilPrecision, !(w > 0 && w.isFinite) {
            throw ValidationError("--until-precision must be a width > 0, got \(w)")
        }
        guard maxReplications >= replications, maxReplications <= CommonOptions.maxReplications else {
            throw ValidationError(
                "--max-replications (\(maxReplications)) must be from --replications (\(replications)) "
                    + "to \(CommonOptions.maxReplications)")
        }
    }

    func run() throws {
        let sa = try loadScenario(a)
        let sb = try loadScenario(b)
        if let out = common.out { try Console.checkOut(out) }
        let c = Comparison.run(
            a: sa, b: sb, aName: a, bName: b, seed: seed, replications: replications,
            untilPrecision: untilPrecision.map { (kpi, $0, maxReplications) }, threads: common.threads)
        if let out = common.out { try Console.write(try Outputs.compare(c, lang: lang), to: URL(fileURLWithPath: out)) }
        print("B = \(b) against A = \(a): \(c.replications) replications on common random numbers")
        for r in c.rows where r.difference.mean != nil { print("  " + r.sentence) }
        if c.precisionReached == false {
            print("  (the requested precision was not reached within \(maxReplications) replications)")
        }
    }
}

/// Which shard this process runs: --shard K/N, else Slurm job arrays (SLURM_ARRAY_TASK_ID,
/// SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN), else Kubernetes indexed jobs (JOB_COMPLETION_INDEX
/// with --shards N). K is 0-based.
func resolveShard(_ flag: String?, shards: Int?, environment env: [String: String]) throws -> Shard? {
    func parse(_ k: String, _ n: String, from what: String) throws -> Shard {
        guard let k = Int(k), let n = Int(n), n >= 1, k >= 0, k < n else {
            throw ValidationError("\(what): expected shard K/N with 0 ≤ K < N, got \(k)/\(n)")
        }
        return Shard(index: k, count: n)
    }
    if let flag {
        let parts = flag.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw ValidationError("--shard: expected K/N (0-based K, e.g. 0/4), got '\(flag)'")
        }
        return try parse(String(parts[0]), String(parts[1]), from: "--shard")
    }
    if let id = env["SLURM_ARRAY_TASK_ID"], let count = env["SLURM_ARRAY_TASK_COUNT"] {
        let base = Int(env["SLURM_ARRAY_TASK_MIN"] ?? "0") ?? 0
        return try parse(String((Int(id) ?? -1) - base), count, from: "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT")
    }
    if let index = env["JOB_COMPLETION_INDEX"] {
        guard let shards else {
            throw ValidationError(
                "JOB_COMPLETION_INDEX is set (a Kubernetes indexed job) but not the number of shards: pass --shards N")
        }
        return try parse(index, String(shards), from: "JOB_COMPLETION_INDEX with --shards")
    }
    if shards != nil {
        throw ValidationError("--shards goes with JOB_COMPLETION_INDEX; use --shard K/N to run one shard")
    }
    return nil
}

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario sweep: one tidy row per point, replication and KPI, plus means and intervals.",
        discussion: "Seeds come from (sweep seed, point, replication), so any part reruns alone with the same numbers. "
            + "With a shard, only its part runs; `hallsim merge` joins the shards into what one process writes.")

    @Argument(help: "Sweep file (YAML): base scenario, factors, points.") var sweep: String
    @Option(help: "Output folder (replaced whole by the results).") var out: String
    @Option(help: "Run only shard K of N (0-based), e.g. 0/4. Default: from Slurm or Kubernetes variables, else all.")
    var shard: String?
    @Option(parsing: .unconditional, help: "Number of shards, with JOB_COMPLETION_INDEX (Kubernetes indexed jobs).")
    var shards: Int?
    @Option(parsing: .unconditional, help: "Threads (default: all cores). Results do not depend on it.")
    var threads: Int?
    @Option(help: "Language of report.html: zh (default) or en.") var lang: ReportLanguage = .zh

    func validate() throws {
        if let t = threads, !(1...1024).contains(t) {
            throw ValidationError("--threads must be a whole number from 1 to 1024, got \(t)")
        }
    }

    func run() throws {
        let part = try resolveShard(shard, shards: shards, environment: ProcessInfo.processInfo.environment)
        let plan: BatchPlan
        do {
            plan = try BatchPlan.prepare(sweepFile: sweep)
        } catch let e as ScenarioLoadError {
            throw Console.fail(e, file: sweep)
        }
        try Console.checkOut(out)
        let started = Date()
        let tty = isatty(STDERR_FILENO) == 1
        let rows = plan.run(shard: part, threads: threads) { done, total in
            guard tty else { return }
            let elapsed = Date().timeIntervalSince(started)
            let rate = Double(done) / max(elapsed, 1e-9)
            let left = Double(total - done) / max(rate, 1e-9)
            Console.progress(String(format: "\r%d/%d replications, %.1f/s, %.0f s left   ", done, total, rate, left))
        }
        if tty { Console.progress("\n") }
        let files = try Outputs.batch(plan, shard: part, rows: rows, lang: lang)
        let dir = URL(fileURLWithPath: out)
        try Console.write(files, to: dir)
        let runs = Set(rows.map { "\($0.point)/\($0.replication)" }).count
        print(
            "\(sweep): \(plan.sweep.points.count) points × \(plan.sweep.replications) replications\(part.map { ", shard \($0): \(runs) of them" } ?? "")"
                + " in \(String(format: "%.1f", Date().timeIntervalSince(started))) s → \(dir.path)/ (\(files.map(\.name).joined(separator: ", ")))"
        )
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join shard outputs of one sweep into the files a one-process batch writes.")

    @Argument(help: "Shard output directories (every shard of the sweep, once).") var shards: [String]
    @Option(help: "Output folder (replaced whole by the results).") var out: String
    @Option(help: "Language of report.html: zh (default) or en.") var lang: ReportLanguage = .zh

    func run() throws {
        try Console.checkOut(out)
        let files: [(name: String, data: Data)]
        do {
            files = try BatchMerge.merge(shards.map { URL(fileURLWithPath: $0) }, lang: lang)
        } catch let e as MergeError {
            Console.error("merge: \(e.description); nothing was written.")
            throw ExitCode(1)
        }
        let dir = URL(fileURLWithPath: out)
        try Console.write(files, to: dir)
        print("merged \(shards.count) shards → \(dir.path)/ (\(files.map(\.name).joined(separator: ", ")))")
    }
}
