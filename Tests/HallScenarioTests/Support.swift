import HallScenarioYAML
import XCTest

/// Every error a scenario text gives (fails the test if it loads).
func scenarioErrors(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> [ScenarioError] {
    do {
        _ = try ScenarioLoader.parse(yaml: yaml, file: "hall.yaml")
        XCTFail("expected errors", file: file, line: line)
        return []
    } catch let e as ScenarioLoadError {
        return e.errors
    } catch {
        XCTFail("unexpected \(error)", file: file, line: line)
        return []
    }
}

/// The scenario text gives an error at `path`, on `line` of hall.yaml, whose message contains `text`.
func assertScenarioError(
    _ yaml: String, line: Int, path: String, contains text: String,
    file: StaticString = #filePath, at l: UInt = #line
) {
    let es = scenarioErrors(yaml, file: file, line: l)
    guard let e = es.first(where: { $0.path == path }) else {
        return XCTFail(
            "no error at \(path); got:\n\(es.map(\.description).joined(separator: "\n"))", file: file, line: l)
    }
    XCTAssertEqual(e.file, "hall.yaml", file: file, line: l)
    XCTAssertEqual(e.line, line, e.description, file: file, line: l)
    XCTAssert(e.message.contains(text), "\(e.message) does not contain \(text)", file: file, line: l)
    XCTAssert(e.description.hasPrefix("hall.yaml:\(line):"), e.description, file: file, line: l)
}
