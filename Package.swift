// swift-tools-version:6.0
// hallsim — a discrete-event simulator and staffing planner for government service halls (政务服务大厅).
// Module dependencies point one way:
//   CGSL ← HallRandom ─┐
//   HallDomain ────────┼─ HallScenarioYAML, HallSimulation, HallMetrics ← HallRunner ← hallsim, hallbench
//   CCBC, HallRunner ← HallPlanner ← hallsim, hallbench
//   GRDB, HallRunner ← HallOps (operations storage and logic; the server and `hallops` build on it)
import PackageDescription

let package = Package(
    name: "hallsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hallsim", targets: ["hallsim"]),
        .executable(name: "hallbench", targets: ["hallbench"]),
        .executable(name: "hallops", targets: ["hallops"]),
        .library(name: "HallDomain", targets: ["HallDomain"]),
        .library(name: "HallSimulation", targets: ["HallSimulation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // GNU GSL as a system library; the shim wraps GSL's global generator-type variables.
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        // COIN-OR CBC (MILP) as a system library, for the planner's shift scheduling.
        .systemLibrary(
            name: "CCBC",
            pkgConfig: "cbc",
            providers: [.apt(["coinor-libcbc-dev"])]
        ),
        // glibc's allocator settings (mallopt) for the command-line tools: header shim only.
        .systemLibrary(name: "CMalloc"),
        // Pure value types: departments, items, windows, scenario and its validation, event-log schema.
        .target(name: "HallDomain"),
        // Named random streams, distributions, statistics and queueing formulas (the only user of GSL).
        .target(name: "HallRandom", dependencies: ["CGSL"]),
        // Scenario files (YAML) → domain, with file:line:field diagnostics.
        .target(name: "HallScenarioYAML", dependencies: ["HallDomain", "Yams"]),
        // The discrete-event engine.
        .target(
            name: "HallSimulation",
            dependencies: ["HallDomain", "HallRandom", .product(name: "Collections", package: "swift-collections")],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // KPIs computed from the shared event log (simulated or real).
        .target(name: "HallMetrics", dependencies: ["HallDomain", "HallRandom"]),
        // Replications in parallel, output files.
        .target(
            name: "HallRunner",
            dependencies: ["CMalloc", "HallDomain", "HallScenarioYAML", "HallSimulation", "HallMetrics", "HallRandom"]
        ),
        // The staffing planner: analytic seeds, simulation-corrected requirements, shifts (CBC), layouts.
        .target(
            name: "HallPlanner",
            dependencies: ["CCBC", "HallDomain", "HallRandom", "HallSimulation", "HallMetrics", "HallRunner"]
        ),
        // Calibration: scenario parameters estimated from event-log records (simulated or real), with intervals.
        .target(
            name: "HallCalibration",
            dependencies: [
                "HallDomain", "HallRandom", "HallMetrics", "HallSimulation", "HallRunner", "HallScenarioYAML",
            ]),
        // Operations (a real hall's day): tickets, calling, cases, deadlines and ratings in SQLite, no HTTP.
        // Reuses the domain, the simulator's calling policies, the calendar, the metrics and the writers.
        .target(
            name: "HallOps",
            dependencies: [
                "HallDomain", "HallSimulation", "HallMetrics", "HallRunner", "HallCalibration",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The operations server: HTTP routes, sessions and roles, live events (Hummingbird). Only `hallops`
        // links it, so the simulator never links a web server.
        .target(
            name: "HallOpsServer",
            dependencies: [
                "HallOps", "HallRunner", "HallDomain", "HallSimulation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "hallops",
            dependencies: [
                "HallOpsServer", "HallOps", "HallScenarioYAML", "HallDomain", "HallCalibration", "HallRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "hallsim",
            dependencies: [
                "HallRunner", "HallPlanner", "HallScenarioYAML", "HallDomain", "HallCalibration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks live apart from the tests: `swift run -c release hallbench`.
        .executableTarget(
            name: "hallbench",
            dependencies: [
                "HallRunner", "HallPlanner", "HallSimulation", "HallRandom", "HallScenarioYAML", "HallMetrics",
                "HallCalibration", .product(name: "Collections", package: "swift-collections"),
            ],
            path: "Benchmarks/hallbench"
        ),
        // The operations server's speed (a separate executable, so hallbench never links the server).
        .executableTarget(
            name: "opsbench",
            dependencies: [
                "HallOps", "HallDomain", "HallScenarioYAML",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/opsbench"
        ),
        .target(
            name: "HallTestSupport", dependencies: ["HallDomain", "HallScenarioYAML"], path: "Tests/HallTestSupport"),
        .testTarget(name: "HallRandomTests", dependencies: ["HallRandom"]),
        .testTarget(
            name: "HallMetricsTests", dependencies: ["HallMetrics", "HallRandom", "HallDomain", "HallTestSupport"]),
        .testTarget(
            name: "HallRunnerTests",
            dependencies: [
                "HallRunner", "HallMetrics", "HallSimulation", "HallScenarioYAML", "HallRandom", "HallDomain",
                "HallTestSupport",
            ]
        ),
        .testTarget(name: "hallsimTests", dependencies: ["HallTestSupport"]),
        .testTarget(
            name: "HallPlannerTests",
            dependencies: ["HallPlanner", "HallRandom", "HallDomain", "HallScenarioYAML", "HallRunner", "HallMetrics"]
        ),
        .testTarget(
            name: "HallOpsTests",
            dependencies: [
                "HallOps", "HallDomain", "HallSimulation", "HallMetrics", "HallRunner", "HallScenarioYAML",
                "HallCalibration", "HallTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "HallCalibrationTests",
            dependencies: [
                "HallCalibration", "HallRandom", "HallDomain", "HallScenarioYAML", "HallRunner", "HallTestSupport",
            ]
        ),
        .testTarget(name: "HallScenarioTests", dependencies: ["HallScenarioYAML", "HallDomain"]),
        .testTarget(
            name: "HallSimulationTests",
            dependencies: [
                "HallSimulation", "HallMetrics", "HallRunner", "HallScenarioYAML", "HallRandom", "HallDomain",
                "HallTestSupport",
            ]
        ),
    ]
)
