import HallDomain
import HallScenarioYAML
import XCTest

/// load → write → load gives an equal scenario for every shipped scenario.
final class ScenarioWriterTests: XCTestCase {
    func testRoundTripOfEveryShippedScenario() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let fm = FileManager.default
        var files: [URL] = []
        for dir in ["scenarios", "scenarios/validation"] {
            let d = root.appendingPathComponent(dir)
            for name in try fm.contentsOfDirectory(atPath: d.path).sorted() where name.hasSuffix(".yaml") {
                let text = try String(contentsOf: d.appendingPathComponent(name), encoding: .utf8)
                // Only scenarios (plan and sweep files have a `scenario:` or `base:` key instead of `name:`).
                if text.split(separator: "\n").contains(where: { $0.hasPrefix("name:") }) {
                    files.append(d.appendingPathComponent(name))
                }
            }
        }
        XCTAssertGreaterThanOrEqual(files.count, 10)
        for f in files {
            let s = try ScenarioLoader.load(path: f.path)
            let text = ScenarioWriter.yaml(s)
            let back = try ScenarioLoader.parse(yaml: text, file: "written-" + f.lastPathComponent)
            XCTAssertEqual(back, s, f.lastPathComponent)
            XCTAssertEqual(ScenarioWriter.yaml(back), text, "\(f.lastPathComponent): writing is stable")
        }
    }
}
