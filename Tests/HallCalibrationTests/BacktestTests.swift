import Foundation
import HallCalibration
import HallDomain
import HallRunner
import HallScenarioYAML
import XCTest

/// The backtest's intervals cover observed days of the hall that made them, and not those of another hall.
final class BacktestTests: XCTestCase {
    func observed(_ s: Scenario, seed: UInt64, days: Int) throws -> [ObservedDay] {
        let run = Experiment.run(s, seed: seed, replications: 0..<days, threads: 2, records: .all)
        let csv = EventLogCSV.tickets(
            run.logs.enumerated().map { ($0.offset, $0.element!.tickets) }, catalogue: s.catalogue)
        return try CalibrationRecords.parse(csv, file: "tickets.csv", label: "obs", base: s)
    }

    func testCalibratedScenarioCoversTheObservedDays() throws {
        let truth = try ScenarioLoader.load(path: CalibrationTests.scenarioPath)
        let days = try observed(truth, seed: 41, days: 20)
        let cal = Calibration.calibrate(base: truth, days: days)
        let bt = Backtest.run(scenario: cal.scenario, days: days, replications: 200, seed: 7, threads: 2)
        let cov = bt.coverage()
        for c in cov { print("backtest \(c.kpi): \(c.inside)/\(c.total)") }
        let daily = cov.filter { !$0.kpi.hasPrefix("hourly") }
        XCTAssertEqual(daily.count, DayFigures.dailyKPIs.count)
        let inside = daily.reduce(0) { $0 + $1.inside }
        let total = daily.reduce(0) { $0 + $1.total }
        print("backtest daily coverage \(inside)/\(total)")
        XCTAssertGreaterThanOrEqual(Double(inside) / Double(total), 0.88)
        let hourly = bt.rows.filter { $0.hour != nil }
        XCTAssertGreaterThanOrEqual(Double(hourly.filter(\.inside).count) / Double(hourly.count), 0.88)
        XCTAssertTrue(bt.markdown().contains("Nowhere beyond chance") || bt.markdown().contains("disagree"))
    }

    func testWrongDemandIsReportedAsDisagreement() throws {
        let truth = try ScenarioLoader.load(path: CalibrationTests.scenarioPath)
        let days = try observed(truth, seed: 42, days: 20)
        var wrong = truth
        for p in wrong.arrivals.indices {
            wrong.arrivals[p].rates = wrong.arrivals[p].rates.map {
                RateInterval(from: $0.interval.start, to: $0.interval.end, perHour: $0.perHour * 1.3)
            }
        }
        let bt = Backtest.run(scenario: wrong, days: days, replications: 200, seed: 7, threads: 2)
        let tickets = try XCTUnwrap(bt.coverage().first { $0.kpi == "tickets" })
        XCTAssertLessThan(tickets.inside, 10, "30 % more demand than the hall's must miss most days")
        XCTAssertGreaterThan(tickets.below, 10)
        XCTAssertTrue(bt.markdown().contains("**tickets**"))
    }
}
