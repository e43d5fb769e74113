import Foundation
import HallDomain
import HallMetrics
import HallSimulation

extension Experiment {
    /// Replications of a run over dates: each replication is the whole period (front desk day by day,
    /// back office carrying its backlog). Front-desk KPIs become the replication's mean open day; case
    /// KPIs come from its case records.
    static func runPeriod(
        _ scenario: Scenario, seed: UInt64, replications list: [Int], threads: Int?,
        records: RecordsMode
    ) -> ExperimentResult {
        let period = CompiledPeriod(scenario)
        let catalogue = scenario.catalogue
        let results = Replications.map(list, threads: threads) { r in
            let keep = records == .all || (records == .first && r == 0)
            let buffer = keep ? DatedBuffer(dates: period.dates) : nil
            var dayMetrics: [(CivilDate, DayMetrics)] = []
            let cases = CaseMetrics(
                catalogue: catalogue, dates: period.dates, workingMinutes: { period.workingMinutes(from: $0, to: $1) })
            let caseSink: RecordSink = buffer.map { TeeSink([cases, $0]) } ?? cases
            let stats = simulatePeriod(
                period, seed: seed, replication: r,
                daySink: { k, day in
                    let m = DayMetrics(
                        catalogue: catalogue, day: DaySchedule(periods: day.periods, atBreak: scenario.day.atBreak),
                        waitTargetMinutes: scenario.waitTargetMinutes, warmupMinutes: scenario.warmupMinutes)
                    dayMetrics.append((day.date, m))
                    guard let buffer else { return m }
                    buffer.day = Int32(k)
                    return TeeSink([m, buffer])
                }, caseSink: caseSink)
            let days = dayMetrics.map { $0.1.result() }
            var arrivals: [CivilDate: Int] = [:]
            var frontDesk: [CivilDate: DayKPIs] = [:]
            for ((date, _), k) in zip(dayMetrics, days) {
                arrivals[date] = Int((k.overall[.arrivals] ?? 0) ?? 0)
                frontDesk[date] = k
            }
            return (
                DayKPIs.mean(of: days), cases.result(arrivals: arrivals, frontDesk: frontDesk), stats, buffer?.log
            )
        }
        let dayStats = results.map { DayStats(tickets: $0.2.tickets, events: $0.2.events, end: 0) }
        return ExperimentResult(
            scenario: scenario, seed: seed, days: results.map(\.0), stats: dayStats, logs: results.map(\.3),
            cases: results.map(\.1), periodStats: results.map(\.2))
    }
}

/// Keeps every record of a run over dates, with the index of its date.
final class DatedBuffer: RecordSink {
    var day: Int32 = 0
    private(set) var log: RecordLog

    init(dates: [CivilDate]) { log = RecordLog(tickets: [], windows: [], queues: [], staff: [], dates: dates) }

    func record(_ r: TicketRecord) {
        log.tickets.append(r)
        log.ticketDay.append(day)
    }
    func record(_ r: WindowRecord) {
        log.windows.append(r)
        log.windowDay.append(day)
    }
    func record(_ r: QueueRecord) {
        log.queues.append(r)
        log.queueDay.append(day)
    }
    func record(_ r: StaffRecord) {
        log.staff.append(r)
        log.staffDay.append(day)
    }
    func record(_ r: CaseRecord) { log.cases.append(r) }
    func record(_ r: CaseStepRecord) { log.steps.append(r) }
    func record(_ r: StageRecord) {
        log.stages.append(r)
        log.stageDay.append(day)
    }
}
