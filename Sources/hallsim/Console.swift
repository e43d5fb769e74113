import ArgumentParser
import Foundation
import HallDomain
import HallMetrics
import HallPlanner
import HallRunner
import HallScenarioYAML

/// The one way hallsim speaks to stderr: every message goes through here, long values cut short.
enum Console {
    /// Longest line echoed to the terminal; a longer one (a 50 MB bad value, say) is cut with its length.
    static let maxLine = 400

    static func clip(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.count <= maxLine ? String(line) : line.prefix(maxLine) + "… (\(line.count) characters in all)"
        }
        .joined(separator: "\n")
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((clip(text) + (text.hasSuffix("\n") ? "" : "\n")).utf8))
    }

    /// Progress on the same line (no newline).
    static func progress(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    /// Every problem of a file, then a count and what was not done; exit 1.
    static func fail(_ e: ScenarioLoadError, file: String, notDone: String = "nothing was run or written") -> ExitCode {
        error(e.description)
        let n = e.errors.count
        error("\(file.isEmpty ? "\"\"" : file): \(n) problem\(n == 1 ? "" : "s"); \(notDone).")
        return ExitCode(1)
    }

    /// Checks an output folder before any work: exit 2 if it cannot be written.
    static func checkOut(_ path: String) throws {
        do { try AtomicOutput.check(path) } catch let e as OutputFolderError {
            error(e.description + "; nothing was run or written.")
            throw ExitCode(path.isEmpty ? 1 : 2)
        }
    }

    /// Writes all files into `dir` or none (exit 2 with the reason).
    static func write(_ files: [(name: String, data: Data)], to dir: URL) throws {
        do { try AtomicOutput.write(files, to: dir) } catch {
            Console.error("cannot write results to \(dir.path): \(error); the folder was left as it was.")
            throw ExitCode(2)
        }
    }
}

/// Seed, replications, threads and output folder: the options the simulating commands share. Each
/// command gives its own defaults and lower bounds (`replications(default:atLeast:)`).
struct CommonOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Seed of the random streams (a whole number ≥ 0).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Number of replications (independent days).") var replications: Int?
    @Option(parsing: .unconditional, help: "Threads (default: all cores). Results do not depend on it.")
    var threads: Int?
    @Option(help: "Output folder (replaced whole by the results).") var out: String?

    /// Bounds common to every command: threads ≥ 1, replications within [atLeast, 1 000 000].
    func check(replicationsAtLeast least: Int) throws {
        if let r = replications, !(least...Self.maxReplications).contains(r) {
            throw ValidationError(
                "--replications must be a whole number from \(least) to \(Self.maxReplications), got \(r)")
        }
        if let t = threads, !(1...1024).contains(t) {
            throw ValidationError("--threads must be a whole number from 1 to 1024, got \(t)")
        }
        if let out, out.isEmpty {
            throw ValidationError("--out is empty; give a folder name, e.g. outputs/run1")
        }
    }

    static let maxReplications = 1_000_000
}

extension RecordsMode: ExpressibleByArgument {}
extension KPI: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}
extension LayoutKind: ExpressibleByArgument {}

/// `--layouts dedicated,universal`: a non-empty comma-separated list of layouts.
struct LayoutList: ExpressibleByArgument {
    var kinds: [LayoutKind]
    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let kinds = parts.compactMap { LayoutKind(rawValue: $0) }
        guard !parts.isEmpty, kinds.count == parts.count else { return nil }
        self.kinds = kinds
    }
    static var allValueStrings: [String] { LayoutKind.allCases.map(\.rawValue) }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

/// The file list of each command, in one place (names are `AtomicOutput.knownNames`).
enum Outputs {
    static func run(_ result: ExperimentResult, sourceFile: String, lang: ReportLanguage = .zh) throws -> [(
        name: String, data: Data
    )] {
        try result.files(sourceFile: sourceFile, lang: lang)
    }

    static func compare(_ c: Comparison, lang: ReportLanguage = .zh) throws -> [(name: String, data: Data)] {
        [
            ("compare.json", try c.json), ("compare.md", Data(c.markdown.utf8)),
            ("compare.html", Data(HTMLReport.compare(c, lang: lang).utf8)),
        ]
    }

    static func batch(_ plan: BatchPlan, shard: Shard?, rows: [TidyRow], lang: ReportLanguage = .zh) throws -> [(
        name: String, data: Data
    )] {
        try shard.map { try BatchFiles.shard(plan.description, shard: $0, rows: rows) }
            ?? BatchFiles.complete(plan.description, rows: rows, lang: lang)
    }

    /// The planner's files; one planned-DAY.yaml per day when several days are planned.
    static func plan(_ result: PlanResult, folder: String, lang: ReportLanguage = .zh) throws -> [(
        name: String, data: Data
    )] {
        let folder = URL(fileURLWithPath: folder).standardizedFileURL.path
        var files: [(name: String, data: Data)] = [
            ("plan.md", Data(result.markdown.utf8)), ("plan.json", try result.json),
            ("report.html", Data(result.html(lang: lang).utf8)),
            ("requirements.csv", Data(result.requirementsCSV.utf8)), ("shifts.csv", Data(result.shiftsCSV.utf8)),
            ("planned.yaml", Data(ScenarioWriter.yaml(result.chosen.days[0].scenario, relativeTo: folder).utf8)),
        ]
        if result.chosen.days.count > 1 {
            for d in result.chosen.days {
                files.append(
                    (plannedDayFile(d.day.name), Data(ScenarioWriter.yaml(d.scenario, relativeTo: folder).utf8)))
            }
        }
        if let bo = result.backOffice, let csv = result.backOfficeCSV {
            files.append(("back_office.csv", Data(csv.utf8)))
            files.append(("planned-month.yaml", Data(ScenarioWriter.yaml(bo.scenario, relativeTo: folder).utf8)))
        }
        if let csv = result.headcountCSV { files.append(("headcount.csv", Data(csv.utf8))) }
        if let t = result.tidal, let csv = result.tidalCSV {
            files.append(("tidal.csv", Data(csv.utf8)))
            files.append(("planned-tidal.yaml", Data(ScenarioWriter.yaml(t.scenario, relativeTo: folder).utf8)))
        }
        return files
    }

    static func plannedDayFile(_ name: String) -> String { PlanLoader.plannedDayFile(name) }
}
