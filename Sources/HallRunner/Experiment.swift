import Foundation
import HallDomain
import HallMetrics
import HallSimulation

/// Which replications keep their full event log (for tickets.csv, windows.csv, queues.csv).
public enum RecordsMode: String, Sendable, CaseIterable {
    case all, first, none
}

/// The outcome of running one scenario for several replications.
public struct ExperimentResult: Sendable {
    public var scenario: Scenario
    public var seed: UInt64
    public var days: [DayKPIs]
    public var stats: [DayStats]
    /// Event logs of the replications kept (index = replication), nil where not kept.
    public var logs: [RecordLog?]
    /// Runs over dates: case KPIs per replication (`days` then holds each replication's mean open day).
    public var cases: [PeriodKPIs]?
    public var periodStats: [PeriodStats]?
    public var summary: Summary {
        Summary(scenario: scenario, seed: seed, days: days, cases: cases, openDays: periodStats?.first?.openDays)
    }

    public init(
        scenario: Scenario, seed: UInt64, days: [DayKPIs], stats: [DayStats], logs: [RecordLog?],
        cases: [PeriodKPIs]? = nil, periodStats: [PeriodStats]? = nil
    ) {
        self.scenario = scenario
        self.seed = seed
        self.days = days
        self.stats = stats
        self.logs = logs
        self.cases = cases
        self.periodStats = periodStats
    }
}

extension ExperimentResult {
    /// Adds the replications of a further run of the same scenario and seed.
    public mutating func append(_ more: ExperimentResult) {
        days += more.days
        stats += more.stats
        logs += more.logs
        if let c = more.cases { cases = (cases ?? []) + c }
        if let p = more.periodStats { periodStats = (periodStats ?? []) + p }
    }
}

/// An immutable copy of a replication's records.
public struct RecordLog: Sendable {
    public var tickets: [TicketRecord]
    public var windows: [WindowRecord]
    public var queues: [QueueRecord]
    public var staff: [StaffRecord]
    /// Runs over dates: the dates, and the index of each record's date (empty for one day).
    public var dates: [CivilDate] = []
    public var ticketDay: [Int32] = []
    public var windowDay: [Int32] = []
    public var queueDay: [Int32] = []
    public var staffDay: [Int32] = []
    public var cases: [CaseRecord] = []
    public var steps: [CaseStepRecord] = []

    public init(
        tickets: [TicketRecord], windows: [WindowRecord], queues: [QueueRecord], staff: [StaffRecord],
        dates: [CivilDate] = [], ticketDay: [Int32] = [], windowDay: [Int32] = [], queueDay: [Int32] = [],
        staffDay: [Int32] = [], cases: [CaseRecord] = [], steps: [CaseStepRecord] = []
    ) {
        self.tickets = tickets
        self.windows = windows
        self.queues = queues
        self.staff = staff
        self.dates = dates
        self.ticketDay = ticketDay
        self.windowDay = windowDay
        self.queueDay = queueDay
        self.staffDay = staffDay
        self.cases = cases
        self.steps = steps
    }
}

public enum Experiment {
    /// Runs replications 0..<n in parallel on `threads` threads (default: all cores). Each replication
    /// has its own streams, so the result is identical whatever the number of threads.
    public static func run(
        _ scenario: Scenario, seed: UInt64, replications n: Int, threads: Int? = nil,
        records: RecordsMode = .none
    ) -> ExperimentResult {
        run(scenario, seed: seed, replications: 0..<n, threads: threads, records: records)
    }

    /// Runs the given replications (results in that order).
    public static func run(
        _ scenario: Scenario, seed: UInt64, replications range: Range<Int>, threads: Int? = nil,
        records: RecordsMode = .none
    ) -> ExperimentResult {
        run(scenario, seed: seed, replications: Array(range), threads: threads, records: records)
    }

    /// Runs the given replications (results in that order).
    public static func run(
        _ scenario: Scenario, seed: UInt64, replications list: [Int], threads: Int? = nil,
        records: RecordsMode = .none
    ) -> ExperimentResult {
        if scenario.period != nil {
            return runPeriod(scenario, seed: seed, replications: list, threads: threads, records: records)
        }
        let hall = CompiledHall(scenario)
        let n = list.count
        let slots = Slots<(DayKPIs, DayStats, RecordLog?)>(count: n)
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, n))
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.take(below: n) {
                let r = list[i]
                let metrics = DayMetrics(
                    catalogue: hall.catalogue, day: scenario.day,
                    waitTargetMinutes: scenario.waitTargetMinutes, warmupMinutes: scenario.warmupMinutes)
                let keep = records == .all || (records == .first && r == 0)
                let buffer = keep ? RecordBuffer() : nil
                let sink: RecordSink = buffer.map { TeeSink([metrics, $0]) } ?? metrics
                let stats = simulateDay(hall, seed: seed, replication: r, sink: sink)
                let log = buffer.map {
                    RecordLog(tickets: $0.tickets, windows: $0.windows, queues: $0.queues, staff: $0.staff)
                }
                slots.set(i, (metrics.result(), stats, log))
            }
        }
        let results = slots.values()
        return ExperimentResult(
            scenario: scenario, seed: seed, days: results.map(\.0), stats: results.map(\.1), logs: results.map(\.2))
    }
}

/// Write-once result slots filled from several threads.
final class Slots<T>: @unchecked Sendable {
    private var items: [T?]
    private let lock = NSLock()
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) {
        lock.lock()
        items[i] = v
        lock.unlock()
    }
    func values() -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return items.map { $0! }
    }
}

final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take(below n: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < n else { return nil }
        value += 1
        return value - 1
    }
}
