import Foundation
import HallDomain
import HallRunner
import HallSimulation

/// Per (department, interval) counts of one simulated day, from the ticket records: applicants, those
/// called within the target, and those who left without service.
final class IntervalTally: RecordSink {
    let intervals: [HallDomain.TimeInterval]
    let target: Double
    var arrivals: [[Int]]
    var within: [[Int]]
    var abandoned: [Int]
    var departmentArrivals: [Int]
    /// Minutes back-office clerks spent at (or walking to) tidal windows.
    var backOfficeMinutes = 0.0
    let staffKind: [StaffKind]
    var staffLast: [(time: Double, state: StaffState?)]

    init(departments: Int, intervals: [HallDomain.TimeInterval], target: Double, staffKind: [StaffKind] = []) {
        self.intervals = intervals
        self.target = target
        self.staffKind = staffKind
        staffLast = Array(repeating: (0, nil), count: staffKind.count)
        arrivals = Array(repeating: Array(repeating: 0, count: intervals.count), count: departments)
        within = arrivals
        abandoned = Array(repeating: 0, count: departments)
        departmentArrivals = abandoned
    }

    func record(_ r: TicketRecord) {
        let d = Int(r.department)
        departmentArrivals[d] += 1
        if !r.outcome.isServed { abandoned[d] += 1 }
        guard let i = intervals.firstIndex(where: { $0.contains(r.arrival) }) else { return }
        arrivals[d][i] += 1
        if let call = r.call, call - r.arrival <= target + 1e-9 { within[d][i] += 1 }
    }
    /// Applicants of the departments `ds` who arrived in interval i, and those of them called within the
    /// target: one (group, interval) cell of a plan.
    func cell(_ ds: [Int], _ i: Int) -> (arrivals: Int, within: Int) {
        (ds.reduce(0) { $0 + arrivals[$1][i] }, ds.reduce(0) { $0 + within[$1][i] })
    }

    /// The cell's share called within the target; nil without applicants.
    func share(_ ds: [Int], _ i: Int) -> Double? {
        let c = cell(ds, i)
        return c.arrivals > 0 ? Double(c.within) / Double(c.arrivals) : nil
    }

    func record(_ r: WindowRecord) {}
    func record(_ r: QueueRecord) {}
    func record(_ r: StaffRecord) {
        let k = Int(r.staff)
        guard k < staffKind.count, staffKind[k] == .backOffice else { return }
        if let last = staffLast[k].state, last == .atWindow || last == .walking {
            backOfficeMinutes += r.time - staffLast[k].time
        }
        staffLast[k] = (r.time, r.state)
    }

    /// Simulates the given replications in parallel (results in that order; independent of threads).
    static func run(
        _ s: Scenario, intervals: [HallDomain.TimeInterval], target: Double, seed: UInt64, replications: [Int],
        threads: Int? = nil
    ) -> [IntervalTally] {
        let hall = CompiledHall(s)
        let kinds = s.tidal.isEmpty ? [] : s.catalogue.staffKind
        return Replications.map(replications, threads: threads) { r in
            let tally = IntervalTally(
                departments: s.departments.count, intervals: intervals, target: target,
                staffKind: kinds)
            _ = simulateDay(hall, seed: seed, replication: r, sink: tally)
            return tally
        }
    }
}
