import ArgumentParser
import Foundation
import HallCalibration
import HallDomain
import HallOps
import HallOpsServer
import HallRunner
import HallScenarioYAML
import HummingbirdBcrypt
import Logging

/// `hallops`: the hall runs on hallsim — the operations server and its database.
@main
struct HallOpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hallops",
        abstract: "Run a hall's day for real: tickets, calling, cases and deadlines in SQLite, over HTTP.",
        version: "hallops 0.1 (hallsim operations)",
        subcommands: [Serve.self, Export.self, Calibrate.self, AddDevice.self, AddUser.self])
}

/// What every command opening the database shares: the scenario and the database path.
struct Database: ParsableArguments {
    @Argument(help: "The hall's scenario file (YAML): departments, items, windows, staff, calendar.")
    var scenario: String

    @Option(help: "The database file (default: ops/<scenario file name>.sqlite).")
    var db: String?

    var path: String {
        db ?? "ops/" + URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent + ".sqlite"
    }

    func open(clock: any OpsClock = SystemClock()) throws -> OpsStore {
        let s: Scenario
        do { s = try ScenarioLoader.load(path: scenario) } catch { fail("\(error)") }
        if path.isEmpty { fail("--db: give a file path") }
        do { return try OpsStore(path: path, scenario: s, clock: clock) } catch {
            fail("cannot open the database \(path): \(error)")
        }
    }
}

/// Writes a line to standard output at once (print is buffered when output is a pipe).
/// A closed pipe (the reader went away) is not a reason to crash: the line is dropped.
func say(_ line: String) {
    try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
}

func fail(_ message: String, status: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data(("hallops: " + message + "\n").utf8))
    exit(status)
}

let passwordNote = "(shown once; set HALLOPS_ADMIN_PASSWORD to choose it)"

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the API, the live events and the hall's pages (stop with SIGTERM or Ctrl-C).")

    @OptionGroup var database: Database
    @Option(help: "Address to listen on (loopback by default).") var host = "127.0.0.1"
    @Option(help: "Port (0: any free port, printed on start).") var port = 8080
    @Option(
        help:
            "Folder of the hall's pages served at /kiosk, /console, … (default: web/ in the current folder, if present)."
    )
    var web: String?
    @Option(
        help: ArgumentHelp(
            "Start a manual clock at this time (YYYY-MM-DDTHH:MM) that an admin may move with PUT /api/clock "
                + "(tests and demonstrations); default: the system clock in China time."))
    var manualClock: String?

    func run() async throws {
        guard (0...65535).contains(port) else { fail("--port: expected 0 to 65535, got \(port)") }
        var clock: ManualClock?
        if let s = manualClock {
            let parts = s.split(separator: "T")
            guard parts.count == 2, let d = CivilDate(parsing: String(parts[0])) else {
                fail("--manual-clock: expected YYYY-MM-DDTHH:MM, got \(s.prefix(40))")
            }
            let hm = parts[1].split(separator: ":").compactMap { Int($0) }
            guard hm.count == 2, (0..<24).contains(hm[0]), (0..<60).contains(hm[1]) else {
                fail("--manual-clock: expected YYYY-MM-DDTHH:MM, got \(s.prefix(40))")
            }
            clock = ManualClock(Stamp(d, Double(hm[0] * 60 + hm[1])))
        }
        let store = try database.open(clock: clock ?? SystemClock())
        let password = ProcessInfo.processInfo.environment["HALLOPS_ADMIN_PASSWORD"]
        if let pw = password, pw.count < 8 { fail("HALLOPS_ADMIN_PASSWORD: at least 8 characters") }
        if let generated = try OpsServer.ensureAdmin(store: store, password: password) {
            say("hallops: created user 'admin' with password \(generated) \(passwordNote)")
        }
        var web = self.web
        if web == nil, FileManager.default.fileExists(atPath: "web/index.html") { web = "web" }
        if let w = web, !FileManager.default.fileExists(atPath: w + "/index.html") {
            fail("--web: \(w) has no index.html (expected the project's web/ folder)")
        }
        let audio = URL(fileURLWithPath: database.path).deletingLastPathComponent().appendingPathComponent("audio").path
        var logger = Logger(label: "hallops")
        logger.logLevel =
            ProcessInfo.processInfo.environment["HALLOPS_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .notice
        let db = database.path
        let host = host
        try await OpsServer.run(
            store: store,
            options: .init(host: host, port: port, publicDirectory: web, manualClock: clock, audioCache: audio),
            logger: logger
        ) { port in
            say("hallops: serving \(db) on http://\(host):\(port)/")
        }
        say("hallops: stopped")
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a period's records as hallsim run writes them (tickets.csv, …, summary.json).")

    @OptionGroup var database: Database
    @Option(help: "First date (YYYY-MM-DD).") var from: String
    @Option(help: "Last date (YYYY-MM-DD; default: the first).") var to: String?
    @Option(help: "Output folder.") var out: String

    func run() throws {
        guard let f = CivilDate(parsing: from) else {
            fail("--from: expected a date as YYYY-MM-DD, got \(from.prefix(40))")
        }
        guard let t = to.map({ CivilDate(parsing: $0) }) ?? f else { fail("--to: expected a date as YYYY-MM-DD") }
        guard f <= t else { fail("--to: expected a date on or after --from (\(f))") }
        guard !out.isEmpty else { fail("--out: give a folder") }
        guard FileManager.default.fileExists(atPath: database.path) else { fail("no database at \(database.path)") }
        let store = try database.open()
        do { try store.export(from: f, to: t, directory: URL(fileURLWithPath: out)) } catch {
            fail("cannot write \(out): \(error)", status: 2)
        }
        print("hallops: wrote \(out)")
    }
}

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Calibrate a scenario from the hall's own records (calibrated.yaml, calibration.md/.json).",
        discussion:
            "Reads the database's records of the dates (exported as `hallops export` writes them) and estimates "
            + "the fields `hallsim calibrate` does; below the minimum sample the base value is kept and flagged.")

    @OptionGroup var database: Database
    @Option(help: "First date (YYYY-MM-DD).") var from: String
    @Option(help: "Last date (YYYY-MM-DD; default: the first).") var to: String?
    @Option(help: "The scenario to calibrate (default: the hall's scenario); its ids must be the hall's.")
    var base: String?
    @Option(help: "Output folder (replaced whole).") var out: String = "outputs/calibration"
    @Option(help: "Minimum applicants for a share or a rate, and services for a service-time fit.")
    var minSample: Int = 30
    @Option(help: "Minimum open days for an arrival rate.") var minDays: Int = 5

    func run() throws {
        guard let f = CivilDate(parsing: from) else {
            fail("--from: expected a date as YYYY-MM-DD, got \(from.prefix(40))")
        }
        guard let t = to.map({ CivilDate(parsing: $0) }) ?? f else { fail("--to: expected a date as YYYY-MM-DD") }
        guard f <= t else { fail("--to: expected a date on or after --from (\(f))") }
        guard (1...1_000_000).contains(minSample) else {
            fail("--min-sample: expected a whole number from 1 to 1000000")
        }
        guard (1...100_000).contains(minDays) else { fail("--min-days: expected a whole number from 1 to 100000") }
        do { _ = try AtomicOutput.check(out) } catch { fail("\(error); nothing was written", status: 2) }
        guard FileManager.default.fileExists(atPath: database.path) else { fail("no database at \(database.path)") }
        let store = try database.open()
        let baseScenario: Scenario
        if let base {
            do { baseScenario = try ScenarioLoader.load(path: base) } catch { fail("\(error)") }
        } else {
            baseScenario = store.scenario
        }
        var o = CalibrationOptions()
        o.minTrials = minSample
        o.minServices = minSample
        o.minDays = minDays
        let started = Date()
        let calibrated: (days: Int, result: CalibrationResult)
        do { calibrated = try store.calibrate(from: f, to: t, base: baseScenario, options: o) } catch {
            fail("\(error); nothing was written")
        }
        let files: [(name: String, data: Data)]
        do { files = try calibrated.result.files(folder: out) } catch { fail("\(error); nothing was written") }
        do { try AtomicOutput.write(files, to: URL(fileURLWithPath: out)) } catch {
            fail("cannot write \(out): \(error); the folder was left as it was", status: 2)
        }
        let r = calibrated.result
        say(
            "hallops: \(calibrated.days) days, \(r.tickets) tickets calibrated in "
                + "\(String(format: "%.2f", Date().timeIntervalSince(started))) s; \(r.estimatedFields.count) fields "
                + "estimated, \(r.fields.count - r.estimatedFields.count) kept from the base; results in \(out)/")
    }
}

struct AddDevice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-device", abstract: "Register a kiosk, calling display or rating pad; prints its token once.")

    @OptionGroup var database: Database
    @Option(help: "Device name, e.g. kiosk-1.") var name: String
    @Option(help: "kiosk, display or rating_pad.") var kind: String

    func run() throws {
        guard ["kiosk", "display", "rating_pad"].contains(kind) else {
            fail("--kind: expected kiosk, display or rating_pad")
        }
        let store = try database.open()
        let token = newDeviceToken()
        do {
            _ = try store.createDevice(name: name, kind: kind, tokenHash: deviceTokenHash(token), actor: .system)
        } catch { fail("\(error)") }
        print(token)
    }
}

struct AddUser: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-user",
        abstract: "Create an account (password from HALLOPS_PASSWORD, else generated and printed once).")

    @OptionGroup var database: Database
    @Option(help: "User name.") var name: String
    @Option(help: "admin, manager, clerk or back_office.") var role: String
    @Option(help: "The scenario's staff id (clerks and back office).") var staff: String?

    func run() throws {
        guard let r = Role(rawValue: role), r != .device else {
            fail("--role: expected admin, manager, clerk or back_office, got \(role.prefix(40))")
        }
        let store = try database.open()
        let given = ProcessInfo.processInfo.environment["HALLOPS_PASSWORD"]
        if let g = given, g.count < 8 { fail("HALLOPS_PASSWORD: at least 8 characters") }
        let pw = given ?? String(newDeviceToken().prefix(16))
        do {
            _ = try store.createUser(
                name: name, role: r, passwordHash: Bcrypt.hash(pw, cost: OpsServer.bcryptCost), staffID: staff,
                actor: .system)
        } catch { fail("\(error)") }
        if given == nil { print("hallops: user \(name) has password \(pw) (shown once)") }
    }
}
