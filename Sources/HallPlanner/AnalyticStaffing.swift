import Foundation
import HallDomain
import HallRandom

/// Staff needed per interval from queueing formulas: Erlang A when applicants have patience (rate
/// 1 / mean patience), Erlang C otherwise.
public enum AnalyticStaffing {
    public struct Need: Sendable, Hashable {
        public var staff: Int
        /// The service level those staff give by the formula.
        public var serviceLevel: Double
        /// False when no staff level reaches the target (the best level is returned).
        public var reachable: Bool
    }

    /// The least staff whose service level reaches `targets` for arrivals at `lambda` per minute with
    /// mean intake `meanService` minutes.
    public static func minimalStaff(
        arrivalRate lambda: Double, meanService: Double, abandonRate theta: Double?,
        targets: PlanTargets
    ) -> Need {
        guard lambda > 0 else { return Need(staff: 0, serviceLevel: 1, reachable: true) }
        let mu = 1 / meanService
        let a = lambda / mu
        let cap = Int((a + 12 * a.squareRoot() + 12).rounded(.up))
        var best = Need(staff: 1, serviceLevel: -1, reachable: false)
        let start = max(1, Int(a.rounded(.down)) - (theta == nil ? -1 : Int(3 * a.squareRoot())))
        func level(_ c: Int) -> (sl: Double, meets: Bool) {
            let sl: Double
            let abandon: Double
            if let theta {
                let r = QueueingTheory.erlangAServiceLevel(
                    servers: c, arrivalRate: lambda, serviceRate: mu, abandonRate: theta, target: targets.waitMinutes)
                sl = r.serviceLevel
                abandon = r.abandonFraction
            } else {
                sl = QueueingTheory.erlangCServiceLevel(
                    servers: c, arrivalRate: lambda, serviceRate: mu, target: targets.waitMinutes)
                abandon = 0
            }
            return (sl, sl >= targets.serviceLevel - 1e-12 && abandon <= (targets.abandonCap ?? 1) + 1e-12)
        }
        // The service level rises and the abandonment falls with the staff: the least staff that meets
        // the targets is bracketed by steps of 1, 2, 4… up from the start and then found by bisection
        // (the same answer as counting up, in fewer evaluations of the Erlang A transient, whose cost
        // grows with the staff; it was a plan's largest serial cost).
        var lo = start - 1  // fails (or is below the search)
        var step = 1
        var probe = start
        while probe <= cap {
            let r = level(probe)
            if r.meets {
                var (hi, sl) = (probe, r.sl)
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2
                    let m = level(mid)
                    if m.meets { (hi, sl) = (mid, m.sl) } else { lo = mid }
                }
                return Need(staff: hi, serviceLevel: sl, reachable: true)
            }
            lo = probe
            probe = probe == cap ? cap + 1 : min(probe + step, cap)
            step *= 2
        }
        // No staff up to the cap meets the targets: the first level after which more staff no longer
        // helps noticeably.
        for c in start...max(start, cap) {
            let sl = level(c).sl
            if sl > best.serviceLevel + 1e-4 { best = Need(staff: c, serviceLevel: sl, reachable: false) }
        }
        return best
    }

    /// Per-interval seeds for the groups of a layout.
    /// - `lagAware`: offered load of the infinite-server model averaged over the interval (backlog
    ///   after a peak is carried into the next interval), with Erlang A when there is patience.
    /// - otherwise the plain SIPP plan: each interval's own arrival rate, Erlang C.
    /// `load` is the offered load in erlangs the seed was sized for ([group][interval]): fewer clerks
    /// than that cannot keep up, whatever a few simulated days say.
    static func seeds(
        _ layout: Layout, demand: DemandModel, intervals: [HallDomain.TimeInterval], hall: Scenario,
        targets: PlanTargets, lagAware: Bool
    ) -> (staff: [[Int]], unreachable: [String], load: [[Double]]) {
        let index = Dictionary(uniqueKeysWithValues: demand.departments.enumerated().map { ($1, $0) })
        let theta = lagAware ? hall.behaviour.patience.map { 1 / $0.mean } : nil
        var out: [[Int]] = []
        var unreachable: [String] = []
        var loadOut: [[Double]] = []
        // Per group and interval: the arrival rate the formula was given and the mean intake time.
        var flows: [[(rate: Double, meanS: Double)]] = []
        for g in layout.groups {
            // Departments whose load this group carries: its home departments at its own speed.
            let deps = g.home.compactMap { d in index[d].map { (d, $0) } }
            let loads = deps.map { d, i in lagAware ? demand.offeredLoad(i, factor: g.skills[d] ?? 1) : [] }
            var row: [Int] = []
            var loadRow: [Double] = []
            var flowRow: [(rate: Double, meanS: Double)] = []
            for iv in intervals {
                var lambda = 0.0
                var work = 0.0
                var offered = 0.0
                for (k, (d, i)) in deps.enumerated() {
                    let l = demand.average(demand.rate[i], over: iv)
                    let s = demand.meanService[i] * (g.skills[d] ?? 1)
                    lambda += l
                    work += l * s
                    if lagAware { offered += demand.average(loads[k], over: iv) }
                }
                guard lambda > 0 || offered > 1e-6 else {
                    row.append(0)
                    loadRow.append(0)
                    flowRow.append((0, 0))
                    continue
                }
                let meanS =
                    lambda > 0
                    ? work / lambda
                    : deps.map { demand.meanService[$0.1] * (g.skills[$0.0] ?? 1) }.reduce(0, +) / Double(deps.count)
                let rate = lagAware ? offered / meanS : lambda
                loadRow.append(rate * meanS)
                flowRow.append((rate, meanS))
                let need = minimalStaff(arrivalRate: rate, meanService: meanS, abandonRate: theta, targets: targets)
                if !need.reachable {
                    unreachable.append(
                        String(
                            format: "%@ %@–%@: the formula's best is %.1f %% with %d staff", g.id, iv.start.description,
                            iv.end.description, need.serviceLevel * 100, need.staff))
                }
                row.append(need.staff)
            }
            out.append(row)
            loadOut.append(loadRow)
            flows.append(flowRow)
        }
        if layout.kind == .chain {
            sizeChain(layout, &out, loads: loadOut, flows: flows, theta: theta, targets: targets)
        }
        return (out, unreachable, loadOut)
    }

    /// A chain is sized on its own: its links share every department's work with a neighbour, so together
    /// they need about what one pooled group of their departments needs (Erlang C/A on the summed flow),
    /// shared in proportion to each link's load, and never below a link's own load rounded up. The
    /// simulate-and-add rounds then correct it; starting from the dedicated staffing would keep a chain
    /// from ever costing less than dedicated windows.
    static func sizeChain(
        _ layout: Layout, _ staff: inout [[Int]], loads: [[Double]], flows: [[(rate: Double, meanS: Double)]],
        theta: Double?, targets: PlanTargets
    ) {
        let links = layout.groups.indices.filter { layout.groups[$0].departments.count == 2 }
        guard links.count >= 3, let intervals = staff.first?.count else { return }
        for i in 0..<intervals {
            let rate = links.reduce(0.0) { $0 + flows[$1][i].rate }
            let work = links.reduce(0.0) { $0 + flows[$1][i].rate * flows[$1][i].meanS }
            guard rate > 0 else { continue }
            let pooled = minimalStaff(arrivalRate: rate, meanService: work / rate, abandonRate: theta, targets: targets)
            let total = links.reduce(0.0) { $0 + loads[$1][i] }
            guard total > 0 else { continue }
            // Largest remainder of the pooled staff by load share, each link at least its load rounded up.
            let share = links.map { Double(pooled.staff) * loads[$0][i] / total }
            var n = share.map { Int($0.rounded(.down)) }
            var left = pooled.staff - n.reduce(0, +)
            for k in share.indices.sorted(by: { (share[$0] - Double(n[$0]), -$0) > (share[$1] - Double(n[$1]), -$1) })
            where left > 0 {
                n[k] += 1
                left -= 1
            }
            for (k, g) in links.enumerated() {
                staff[g][i] = min(staff[g][i], max(n[k], Int((loads[g][i] - 1e-9).rounded(.up))))
            }
        }
    }
}
