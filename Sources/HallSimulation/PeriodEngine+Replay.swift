import HallDomain

/// The front desk of one replication's run over dates, as the back office saw it: per open day, the calls
/// the desk made into the period's cases in order — tickets as they ended (before the cases were numbered;
/// not collections and corrections, which follow the back office), clerks lent from and back to the back
/// office, questions referred to it — and when its records ended, so that the back office can be run again
/// with other staff without simulating the front desk again (`replayPeriod`).
public struct DeskLog: Sendable {
    enum Call: Sendable {
        case ticket(TicketRecord)
        case staff(StaffRecord)
        case stage(StageRecord)
    }
    struct Day: Sendable {
        var calls: [Call] = []
        /// The latest ticket end or staff change of the day (`DeskHooks.last`).
        var last = 0.0
    }
    /// By date index (nil: the hall was closed).
    var days: [Day?]
    var stats: PeriodStats
}

/// Simulates a run over dates like `simulatePeriod` and keeps its front desk's calls for `replayPeriod`.
public func simulatePeriod(
    _ period: CompiledPeriod, seed: UInt64, replication: Int, daySink: (Int, HallDay) -> RecordSink,
    caseSink: RecordSink, recordingDesk: Bool
) -> (stats: PeriodStats, desk: DeskLog?) {
    let engine = PeriodEngine(period: period, seed: seed, replication: replication, caseSink: caseSink)
    if recordingDesk { engine.deskLog = Array(repeating: nil, count: period.dates.count) }
    let stats = engine.run(daySink: daySink)
    return (stats, engine.deskLog.map { DeskLog(days: $0, stats: stats) })
}

/// The back office of a run over dates with the front desk of a recorded run (`desk`, recorded on a period
/// with the same front desk, dates and seed): a surrogate for searching back-office staffing, not a
/// simulation of the hall. What the desk did that does not depend on the back office is replayed as it
/// happened (first visits, retries, returns after a one-time notice, lending, referrals, with the same
/// draws); what does — collecting a result, coming back with a correction — happens at the visit's planned
/// time, served at once (never failed, never a complaint). With the same back office and no corrections
/// the steps and decisions are the full run's; with corrections they differ where a return would have
/// waited or failed at the desk, and from there on by reordered draws (a department's step work is drawn
/// in the order its steps are created; a failed correction visit draws again from the stream that decides
/// later corrections). The desk's load does not follow the back office's (collections). A plan found with
/// it is to be confirmed by full runs.
public func replayPeriod(_ period: CompiledPeriod, desk: DeskLog, seed: UInt64, replication: Int, caseSink: RecordSink)
    -> PeriodStats
{
    PeriodEngine(period: period, seed: seed, replication: replication, caseSink: caseSink).replay(desk)
}

extension PeriodEngine {
    func replay(_ log: DeskLog) -> PeriodStats {
        seedBacklog()
        for (k, date) in period.dates.enumerated() {
            if period.hallDays[k] != nil, k < log.days.count, let day = log.days[k] {
                let hall = period.halls[period.hallOfDay[k]]
                let desk = DeskHooks(engine: self, day: k, date: date, hall: hall)
                desk.last = day.last
                // This run's visits that follow the back office, in time order, between the recorded calls.
                var followers = planned[k].filter { $0.visit == .collection || $0.visit == .correction }
                    .sorted { $0.time < $1.time }[...]
                func serveFollowers(until t: Double) {
                    while let v = followers.first, v.time <= t {
                        followers.removeFirst()
                        let department = period.itemRules[Int(v.item)].department
                        var r = TicketRecord(
                            ticket: -1, source: -1, item: v.item, department: department, channel: .walkIn,
                            priority: false, arrival: v.time, call: v.time, serviceStart: v.time, serviceEnd: v.time,
                            window: nil, outcome: .served, end: v.time, visit: v.visit, caseNumber: v.caseNumber)
                        desk.ticketEnded(&r)
                    }
                }
                for call in day.calls {
                    switch call {
                    case .ticket(var r):
                        serveFollowers(until: r.end)
                        desk.ticketEnded(&r)
                    case .staff(let r):
                        serveFollowers(until: r.time)
                        desk.staffChanged(r)
                    case .stage(let r):
                        serveFollowers(until: r.end)
                        desk.stageEnded(r)
                    }
                }
                serveFollowers(until: .infinity)
                desk.finish()
            }
            runBackOffice(until: Double(k + 1) * 1440)
        }
        finish()
        return PeriodStats(
            openDays: log.stats.openDays, tickets: log.stats.tickets, cases: cases.count, steps: stepRecords,
            events: events)
    }
}
