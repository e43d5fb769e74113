import Foundation
import HallCalibration
import HallDomain
import HallOps
import HallRunner
import HallSimulation
import HallTestSupport
import XCTest

/// Issue 12's ground truth through the operations store: 20 simulated days of a known hall are replayed
/// into a database through HallOps as the hall would have produced them (no shortcut around the store),
/// then calibrated from the database (`OpsStore.calibrate`, what `hallops calibrate` runs). The intervals
/// must cover the true parameters at about their nominal 95 %.
final class CalibrationThroughTheStoreTests: XCTestCase {
    func testGroundTruthRecoveredFromTheStore() throws {
        var truth = try validationScenario("nowcast-hall")
        // Booked slots, called first while on time: their check-ins carry the slot, the day's bookings are
        // set through the store as the booking system would, and show-up and punctuality are calibrated.
        truth.appointments = [
            AppointmentBlock(
                id: "c1-am", item: "c1", first: ClockTime(minutes: 510), last: ClockTime(minutes: 690),
                everyMinutes: 30, perSlot: 3, showProbability: 0.8, punctuality: .normal(mean: -4, sd: 6))
        ]
        truth.calling.appointmentsFirst = true
        truth.calling.onTimeToleranceMinutes = 5
        let hall = CompiledHall(truth)
        let bookings = truth.fullBookings.map {
            Booking(block: truth.appointments[Int($0.block)].id, slot: $0.slot, booked: Int($0.booked))
        }
        let clock = ManualClock(Stamp(CivilDate(2025, 3, 3), 0))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: truth, clock: clock)
        let first = CivilDate(2025, 3, 3)
        let days = 20
        var simulated = 0
        for k in 0..<days {
            let date = first.adding(days: k)
            clock.set(Stamp(date, 0))
            try store.setBookings(date, bookings, actor: manager)
            let sink = OrderedSink()
            let stats = simulateDay(hall, seed: 21, replication: k, sink: sink)
            let replayed = try replayDay(
                sink.records, catalogue: hall.catalogue, scenario: truth, store: store, clock: clock)
            XCTAssertEqual(replayed.issued, stats.tickets)
            clock.set(minute: stats.end)
            try store.closeDay(date, actor: manager)
            simulated += stats.tickets
        }
        let (observed, result) = try store.calibrate(from: first, to: first.adding(days: days - 1), base: truth)
        XCTAssertEqual(observed, days)
        XCTAssertEqual(result.tickets, simulated)
        let cov = result.coverage { f in f.lower == nil ? nil : f.base }
        let misses = result.fields.filter { f in f.lower != nil && f.base != nil && !f.covers(f.base!) }
        print(
            "calibration through the store: \(cov.covered)/\(cov.total) intervals cover the true value; misses: "
                + misses.map { "\($0.field) \($0.estimate!) [\($0.lower!), \($0.upper!)] truth \($0.base!)" }
                .joined(separator: "; "))
        XCTAssertGreaterThan(cov.total, 40)
        let appointments = result.estimatedFields.filter { $0.field.hasPrefix("appointments[c1-am]") }
        XCTAssertEqual(
            appointments.map(\.field).sorted(),
            [
                "appointments[c1-am].punctuality_min.mean", "appointments[c1-am].punctuality_min.sd",
                "appointments[c1-am].show_probability",
            ])
        // A 95 % procedure over N intervals: at least the binomial's lower 0.1 % quantile.
        let n = Double(cov.total)
        let floor = 0.95 * n - 3.09 * (0.95 * 0.05 * n).squareRoot()
        XCTAssertGreaterThanOrEqual(Double(cov.covered), floor.rounded(.down))
        // The store loses nothing calibration reads: the same days calibrated straight from the simulator's
        // records (tickets.csv and windows.csv text) give the same estimates.
        let run = Experiment.run(truth, seed: 21, replications: 0..<days, threads: 2, records: .all)
        let logs = (0..<days).map { ($0, run.logs[$0]!.tickets) }
        var direct = try CalibrationRecords.parse(
            EventLogCSV.tickets(logs, catalogue: truth.catalogue), file: "tickets.csv", label: "sim", base: truth)
        try CalibrationRecords.attachClerks(
            EventLogCSV.windows((0..<days).map { ($0, run.logs[$0]!.windows) }, catalogue: truth.catalogue),
            file: "windows.csv", base: truth, to: &direct)
        try CalibrationRecords.attachBookings(
            EventLogCSV.bookings((0..<days).map { ($0, truth.fullBookings) }, scenario: truth), file: "bookings.csv",
            base: truth, to: &direct)
        let straight = Calibration.calibrate(base: truth, days: direct)
        XCTAssertEqual(straight.fields.map(\.field), result.fields.map(\.field))
        for (a, b) in zip(straight.fields, result.fields) {
            switch (a.estimate, b.estimate) {
            case (nil, nil): break
            case (let x?, let y?): XCTAssertEqual(x, y, accuracy: 1e-9 * max(1, abs(x)), a.field)
            default: XCTFail("\(a.field): estimated on one path only")
            }
        }
        // The calibrated scenario reads back from its folder.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cal-\(UUID().uuidString)")
        XCTAssertEqual(
            try result.files(folder: dir.path).map(\.name), ["calibrated.yaml", "calibration.md", "calibration.json"])
    }
}
