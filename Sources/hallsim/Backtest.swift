import ArgumentParser
import Foundation
import HallCalibration
import HallDomain
import HallRunner

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Set a hall's observed days beside simulated 95 % prediction intervals (backtest.md/.json/.csv).",
        discussion:
            "Simulates the scenario (e.g. calibrated.yaml) over the same days — the same dates for a run over "
            + "dates — and reports, per daily and hourly figure, how often the observed value falls inside the "
            + "interval, and where the model and the hall disagree."
    )

    @Option(name: .customLong("records"), parsing: .upToNextOption, help: "Records folders (one or more).")
    var records: [String] = []
    @Option(help: "The scenario to test (e.g. a calibrated.yaml).") var scenario: String
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if records.isEmpty { throw ValidationError("give at least one --records folder") }
        try common.check(replicationsAtLeast: 20)
    }

    func run() throws {
        let s = try loadScenario(scenario)
        let out = common.out ?? "outputs/backtest"
        try Console.checkOut(out)
        let days = try readObservedDays(records, base: s)
        guard !days.isEmpty else {
            Console.error("the records folders hold no tickets; nothing was written.")
            throw ExitCode(1)
        }
        let n = common.replications ?? (s.period == nil ? 200 : 40)
        let result = Backtest.run(
            scenario: s, days: days, replications: n, seed: common.seed ?? 1, threads: common.threads)
        if result.rows.isEmpty {
            Console.error(
                "none of the observed days is a day the scenario simulates (check its calendar); nothing was written.")
            throw ExitCode(1)
        }
        let files: [(name: String, data: Data)] = [
            ("backtest.md", Data(result.markdown().utf8)), ("backtest.json", try result.json()),
            ("backtest.csv", Data(result.csv().utf8)),
        ]
        try Console.write(files, to: URL(fileURLWithPath: out))
        let inside = result.rows.filter(\.inside).count
        print(
            "\(s.name): \(days.count) observed days against \(n) simulated; \(inside) of \(result.rows.count) figures "
                + "inside the 95 % prediction intervals "
                + "(\(String(format: "%.1f", 100 * Double(inside) / Double(result.rows.count))) %)"
        )
        print("  results in \(out)/ (backtest.md, backtest.json, backtest.csv)")
    }
}
