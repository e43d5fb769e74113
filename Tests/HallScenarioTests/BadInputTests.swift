import Foundation
import HallDomain
import HallScenarioYAML
import XCTest

/// Inputs that used to crash, hang or pass as nonsense (issue 14): each class gets a positioned sentence.
final class BadInputTests: XCTestCase {
    let base = """
        name: h
        day:
          periods: [{open: "08:00", close: "12:00"}]
        departments: [{id: d}]
        items:
          - {id: x, department: d, kind: immediate, service_min: {dist: exponential, mean: 5}}
        arrivals:
          - {id: all, item: x, rates: [{from: "08:00", to: "12:00", per_hour: 10}]}
        windows:
          - {id: w, kind: department, departments: [d], count: 2}

        """

    func testBaseLoads() throws { _ = try ScenarioLoader.parse(yaml: base, file: "hall.yaml") }

    // MARK: Encodings

    func decodeError(_ bytes: [UInt8]) -> ScenarioError? {
        do {
            _ = try SourceText.decode(Data(bytes), file: "hall.yaml")
            return nil
        } catch let e as ScenarioLoadError { return e.errors.first } catch { return nil }
    }

    func testGBKFileNamesLineByteAndHowToConvert() throws {
        // "name: 大厅" in GBK: 大 = B4 F3, 厅 = CC FC.
        let bytes = Array("# hall\nname: ".utf8) + [0xB4, 0xF3, 0xCC, 0xFC, 0x0A]
        let e = try XCTUnwrap(decodeError(bytes))
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.column, 7)
        XCTAssert(e.description.hasPrefix("hall.yaml:2:7: byte 0xB4 at line 2, byte 7"), e.description)
        XCTAssert(e.message.contains("GBK"), e.message)
        XCTAssert(e.message.contains("must be UTF-8"), e.message)
        XCTAssert(e.message.contains("iconv -f GB18030 -t UTF-8"), e.message)
    }

    func testUTF16WithAndWithoutMark() throws {
        let text = Array("name: h\n".utf16)
        let le = text.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be = text.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, what) in [
            ([0xFF, 0xFE] + le, "UTF-16 (little"), ([0xFE, 0xFF] + be, "UTF-16 (big"),
            (le, "UTF-16 (little"), (be, "UTF-16 (big"),
        ] as [([UInt8], String)] {
            let e = try XCTUnwrap(decodeError(bytes))
            XCTAssertEqual(e.line, 1)
            XCTAssert(e.message.contains(what), e.message)
            XCTAssert(e.message.contains("iconv -f UTF-16"), e.message)
        }
    }

    func testStrayByteInACommentAndTruncatedSequence() throws {
        let stray = try XCTUnwrap(decodeError(Array("a: 1\n# note \u{00E9}\n".utf8).dropLast(3) + [0xFF, 0x0A]))
        XCTAssertEqual(stray.line, 2)
        XCTAssert(stray.message.contains("byte 0xFF"), stray.message)
        let cut = try XCTUnwrap(decodeError(Array("a: ".utf8) + [0xE5, 0xA4]))
        XCTAssertEqual(cut.line, 1)
        XCTAssertEqual(cut.column, 4)
        XCTAssertNil(decodeError(Array("\u{FEFF}name: 大厅\n".utf8)), "UTF-8 with a byte-order mark is fine")
    }

    func testFolderMissingAndEmptyPaths() throws {
        for (path, text) in [
            (NSTemporaryDirectory(), "this is a folder; expected a plan file"), ("/no/such.yaml", "no such file"),
            ("", "no file name given"),
        ] {
            XCTAssertThrowsError(try SourceText.read(path: path, what: "plan")) { e in
                XCTAssert("\(e)".contains(text), "\(e)")
            }
        }
    }

    // MARK: Aliases

    func testNestedAliasesAreBoundedFast() throws {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var prev = "a"
        for i in 1..<12 {
            let n = "a\(i)"
            yaml += "\(n): &\(n) [" + Array(repeating: "*\(prev)", count: 10).joined(separator: ", ") + "]\n"
            prev = n
        }
        let es = scenarioErrors(yaml)
        XCTAssertEqual(es.count, 1)
        XCTAssertEqual(es.first?.line, 6, es.first?.description ?? "")
        XCTAssert(es.first?.message.contains("more than 1000000 YAML nodes") == true, es.first?.message ?? "")
    }

    func testAliasOfAMappingAsKey() throws {
        let es = scenarioErrors("a: &a {x: 1, y: 2}\nb: {*a : 1}\n")
        XCTAssertEqual(es.first?.line, 2)
        XCTAssert(es.first?.message.contains("alias *a stands for a mapping or list used as a mapping key") == true)
        // Plain aliases of scalars still work.
        XCTAssertNoThrow(
            try ScenarioLoader.parse(
                yaml: base.replacingOccurrences(of: "name: h", with: "name: &n h\ndescription: *n"), file: "hall.yaml"))
    }

    func testDeepNestingIsBounded() throws {
        let yaml = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        XCTAssert(scenarioErrors(yaml).first?.message.contains("nested more than 200 deep") == true)
    }

    // MARK: Bounds and warnings

    func testSizeBoundsWithTheirLines() {
        assertScenarioError(
            base.replacingOccurrences(of: "per_hour: 10", with: "per_hour: 1e9"), line: 8,
            path: "arrivals[0].rates[0].per_hour", contains: "at most 10000 arrivals per hour")
        assertScenarioError(
            base.replacingOccurrences(of: "mean: 5", with: "mean: 1e300"), line: 6, path: "items[0].service_min",
            contains: "a mean of at most 1000000 minutes")
        assertScenarioError(
            base.replacingOccurrences(of: "exponential, mean: 5", with: "lognormal, mean: 5, cv: 1e200"), line: 6,
            path: "items[0].service_min", contains: "coefficient of variation (sd / mean) of at most 20")
        assertScenarioError(
            base.replacingOccurrences(of: "count: 2", with: "count: 1000000000"), line: 10, path: "windows[0].count",
            contains: "at most 1000 windows in a group")
        assertScenarioError(
            base.replacingOccurrences(
                of: "kind: immediate,", with: "kind: committed, legal_limit_days: 9223372036854775807,"),
            line: 6, path: "items[0].legal_limit_days", contains: "at most 3650 working days")
    }

    func testImplausibleServiceMeanIsAWarning() throws {
        let (_, warnings) = try ScenarioLoader.parseWithWarnings(
            yaml: base.replacingOccurrences(of: "mean: 5", with: "mean: 600000"), file: "hall.yaml")
        XCTAssertEqual(warnings.count, 1)
        XCTAssertEqual(warnings.first?.line, 6)
        XCTAssert(warnings.first?.message.hasPrefix("warning: a mean service time of 600000 minutes") == true)
        XCTAssertEqual(try ScenarioLoader.parseWithWarnings(yaml: base, file: "hall.yaml").warnings.count, 0)
    }

    func testUnstaffedWindowInARosteredHallIsAWarning() throws {
        let rostered =
            base + """
                shifts: [{id: day, start: "08:00", end: "12:00"}]
                staff:
                  - {id: a, skills: {d: 1}, shift: day, post: w-1}

                """
        let (_, warnings) = try ScenarioLoader.parseWithWarnings(yaml: rostered, file: "hall.yaml")
        XCTAssertEqual(warnings.count, 1, warnings.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(warnings.first?.path, "windows[0]")
        XCTAssertEqual(warnings.first?.line, 10)
        XCTAssert(warnings.first?.message.contains("no clerk is posted at window w-2") == true)
    }

    // MARK: Files given to the wrong command

    func testPlanAndSweepFilesGivenAsScenarios() {
        let plan = scenarioErrors("scenario: hall.yaml\ndays: [{name: Monday}]\n")
        XCTAssertEqual(plan.count, 1)
        XCTAssert(
            plan.first?.message.contains("this is a plan file, not a scenario file: use it with `hallsim plan`") == true
        )
        let sweep = scenarioErrors("base: hall.yaml\nreplications: 2\nfactors: []\n")
        XCTAssert(sweep.first?.message.contains("use it with `hallsim batch`") == true)
        XCTAssertThrowsError(try SweepLoader.parse(yaml: base, file: "s.yaml")) { e in
            XCTAssert("\(e)".contains("this is a scenario file, not a sweep file"), "\(e)")
        }
    }

    // MARK: Plan files

    func planErrors(_ yaml: String) -> [ScenarioError] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallsim-plan-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try? base.write(to: dir.appendingPathComponent("hall.yaml"), atomically: true, encoding: .utf8)
        let plan = dir.appendingPathComponent("plan.yaml")
        try? yaml.write(to: plan, atomically: true, encoding: .utf8)
        do {
            _ = try PlanLoader.load(path: plan.path)
            return []
        } catch let e as ScenarioLoadError { return e.errors } catch { return [] }
    }

    func assertPlanError(_ body: String, path: String, line: Int, contains text: String, at l: UInt = #line) {
        let es = planErrors("scenario: hall.yaml\n" + body)
        guard let e = es.first(where: { $0.path == path }) else {
            return XCTFail("no error at \(path): \(es.map(\.description))", line: l)
        }
        XCTAssertEqual(e.line, line, e.description, line: l)
        XCTAssert(e.message.contains(text), e.message, line: l)
    }

    func testPlanFileChecks() {
        assertPlanError("cost_per_hour: -5\n", path: "cost_per_hour", line: 2, contains: "a cost per hour ≥ 0")
        assertPlanError("max_rounds: -1\n", path: "max_rounds", line: 2, contains: "from 1 to 1000")
        assertPlanError("max_staff_per_group: 0\n", path: "max_staff_per_group", line: 2, contains: "from 1 to 10000")
        assertPlanError("interval_min: 1000\n", path: "interval_min", line: 2, contains: "from 5 to 240 minutes")
        assertPlanError(
            "midday_service: {demand_share: 45}\n", path: "midday_service.demand_share", line: 2,
            contains: "e.g. 0.45 for 45 %")
        assertPlanError(
            "generalist_slowdown: 120\n", path: "generalist_slowdown", line: 2, contains: "1.2 = 20 % slower")
        assertPlanError("targets: {wait_min: 1e308}\n", path: "targets.wait_min", line: 2, contains: "from 0 to 1440")
        assertPlanError("shift_types: []\n", path: "shift_types", line: 2, contains: "at least one shift type")
        assertPlanError(
            "shift_types:\n  - {id: a, start: \"08:00\", end: \"17:00\", breaks: [{from: \"12:00\", to: \"13:00\"}, "
                + "{from: \"12:30\", to: \"13:30\"}]}\n", path: "shift_types[0].breaks", line: 3,
            contains: "breaks that do not overlap")
        assertPlanError(
            "days: [{name: Monday}, {name: Monday}]\n", path: "days[1].name", line: 2,
            contains: "'Monday' is used twice")
        assertPlanError(
            "days: [{name: Mon day}, {name: Mon_day}]\n", path: "days[1].name", line: 2,
            contains: "both would be written to planned-Mon_day.yaml")
    }
}
