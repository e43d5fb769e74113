import HallDomain
import HallMetrics
import HallRandom
import HallRunner
import HallTestSupport
import XCTest

final class ComparisonTests: XCTestCase {
    func testUniversalAgainstDedicatedIsSignificantAndPaired() throws {
        let a = try validationScenario("pooling-dedicated")
        let b = try validationScenario("pooling-universal")
        let c = Comparison.run(a: a, b: b, aName: "A", bName: "B", seed: 3, replications: 20)
        let wait = c.rows.first { $0.kpi == "wait_mean_min" }!
        XCTAssert(wait.significant)
        XCTAssert(wait.sentence.hasPrefix("B lowers the mean wait by 0."), wait.sentence)
        // Same applicants on both sides: the number served does not differ at all.
        let served = c.rows.first { $0.kpi == "served" }!
        XCTAssertEqual(served.difference.mean, 0)
        XCTAssertEqual(served.sentence, "B leaves the applicants served unchanged.")
        // Pairing removes the day-to-day noise: the paired interval is much narrower than the two
        // separate intervals combined.
        let unpaired = (pow(wait.a.halfWidth!, 2) + pow(wait.b.halfWidth!, 2)).squareRoot()
        XCTAssertLessThan(wait.difference.halfWidth!, 0.9 * unpaired)
        XCTAssertEqual(wait.difference.mean!, wait.b.mean! - wait.a.mean!, accuracy: 1e-12)
    }

    func testSameLayoutShowsNoDifference() throws {
        let a = try validationScenario("pooling-dedicated")
        let c = Comparison.run(a: a, b: a, aName: "A", bName: "A", seed: 3, replications: 5)
        for r in c.rows where r.difference.mean != nil {
            XCTAssertEqual(r.difference.mean, 0, r.kpi)
            XCTAssertFalse(r.significant)
        }
    }

    func testUntilPrecisionStopsWhenNarrowEnoughAndIsReproducible() throws {
        let a = try validationScenario("pooling-dedicated")
        let b = try validationScenario("pooling-universal")
        let run = {
            Comparison.run(
                a: a, b: b, aName: "A", bName: "B", seed: 4, replications: 10, untilPrecision: (KPI.waitMean, 0.03, 200)
            )
        }
        let c = run()
        let wait = c.rows.first { $0.kpi == "wait_mean_min" }!
        XCTAssertEqual(c.precisionReached, true)
        XCTAssertLessThanOrEqual(wait.difference.halfWidth!, 0.03)
        XCTAssertEqual(c.replications % 10, 0)
        XCTAssertGreaterThan(c.replications, 10)
        XCTAssertEqual(try c.json, try run().json)
        // A cap below what the precision needs: it says so.
        let capped = Comparison.run(
            a: a, b: b, aName: "A", bName: "B", seed: 4, replications: 10, untilPrecision: (KPI.waitMean, 0.0001, 30))
        XCTAssertEqual(capped.replications, 30)
        XCTAssertEqual(capped.precisionReached, false)
    }
}
