import Foundation
import HallTestSupport
import XCTest

/// The `hallsim` executable built beside this test bundle.
final class CLITests: XCTestCase {
    var binary: URL { hallsimBinary }

    func run(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String)
    {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("hallsim not built at \(binary.path): run `swift build` for the same configuration first")
            return (-1, "", "")
        }
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = repoRoot
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.filter {
                !$0.key.hasPrefix("SLURM_") && $0.key != "JOB_COMPLETION_INDEX"
            }
            .merging(environment) { _, new in new }
        }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func temporaryDirectory() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("hallsim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }

    func testBrokenScenarioFailsWithPositionsAndWritesNothing() throws {
        let dir = try temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.yaml")
        let text = try String(
            contentsOf: repoRoot.appendingPathComponent("scenarios/validation/pooling-dedicated.yaml"), encoding: .utf8
        )
        .replacingOccurrences(of: "departments: [b], count: 2", with: "departments: [bb], count: 2")
        .replacingOccurrences(of: "per_hour: 192}]}\n  - {id: pc", with: "per_hour: -1}]}\n  - {id: pc")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        for args in [["validate", bad.path], ["run", bad.path, "--out", out.path]] {
            let r = try run(args)
            XCTAssertEqual(r.status, 1, args.joined(separator: " "))
            XCTAssert(r.err.contains("bad.yaml:15:71: arrivals[1].rates[0].per_hour: a rate ≥ 0"), r.err)
            XCTAssert(r.err.contains("bad.yaml:15:5: arrivals[1]: a window that serves department 'b'"), r.err)
            XCTAssert(
                r.err.contains(
                    "bad.yaml:19:46: windows[1].departments[0]: unknown department 'bb' (did you mean 'b'?)"), r.err)
            XCTAssert(r.err.contains("3 problems; nothing was run or written"), r.err)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testRunWritesEveryFileAndIsReproducible() throws {
        let dir = try temporaryDirectory()
        let a = dir.appendingPathComponent("a")
        let b = dir.appendingPathComponent("b")
        let scenario = "scenarios/validation/pooling-universal.yaml"
        let r1 = try run(["run", scenario, "--replications", "3", "--seed", "9", "--out", a.path, "--threads", "1"])
        XCTAssertEqual(r1.status, 0, r1.err)
        let r2 = try run(["run", scenario, "--replications", "3", "--seed", "9", "--out", b.path])
        XCTAssertEqual(r2.status, 0, r2.err)
        for f in [
            "summary.json", "report.md", "report.html", "replications.csv", "tickets.csv", "windows.csv", "queues.csv",
        ] {
            let da = try Data(contentsOf: a.appendingPathComponent(f))
            let db = try Data(contentsOf: b.appendingPathComponent(f))
            XCTAssertEqual(da, db, f)
        }
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: a.appendingPathComponent("summary.json")))
            as! [String: Any]
        let overall = summary["overall"] as! [String: [String: Any]]
        for k in ["arrivals", "served", "abandoned_fraction", "wait_mean_min", "wait_p90_min", "sl_share"] {
            XCTAssertNotNil(overall[k]?["mean"] as? Double, k)
            XCTAssertNotNil(overall[k]?["half_width"] as? Double, k)
        }
        XCTAssertNotNil((summary["departments"] as! [String: Any])["a"])
        XCTAssertNotNil((summary["hours"] as! [String: Any])["08:00"])
        XCTAssertNotNil((summary["windows"] as! [String: Any])["u-1"])
        XCTAssertNotNil((summary["utilisation_spread"] as! [String: Any])["max_minus_min"])
        let tickets = try String(contentsOf: a.appendingPathComponent("tickets.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(
            String(tickets[0]),
            "replication,ticket,source,channel,item,department,priority,arrival_min,arrival_clock,call_min,service_start_min,service_end_min,end_min,wait_min,window,outcome,slot_min"
        )
        // No staging directories are left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a", "b"])
    }

    func testStaffedRunWritesTheStaffLog() throws {
        let dir = try temporaryDirectory()
        let r = try run(["run", "scenarios/validation/step-change.yaml", "--replications", "2", "--out", dir.path])
        XCTAssertEqual(r.status, 0, r.err)
        let staff = try String(contentsOf: dir.appendingPathComponent("staff.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(String(staff[0]), "replication,time_min,staff,kind,state,window")
        XCTAssert(staff.contains("0,840.0000,extra,rostered,at_window,w-4"), staff.prefix(12).joined(separator: "\n"))
        let windows = try String(contentsOf: dir.appendingPathComponent("windows.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(String(windows[0]), "replication,time_min,window,state,ticket,staff")
        let report = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssert(report.contains("## Staff"), report)
    }

    func testBatchShardsFromFlagsSlurmAndKubernetes() throws {
        let dir = try temporaryDirectory()
        let sweep = "scenarios/sweeps/tidal-threshold.yaml"
        let flag = try run([
            "batch", sweep, "--shard", "1/3", "--out", dir.appendingPathComponent("flag").path, "--threads", "1",
        ])
        XCTAssertEqual(flag.status, 0, flag.err)
        // Slurm numbers array tasks from --array's first index.
        let slurm = try run(
            ["batch", sweep, "--out", dir.appendingPathComponent("slurm").path],
            environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "4"])
        XCTAssertEqual(slurm.status, 0, slurm.err)
        let k8s = try run(
            ["batch", sweep, "--shards", "3", "--out", dir.appendingPathComponent("k8s").path],
            environment: ["JOB_COMPLETION_INDEX": "1"])
        XCTAssertEqual(k8s.status, 0, k8s.err)
        for name in ["slurm", "k8s"] {
            for f in ["tidy.csv", "shard.json"] {
                XCTAssertEqual(
                    try Data(contentsOf: dir.appendingPathComponent("flag/\(f)")),
                    try Data(contentsOf: dir.appendingPathComponent("\(name)/\(f)")), "\(name) \(f)")
            }
        }
        let outOfRange = try run(["batch", sweep, "--shard", "3/3", "--out", dir.appendingPathComponent("bad").path])
        XCTAssertNotEqual(outOfRange.status, 0)
        XCTAssert(outOfRange.err.contains("expected shard K/N with 0 ≤ K < N, got 3/3"), outOfRange.err)
        let noCount = try run(
            ["batch", sweep, "--out", dir.appendingPathComponent("bad").path],
            environment: ["JOB_COMPLETION_INDEX": "0"])
        XCTAssertNotEqual(noCount.status, 0)
        XCTAssert(noCount.err.contains("pass --shards N"), noCount.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad").path))
    }

    func testBadOptionsAreRejected() throws {
        let r = try run(["run", "scenarios/validation/mm1-rho08.yaml", "--replications", "0"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssert(r.err.contains("--replications must be a whole number from 1 to"), r.err)
        let missing = try run(["validate", "no/such/file.yaml"])
        XCTAssertEqual(missing.status, 1)
        XCTAssert(missing.err.contains("no/such/file.yaml: no such file; expected a scenario file (YAML)"), missing.err)
    }
}
