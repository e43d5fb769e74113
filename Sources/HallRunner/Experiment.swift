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
    /// Visits to the guide desk and terminals (halls that have them), with their dates' indices.
    public var stages: [StageRecord] = []
    public var stageDay: [Int32] = []

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
    /// Runs the given replications (e.g. `0..<n`) in parallel on `threads` threads (default: all cores),
    /// results in that order. Each replication has its own streams, so the result is identical whatever
    /// the number of threads.
    public static func run(
        _ scenario: Scenario, seed: UInt64, replications: some Sequence<Int>, threads: Int? = nil,
        records: RecordsMode = .none
    ) -> ExperimentResult {
        let list = Array(replications)
        if scenario.period != nil {
            return runPeriod(scenario, seed: seed, replications: list, threads: threads, records: records)
        }
        let hall = CompiledHall(scenario)
        let results = Replications.map(list, threads: threads) { r in
            let metrics = DayMetrics(
                catalogue: hall.catalogue, day: scenario.day,
                waitTargetMinutes: scenario.waitTargetMinutes, warmupMinutes: scenario.warmupMinutes)
            let keep = records == .all || (records == .first && r == 0)
            let buffer = keep ? RecordBuffer() : nil
            let sink: RecordSink = buffer.map { TeeSink([metrics, $0]) } ?? metrics
            let stats = simulateDay(hall, seed: seed, replication: r, sink: sink)
            let log = buffer.map {
                var log = RecordLog(tickets: $0.tickets, windows: $0.windows, queues: $0.queues, staff: $0.staff)
                log.stages = $0.stages
                return log
            }
            return (metrics.result(), stats, log)
        }
        return ExperimentResult(
            scenario: scenario, seed: seed, days: results.map(\.0), stats: results.map(\.1), logs: results.map(\.2))
    }
}
