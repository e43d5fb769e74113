import Foundation
import HallCalibration
import HallDomain
import HallRandom
import HallRunner
import HallScenarioYAML
import HallSimulation
import HallTestSupport
import XCTest

/// Ground truth: simulate days of a known hall, calibrate from the records (through tickets.csv, as the
/// command reads them), and check that the intervals cover the true values at about their nominal rate.
final class CalibrationTests: XCTestCase {
    static let scenarioPath = repoRoot.appendingPathComponent("scenarios/validation/calibration-hall.yaml").path

    /// Observed days of `days` simulated replications, parsed back from their tickets.csv text.
    func observedDays(_ truth: Scenario, seed: UInt64, days: Int) throws -> [ObservedDay] {
        let run = Experiment.run(truth, seed: seed, replications: 0..<days, threads: 2, records: .all)
        let logs = run.logs.enumerated().map { ($0.offset, $0.element!.tickets) }
        let csv = EventLogCSV.tickets(logs, catalogue: truth.catalogue)
        var observed = try CalibrationRecords.parse(csv, file: "tickets.csv", label: "seed\(seed)", base: truth)
        // The bookings of a simulated day: every slot full (bookings.csv as `hallsim run` writes it).
        let bookings = EventLogCSV.bookings(logs.map { ($0.0, truth.fullBookings) }, scenario: truth)
        try CalibrationRecords.attachBookings(bookings, file: "bookings.csv", base: truth, to: &observed)
        return observed
    }

    /// Coverage of the true (base) values by the estimated fields' intervals, over several 20-day samples.
    func coverage(_ options: CalibrationOptions, seeds: [UInt64]) throws -> (covered: Int, total: Int, misses: [String])
    {
        let truth = try ScenarioLoader.load(path: Self.scenarioPath)
        var c = 0
        var n = 0
        var misses: [String] = []
        for seed in seeds {
            let days = try observedDays(truth, seed: seed, days: 20)
            XCTAssertEqual(days.count, 20)
            let r = Calibration.calibrate(base: truth, days: days, options: options)
            let cov = r.coverage { f in f.lower == nil ? nil : f.base }
            c += cov.covered
            n += cov.total
            misses += r.estimatedFields.filter { f in f.lower != nil && !f.covers(f.base!) }.map {
                "\(seed) \($0.field): \($0.estimate!) [\($0.lower!), \($0.upper!)] truth \($0.base!)"
            }
        }
        return (c, n, misses)
    }

    /// The check: over N parameters, coverage at least the lower 0.1 % binomial quantile of a 95 % procedure.
    func passes(_ cov: (covered: Int, total: Int, misses: [String])) -> Bool {
        let n = Double(cov.total)
        let sd = (n * 0.95 * 0.05).squareRoot()
        return Double(cov.covered) >= n * 0.95 - 3.09 * sd
    }

    func testGroundTruthCovered() throws {
        let cov = try coverage(CalibrationOptions(), seeds: Array(1...10))
        let rate = Double(cov.covered) / Double(cov.total)
        print(
            "calibration ground truth: \(cov.covered)/\(cov.total) intervals cover the true value "
                + "(\(String(format: "%.3f", rate)), nominal 0.95)"
        )
        for m in cov.misses { print("  miss: \(m)") }
        XCTAssertGreaterThan(cov.total, 500, "every group of parameters should be estimated")
        // Both appointment blocks' show-up and punctuality are among them (60 of the intervals).
        let truth = try ScenarioLoader.load(path: Self.scenarioPath)
        let r = Calibration.calibrate(base: truth, days: try observedDays(truth, seed: 1, days: 20))
        let appointments = r.estimatedFields.filter { $0.field.hasPrefix("appointments[") }
        XCTAssertEqual(appointments.count, 6, appointments.map(\.field).joined(separator: ", "))
        XCTAssertTrue(appointments.allSatisfy { $0.lower != nil }, "appointment fields carry intervals")
        XCTAssertFalse(r.notEstimated.contains { $0.contains("appointment") }, "\(r.notEstimated)")
        XCTAssertTrue(passes(cov), "coverage \(rate) is below what a 95 % procedure gives")
        // Not absurdly wide either: a procedure covering everything on ~300 parameters is suspect.
        XCTAssertLessThan(rate, 0.995)
    }

    /// A kiosk records the crowd waiting at the door in the minutes after it opens, not at the opening
    /// instant: those check-ins are censored over the opening's rush, and the punctuality still covers the
    /// truth. Taken as exact (no rush), the early crowd reads as on time and the morning block's mean comes
    /// out late: over four 20-day samples its average error is more than 3 standard errors.
    func testPunctualityCensorsTheKiosksOpeningRush() throws {
        let truth = try ScenarioLoader.load(path: Self.scenarioPath)
        let stream = RandomStream(seed: 5, replication: 0, name: "kiosk")
        var covered = 0
        var total = 0
        var error = [0.0, 0.0]  // the morning block's mean − truth, summed: with the rush, without
        var variance = [0.0, 0.0]
        let seeds: [UInt64] = [1, 2, 3, 4]
        for seed in seeds {
            var days = try observedDays(truth, seed: seed, days: 20)
            var moved = 0
            for k in days.indices {
                let opens = days[k].periods.map(\.start.minutes)
                for i in days[k].tickets.indices
                where days[k].tickets[i].channel == .appointment && opens.contains(days[k].tickets[i].arrival) {
                    days[k].tickets[i].arrival += 2 * stream.uniform()  // up to two minutes at the kiosk
                    moved += 1
                }
            }
            XCTAssertGreaterThan(moved, 30, "the early crowd at the doors")
            var noRush = CalibrationOptions()
            noRush.openingRushMinutes = 0
            for (k, options) in [CalibrationOptions(), noRush].enumerated() {
                let r = Calibration.calibrate(base: truth, days: days, options: options)
                for block in truth.appointments {
                    let f = try XCTUnwrap(
                        r.estimatedFields.first { $0.field == "appointments[\(block.id)].punctuality_min.mean" })
                    let (estimate, lower, upper) = (
                        try XCTUnwrap(f.estimate), try XCTUnwrap(f.lower), try XCTUnwrap(f.upper)
                    )
                    if k == 0 {
                        total += 1
                        covered += f.covers(block.punctuality.mean) ? 1 : 0
                    }
                    if block.id == "a2-am" {  // opens with the hall: about one check-in in nine at the door
                        error[k] += estimate - block.punctuality.mean
                        variance[k] += pow((upper - lower) / (2 * 1.96), 2)
                    }
                }
            }
        }
        let n = Double(seeds.count)
        let z = (0..<2).map { error[$0] / variance[$0].squareRoot() }
        print(
            "punctuality with the kiosk's rush: \(covered)/\(total) intervals cover; the morning block's mean "
                + String(
                    format: "errs %+.2f min (z %+.1f) with the rush, %+.2f (z %+.1f) without", error[0] / n, z[0],
                    error[1] / n, z[1]))
        XCTAssertGreaterThanOrEqual(covered, total - 1)
        XCTAssertLessThan(abs(z[0]), 3)
        XCTAssertGreaterThan(z[1], 3, "taking the rush as exact must be caught")
    }

    /// bookings.csv of a run over dates, as `hallsim run` writes it, read back the way calibration reads a
    /// records folder: a shortened day books only the slots before its closing (its later slots would have
    /// lost every arrival), and every check-in meets its booking.
    func testDatedBookingsOfARunRoundTripAndStopAtTheDaysClosing() throws {
        var county = try countyHall()
        // Friday 17 and Saturday 18 October; Saturday opens 09:00–10:00 only.
        county.period!.start = CivilDate(2025, 10, 17)
        county.period!.end = CivilDate(2025, 10, 18)
        county.period!.overrides = [
            DayOverride(
                weekday: 6,
                action: .open([HallDomain.TimeInterval(start: ClockTime(minutes: 540), end: ClockTime(minutes: 600))]))
        ]
        let run = Experiment.run(county, seed: 7, replications: 0..<2, threads: 2, records: .all)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dated-bookings-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, data) in try run.files() { try data.write(to: dir.appendingPathComponent(name)) }
        let days = try CalibrationRecords.read(folder: dir.path, base: county)
        XCTAssertEqual(days.count, 4, days.map(\.label).joined(separator: ", "))
        for d in days {
            let bookings = try XCTUnwrap(d.bookings, d.label)
            let saturday = d.date == CivilDate(2025, 10, 18)
            for (b, block) in county.appointments.enumerated() {
                XCTAssertEqual(
                    bookings.filter { $0.block == b }.map(\.slot),
                    block.slotTimes.map(\.minutes).filter { !saturday || $0 < 600 }, "\(d.label) \(block.id)")
            }
            XCTAssertTrue(bookings.allSatisfy { $0.booked == county.appointments[Int($0.block)].perSlot }, d.label)
            let checkIns = d.tickets.filter { $0.channel == .appointment && $0.visit == .first }
            XCTAssertFalse(checkIns.isEmpty, d.label)
            for t in checkIns {
                let slot = try XCTUnwrap(t.slot)
                XCTAssertTrue(bookings.contains { abs($0.slot - slot) < 1e-6 }, "\(d.label): \(slot) is not booked")
            }
        }
        // Show-up over those bookings: no check-in left out as unbooked, no slot counted after the closing
        // (the morning block has 6 slots on Friday, 2 on the short Saturday; the afternoon one none then).
        let r = Calibration.calibrate(base: county, days: days)
        for (block, slots) in [(county.appointments[0], 6 + 2), (county.appointments[1], 5)] {
            let show = try XCTUnwrap(
                r.fields.first { $0.field == "appointments[\(block.id)].show_probability" }, block.id)
            XCTAssertEqual(show.sampleSize, 2 * slots * block.perSlot, block.id)
            XCTAssertFalse(show.note?.contains("without bookings") ?? false, show.note ?? "")
        }
    }

    func testMisspecifiedServiceFamilyFails() throws {
        var o = CalibrationOptions()
        o.serviceFamilies = ["exponential"]
        let cov = try coverage(o, seeds: Array(1...10))
        print("exponential service times: \(cov.covered)/\(cov.total)")
        XCTAssertFalse(passes(cov), "an exponential fit of non-exponential service times must fail the check")
    }

    func testMisspecifiedServedOnlyFails() throws {
        var o = CalibrationOptions()
        o.servedOnly = true
        let cov = try coverage(o, seeds: Array(1...10))
        print("served tickets only: \(cov.covered)/\(cov.total)")
        XCTAssertFalse(passes(cov), "counting served applicants only must fail the check")
    }

    func testCalibratedScenarioReadsBackAndFlagsSmallSamples() throws {
        let truth = try ScenarioLoader.load(path: Self.scenarioPath)
        let days = try observedDays(truth, seed: 9, days: 3)
        let r = Calibration.calibrate(base: truth, days: days)
        // Three days are below the 5-day minimum: every arrival rate keeps the base and says so.
        let rates = r.fields.filter { $0.group == "arrival rate" }
        XCTAssertFalse(rates.isEmpty)
        for f in rates {
            XCTAssertFalse(f.estimated)
            XCTAssertEqual(f.value, f.base)
            XCTAssertNotNil(f.note)
        }
        // Universal windows serve c only: no specialist times, the slowdown is kept from the base.
        let slow = try XCTUnwrap(r.fields.first { $0.field == "proficiency[universal].c" })
        XCTAssertFalse(slow.estimated)
        let yaml = ScenarioWriter.yaml(r.scenario)
        let back = try ScenarioLoader.parse(yaml: yaml, file: "calibrated.yaml")
        XCTAssertEqual(back.arrivals, r.scenario.arrivals)
        XCTAssertTrue(r.markdown().contains("base kept"))
        XCTAssertNoThrow(try r.json())
    }

    func testPatienceIsNotTheMeanOfAbandoners() throws {
        let truth = try ScenarioLoader.load(path: Self.scenarioPath)
        let days = try observedDays(truth, seed: 4, days: 20)
        let r = Calibration.calibrate(base: truth, days: days)
        let f = try XCTUnwrap(r.fields.first { $0.field == "behaviour.patience_min.mean" })
        XCTAssertTrue(f.estimated)
        let abandoners = days.flatMap(\.tickets).filter { $0.outcome == .reneged }.map(\.wait)
        let naive = abandoners.reduce(0, +) / Double(abandoners.count)
        // The naive mean sees only the impatient: far below the truth (25 min), and outside the interval.
        XCTAssertLessThan(naive, 0.7 * 25)
        XCTAssertFalse(f.covers(naive))
        XCTAssertTrue(f.covers(25))
    }

    func testBadRecordsNameFileLineAndField() throws {
        let truth = try ScenarioLoader.load(path: Self.scenarioPath)
        let header = EventLogCSV.ticketHeader
        let good = "0,1,pa,walk_in,a1,a,0,510.0000,08:30:00,511.0000,511.0000,515.0000,515.0000,1.0000,a-1,served"
        XCTAssertNoThrow(
            try CalibrationRecords.parse(header + "\n" + good + "\n", file: "t.csv", label: "x", base: truth))
        let bad = good.replacingOccurrences(of: ",a1,", with: ",zz,")
        XCTAssertThrowsError(try CalibrationRecords.parse(header + "\n" + bad, file: "t.csv", label: "x", base: truth))
        {
            let e = $0 as! RecordsError
            XCTAssertEqual(e.line, 2)
            XCTAssertEqual(e.field, "item")
        }
        let num = good.replacingOccurrences(of: "510.0000", with: "ten")
        XCTAssertThrowsError(try CalibrationRecords.parse(header + "\n" + num, file: "t.csv", label: "x", base: truth))
        {
            XCTAssertEqual(($0 as! RecordsError).field, "arrival_min")
        }
        XCTAssertThrowsError(try CalibrationRecords.parse("a,b\n1,2", file: "t.csv", label: "x", base: truth))
        // A real hall's export names the ticket kind, not the profile: the walk-in profile comes from the item.
        let ops = good.replacingOccurrences(of: ",pa,", with: ",walk_in,")
        let days = try CalibrationRecords.parse(header + "\n" + ops, file: "t.csv", label: "x", base: truth)
        XCTAssertEqual(days[0].tickets[0].source, 0)
    }
}

/// The numerical pieces against known values.
final class EstimationTests: XCTestCase {
    func testPoissonInterval() {
        // Garwood interval for 10 events in 1 unit: 4.795 – 18.39 (standard tables).
        let (lo, hi) = Estimation.poissonRateInterval(count: 10, exposure: 1)
        XCTAssertEqual(lo, 4.7954, accuracy: 1e-3)
        XCTAssertEqual(hi, 18.390, accuracy: 1e-3)
        XCTAssertEqual(Estimation.poissonRateInterval(count: 0, exposure: 2).0, 0)
        XCTAssertEqual(Estimation.poissonRateInterval(count: 0, exposure: 1).1, 3.689, accuracy: 1e-3)
    }

    func testWilson() {
        // 5 of 20 at 95 %: 0.1119 – 0.4687.
        let (lo, hi) = Estimation.wilsonInterval(successes: 5, trials: 20)
        XCTAssertEqual(lo, 0.1119, accuracy: 1e-4)
        XCTAssertEqual(hi, 0.4687, accuracy: 1e-4)
    }

    func testGammaShapeSolvesTheLikelihoodEquation() {
        // A sample with log(mean) − mean(log) = s has shape solving log k − ψ(k) = s; k ≈ (3 − s + √((s−3)² + 24s)) / 12s.
        let xs = [2.0, 3.0, 5.0, 7.0, 11.0, 13.0]
        let fit = Estimation.fitGamma(xs)!
        let k = 1 / (fit.cv * fit.cv)
        let n = Double(xs.count)
        let s = log(xs.reduce(0, +) / n) - xs.reduce(0) { $0 + log($1) } / n
        let approx = (3 - s + ((s - 3) * (s - 3) + 24 * s).squareRoot()) / (12 * s)
        XCTAssertEqual(k, approx, accuracy: 0.02 * approx)
        XCTAssertEqual(fit.mean, 41.0 / 6, accuracy: 1e-12)
        XCTAssertLessThan(fit.ks, 0.3)
    }

    func testLognormalAndAICChooseTheTrueFamily() {
        let stream = RandomStream(seed: 7, replication: 0, name: "lognormal-test")
        let rng = stream.handle
        let sigma2 = log(1 + 0.8 * 0.8)
        let mu = log(4) - sigma2 / 2
        let xs = (0..<4000).map { _ in exp(mu + sigma2.squareRoot() * rng.gaussian(mean: 0, sd: 1)) }
        // One sample: intervals at 99.9 % so that the check fails only when the method is wrong.
        let ln = Estimation.fitLognormal(xs, level: 0.999)!
        let ga = Estimation.fitGamma(xs, level: 0.999)!
        XCTAssertLessThan(ln.aic, ga.aic)
        XCTAssertTrue(ln.meanInterval[0] < 4 && 4 < ln.meanInterval[1], "\(ln)")
        XCTAssertTrue(ln.cvInterval[0] < 0.8 && 0.8 < ln.cvInterval[1], "\(ln)")
        XCTAssertLessThan(ln.ks, ga.ks)
        withExtendedLifetime(stream) {}
    }

    func testKaplanMeierMedian() {
        // Events at 1, 2, 3 with a censored 2.5: S(1) = 3/4, S(2) = 1/2 → median 2.
        let m = Estimation.kaplanMeierMedian([(1, true), (2, true), (2.5, false), (3, true)])
        XCTAssertEqual(m, 2)
        XCTAssertNil(Estimation.kaplanMeierMedian([(1, false), (2, false)]))
    }
}

/// A real hall's kiosk also issues tickets by department (no item): they count in the arrival rates and
/// the behaviour, not in item shares or intake times.
final class DepartmentOnlyTicketTests: XCTestCase {
    func testTicketsWithoutAnItemCountInRatesNotInShares() throws {
        let truth = try ScenarioLoader.load(path: CalibrationTests.scenarioPath)
        let run = Experiment.run(truth, seed: 31, replications: 0..<20, threads: 2, records: .all)
        let full = run.logs.enumerated().map { ($0.offset, $0.element!.tickets) }
        // Every third ticket names only its department.
        let blanked = full.map { rep, tickets in
            (
                rep,
                tickets.map { t -> TicketRecord in
                    var t = t
                    if t.ticket % 3 == 0 { t.item = -1 }
                    return t
                }
            )
        }
        func calibrate(_ logs: [(Int, [TicketRecord])]) throws -> CalibrationResult {
            let csv = EventLogCSV.tickets(logs, catalogue: truth.catalogue)
            return Calibration.calibrate(
                base: truth, days: try CalibrationRecords.parse(csv, file: "tickets.csv", label: "t", base: truth))
        }
        let a = try calibrate(full)
        let b = try calibrate(blanked)
        XCTAssertTrue(
            EventLogCSV.tickets(blanked, catalogue: truth.catalogue).contains(",,a,"), "an empty item in the CSV")
        let fieldsA = Dictionary(uniqueKeysWithValues: a.fields.map { ($0.field, $0) })
        var rates = 0
        var shares = 0
        for f in b.fields {
            let g = try XCTUnwrap(fieldsA[f.field], f.field)
            if f.group == "arrival rate" {
                // The same tickets arrive: the same rates.
                XCTAssertEqual(f.estimate, g.estimate, f.field)
                rates += 1
            } else if f.group == "item share" {
                // Shares among the two thirds that name their item.
                XCTAssertLessThan(f.sampleSize, g.sampleSize * 3 / 4, f.field)
                shares += 1
            }
        }
        XCTAssertGreaterThan(rates, 20)
        XCTAssertGreaterThan(shares, 0)
    }
}

/// Weekday classes (issue 12): the county month's weekday demand (Monday 1.15, Friday 0.9) recovered from
/// dated records, alternately with the rates at demand 1.
final class WeekdayDemandTests: XCTestCase {
    func testWeekdayMultipliersRecovered() throws {
        let truth = try countyHall()
        XCTAssertEqual(truth.period?.weekdayDemand, [1: 1.15, 5: 0.9])
        let run = Experiment.run(truth, seed: 5, replications: 0..<3, threads: 2, records: .all)
        let c = truth.catalogue
        let logs = run.logs.map { $0! }
        let csv = EventLogCSV.tickets(
            logs.enumerated().map { ($0.offset, $0.element.tickets) }, catalogue: c,
            dated: logs.map { ($0.dates, $0.ticketDay) })
        let days = try CalibrationRecords.parse(csv, file: "tickets.csv", label: "county", base: truth)
        func weekdays(_ r: CalibrationResult) -> [String: EstimatedField] {
            Dictionary(uniqueKeysWithValues: r.fields.filter { $0.group == "weekday demand" }.map { ($0.field, $0) })
        }
        // Against the true base: every weekday's interval covers its multiplier.
        let calibrated = Calibration.calibrate(base: truth, days: days)
        let right = weekdays(calibrated)
        // Coming back after a notice (probability 0.85, 1–5 working days, incomplete again 0.05).
        let returns = Dictionary(
            uniqueKeysWithValues: calibrated.fields.filter { $0.group == "notice return" }.map { ($0.field, $0) })
        let p = try XCTUnwrap(returns["notice_return.probability"])
        let again = try XCTUnwrap(returns["notice_return.incomplete_again"])
        print(
            "notice return: probability \(p.estimate!) [\(p.lower!), \(p.upper!)] of \(p.sampleSize); after "
                + "\(returns["notice_return.after_working_days.min"]!.estimate!)–"
                + "\(returns["notice_return.after_working_days.max"]!.estimate!) working days; incomplete again "
                + "\(again.estimate!) [\(again.lower!), \(again.upper!)] of \(again.sampleSize)")
        XCTAssertTrue(p.estimated && p.covers(0.85), "\(p)")
        XCTAssertTrue(again.estimated && again.covers(0.05), "\(again)")
        XCTAssertEqual(returns["notice_return.after_working_days.min"]?.estimate, 1)
        XCTAssertEqual(returns["notice_return.after_working_days.max"]?.estimate, 5)
        XCTAssertEqual(calibrated.scenario.noticeReturn?.after, WorkingDayRange(min: 1, max: 5))
        for (name, truthValue) in [("mon", 1.15), ("tue", 1), ("wed", 1), ("thu", 1), ("fri", 0.9)] {
            let f = try XCTUnwrap(right["calendar.weekday_demand.\(name)"], name)
            XCTAssertTrue(f.estimated, name)
            XCTAssertTrue(f.covers(truthValue), "\(name): \(f.estimate!) [\(f.lower!), \(f.upper!)]")
        }
        // Against a base without weekday demand: Monday and Friday are found apart, in the true ratio.
        var flat = truth
        flat.period!.weekdayDemand = [:]
        // (The records read against the base they calibrate: each date's demand is the base's.)
        let flatDays = try CalibrationRecords.parse(csv, file: "tickets.csv", label: "county", base: flat)
        let result = Calibration.calibrate(base: flat, days: flatDays)
        let wrong = weekdays(result)
        let mon = try XCTUnwrap(wrong["calendar.weekday_demand.mon"])
        let fri = try XCTUnwrap(wrong["calendar.weekday_demand.fri"])
        let wed = try XCTUnwrap(wrong["calendar.weekday_demand.wed"])
        print(
            "weekday demand from a flat base: "
                + ["mon", "tue", "wed", "thu", "fri"].map { n in
                    let f = wrong["calendar.weekday_demand.\(n)"]!
                    return "\(n) \(String(format: "%.3f [%.3f, %.3f]", f.estimate!, f.lower!, f.upper!))"
                }.joined(separator: ", "))
        XCTAssertGreaterThan(mon.lower!, fri.upper!)
        XCTAssertFalse(mon.covers(1), "Monday's base value 1 is refused")
        XCTAssertEqual(mon.estimate! / wed.estimate!, 1.15, accuracy: 0.06)
        XCTAssertEqual(fri.estimate! / wed.estimate!, 0.9, accuracy: 0.05)
        XCTAssertEqual(result.scenario.period?.weekdayDemand[1], mon.estimate)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("weekday-\(UUID().uuidString)")
        XCTAssertEqual(try result.files(folder: dir.path).count, 3, "the calibrated scenario reads back")
    }
}

/// Back-office step times from simulated records (steps.csv): per department, review and approval time
/// in working minutes from each step's start to its end.
final class BackOfficeStepTimeTests: XCTestCase {
    func testBadStepsNameFileLineAndField() throws {
        let truth = try countyHall()
        let good =
            "0,,ps,review,2025-10-09 09:00:00,2025-10-09 09:00:00,2025-10-09 09:00:00,2025-10-09 09:30:00,"
            + "30.0000,540.0000,540.0000,540.0000,570.0000"
        var days: [ObservedDay] = []
        XCTAssertNoThrow(
            try CalibrationRecords.attachSteps(
                CaseCSV.stepHeader + "\n" + good + "\n", file: "steps.csv", base: truth, to: &days))
        for (row, field) in [
            (good.replacingOccurrences(of: "2025-10-09 09:30", with: "1999-10-09 09:30"), "end"),
            (good.replacingOccurrences(of: ",review,", with: ",lunch,"), "step"),
            (good.replacingOccurrences(of: ",ps,", with: ",nowhere,"), "department"),
            (good.replacingOccurrences(of: ",570.0000", with: ",500.0000"), "start"),
        ] {
            XCTAssertThrowsError(
                try CalibrationRecords.attachSteps(
                    CaseCSV.stepHeader + "\n" + good + "\n" + row, file: "steps.csv", base: truth, to: &days)
            ) {
                let e = $0 as? RecordsError
                XCTAssertEqual(e?.line, 3, row)
                XCTAssertEqual(e?.field, field, row)
            }
        }
    }

    func testStepTimesRecoveredExceptWhereReviewersAreLentToTheFront() throws {
        var truth = try countyHall()
        // nr's reviewers work mornings only: their steps are timed on their shift's clock (on the back
        // office's full hours a 90-minute review would look far longer). civil's reviewers work two
        // different shifts: no one clock, base kept.
        truth.shifts.append(Shift(id: "am", start: ClockTime(minutes: 510), end: ClockTime(minutes: 720)))
        let k = try XCTUnwrap(truth.backOffice?.departments.firstIndex { $0.department == "nr" })
        truth.backOffice!.departments[k].reviewers = [BackOfficeStaff(count: 3, shift: "am")]
        let civil = try XCTUnwrap(truth.backOffice?.departments.firstIndex { $0.department == "civil" })
        truth.backOffice!.departments[civil].reviewers = [
            BackOfficeStaff(count: 2), BackOfficeStaff(count: 1, shift: "am"),
        ]
        let run = Experiment.run(truth, seed: 8, replications: 0..<2, threads: 2, records: .all)
        let c = truth.catalogue
        let logs = run.logs.map { $0! }
        let tickets = EventLogCSV.tickets(
            logs.enumerated().map { ($0.offset, $0.element.tickets) }, catalogue: c,
            dated: logs.map { ($0.dates, $0.ticketDay) })
        var days = try CalibrationRecords.parse(tickets, file: "tickets.csv", label: "county", base: truth)
        let steps = CaseCSV.steps(logs.enumerated().map { ($0.offset, $0.element) }, catalogue: c)
        try CalibrationRecords.attachSteps(steps, file: "steps.csv", base: truth, to: &days)
        let result = Calibration.calibrate(base: truth, days: days)
        let fields = result.fields.filter { $0.field.hasPrefix("back_office.") }
        // hrss reviewers go to a tidal window mid-step (staff_from: back_office hrss): their steps' time
        // away counts in start → end, which no record separates. Everywhere else the clock is exact.
        let lent = Set(
            truth.tidal.compactMap { r -> String? in
                if case .backOffice(let d, _) = r.source { return d }
                return nil
            })
        XCTAssertEqual(lent, ["hrss"])
        let exact = fields.filter { f in f.estimated && !lent.contains { f.field.contains("[\($0)].review") } }
        let misses = exact.filter { f in f.base.map { !f.covers($0) } ?? true }
        print(
            "back-office step times: \(exact.count - misses.count)/\(exact.count) intervals cover the truth; misses: "
                + misses.map { "\($0.field) \($0.estimate ?? .nan) [\($0.lower ?? .nan), \($0.upper ?? .nan)]" }
                .joined(separator: "; "))
        XCTAssertGreaterThanOrEqual(exact.count, 48, "every department's review and approval, mean and cv")
        // nr's reviews: start → end on the shift's clock is each step's drawn work, to the second (on the
        // back office's full hours it is longer); the fit is estimated from them.
        let period = CompiledPeriod(truth)
        let nrIndex = try XCTUnwrap(c.departments.firstIndex(of: "nr"))
        let nrReviews = logs.flatMap(\.steps).filter {
            $0.department == Int32(nrIndex) && $0.step == .review && $0.end != nil
        }
        XCTAssertGreaterThan(nrReviews.count, 100)
        var longer = 0
        for r in nrReviews {
            let onShift = try XCTUnwrap(period.workingMinutes(from: r.start!, to: r.end!, shift: "am"))
            XCTAssertEqual(onShift, r.work, accuracy: 0.02, "\(r)")
            if period.workingMinutes(from: r.start!, to: r.end!) > r.work + 1 { longer += 1 }
        }
        XCTAssertGreaterThan(longer, nrReviews.count / 4, "the full hours' clock would count the afternoons")
        let nr = try XCTUnwrap(fields.first { $0.field == "back_office.departments[nr].review_min.mean" })
        XCTAssertTrue(nr.estimated, "\(nr)")
        XCTAssertEqual(nr.sampleSize, nrReviews.count)
        for f in fields where f.field.hasPrefix("back_office.departments[civil].review_min") {
            XCTAssertFalse(f.estimated, f.field)
            XCTAssertTrue(f.note?.contains("different shifts") ?? false, f.note ?? "no note")
        }
        let n = Double(exact.count)
        XCTAssertGreaterThanOrEqual(
            Double(exact.count - misses.count), (0.95 * n - 3.09 * (0.95 * 0.05 * n).squareRoot()).rounded(.down))
        let hrss = try XCTUnwrap(fields.first { $0.field == "back_office.departments[hrss].review_min.mean" })
        XCTAssertGreaterThan(hrss.lower ?? 0, 40, "lending inflates hrss's review time (the documented limit)")
        XCTAssertEqual(
            result.scenario.backOffice?.departments.first { $0.department == "ps" }?.reviewTime.mean,
            fields.first { $0.field == "back_office.departments[ps].review_min.mean" }?.value)
    }
}
