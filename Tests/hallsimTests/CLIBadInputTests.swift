import Foundation
import XCTest

/// The command line on bad input (issue 14): a sentence, exit 1 for bad input and 2 for a folder that
/// cannot be written, output folders replaced whole.
extension CLITests {
    static let small = "scenarios/validation/mm1-rho08.yaml"

    func testOutputFolderIsReplacedWholeAndStaleStagingRemoved() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("out")
        let stale = dir.appendingPathComponent(".out.staging-999999999")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        let first = try run(["run", Self.small, "--replications", "2", "--out", out.path])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssert(FileManager.default.fileExists(atPath: out.appendingPathComponent("tickets.csv").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path), "a dead process's staging folder stays")
        let second = try run(["run", Self.small, "--replications", "2", "--records", "none", "--out", out.path])
        XCTAssertEqual(second.status, 0, second.err)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(),
            ["replications.csv", "report.html", "report.md", "summary.json"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["out"])
    }

    func testOutIsCheckedBeforeTheWork() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("afile")
        try Data("x".utf8).write(to: file)
        let own = dir.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: own, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: own.appendingPathComponent("notes.txt"))
        for (out, status, text) in [
            (file.path, 2, "is a file, not a folder"), (own.path, 2, "holds files hallsim did not write (notes.txt)"),
            (file.path + "/sub", 2, "cannot create the folder"), ("", 1, "--out is empty"),
        ] {
            let r = try run(["run", Self.small, "--replications", "2", "--out", out])
            XCTAssertEqual(Int(r.status), status, r.err)
            XCTAssert(r.err.contains(text), r.err)
            XCTAssertEqual(r.out, "", "nothing ran")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: own.path), ["notes.txt"])
    }

    func testUsageMistakesGetASentenceAndExitOne() throws {
        let long = String(repeating: "x", count: 100_000)
        let cases: [([String], String)] = [
            (
                ["run", Self.small, "--replications", "-1"],
                "--replications must be a whole number from 1 to 1000000, got -1"
            ),
            (["run", Self.small, "--threads", "0"], "--threads must be a whole number from 1 to 1024, got 0"),
            (["frobnicate", "x", "y"], "unknown command 'frobnicate'; the commands are validate, run, compare"),
            (["scenarios/county-hall.yaml"], "to simulate a scenario file: hallsim run scenarios/county-hall.yaml"),
            (["run", "scenarios"], "scenarios: this is a folder; expected a scenario file (YAML)"),
            (
                ["run", "scenarios/plan/county-week.yaml"],
                "this is a plan file, not a scenario file: use it with `hallsim plan`"
            ),
            (["plan", "scenarios/sweeps/tidal-threshold.yaml", "--out", "/tmp/x"], "use it with `hallsim batch`"),
            (["run", Self.small, "--records", long], "characters in all)"),
            (
                ["plan", "scenarios/plan/county-week.yaml", "--out", "/tmp/x", "--days", ""],
                "--days: expected day names"
            ),
            (
                ["plan", "scenarios/plan/county-week.yaml", "--out", "/tmp/x", "--layouts", ","],
                "'dedicated', 'domain'"
            ),
            (["compare", Self.small, Self.small, "--kpi", "nope"], "The value 'nope' is invalid for '--kpi"),
        ]
        for (args, text) in cases {
            let r = try run(args)
            XCTAssertEqual(r.status, 1, args.joined(separator: " ").prefix(200) + "\n" + r.err.prefix(500))
            XCTAssert(r.err.contains(text), String(r.err.prefix(2000)))
            XCTAssert(r.err.count < 5000, "a long value is cut short, not echoed whole")
        }
        let v = try run(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssert(v.out.hasPrefix("hallsim "), v.out)
    }
}
