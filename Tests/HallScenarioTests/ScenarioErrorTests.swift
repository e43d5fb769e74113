import HallDomain
import HallScenarioYAML
import XCTest

/// A small valid hall; each test breaks one line and checks the error names file, line, field and what
/// was expected.
let validHall = """
    name: Test hall
    service_level: {target_wait_min: 15}
    day:
      periods:
        - {open: "08:30", close: "12:00"}
        - {open: "14:00", close: "17:30"}
    departments:
      - {id: tax, name: 税务}
      - {id: ps, name: 公安, own_windows_only: true}
    items:
      - id: invoice
        department: tax
        kind: immediate
        service_min: {dist: lognormal, mean: 6, cv: 0.5}
      - id: register
        department: tax
        kind: committed
        service_min: {dist: gamma, mean: 12, cv: 0.6}
        legal_limit_days: 20
        committed_limit_days: 5
      - {id: idcard, department: ps, kind: immediate, service_min: 5}
    arrivals:
      - id: tax-walkin
        department: tax
        shares: {invoice: 0.7, register: 0.3}
        rates:
          - {from: "08:30", to: "10:00", per_hour: 30}
          - {from: "14:00", to: "17:30", per_hour: 12}
      - id: ps-walkin
        item: idcard
        rates: [{from: "08:30", to: "12:00", per_hour: 8}]
    windows:
      - {id: tax, kind: department, departments: [tax], count: 2}
      - {id: ps, kind: department, departments: [ps], count: 1}
      - {id: all, kind: universal, count: 2}
    behaviour:
      patience_min: {dist: exponential, mean: 40}
      balking: [{queue_at_least: 20, probability: 0.3}]
      no_show: {probability: 0.02, grace_min: 1}
    """

final class ScenarioErrorTests: XCTestCase {
    /// 1-based number of the first line of the valid hall that contains `text`.
    func line(_ text: String) -> Int {
        validHall.components(separatedBy: "\n").firstIndex { $0.contains(text) }! + 1
    }

    /// The valid hall with the line containing `text` replaced.
    func broken(_ text: String, _ replacement: String) -> String {
        var lines = validHall.components(separatedBy: "\n")
        lines[line(text) - 1] = replacement
        return lines.joined(separator: "\n")
    }

    func testValidHallLoads() throws {
        let s = try ScenarioLoader.parse(yaml: validHall, file: "hall.yaml")
        XCTAssertEqual(s.departments.map(\.id), ["tax", "ps"])
        XCTAssertEqual(s.items[0].service, .lognormal(mean: 6, cv: 0.5))
        XCTAssertEqual(s.items[2].service, .deterministic(value: 5))
        XCTAssertEqual(s.day.periods[1].start, ClockTime(14, 0))
        // Universal windows serve every department not keeping its own windows.
        XCTAssertEqual(s.servedDepartments(s.windows[2]), ["tax"])
        XCTAssertEqual(s.physicalWindows.map(\.name), ["tax-1", "tax-2", "ps", "all-1", "all-2"])
        XCTAssertEqual(s.behaviour.balkProbability(queueLength: 25), 0.3)
    }

    func testUnknownKeyTypoSuggestsTheRightOne() {
        assertScenarioError(
            broken("kind: immediate", "    knd: immediate"), line: 13, path: "items[0].knd",
            contains: "did you mean 'kind'")
    }

    func testMissingFieldPointsAtItsMapping() {
        assertScenarioError(
            broken("department: tax", "    name: no department here"), line: 11, path: "items[0].department",
            contains: "missing field 'department'")
    }

    func testNegativeRate() {
        assertScenarioError(
            broken("per_hour: 30", "      - {from: \"08:30\", to: \"10:00\", per_hour: -3}"), line: 27,
            path: "arrivals[0].rates[0].per_hour", contains: "a rate ≥ 0")
    }

    func testWindowNamingUnknownDepartment() {
        assertScenarioError(
            broken("departments: [tax]", "  - {id: tax, kind: department, departments: [taxes], count: 2}"), line: 33,
            path: "windows[0].departments[0]", contains: "unknown department 'taxes' (did you mean 'tax'?)")
    }

    /// An appointment block whose slots are infinitely far apart has no second slot and matches none of a
    /// check-in's (0 · ∞): the loader reads no `.inf`, and validation refuses one built in code.
    func testInfiniteSlotSpacing() throws {
        let yaml = validHall.replacingOccurrences(
            of: "\nbehaviour:\n",
            with: "\nappointments:\n"
                + "  - {id: am, item: invoice, first: \"09:00\", last: \"11:00\", every_min: .inf, per_slot: 2}\n"
                + "behaviour:\n")
        let n = try XCTUnwrap(yaml.components(separatedBy: "\n").firstIndex { $0.contains("every_min") }) + 1
        assertScenarioError(yaml, line: n, path: "appointments[0].every_min", contains: "expected a number")
        var s = try ScenarioLoader.parse(
            yaml: yaml.replacingOccurrences(of: "every_min: .inf", with: "every_min: 30"), file: "hall.yaml")
        XCTAssertEqual(s.validate(), [])
        s.appointments[0].everyMinutes = .infinity
        let errors = s.validate()
        XCTAssertTrue(
            errors.contains {
                "\($0)".contains("appointments[0].every_min") && "\($0)".contains("a finite slot spacing")
            },
            "\(errors)")
    }

    func testOverlappingPeriods() {
        assertScenarioError(
            broken("open: \"14:00\"", "    - {open: \"11:00\", close: \"17:30\"}"), line: 6, path: "day.periods[1]",
            contains: "not overlapping")
    }

    func testSharesNotSummingToOne() {
        assertScenarioError(
            broken("shares:", "    shares: {invoice: 0.7, register: 0.4}"), line: 25, path: "arrivals[0].shares",
            contains: "summing to 1, got 1.1")
    }

    func testShareOfAnotherDepartmentsItem() {
        assertScenarioError(
            broken("shares:", "    shares: {invoice: 0.7, idcard: 0.3}"), line: 25, path: "arrivals[0].shares.idcard",
            contains: "unknown item of department 'tax'")
    }

    func testCommittedLimitLongerThanLegal() {
        assertScenarioError(
            broken("committed_limit_days", "    committed_limit_days: 25"), line: 20,
            path: "items[1].committed_limit_days",
            contains: "no longer than the legal limit")
    }

    func testBadTimeBadNumberBadChoice() {
        assertScenarioError(
            broken("open: \"08:30\"", "    - {open: \"8h30\", close: \"12:00\"}"), line: 5, path: "day.periods[0].open",
            contains: "HH:MM")
        let service = "service_min: {dist: lognormal"
        assertScenarioError(
            broken(service, "    service_min: {dist: lognormal, mean: six, cv: 0.5}"), line: 14,
            path: "items[0].service_min.mean",
            contains: "expected a number")
        assertScenarioError(
            broken("kind: immediate", "    kind: urgent"), line: 13, path: "items[0].kind",
            contains: "immediate, committed")
        assertScenarioError(
            broken(service, "    service_min: {dist: weibull, mean: 6}"), line: 14, path: "items[0].service_min.dist",
            contains: "exponential, lognormal")
        assertScenarioError(
            broken(service, "    service_min: {dist: lognormal, mean: 6, sd: 2}"), line: 14,
            path: "items[0].service_min.sd",
            contains: "does not belong")
    }

    func testDistributionParameters() {
        let service = "service_min: {dist: lognormal"
        assertScenarioError(
            broken(service, "    service_min: {dist: lognormal, mean: 6, cv: 0}"), line: 14,
            path: "items[0].service_min.cv", contains: "> 0")
        assertScenarioError(
            broken(service, "    service_min: {dist: normal, mean: 6, sd: 3}"), line: 14, path: "items[0].service_min",
            contains: "cannot be negative")
        assertScenarioError(
            broken(service, "    service_min: {dist: triangular, min: 5, mode: 6, max: 1}"), line: 14,
            path: "items[0].service_min.max",
            contains: "max > min")
        assertScenarioError(
            broken(service, "    service_min: {dist: triangular, min: 1, mode: 9, max: 5}"), line: 14,
            path: "items[0].service_min.mode",
            contains: "min ≤ mode ≤ max")
    }

    func testRateOutsideOpeningHours() {
        assertScenarioError(
            broken("per_hour: 12", "      - {from: \"12:30\", to: \"17:30\", per_hour: 12}"), line: 28,
            path: "arrivals[0].rates[1]",
            contains: "inside one opening period")
    }

    func testDepartmentWithoutAnyWindow() {
        // Public security keeps its own windows only; remove its window and its tickets have nowhere to go.
        assertScenarioError(
            broken("departments: [ps]", "  - {id: ps, kind: department, departments: [tax], count: 1}"), line: 29,
            path: "arrivals[1]", contains: "no window group does")
    }

    func testWrongKindOfNodeAndDuplicateIds() {
        var lines = validHall.components(separatedBy: "\n")
        lines.removeSubrange(6..<9)  // the department list, then make it a scalar
        lines.insert("departments: tax", at: 6)
        let es = scenarioErrors(lines.joined(separator: "\n"))
        XCTAssert(
            es.contains { $0.path == "departments" && $0.line == 7 && $0.message.contains("expected a list") },
            es.map(\.description).joined(separator: "\n"))
        assertScenarioError(
            broken("id: ps, name", "  - {id: tax, name: 公安}"), line: 9, path: "departments[1].id",
            contains: "already used by departments[0]")
    }

    func testProbabilities() {
        assertScenarioError(
            broken("no_show:", "  no_show: {probability: 1.5, grace_min: 1}"), line: 39,
            path: "behaviour.no_show.probability",
            contains: "between 0 and 1")
    }

    func testYAMLSyntaxErrorHasALine() {
        let es = scenarioErrors(broken("id: tax, name", "  - {id: tax, name: 税务"))
        XCTAssertEqual(es.count, 1)
        XCTAssertNotNil(es[0].line)
        XCTAssert(es[0].message.contains("YAML syntax"), es[0].message)
    }

    func testSeveralErrorsAreAllReported() {
        var yaml = broken("kind: immediate", "    knd: immediate")
        yaml = yaml.replacingOccurrences(of: "per_hour: 8}", with: "per_hour: -8}")
        let es = scenarioErrors(yaml)
        XCTAssertGreaterThanOrEqual(es.count, 2, es.map(\.description).joined(separator: "\n"))
    }

    func testEveryShippedScenarioIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = root.appendingPathComponent("scenarios")
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "yaml" }
        XCTAssertGreaterThanOrEqual(files.count, 8)
        for f in files {
            if f.deletingLastPathComponent().lastPathComponent == "sweeps" {
                XCTAssertNoThrow(try SweepLoader.load(path: f.path), f.path)
            } else if f.deletingLastPathComponent().lastPathComponent == "plan" {
                XCTAssertNoThrow(try PlanLoader.load(path: f.path), f.path)
            } else {
                XCTAssertNoThrow(try ScenarioLoader.load(path: f.path), f.path)
            }
        }
    }
}
