import ArgumentParser
import Foundation
import HallDomain
import HallRunner
import HallMetrics
import HallScenarioYAML

@main
struct HallSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hallsim",
        abstract: "Simulate government service halls (政务服务大厅) and size their staff.",
        subcommands: [Validate.self, Run.self, Compare.self]
    )
}

/// Loads a scenario or prints every problem (file:line:column: field: expected…) and exits 1.
func loadScenario(_ path: String) throws -> Scenario {
    do {
        return try ScenarioLoader.load(path: path)
    } catch let e as ScenarioLoadError {
        FileHandle.standardError.write(Data((e.description + "\n").utf8))
        let n = e.errors.count
        FileHandle.standardError.write(Data("\(path): \(n) problem\(n == 1 ? "" : "s"); nothing was run or written.\n".utf8))
        throw ExitCode(1)
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a scenario file and report every problem with its line and field.")

    @Argument(help: "Scenario file (YAML).") var file: String

    func run() throws {
        let s = try loadScenario(file)
        let windows = s.physicalWindows.count
        print("\(file): ok — \(s.name): \(s.departments.count) departments, \(s.items.count) items, \(windows) windows, "
              + "\(s.arrivals.count) arrival profiles, \(s.appointments.count) appointment blocks")
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Simulate a scenario and write summary.json, report.md and the event log.")

    @Argument(help: "Scenario file (YAML).") var file: String
    @Option(help: "Seed of the random streams.") var seed: UInt64 = 1
    @Option(help: "Number of replications (independent days).") var replications: Int = 20
    @Option(help: "Output directory (default: outputs/<scenario file name>).") var out: String?
    @Option(help: "Threads (default: all cores). Results do not depend on it.") var threads: Int?
    @Option(help: "Which replications' event logs to write: all, first or none.") var records: String = "all"

    func validate() throws {
        guard replications >= 1 else { throw ValidationError("--replications must be at least 1, got \(replications)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard RecordsMode(rawValue: records) != nil else { throw ValidationError("--records must be all, first or none, got '\(records)'") }
    }

    func run() throws {
        let scenario = try loadScenario(file)
        let started = Date()
        let result = Experiment.run(scenario, seed: seed, replications: replications, threads: threads,
                                    records: RecordsMode(rawValue: records)!)
        let elapsed = Date().timeIntervalSince(started)
        let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let dir = URL(fileURLWithPath: out ?? "outputs/\(stem)")
        let files: [(name: String, data: Data)]
        do {
            files = try result.files(sourceFile: file)
            try AtomicOutput.write(files, to: dir)
        } catch {
            FileHandle.standardError.write(Data("cannot write results to \(dir.path): \(error.localizedDescription)\n".utf8))
            throw ExitCode(2)
        }
        let s = result.summary
        let tickets = result.stats.reduce(0) { $0 + $1.tickets }
        func show(_ k: String, _ scale: Double = 1) -> String {
            guard let f = s.overall[k], let m = f.mean else { return "–" }
            return String(format: "%.2f", m * scale) + (f.halfWidth.map { String(format: " ± %.2f", $0 * scale) } ?? "")
        }
        print("\(scenario.name): \(replications) replications, \(tickets) applicants in \(String(format: "%.2f", elapsed)) s")
        print("  mean wait \(show("wait_mean_min")) min, p90 \(show("wait_p90_min")) min, within \(String(format: "%g", scenario.waitTargetMinutes)) min \(show("sl_share", 100)) %, left without service \(show("abandoned_fraction", 100)) %")
        print("  results in \(dir.path)/ (\(files.map(\.name).joined(separator: ", ")))")
    }
}

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare layout B with layout A on common random numbers: paired differences with 95 % intervals.")

    @Argument(help: "Scenario A (the reference).") var a: String
    @Argument(help: "Scenario B.") var b: String
    @Option(help: "Seed of the random streams (the same for both).") var seed: UInt64 = 1
    @Option(help: "Replications (with --until-precision: the first batch, and each batch after).") var replications: Int = 20
    @Option(help: "Keep adding replications until the paired 95 % half-width of --kpi is at most this.") var untilPrecision: Double?
    @Option(help: "The KPI --until-precision watches.") var kpi: String = KPI.waitMean.rawValue
    @Option(help: "Most replications --until-precision may use.") var maxReplications: Int = 500
    @Option(help: "Output directory for compare.json and compare.md (default: print only).") var out: String?
    @Option(help: "Threads (default: all cores). Results do not depend on it.") var threads: Int?

    func validate() throws {
        guard replications >= 2 else { throw ValidationError("--replications must be at least 2 for an interval, got \(replications)") }
        guard KPI(rawValue: kpi) != nil else {
            throw ValidationError("--kpi must be one of \(KPI.allCases.map(\.rawValue).joined(separator: ", ")), got '\(kpi)'")
        }
        if let w = untilPrecision, !(w > 0) { throw ValidationError("--until-precision must be a width > 0, got \(w)") }
        guard maxReplications >= replications else {
            throw ValidationError("--max-replications (\(maxReplications)) must be at least --replications (\(replications))")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        let sa = try loadScenario(a), sb = try loadScenario(b)
        let c = Comparison.run(a: sa, b: sb, aName: a, bName: b, seed: seed, replications: replications,
                               untilPrecision: untilPrecision.map { (KPI(rawValue: kpi)!, $0, maxReplications) }, threads: threads)
        if let out {
            let dir = URL(fileURLWithPath: out)
            do {
                try AtomicOutput.write([("compare.json", try c.json), ("compare.md", Data(c.markdown.utf8))], to: dir)
            } catch {
                FileHandle.standardError.write(Data("cannot write results to \(dir.path): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
        }
        print("B = \(b) against A = \(a): \(c.replications) replications on common random numbers")
        for r in c.rows where r.difference.mean != nil { print("  " + r.sentence) }
        if c.precisionReached == false { print("  (the requested precision was not reached within \(maxReplications) replications)") }
    }
}
