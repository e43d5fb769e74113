// opsbench: the operations server's speed. Not a test: it prints figures.
//
//   swift run -c release opsbench [--quick]
//
// 1. A bare GRDB insert loop (WAL, one transaction per insert, as the server commits every request): the
//    ceiling set by SQLite on this machine.
// 2. OpsStore.issueTicket in-process (the store's own work per ticket: numbering, queue record, audit).
// 3. The real `hallops` binary on 127.0.0.1 under `wrk` (Debian's; 32 connections, 2 threads): ticket
//    issues/s and call-next/s with p50/p99 latency. Goal: ≥ 2,000 issues/s with p99 ≤ 50 ms on 2 cores.
import Foundation
import GRDB
import HallDomain
import HallOps
import HallScenarioYAML

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let quick = CommandLine.arguments.contains("--quick")
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let scenarioPath = root.appendingPathComponent("scenarios/county-hall.yaml").path
let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("opsbench-\(getpid())")
try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: tmp) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

// 1. Bare GRDB.
let n = quick ? 2_000 : 20_000
var config = Configuration()
config.journalMode = .wal
let pool = try DatabasePool(path: tmp.appendingPathComponent("bare.sqlite").path, configuration: config)
try pool.write { db in
    try db.execute(
        sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, date TEXT, display TEXT, issued REAL, key TEXT UNIQUE)")
}
let bare = try seconds {
    for i in 0..<n {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO t (date, display, issued, key) VALUES (?, ?, ?, ?)",
                arguments: ["2025-10-09", "A\(i)", Double(i), "k\(i)"])
        }
    }
}
print(String(format: "bare GRDB insert, one transaction each: %8.0f inserts/s (%d)", Double(n) / bare, n))

// 2. The store in-process.
let scenario = try ScenarioLoader.load(path: scenarioPath)
let clock = ManualClock(Stamp(CivilDate(2025, 10, 9), 510))
let store = try OpsStore(path: tmp.appendingPathComponent("store.sqlite").path, scenario: scenario, clock: clock)
let departments = scenario.departments.map(\.id)
let storeTime = try seconds {
    for i in 0..<n {
        _ = try store.issueTicket(
            IssueRequest(kind: .walkIn, department: departments[i % departments.count]), idempotencyKey: "s\(i)",
            actor: .system)
    }
}
print(
    String(
        format: "OpsStore.issueTicket in-process:       %8.0f tickets/s (%.2f of bare)", Double(n) / storeTime,
        bare / storeTime))

// 3. The server under wrk.
let bin = root.appendingPathComponent(".build/release/hallops").path
guard FileManager.default.isExecutableFile(atPath: bin),
    let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile(atPath:))
else {
    print("server: skipped (needs .build/release/hallops and Debian's wrk: apt-get install wrk)")
    exit(0)
}

func run(_ path: String, _ args: [String], env: [String: String] = [:]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

let db = tmp.appendingPathComponent("server.sqlite").path
let token = try run(bin, ["add-device", scenarioPath, "--db", db, "--name", "kiosk-bench", "--kind", "kiosk"])
    .trimmingCharacters(in: .whitespacesAndNewlines)
let server = Process()
server.executableURL = URL(fileURLWithPath: bin)
server.arguments = ["serve", scenarioPath, "--db", db, "--port", "0", "--manual-clock", "2025-10-09T08:30"]
server.environment = ProcessInfo.processInfo.environment.merging(["HALLOPS_ADMIN_PASSWORD": "bench-password"]) { $1 }
let pipe = Pipe()
server.standardOutput = pipe
try server.run()
var port = 0
var buffer = ""
while port == 0 {
    let d = pipe.fileHandleForReading.availableData
    if d.isEmpty { break }
    buffer += String(decoding: d, as: UTF8.self)
    if let r = buffer.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
        port = Int(buffer[r].dropFirst(10).dropLast()) ?? 0
    }
}
guard port > 0 else {
    print("server: did not start: \(buffer)")
    exit(1)
}
defer { server.terminate() }

let duration = quick ? "3s" : "10s"
let issueLua = tmp.appendingPathComponent("issue.lua").path
try """
local n = 0
local depts = {"ps", "tax", "re", "hrss", "medins", "hfund", "amr", "drc"}
request = function()
  n = n + 1
  local body = '{"kind":"walk_in","department":"' .. depts[(n % #depts) + 1] .. '"}'
  return wrk.format("POST", "/api/tickets", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer \(token)", ["Idempotency-Key"] = "wrk-" .. math.random(1, 2^31) .. "-" .. n}, body)
end
""".write(toFile: issueLua, atomically: true, encoding: .utf8)

func wrkFigures(_ out: String) -> (rps: Double, p50: String, p99: String, non2xx: String) {
    func field(_ pattern: String) -> String? {
        guard let r = out.range(of: pattern, options: .regularExpression) else { return nil }
        return String(out[r]).split(separator: " ", omittingEmptySubsequences: true).last.map(String.init)
    }
    let rps = field(#"Requests/sec:\s+[0-9.]+"#).flatMap(Double.init) ?? 0
    return (
        rps, field(#"50%\s+[0-9.]+[mu]?s"#) ?? "?", field(#"99%\s+[0-9.]+[mu]?s"#) ?? "?",
        field(#"Non-2xx or 3xx responses:\s+\d+"#) ?? "0"
    )
}

let issueOut = try run(wrk, ["-t2", "-c32", "-d\(duration)", "--latency", "-s", issueLua, "http://127.0.0.1:\(port)"])
let issued = wrkFigures(issueOut)
print(
    String(
        format: "server: ticket issues at 32 clients:   %8.0f /s  p50 %@  p99 %@  non-2xx %@  (%.2f of bare GRDB)",
        issued.rps, issued.p50, issued.p99, issued.non2xx, issued.rps / (Double(n) / bare)))

// call-next: one client per window (the county hall's 29 windows), each signed in by a manager standing in
// for a clerk with the window's skills; a client calls its next ticket, then marks it a no-show, and again.
// Only the call-next requests are timed.
let serverPort = port

func post(_ path: String, _ body: String = "{}", cookie: String, port: Int) async throws -> (Int, Data) {
    var r = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    r.httpMethod = "POST"
    r.httpBody = Data(body.utf8)
    r.setValue("application/json", forHTTPHeaderField: "Content-Type")
    r.setValue(cookie, forHTTPHeaderField: "Cookie")
    let (data, response) = try await URLSession.shared.data(for: r)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
}

let (loginStatus, _) = try await {
    var r = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/login")!)
    r.httpMethod = "POST"
    r.httpBody = Data(#"{"name":"admin","password":"bench-password"}"#.utf8)
    r.setValue("application/json", forHTTPHeaderField: "Content-Type")
    let (d, resp) = try await URLSession.shared.data(for: r)
    return ((resp as? HTTPURLResponse)?.statusCode ?? 0, d)
}()
let cookie = HTTPCookieStorage.shared.cookies?.first { $0.name == "HALLOPS_SESSION" }.map {
    "HALLOPS_SESSION=\($0.value)"
}
guard loginStatus == 200, let cookie else {
    print("server: call-next skipped (could not sign in: \(loginStatus))")
    exit(0)
}
// Each window gets the first clerk whose skills cover one of its departments.
let windows = try store.windows()
var used = Set<String>()
var seats: [(window: String, staff: String)] = []
for w in windows {
    guard
        let m = scenario.staff.first(where: { m in
            !used.contains(m.id) && w.departments.contains { m.skills[$0] != nil }
        })
    else { continue }
    used.insert(m.id)
    seats.append((w.id, m.id))
}
for s in seats {
    _ = try await post(
        "/api/windows/\(s.window)/sign-in", #"{"staff":"\#(s.staff)"}"#, cookie: cookie, port: serverPort)
    _ = try await post("/api/windows/\(s.window)/open", cookie: cookie, port: serverPort)
}
let callSeconds = quick ? 3.0 : 10.0
let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
    for s in seats {
        group.addTask {
            var lat: [Double] = []
            let end = DispatchTime.now().uptimeNanoseconds + UInt64(callSeconds * 1e9)
            while DispatchTime.now().uptimeNanoseconds < end {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let (status, data) = try await post(
                    "/api/windows/\(s.window)/call-next", cookie: cookie, port: serverPort)
                lat.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                guard status == 200,
                    let id = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["id"] as? Int
                else { break }  // nothing left to call
                _ = try await post("/api/tickets/\(id)/no-show", cookie: cookie, port: serverPort)
            }
            return lat
        }
    }
    var all: [Double] = []
    for try await l in group { all += l }
    return all.sorted()
}
func pct(_ q: Double) -> Double {
    latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(q * Double(latencies.count)))]
}
print(
    String(
        format: "server: call-next at %d clients:       %8.0f /s  p50 %.1fms  p99 %.1fms (each followed by a no-show)",
        seats.count, Double(latencies.count) / callSeconds, pct(0.5), pct(0.99)))
