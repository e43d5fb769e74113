import Foundation
import HallDomain
import HallMetrics
import HallRunner
import HallScenarioYAML
import HallTestSupport
import XCTest

final class BatchTests: XCTestCase {
    func sweepFile(_ body: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallsim-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let base = repoRoot.appendingPathComponent("scenarios/validation/pooling-universal.yaml").path
        let f = dir.appendingPathComponent("sweep.yaml")
        try ("base: \(base)\n" + body).write(to: f, atomically: true, encoding: .utf8)
        return f.path
    }

    let grid = """
        seed: 5
        replications: 4
        factors:
          - {name: demand, path: demand_scale, values: [0.8, 1.0]}
          - {name: windows, path: "windows[id=u].count", values: [6, 7]}
          - {name: routing, path: routing, values: [specialist_first, longest_idle]}
        """

    func testGridRunsEveryPointAndShardsMergeToTheSameBytes() throws {
        let plan = try BatchPlan.prepare(sweepFile: try sweepFile(grid))
        XCTAssertEqual(plan.sweep.points.count, 8)
        XCTAssertEqual(plan.sweep.points[1], ["0.8", "6", "longest_idle"])
        XCTAssertEqual(plan.scenarios[2].windows[0].count, 7)
        XCTAssertEqual(plan.scenarios[4].arrivals[0].rates[0].perHour, 192, accuracy: 1e-9)
        XCTAssertEqual(plan.scenarios[0].arrivals[0].rates[0].perHour, 0.8 * 192, accuracy: 1e-9)
        let rows = plan.run(shard: nil)
        XCTAssertEqual(rows.count, 8 * 4 * KPI.allCases.count)
        let whole = try BatchFiles.complete(plan.description, rows: rows)
        XCTAssertEqual(whole.map(\.name), ["tidy.csv", "aggregate.csv", "batch.json", "report.html"])
        // Three shards, run apart, merged: byte for byte the one-process files.
        let dirs = try (0..<3).map { k -> URL in
            let d = FileManager.default.temporaryDirectory.appendingPathComponent("hallsim-shard-\(UUID().uuidString)")
            addTeardownBlock { try? FileManager.default.removeItem(at: d) }
            let shard = Shard(index: k, count: 3)
            try AtomicOutput.write(
                try BatchFiles.shard(plan.description, shard: shard, rows: plan.run(shard: shard, threads: 1)), to: d)
            return d
        }
        let merged = try BatchMerge.merge(dirs.reversed())
        for (a, b) in zip(whole, merged) { XCTAssertEqual(a.data, b.data, a.name) }
        // Missing and repeated shards are refused.
        XCTAssertThrowsError(try BatchMerge.merge(Array(dirs.prefix(2)))) {
            XCTAssert("\($0)".contains("shards missing: 2/3"), "\($0)")
        }
        XCTAssertThrowsError(try BatchMerge.merge([dirs[0], dirs[0], dirs[1], dirs[2]])) {
            XCTAssert("\($0)".contains("given twice"), "\($0)")
        }
    }

    /// The batch page's findings from rows written by hand: factor a adds exactly 3 min to every
    /// replication's wait (a significant main effect of 3.0 ± 0.0), factor b adds nothing.
    func testBatchReportMainEffectsFromHandMadeRows() throws {
        let d = BatchDescription(
            fingerprint: "0", sweepFile: "s.yaml", base: "b.yaml", seed: 1, replications: 4, commonRandomNumbers: true,
            factors: ["a", "b"], points: [["lo", "x"], ["lo", "y"], ["hi", "x"], ["hi", "y"]], shard: nil)
        var rows: [TidyRow] = []
        for p in 0..<4 {
            for r in 0..<4 {
                let noise = [0.5, -0.25, 1.0, 0.0][r]
                rows.append(TidyRow(point: p, replication: r, kpi: .waitMean, value: 2 + noise + (p >= 2 ? 3 : 0)))
                rows.append(TidyRow(point: p, replication: r, kpi: .serviceLevel, value: 0.9 - (p >= 2 ? 0.1 : 0)))
            }
        }
        let en = HTMLReport.batch(d, rows: rows, lang: .en, chartJS: "/* chart */")
        XCTAssert(en.contains("a from lo to hi raises mean wait by 3.0 ± 0.0 min"), en)
        XCTAssert(en.contains("a from lo to hi lowers share called within the target by 10.0 ± 0.0 percentage points"))
        XCTAssert(en.contains("b from x to y: mean wait does not change significantly (+0.0 ± 0.0 min)"))
        XCTAssert(en.contains("Only 4 replications per point"), "few replications are warned about")
        // The main effect of a: per replication, the mean over b's points, then over replications.
        XCTAssert(en.contains(#""f0-wait_mean_min":{"labels":["lo","hi"]"#), en)
        XCTAssert(en.contains(#""data":[2.3125,5.3125]"#), "main effect means 2 + 0.3125 and 5 + 0.3125")
        let zh = HTMLReport.batch(d, rows: rows, lang: .zh, chartJS: "/* chart */")
        XCTAssert(zh.contains("a 从 lo 到 hi：平均等候提高 3.0 ± 0.0 分钟"), zh)
    }

    func testAnyPartRerunsAloneWithTheSameNumbers() throws {
        let plan = try BatchPlan.prepare(sweepFile: try sweepFile(grid))
        let all = plan.run(shard: nil)
        let part = plan.run(shard: Shard(index: 1, count: 5))
        let index = Dictionary(
            all.map { ("\($0.point)/\($0.replication)/\($0.kpi)", $0.value) }, uniquingKeysWith: { a, _ in a })
        XCTAssertFalse(part.isEmpty)
        for r in part { XCTAssertEqual(r.value, index["\(r.point)/\(r.replication)/\(r.kpi)"]!, "\(r)") }
    }

    func testCommonRandomNumbersAcrossPoints() throws {
        // Same applicants at every point (the arrivals count depends only on demand), unless turned off.
        let crn = try BatchPlan.prepare(sweepFile: try sweepFile(grid)).run(shard: nil)
        let arrivals = { (rows: [TidyRow], p: Int) in rows.filter { $0.point == p && $0.kpi == .arrivals }.map(\.value)
        }
        XCTAssertEqual(arrivals(crn, 4), arrivals(crn, 7))
        let independent = try BatchPlan.prepare(sweepFile: try sweepFile(grid + "\ncommon_random_numbers: false\n"))
            .run(shard: nil)
        XCTAssertNotEqual(arrivals(independent, 4), arrivals(independent, 7))
    }

    func testListDesign() throws {
        let plan = try BatchPlan.prepare(
            sweepFile: try sweepFile(
                """
                replications: 2
                design: list
                factors:
                  - {name: windows, path: "windows[id=u].count", values: [6, 7]}
                  - {name: patience, path: behaviour.patience_min, values: ["30"]}
                points:
                  - {windows: 7, patience: 20}
                """))
        XCTAssertEqual(plan.sweep.points, [["7", "20"]])
        XCTAssertEqual(plan.scenarios[0].behaviour.patience, .deterministic(value: 20))
    }

    func testBadSweepsSayWhereAndWhat() throws {
        func errors(_ body: String) throws -> String {
            let file = try sweepFile(body)
            do {
                _ = try BatchPlan.prepare(sweepFile: file)
                XCTFail("expected errors")
                return ""
            } catch let e as ScenarioLoadError { return e.description }
        }
        let unknownField = try errors(
            """
            replications: 2
            factors: [{name: w, path: "windows[id=universal].count", values: [6]}]
            """)
        XCTAssert(
            unknownField.contains(
                "windows[id=universal].count: cannot set it: 'windows' has no entry with id 'universal' (entries: u)"),
            unknownField)
        XCTAssert(unknownField.contains("point 0 (w=6)"), unknownField)
        let typo = try errors(
            """
            replications: 2
            factors: [{name: c, path: calling.rules, values: [fifo]}]
            """)
        XCTAssert(typo.contains("calling.rules: unknown key 'rules' (did you mean 'rule'?)"), typo)
        let badValue = try errors(
            """
            replications: 2
            factors: [{name: w, path: "windows[0].count", values: [0]}]
            """)
        XCTAssert(badValue.contains("windows[0].count: at least 1 window, got 0"), badValue)
        let badSweep = try errors(
            """
            replication: 2
            factors: [{name: w, path: "windows[0].count", values: [6]}]
            """)
        XCTAssert(
            badSweep.contains("sweep.yaml:2:1: replication: unknown key 'replication' (did you mean 'replications'?)"),
            badSweep)
        let badPoint = try errors(
            """
            replications: 2
            design: list
            factors: [{name: w, path: "windows[0].count", values: [6]}]
            points: [{x: 6}]
            """)
        XCTAssert(badPoint.contains("points[0].x: unknown key 'x'"), badPoint)
    }
}
