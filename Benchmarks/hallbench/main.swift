import DequeModule
// hallbench — speed figures for the engine, printed beside a baseline measured in the same run.
//   swift run -c release hallbench [--quick] [--plan]
// Benchmarks live apart from the tests: speed is measured here, never asserted in a timed test.
import Foundation
import HallCalibration
import HallDomain
import HallMetrics
import HallRandom
import HallRunner
import HallScenarioYAML
import HallSimulation
import HeapModule

// As hallsim does: replications reuse freed pages instead of faulting in fresh ones.
Allocator.keepFreedMemory()
let quick = CommandLine.arguments.contains("--quick")
/// `--profile counter|kpis|kept|csv`: only that M/M/3 loop (csv: writing the event log five times), for 200 days, to run under `perf record`.
let profile = CommandLine.arguments.firstIndex(of: "--profile").flatMap {
    CommandLine.arguments.indices.contains($0 + 1) ? CommandLine.arguments[$0 + 1] : nil
}
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// Best of `repeats` timings (the least disturbed by the machine's other work).
func best(_ repeats: Int, _ body: () -> Void) -> Double { (0..<repeats).map { _ in seconds(body) }.min()! }

func rate(_ n: Int, _ s: Double) -> String { String(format: "%.2f M/s", Double(n) / s / 1e6) }

// MARK: Baseline: the least an M/M/3 simulation can do — a heap of events, GSL exponentials, a FIFO.

struct BareEvent: Comparable {
    var time: Double
    var isArrival: Bool
    static func < (a: BareEvent, b: BareEvent) -> Bool { a.time < b.time }
}

func bareMM3(customers: Int, seed: UInt64) -> Double {
    let arrivals = RandomStream(seed: seed, replication: 0, name: "bare/arrivals")
    let service = RandomStream(seed: seed, replication: 0, name: "bare/service")
    var heap = Heap<BareEvent>()
    var queue = Deque<Double>()
    var busy = 0
    var arrived = 0
    var waitSum = 0.0
    heap.insert(BareEvent(time: arrivals.exponential(mean: 1 / 27.0), isArrival: true))
    while let e = heap.popMin() {
        if e.isArrival {
            arrived += 1
            if arrived < customers {
                heap.insert(BareEvent(time: e.time + arrivals.exponential(mean: 1 / 27.0), isArrival: true))
            }
            if busy < 3 {
                busy += 1
                heap.insert(BareEvent(time: e.time + service.exponential(mean: 0.1), isArrival: false))
            } else {
                queue.append(e.time)
            }
        } else if let t = queue.popFirst() {
            waitSum += e.time - t
            heap.insert(BareEvent(time: e.time + service.exponential(mean: 0.1), isArrival: false))
        } else {
            busy -= 1
        }
    }
    return waitSum / Double(customers)
}

// MARK: The engine on the same M/M/3 (a 24-hour period, λ = 27/min, service mean 0.1 min).

func mm3Scenario() -> Scenario {
    let all = HallDomain.TimeInterval(start: ClockTime(0, 0), end: ClockTime(24, 0))
    return Scenario(
        name: "bench M/M/3", day: DaySchedule(periods: [all]),
        departments: [Department(id: "d")],
        items: [ServiceItem(id: "x", department: "d", kind: .immediate, service: .exponential(mean: 0.1))],
        arrivals: [
            ArrivalProfile(
                id: "a", target: .item("x"), rates: [RateInterval(from: all.start, to: all.end, perHour: 1620)])
        ],
        windows: [WindowGroup(id: "w", kind: .department, departments: ["d"], count: 3)])
}

/// Counts records and does nothing else: the cost of producing them.
final class CountingSink: RecordSink {
    var n = 0
    func record(_ r: TicketRecord) { n &+= 1 }
    func record(_ r: WindowRecord) { n &+= 1 }
    func record(_ r: QueueRecord) { n &+= 1 }
    func record(_ r: StaffRecord) { n &+= 1 }
}

// MARK: Memory per applicant in flight: an overloaded hall (10 000 arrive in 100 min at one window,
// with patience, so each waiting applicant also holds a renege event); peak resident memory growth over
// the peak number waiting. Measured first, before other runs leave freed memory to reuse.

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Samples resident memory as the queue reaches new highs.
final class PeakSink: RecordSink {
    var peak: Int32 = 0
    var residentAtPeak = 0
    func record(_ r: TicketRecord) {}
    func record(_ r: WindowRecord) {}
    func record(_ r: StaffRecord) {}
    func record(_ r: QueueRecord) {
        if r.waiting > peak {
            peak = r.waiting
            if peak % 500 == 0 { residentAtPeak = max(residentAtPeak, residentBytes()) }
        }
    }
}

func inFlightScenario(perHour: Double) -> Scenario {
    let day = HallDomain.TimeInterval(start: ClockTime(8, 0), end: ClockTime(9, 40))
    return Scenario(
        name: "bench in flight", day: DaySchedule(periods: [day]),
        departments: [Department(id: "d")],
        items: [ServiceItem(id: "x", department: "d", kind: .immediate, service: .deterministic(value: 1))],
        arrivals: [
            ArrivalProfile(
                id: "a", target: .item("x"), rates: [RateInterval(from: day.start, to: day.end, perHour: perHour)])
        ],
        windows: [WindowGroup(id: "w", kind: .department, departments: ["d"], count: 1)],
        behaviour: Behaviour(patience: .exponential(mean: 100_000)))
}

/// `--plan`: only the staffing planner's county week (best of 3).
if CommandLine.arguments.contains("--plan") {
    benchPlanner(root: root, quick: quick)
    exit(0)
}

if let profile {
    let hall = CompiledHall(mm3Scenario())
    var customers = 0
    let t = seconds {
        for r in 0..<200 {
            switch profile {
            case "csv":
                let b = RecordBuffer()
                customers += simulateDay(hall, seed: 1, replication: r, sink: b).tickets
                for _ in 0..<5 {
                    _ = EventLogCSV.tickets([(r, b.tickets)], catalogue: hall.catalogue)
                    _ = EventLogCSV.windows([(r, b.windows)], catalogue: hall.catalogue)
                    _ = EventLogCSV.queues([(r, b.queues)], catalogue: hall.catalogue)
                }
            case "counter": customers += simulateDay(hall, seed: 1, replication: r, sink: CountingSink()).tickets
            case "kept": customers += simulateDay(hall, seed: 1, replication: r, sink: RecordBuffer()).tickets
            default:
                let m = DayMetrics(catalogue: hall.catalogue, day: hall.scenario.day, waitTargetMinutes: 15)
                customers += simulateDay(hall, seed: 1, replication: r, sink: m).tickets
                _ = m.result()
            }
        }
    }
    print("\(profile): \(rate(customers, t))")
    exit(0)
}

_ = simulateDay(CompiledHall(inFlightScenario(perHour: 60)), seed: 1, replication: 0, sink: PeakSink())
let memoryBefore = residentBytes()
let peakSink = PeakSink()
_ = simulateDay(CompiledHall(inFlightScenario(perHour: 6000)), seed: 1, replication: 0, sink: peakSink)
let perApplicant = Double(peakSink.residentAtPeak - memoryBefore) / Double(peakSink.peak)

let mm3 = CompiledHall(mm3Scenario())
let days = quick ? 5 : 40
var engineCustomers = 0
var streamingCustomers = 0
var keptCustomers = 0

print("hallbench — \(ProcessInfo.processInfo.activeProcessorCount) cores\(quick ? " (quick)" : "")")
print("")
print(
    "memory: \(String(format: "%.0f", perApplicant)) bytes per applicant in flight (resident growth \(String(format: "%.1f", Double(peakSink.residentAtPeak - memoryBefore) / 1e6)) MB at \(peakSink.peak) waiting)"
)
print("")
print("M/M/3, rho = 0.9, one thread")
let bareN = (quick ? 5 : 40) * 38_880
var bareWait = 0.0
let bareT = best(3) { bareWait = bareMM3(customers: bareN, seed: 1) }
print(
    "  bare heap + GSL loop         \(rate(bareN, bareT))   (\(bareN) customers, mean wait \(String(format: "%.4f", bareWait)) min)"
)

let countT = best(3) {
    engineCustomers = 0
    for r in 0..<days { engineCustomers += simulateDay(mm3, seed: 1, replication: r, sink: CountingSink()).tickets }
}
print(
    "  engine, records to a counter \(rate(engineCustomers, countT))   ratio to bare \(String(format: "%.2f", (Double(engineCustomers) / countT) / (Double(bareN) / bareT)))"
)

let metricsT = best(3) {
    streamingCustomers = 0
    for r in 0..<days {
        let m = DayMetrics(catalogue: mm3.catalogue, day: mm3.scenario.day, waitTargetMinutes: 15)
        streamingCustomers += simulateDay(mm3, seed: 1, replication: r, sink: m).tickets
        _ = m.result()
    }
}
print(
    "  engine, records to KPIs      \(rate(streamingCustomers, metricsT))   ratio to bare \(String(format: "%.2f", (Double(streamingCustomers) / metricsT) / (Double(bareN) / bareT)))"
)

let keepT = best(3) {
    keptCustomers = 0
    for r in 0..<days / 2 {
        let b = RecordBuffer()
        keptCustomers += simulateDay(mm3, seed: 1, replication: r, sink: b).tickets
    }
}
print(
    "  engine, every record kept    \(rate(keptCustomers, keepT))   ratio to bare \(String(format: "%.2f", (Double(keptCustomers) / keepT) / (Double(bareN) / bareT)))"
)

// MARK: Writing the event log against making it: 100 days of the M/M/3 hall with every record kept,
// then tickets.csv, windows.csv and queues.csv written (goal: writing costs no more than simulating).

do {
    let n = quick ? 20 : 100
    var buffers: [RecordBuffer] = []
    let simT = best(quick ? 1 : 3) {
        buffers = (0..<n).map { r in
            let b = RecordBuffer()
            _ = simulateDay(mm3, seed: 1, replication: r, sink: b)
            return b
        }
    }
    var bytes = 0
    let c = mm3.catalogue
    let writeT = best(quick ? 1 : 3) {
        let t = EventLogCSV.tickets(buffers.enumerated().map { ($0.offset, $0.element.tickets) }, catalogue: c)
        let w = EventLogCSV.windows(buffers.enumerated().map { ($0.offset, $0.element.windows) }, catalogue: c)
        let q = EventLogCSV.queues(buffers.enumerated().map { ($0.offset, $0.element.queues) }, catalogue: c)
        bytes = t.utf8.count + w.utf8.count + q.utf8.count
    }
    print(
        "  event log of \(n) days: simulating \(String(format: "%.2f s", simT)), writing CSV \(String(format: "%.2f s", writeT)) "
            + "(\(bytes / 1_000_000) MB), ratio \(String(format: "%.2f", writeT / simT)) (goal ≤ 1)")
}

// MARK: The county hall.

let countyMonth = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/county-hall.yaml").path)
// The day-level figures run the hall's ordinary day; the month (with its back office) comes after.
var county = countyMonth
county.period = nil
let countyHall = CompiledHall(county)
let countyDays = quick ? 50 : 400

/// Best time for `countyDays` days of a hall on one thread, KPIs included, and the applicants simulated.
func timeDays(_ hall: CompiledHall, _ s: Scenario) -> (seconds: Double, customers: Int) {
    var n = 0
    let t = best(3) {
        n = 0
        for r in 0..<countyDays {
            let m = DayMetrics(catalogue: hall.catalogue, day: s.day, waitTargetMinutes: s.waitTargetMinutes)
            n += simulateDay(hall, seed: 1, replication: r, sink: m).tickets
            _ = m.result()
        }
    }
    return (t, n)
}

let (countyT, countyCustomers) = timeDays(countyHall, county)
print("")
print("county-hall.yaml (\(county.departments.count) departments, \(county.physicalWindows.count) windows)")
print(
    "  one day, one thread          \(rate(countyCustomers, countyT))   \(String(format: "%.2f ms", countyT / Double(countyDays) * 1000)) per day"
)
var parCustomers = 0
let oneT = best(3) {
    parCustomers = Experiment.run(county, seed: 1, replications: 0..<countyDays, threads: 1).stats.reduce(0) {
        $0 + $1.tickets
    }
}
let allT = best(3) { _ = Experiment.run(county, seed: 1, replications: 0..<countyDays).stats }
print(
    "  \(countyDays) replications, 1 thread  \(rate(parCustomers, oneT))   (\(String(format: "%.3f s", oneT)), KPIs included)"
)
print(
    "  \(countyDays) replications, all cores \(rate(parCustomers, allT))   speed-up \(String(format: "%.2f", oneT / allT))× (goal ≥ 1.8 on 2 cores)"
)
// The month: front desk day by day, back office carrying its backlog, returns and collections.
var monthTickets = 0
var monthCases = 0
var monthSteps = 0
var monthDays = 0
let monthT = best(3) {
    let r = Experiment.run(countyMonth, seed: 1, replications: 0..<20)
    monthTickets = r.periodStats!.reduce(0) { $0 + $1.tickets }
    monthCases = r.periodStats!.reduce(0) { $0 + $1.cases }
    monthSteps = r.periodStats!.reduce(0) { $0 + $1.steps }
    monthDays = r.periodStats![0].openDays
}
let monthOneT = best(3) { _ = Experiment.run(countyMonth, seed: 1, replications: 0..<20, threads: 1) }
let p = countyMonth.period!
print("  the month \(p.start)…\(p.end) (\(monthDays) open days, back office), 20 replications:")
print(
    "    all cores                  \(String(format: "%.2f s", monthT))   \(rate(monthTickets, monthT)) applicants, "
        + "\(String(format: "%.0f k", Double(monthCases) / monthT / 1e3)) cases/s, \(String(format: "%.0f k", Double(monthSteps) / monthT / 1e3)) review steps/s"
)
print(
    "    one thread                 \(String(format: "%.2f s", monthOneT))   speed-up \(String(format: "%.2f", monthOneT / monthT))×; the month costs \(String(format: "%.2f", monthOneT / 20 / (countyT / Double(countyDays) * Double(monthDays)))) × its days' front desks alone"
)

// MARK: Tidal rules cost: the same hall with its tidal rules removed (tidal windows then stay shut).

if !county.tidal.isEmpty {
    var plain = county
    let tidalGroups = Set(plain.tidal.map(\.group))
    plain.tidal = []
    if !plain.hasRoster { plain.windows.removeAll { tidalGroups.contains($0.id) } }
    let (tPlain, nPlain) = timeDays(CompiledHall(plain), plain)
    let (tTidal, nTidal) = (countyT, countyCustomers)
    print(
        "  without its \(county.tidal.count) tidal rule(s)  \(rate(nPlain, tPlain))   \(String(format: "%.2f ms", tPlain / Double(countyDays) * 1000)) per day"
    )
    print(
        "  with tidal rules             \(rate(nTidal, tTidal))   \(String(format: "%.2f ms", tTidal / Double(countyDays) * 1000)) per day, time ratio \(String(format: "%.2f", tTidal / tPlain)) (goal ≤ 1.5)"
    )
} else {
    print("  (county-hall.yaml has no tidal rules: tidal cost not measured)")
}

// MARK: Now-cast of the county hall (issue 12): from the state at 10:30 of a simulated day, 200
// replications of the rest of the day until the next two hours have passed and every waiting ticket ended.

do {
    let truth = RecordBuffer()
    _ = simulateDay(countyHall, seed: 3, replication: 0, sink: truth)
    let state = HallState(minute: 630, tickets: truth.tickets, staff: truth.staff, hall: countyHall)
    var calls = 0
    let castT = best(quick ? 3 : 5) {
        calls = try! NowCast.forecast(hall: countyHall, state: state, replications: 200).calls.count
    }
    let castOneT = best(quick ? 1 : 3) {
        _ = try! NowCast.forecast(hall: countyHall, state: state, replications: 200, threads: 1)
    }
    let fullDays = countyT / Double(countyDays) * 200
    print(
        "  now-cast at 10:30 (\(calls) waiting, \(state.serving.count) at windows), 200 replications × 2 h: "
            + "\(String(format: "%.3f s", castT)) all cores (goal ≤ 0.3 s), \(String(format: "%.3f s", castOneT)) one thread; "
            + "200 whole days on one thread take \(String(format: "%.3f s", fullDays)) (ratio \(String(format: "%.2f", castOneT / fullDays)))"
    )
}

// MARK: Calibration of a month of county-hall records (tickets.csv, windows.csv and steps.csv text → calibrated
// scenario).

do {
    let r = Experiment.run(countyMonth, seed: 2, replications: 0..<1, records: .all)
    let log = r.logs[0]!
    let c = countyMonth.catalogue
    let tickets = EventLogCSV.tickets([(0, log.tickets)], catalogue: c, dated: [(log.dates, log.ticketDay)])
    let windows = EventLogCSV.windows([(0, log.windows)], catalogue: c, dated: [(log.dates, log.windowDay)])
    let steps = CaseCSV.steps([(0, log)], catalogue: c)
    var fields = 0
    var dayCount = 0
    let calT = best(quick ? 1 : 3) {
        var days = try! CalibrationRecords.parse(tickets, file: "tickets.csv", label: "month", base: countyMonth)
        try! CalibrationRecords.attachClerks(windows, file: "windows.csv", base: countyMonth, to: &days)
        try! CalibrationRecords.attachSteps(steps, file: "steps.csv", base: countyMonth, to: &days)
        let cal = Calibration.calibrate(base: countyMonth, days: days)
        fields = cal.fields.count
        dayCount = days.count
    }
    print(
        "  calibration of the month's records (\(dayCount) days, \(log.tickets.count) tickets, \(fields) fields): "
            + "\(String(format: "%.2f s", calT)) (goal ≤ 10 s)")
}

// MARK: The staffing planner (Benchmarks/hallbench/Planning.swift).

benchPlanner(root: root, quick: quick)
