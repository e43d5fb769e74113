import ArgumentParser
import Foundation
import HallDomain
import HallMetrics
import HallRunner
import HallScenarioYAML

@main
struct HallSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hallsim",
        abstract: "Simulate government service halls (政务服务大厅) and size their staff.",
        subcommands: [Validate.self, Run.self, Compare.self, Batch.self, Merge.self, Plan.self]
    )
}

/// Loads a scenario or prints every problem (file:line:column: field: expected…) and exits 1.
func loadScenario(_ path: String) throws -> Scenario {
    do {
        return try ScenarioLoader.load(path: path)
    } catch let e as ScenarioLoadError {
        FileHandle.standardError.write(Data((e.description + "\n").utf8))
        let n = e.errors.count
        FileHandle.standardError.write(
            Data("\(path): \(n) problem\(n == 1 ? "" : "s"); nothing was run or written.\n".utf8))
        throw ExitCode(1)
    }
}

/// Writes all files into `dir` or none (exit 2 with the reason).
func write(_ files: [(name: String, data: Data)], to dir: URL) throws {
    do {
        try AtomicOutput.write(files, to: dir)
    } catch {
        FileHandle.standardError.write(
            Data("cannot write results to \(dir.path): \(error.localizedDescription)\n".utf8))
        throw ExitCode(2)
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a scenario file and report every problem with its line and field.")

    @Argument(help: "Scenario file (YAML).") var file: String

    func run() throws {
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
    @Option(help: "Seed of the random streams.") var seed: UInt64 = 1
    @Option(help: "Number of replications (independent days).") var replications: Int = 20
    @Option(help: "Output directory (default: outputs/<scenario file name>).") var out: String?
    @Option(help: "Threads (default: all cores). Results do not depend on it.") var threads: Int?
    @Option(
        help:
            "Which replications' event logs to write: all, first or none (default: all for one day, first for a run over dates)."
    )
    var records: String?

    func validate() throws {
        guard replications >= 1 else { throw ValidationError("--replications must be at least 1, got \(replications)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let records, RecordsMode(rawValue: records) == nil {
            throw ValidationError("--records must be all, first or none, got '\(records)'")
        }
    }

    func run() throws {
        let scenario = try loadScenario(file)
        let started = Date()
        let mode = records.flatMap(RecordsMode.init(rawValue:)) ?? (scenario.period == nil ? .all : .first)
        let result = Experiment.run(scenario, seed: seed, replications: replications, threads: threads, records: mode)
        let elapsed = Date().timeIntervalSince(started)
        let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let dir = URL(fileURLWithPath: out ?? "outputs/\(stem)")
        let files = try result.files(sourceFile: file)
        try write(files, to: dir)
        let s = result.summary
        let tickets = result.stats.reduce(0) { $0 + $1.tickets }
        func show(_ k: String, _ scale: Double = 1) -> String {
            guard let f = s.overall[k], let m = f.mean else { return "–" }
            return String(format: "%.2f", m * scale) + (f.halfWidth.map { String(format: " ± %.2f", $0 * scale) } ?? "")
        }
        print(
            "\(scenario.name): \(replications) replications, \(tickets) applicants in \(String(format: "%.2f", elapsed)) s"
        )
        if let p = s.period {
            print("  \(p.start) to \(p.end), \(p.openDays) open days; front-desk figures per open day:")
        }
        print(
            "  mean wait \(show("wait_mean_min")) min, p90 \(show("wait_p90_min")) min, within \(String(format: "%g", scenario.waitTargetMinutes)) min \(show("sl_share", 100)) %, left without service \(show("abandoned_fraction", 100)) %"
        )
        if s.period != nil {
            print(
                "  cases: on time \(show("on_time_rate", 100)) %, lead time \(show("lead_time_mean_wd")) working days (p90 \(show("lead_time_p90_wd"))), "
                    + "backlog at the end \(show("backlog_end")), overdue \(show("overdue_cases")), done in one visit \(show("done_in_one_visit_rate", 100)) %"
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
    @Option(help: "Seed of the random streams (the same for both).") var seed: UInt64 = 1
    @Option(help: "Replications (with --until-precision: the first batch, and each batch after).") var replications:
        Int = 20
    @Option(help: "Keep adding replications until the paired 95 % half-width of --kpi is at most this.")
    var untilPrecision: Double?
    @Option(help: "The KPI --until-precision watches.") var kpi: String = KPI.waitMean.rawValue
    @Option(help: "Most replications --until-precision may use.") var maxReplications: Int = 500
    @Option(help: "Output directory for compare.json and compare.md (default: print only).") var out: String?
    @Option(help: "Threads (default: all cores). Results do not depend on it.") var threads: Int?

    func validate() throws {
        guard replications >= 2 else {
            throw ValidationError("--replications must be at least 2 for an interval, got \(replications)")
        }
        guard KPI(rawValue: kpi) != nil else {
            throw ValidationError(
                "--kpi must be one of \(KPI.allCases.map(\.rawValue).joined(separator: ", ")), got '\(kpi)'")
        }
        if let w = untilPrecision, !(w > 0) { throw ValidationError("--until-precision must be a width > 0, got \(w)") }
        guard maxReplications >= replications else {
            throw ValidationError(
                "--max-replications (\(maxReplications)) must be at least --replications (\(replications))")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        let sa = try loadScenario(a)
        let sb = try loadScenario(b)
        let c = Comparison.run(
            a: sa, b: sb, aName: a, bName: b, seed: seed, replications: replications,
            untilPrecision: untilPrecision.map { (KPI(rawValue: kpi)!, $0, maxReplications) }, threads: threads)
        if let out {
            try write(
                [("compare.json", try c.json), ("compare.md", Data(c.markdown.utf8))], to: URL(fileURLWithPath: out))
        }
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
    @Option(help: "Output directory.") var out: String
    @Option(help: "Run only shard K of N (0-based), e.g. 0/4. Default: from Slurm or Kubernetes variables, else all.")
    var shard: String?
    @Option(help: "Number of shards, with JOB_COMPLETION_INDEX (Kubernetes indexed jobs).") var shards: Int?
    @Option(help: "Threads (default: all cores). Results do not depend on it.") var threads: Int?

    func run() throws {
        let part = try resolveShard(shard, shards: shards, environment: ProcessInfo.processInfo.environment)
        let plan: BatchPlan
        do {
            plan = try BatchPlan.prepare(sweepFile: sweep)
        } catch let e as ScenarioLoadError {
            FileHandle.standardError.write(Data((e.description + "\n\(sweep): nothing was run or written.\n").utf8))
            throw ExitCode(1)
        }
        let started = Date()
        let tty = isatty(STDERR_FILENO) == 1
        let rows = plan.run(shard: part, threads: threads) { done, total in
            guard tty else { return }
            let elapsed = Date().timeIntervalSince(started)
            let rate = Double(done) / max(elapsed, 1e-9)
            let left = Double(total - done) / max(rate, 1e-9)
            FileHandle.standardError.write(
                Data(String(format: "\r%d/%d replications, %.1f/s, %.0f s left   ", done, total, rate, left).utf8))
        }
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        let files =
            try part.map { try BatchFiles.shard(plan.description, shard: $0, rows: rows) }
            ?? BatchFiles.complete(plan.description, rows: rows)
        let dir = URL(fileURLWithPath: out)
        try write(files, to: dir)
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
    @Option(help: "Output directory.") var out: String

    func run() throws {
        let files: [(name: String, data: Data)]
        do {
            files = try BatchMerge.merge(shards.map { URL(fileURLWithPath: $0) })
        } catch let e as MergeError {
            FileHandle.standardError.write(Data("merge: \(e.description); nothing was written.\n".utf8))
            throw ExitCode(1)
        }
        let dir = URL(fileURLWithPath: out)
        try write(files, to: dir)
        print("merged \(shards.count) shards → \(dir.path)/ (\(files.map(\.name).joined(separator: ", ")))")
    }
}
