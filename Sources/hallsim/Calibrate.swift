import ArgumentParser
import Foundation
import HallCalibration
import HallDomain
import HallRunner
import HallScenarioYAML

/// Reads the days of every records folder against the base scenario, or fails with file:line: field.
func readObservedDays(_ folders: [String], base: Scenario) throws -> [ObservedDay] {
    var days: [ObservedDay] = []
    for folder in folders {
        do { days += try CalibrationRecords.read(folder: folder, base: base) } catch let e as RecordsError {
            Console.error("\(e.description); nothing was written.")
            throw ExitCode(1)
        }
    }
    return days
}

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estimate a scenario's parameters from a hall's records (calibrated.yaml, calibration.md/.json).",
        discussion:
            "Records are folders written by `hallsim run` or `hallops export` (tickets.csv); each replication "
            + "and date in them is one observed day. Every estimated field gets its value, interval, sample size, "
            + "method and the base value it replaced; below the minimum sample size the base value is kept and flagged."
    )

    @Option(name: .customLong("records"), parsing: .upToNextOption, help: "Records folders (one or more).")
    var records: [String] = []
    @Option(help: "The base scenario the hall runs (ids of the records are its ids).") var base: String
    @Option(help: "Output folder (replaced whole): calibrated.yaml, calibration.md, calibration.json.")
    var out: String = "outputs/calibration"
    @Option(help: "Minimum applicants for a share or a rate, and services for a service-time fit.")
    var minSample: Int = 30
    @Option(help: "Minimum open days for an arrival rate.") var minDays: Int = 5

    func validate() throws {
        if records.isEmpty { throw ValidationError("give at least one --records folder") }
        if !(1...1_000_000).contains(minSample) { throw ValidationError("--min-sample must be from 1 to 1000000") }
        if !(1...100_000).contains(minDays) { throw ValidationError("--min-days must be from 1 to 100000") }
    }

    func run() throws {
        let scenario = try loadScenario(base)
        try Console.checkOut(out)
        let started = Date()
        let days = try readObservedDays(records, base: scenario)
        guard !days.isEmpty else {
            Console.error("the records folders hold no tickets; nothing was written.")
            throw ExitCode(1)
        }
        var o = CalibrationOptions()
        o.minTrials = minSample
        o.minServices = minSample
        o.minDays = minDays
        let result = Calibration.calibrate(base: scenario, days: days, options: o)
        let files: [(name: String, data: Data)]
        do { files = try result.files(folder: out) } catch {
            Console.error("\(error); nothing was written.")
            throw ExitCode(1)
        }
        try Console.write(files, to: URL(fileURLWithPath: out))
        let elapsed = Date().timeIntervalSince(started)
        let kept = result.fields.count - result.estimatedFields.count
        print(
            "\(scenario.name): \(days.count) days, \(result.tickets) tickets calibrated in "
                + "\(String(format: "%.2f", elapsed)) s; "
                + "\(result.estimatedFields.count) fields estimated, \(kept) kept from the base")
        print("  results in \(out)/ (calibrated.yaml, calibration.md, calibration.json)")
    }
}
