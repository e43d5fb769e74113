import Foundation
import HallCalibration
import HallDomain
import HallOps
import HallTestSupport
import XCTest

/// Back-office step times from the store: a step taken (签收) and later recorded done has the working
/// minutes between the two on the back office's hours (08:30–12:00, 14:00–17:30 on statutory working
/// days), which calibration fits; a step recorded without a take has none and is counted apart.
final class StepTimeTests: XCTestCase {
    func testTakenStepsGiveWorkingMinutesAcrossLunchNightsAndTheMakeUpSaturday() throws {
        let thursday = CivilDate(2025, 10, 9)
        let clock = ManualClock(Stamp(thursday, 600))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: try countyHall(), clock: clock)
        let item = try XCTUnwrap(
            store.scenario.items.filter { $0.kind == .committed && ($0.committedLimitDays ?? 0) >= 5 }.first)
        var cases: [Int64] = []
        for _ in 0..<5 {
            cases.append(try XCTUnwrap(try store.serve(item: item.id, outcome: .accepted, clock: clock).caseNumber))
        }
        func at(_ d: CivilDate, _ h: Int, _ m: Int) { clock.set(Stamp(d, Double(h * 60 + m))) }
        // Taken before lunch, done after it: 10 + 20 = 30 working minutes.
        at(thursday, 11, 50)
        _ = try store.takeStep(case: cases[0], step: .review, staff: "li", actor: manager)
        XCTAssertThrowsError(try store.takeStep(case: cases[0], step: .review, staff: "wu", actor: manager)) {
            XCTAssertEqual(($0 as? OpsError)?.kind, .conflict)
        }
        at(thursday, 14, 20)
        _ = try store.recordStep(case: cases[0], step: .review, staff: "li", actor: manager)
        // Friday 17:00 to the make-up Saturday 09:00: 30 + 30 = 60.
        at(CivilDate(2025, 10, 10), 17, 0)
        _ = try store.takeStep(case: cases[1], step: .review, staff: "li", actor: manager)
        at(CivilDate(2025, 10, 11), 9, 0)
        _ = try store.recordStep(case: cases[1], step: .review, staff: "li", actor: manager)
        // Saturday 16:30 to Monday 08:45 (Sunday off): 60 + 15 = 75.
        at(CivilDate(2025, 10, 11), 16, 30)
        _ = try store.takeStep(case: cases[2], step: .review, staff: "li", actor: manager)
        at(CivilDate(2025, 10, 13), 8, 45)
        _ = try store.recordStep(case: cases[2], step: .review, staff: "li", actor: manager)
        // Recorded done without a take: no working time.
        _ = try store.recordStep(case: cases[3], step: .review, staff: "li", actor: manager)
        XCTAssertThrowsError(try store.takeStep(case: cases[3], step: .special, staff: "li", actor: manager)) {
            XCTAssertEqual(($0 as? OpsError)?.field, "step")
        }

        // Taken Monday 09:00 and suspended at 09:10: the take is released (its time would count the
        // suspension); taken again after resuming on Tuesday, 09:30 to 09:50: 20.
        let monday = CivilDate(2025, 10, 13)
        let tuesday = CivilDate(2025, 10, 14)
        at(monday, 9, 0)
        _ = try store.takeStep(case: cases[4], step: .review, staff: "wu", actor: manager)
        at(monday, 9, 10)
        _ = try store.suspend(case: cases[4], procedure: "expert appraisal", actor: manager)
        at(tuesday, 9, 0)
        _ = try store.resume(case: cases[4], actor: manager)
        at(tuesday, 9, 30)
        XCTAssertNoThrow(try store.takeStep(case: cases[4], step: .review, staff: "wu", actor: manager))
        at(tuesday, 9, 50)
        _ = try store.recordStep(case: cases[4], step: .review, staff: "wu", actor: manager)

        var o = CalibrationOptions()
        o.serviceFamilies = ["exponential"]  // its maximum-likelihood mean is the plain mean: 46.25
        o.minServices = 3
        let (_, result) = try store.calibrate(
            from: thursday, to: tuesday, base: store.scenario, options: o)
        let name = "back_office.departments[\(item.department)].review_min.mean"
        let f = try XCTUnwrap(result.fields.first { $0.field == name }, result.fields.map(\.field).description)
        XCTAssertEqual(f.sampleSize, 4)
        XCTAssertEqual(try XCTUnwrap(f.estimate), (30 + 60 + 75 + 20) / 4, accuracy: 1e-6)
        XCTAssertTrue(f.estimated)
        XCTAssertTrue(
            result.notEstimated.contains { $0.hasPrefix("1 back-office steps recorded without being taken") },
            "\(result.notEstimated)")
    }
}
