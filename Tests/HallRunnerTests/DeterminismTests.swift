import HallDomain
import HallMetrics
import HallRunner
import HallScenarioYAML
import HallTestSupport
import XCTest

final class DeterminismTests: XCTestCase {
    func files(_ s: Scenario, seed: UInt64, threads: Int) throws -> [String: Data] {
        let r = Experiment.run(s, seed: seed, replications: 0..<6, threads: threads, records: .all)
        return Dictionary(uniqueKeysWithValues: try r.files().map { ($0.name, $0.data) })
    }

    func testSameSeedSameBytesWhateverTheThreads() throws {
        let s = try validationScenario("pooling-dedicated")
        let one = try files(s, seed: 42, threads: 1)
        let two = try files(s, seed: 42, threads: 2)
        XCTAssertEqual(
            Set(one.keys),
            [
                "summary.json", "report.md", "report.html", "replications.csv", "tickets.csv", "windows.csv",
                "queues.csv",
            ])
        for (name, data) in one { XCTAssertEqual(data, two[name], name) }
        let other = try files(s, seed: 43, threads: 2)
        XCTAssertNotEqual(one["tickets.csv"], other["tickets.csv"])
    }

    func testCommonRandomNumbersAcrossLayouts() throws {
        // Changing the windows does not change who comes, when, or their intake draws.
        let a = Experiment.run(try validationScenario("pooling-dedicated"), seed: 8, replications: 0..<1, records: .all)
        let b = Experiment.run(try validationScenario("pooling-universal"), seed: 8, replications: 0..<1, records: .all)
        let ta = a.logs[0]!.tickets.sorted { $0.ticket < $1.ticket }
        let tb = b.logs[0]!.tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(ta.map(\.arrival), tb.map(\.arrival))
        XCTAssertEqual(ta.map(\.item), tb.map(\.item))
        let sa = ta.map { $0.serviceEnd! - $0.serviceStart! }
        let sb = tb.map { $0.serviceEnd! - $0.serviceStart! }
        for (x, y) in zip(sa, sb) { XCTAssertEqual(x, y, accuracy: 1e-9) }
    }

    func testManyCountyHallDaysTerminate() throws {
        // 400 ordinary days of the full county hall (roster, AB cover, tidal rules): every day ends, and
        // every applicant leaves with an outcome.
        var s = try ScenarioLoader.load(path: repoRoot.appendingPathComponent("scenarios/county-hall.yaml").path)
        s.period = nil
        let r = Experiment.run(s, seed: 1, replications: 0..<400)
        for d in r.days {
            XCTAssertEqual(
                d.overall[.arrivals]!!,
                (["served", "reneged", "balked", "no_shows", "unserved"] as [String]).map {
                    d.overall[KPI(rawValue: $0)!]!!
                }.reduce(0, +))
        }
    }

    func testLittleOnTheCountyHall() throws {
        let s = try ScenarioLoader.load(path: repoRoot.appendingPathComponent("scenarios/county-hall.yaml").path)
        let r = Experiment.run(s, seed: 3, replications: 0..<4)
        for d in r.days {
            XCTAssertLessThan(relGap(d.queueArea, d.waitSum), 1e-9)
            XCTAssertLessThan(relGap(d.busyArea, d.serviceSum), 1e-9)
        }
        let summary = r.summary
        XCTAssertGreaterThanOrEqual(s.departments.count, 10)
        XCTAssertEqual(Set(summary.departments.keys), Set(s.departments.map(\.id)))
        XCTAssertGreaterThan(summary.overall[.arrivals]!.mean!, 500)
    }
}
