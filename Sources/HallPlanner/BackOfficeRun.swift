import Foundation
import HallDomain
import HallMetrics
import HallRunner
import HallSimulation

/// One replication of a run over dates, seen from the back office: the case KPIs per lead department,
/// and per reviewing department and pool (0 = reviewers, 1 = approvers) the work that reached it, the
/// steps and how long they waited from visible to start in back-office working minutes (steps never
/// started wait until the end of the run).
struct BackOfficeTally: Sendable {
    var kpis: PeriodKPIs
    /// [department index][pool]
    var work: [[Double]]
    var steps: [[Int]]
    var waitSum: [[Double]]
    /// Review steps that reached the department, and those finished.
    var reviewsArrived: [Int]
    var reviewsEnded: [Int]
    /// [department index][pool]: cases decided late whose deadline passed while this pool had their step
    /// (visible, waiting or in work): where a department short of its on-time target loses its cases.
    var lateBlame: [[Int]]
}

/// Collects a replication's step records into a BackOfficeTally.
final class StepTally: RecordSink {
    let period: CompiledPeriod
    let end: Stamp
    var work: [[Double]], steps: [[Int]], waitSum: [[Double]]
    var reviewsArrived: [Int], reviewsEnded: [Int]
    /// Each case's steps (department, pool, end), and the cases decided late with their deadlines.
    var caseSteps: [Int32: [(department: Int, pool: Int, end: Stamp?)]] = [:]
    var late: [(caseNumber: Int32, deadline: CivilDate)] = []

    init(period: CompiledPeriod, departments n: Int) {
        self.period = period
        end = Stamp(period.dates.last ?? CivilDate(1970, 1, 1), 1440)
        work = Array(repeating: [0, 0], count: n)
        waitSum = work
        steps = Array(repeating: [0, 0], count: n)
        reviewsArrived = Array(repeating: 0, count: n)
        reviewsEnded = reviewsArrived
    }

    func record(_ r: TicketRecord) {}
    func record(_ r: WindowRecord) {}
    func record(_ r: QueueRecord) {}
    func record(_ r: StaffRecord) {}
    func record(_ r: CaseStepRecord) {
        guard r.step != .special else { return }
        let d = Int(r.department)
        let pool = r.step == .review ? 0 : 1
        let wait = period.workingMinutes(from: r.visible, to: r.start ?? end)
        work[d][pool] += r.work
        steps[d][pool] += 1
        waitSum[d][pool] += wait
        if r.caseNumber >= 0 { caseSteps[r.caseNumber, default: []].append((d, pool, r.end)) }
        if pool == 0 {
            reviewsArrived[d] += 1
            if r.end != nil { reviewsEnded[d] += 1 }
        }
    }
    func record(_ r: CaseRecord) {
        if r.onTime == false, let d = r.deadline { late.append((r.caseNumber, d)) }
    }

    /// [department][pool]: per late case, the first of its steps (in the order they were recorded, that
    /// is of their ends) that ended after the deadline's day. Steps are recorded when they end, so a step
    /// still open is last; the wait for a check time before a step counts as that step's.
    var lateBlame: [[Int]] {
        var w = Array(repeating: [0, 0], count: work.count)
        for (c, deadline) in late {
            let due = Stamp(deadline, 1440)
            if let x = caseSteps[c]?.first(where: { ($0.end ?? end) > due }) { w[x.department][x.pool] += 1 }
        }
        return w
    }
}

/// A sink that drops the front desk's records (the back-office planner does not read them).
final class NullSink: RecordSink {
    func record(_ r: TicketRecord) {}
    func record(_ r: WindowRecord) {}
    func record(_ r: QueueRecord) {}
    func record(_ r: StaffRecord) {}
}

enum BackOfficeRun {
    /// Runs the given replications of a multi-day scenario in parallel (results in that order; each
    /// replication has its own streams, so results do not depend on the number of threads).
    static func run(_ s: Scenario, seed: UInt64, replications list: [Int], threads: Int? = nil) -> [BackOfficeTally] {
        recorded(s, seed: seed, replications: list, threads: threads, recordingDesk: false).map(\.tally)
    }

    /// `run`, keeping each replication's front desk for `replay` (`recordingDesk`).
    static func recorded(
        _ s: Scenario, seed: UInt64, replications list: [Int], threads: Int? = nil, recordingDesk: Bool = true
    ) -> [(tally: BackOfficeTally, desk: DeskLog?)] {
        let period = CompiledPeriod(s)
        return Replications.map(list, threads: threads) { r in
            let (cases, steps) = sinks(s, period)
            let null = NullSink()
            let desk = simulatePeriod(
                period, seed: seed, replication: r, daySink: { _, _ in null }, caseSink: TeeSink([cases, steps]),
                recordingDesk: recordingDesk
            ).desk
            return (tally(cases, steps), desk)
        }
    }

    /// The back office of `s` over the recorded front desks of the same replications (`replayPeriod`: a
    /// surrogate of `run` for the search rounds; `desks[i]` is replication `list[i]`'s).
    static func replay(
        _ s: Scenario, desks: [DeskLog], seed: UInt64, replications list: [Int], threads: Int? = nil
    ) -> [BackOfficeTally] {
        let period = CompiledPeriod(s)
        return Replications.map(Array(list.indices), threads: threads) { i in
            let (cases, steps) = sinks(s, period)
            _ = replayPeriod(
                period, desk: desks[i], seed: seed, replication: list[i], caseSink: TeeSink([cases, steps]))
            return tally(cases, steps)
        }
    }

    private static func sinks(_ s: Scenario, _ period: CompiledPeriod) -> (CaseMetrics, StepTally) {
        (
            CaseMetrics(catalogue: s.catalogue, dates: period.dates),
            StepTally(period: period, departments: s.catalogue.departments.count)
        )
    }

    private static func tally(_ cases: CaseMetrics, _ steps: StepTally) -> BackOfficeTally {
        BackOfficeTally(
            kpis: cases.result(arrivals: [:]), work: steps.work, steps: steps.steps, waitSum: steps.waitSum,
            reviewsArrived: steps.reviewsArrived, reviewsEnded: steps.reviewsEnded, lateBlame: steps.lateBlame)
    }

    /// Back-office working minutes of the whole run (one clerk's capacity over the period).
    static func workingMinutes(_ s: Scenario) -> Double {
        let p = CompiledPeriod(s)
        guard let first = p.dates.first, let last = p.dates.last else { return 0 }
        return p.workingMinutes(from: Stamp(first, 0), to: Stamp(last, 1440))
    }
}
