import Foundation
import HallCalibration
import HallDomain
import HallRandom
import HallRunner
import HallScenarioYAML
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
        let truth = try countyHall()
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
        let misses = exact.filter { !$0.covers($0.base!) }
        print(
            "back-office step times: \(exact.count - misses.count)/\(exact.count) intervals cover the truth; misses: "
                + misses.map { "\($0.field) \($0.estimate!) [\($0.lower!), \($0.upper!)] truth \($0.base!)" }
                .joined(separator: "; "))
        XCTAssertGreaterThanOrEqual(exact.count, 50, "every department's review and approval, mean and cv")
        let n = Double(exact.count)
        XCTAssertGreaterThanOrEqual(
            Double(exact.count - misses.count), (0.95 * n - 3.09 * (0.95 * 0.05 * n).squareRoot()).rounded(.down))
        let hrss = try XCTUnwrap(fields.first { $0.field == "back_office.departments[hrss].review_min.mean" })
        XCTAssertGreaterThan(hrss.lower!, 40, "lending inflates hrss's review time (the documented limit)")
        XCTAssertEqual(
            result.scenario.backOffice?.departments.first { $0.department == "ps" }?.reviewTime.mean,
            fields.first { $0.field == "back_office.departments[ps].review_min.mean" }?.value)
    }
}
