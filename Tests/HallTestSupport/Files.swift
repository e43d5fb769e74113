import Foundation
import HallDomain
import HallScenarioYAML

/// The repository's root folder, for the scenarios and fixtures the tests read.
public let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A scenario shipped in scenarios/validation/.
public func validationScenario(_ name: String) throws -> Scenario {
    try ScenarioLoader.load(path: repoRoot.appendingPathComponent("scenarios/validation/\(name).yaml").path)
}

/// The example county hall, scenarios/county-hall.yaml.
public func countyHall() throws -> Scenario {
    try ScenarioLoader.load(path: repoRoot.appendingPathComponent("scenarios/county-hall.yaml").path)
}
