import HallDomain
import HallRandom

/// What simulated days say of each (group, interval) cell of a plan: below the target, close to it,
/// or passing with room to spare.
struct CellVerdicts {
    /// Below the target, and the 95 % interval over replications says so too.
    var failing: [(Int, Int)] = []
    /// Below the target by the pooled share, but the interval over replications still holds the target:
    /// worth more replications before paying for a clerk.
    var close: [(Int, Int)] = []
    /// Close cells whose interval, narrowed to `maxReplications.close` simulated days, could still fall
    /// wholly below the target: more days may show that they fail. The other close cells could not be
    /// shown to fail on that many days, and no clerk is paid for them.
    var provable: [(Int, Int)] = []
    /// At the target or above by the pooled share, but the interval over replications reaches below it.
    var doubtful: [(Int, Int)] = []
    /// Doubtful cells whose interval, narrowed to `maxReplications.doubtful` simulated days, could clear the
    /// target: more days may show that they pass.
    var hopeful: [(Int, Int)] = []
    /// At least `Planner.trimMargin` above the target and the interval above the target: a clerk may be
    /// taken away (then re-checked).
    var comfortable: [(Int, Int)] = []

    /// Judges every cell with at least 10 applicants over the replications; a group over the abandonment
    /// cap fails at its worst interval.
    static func judge(
        _ tallies: [IntervalTally], homes: [[Int]], intervals: Int, spec: PlanningSpec,
        maxReplications: (close: Int, doubtful: Int)
    ) -> CellVerdicts {
        var v = CellVerdicts()
        let target = spec.targets.serviceLevel
        for (g, ds) in homes.enumerated() {
            var worst: (Int, Double)? = nil
            for i in 0..<intervals {
                var a = 0
                var w = 0
                var perReplication: [Double?] = []
                perReplication.reserveCapacity(tallies.count)
                for x in tallies {
                    let c = x.cell(ds, i)
                    a += c.arrivals
                    w += c.within
                    perReplication.append(x.share(ds, i))
                }
                guard a >= 10 else { continue }
                let sl = Double(w) / Double(a)
                let e = Estimate(perReplication)
                if sl < target {
                    if let upper = e.upper, upper >= target {
                        v.close.append((g, i))
                        if let m = e.mean, let h = narrowed(e, simulated: tallies.count, to: maxReplications.close),
                            m + h < target
                        {
                            v.provable.append((g, i))
                        }
                    } else {
                        v.failing.append((g, i))
                    }
                } else if let lower = e.lower, lower < target {
                    v.doubtful.append((g, i))
                    if let m = e.mean, let h = narrowed(e, simulated: tallies.count, to: maxReplications.doubtful),
                        m - h >= target
                    {
                        v.hopeful.append((g, i))
                    }
                } else if sl >= target + Planner.trimMargin {
                    v.comfortable.append((g, i))
                }
                if worst == nil || sl < worst!.1 { worst = (i, sl) }
            }
            if let cap = spec.targets.abandonCap, let worst {
                let a = tallies.reduce(0) { t, x in t + ds.reduce(0) { $0 + x.departmentArrivals[$1] } }
                let ab = tallies.reduce(0) { t, x in t + ds.reduce(0) { $0 + x.abandoned[$1] } }
                if a > 0, Double(ab) / Double(a) > cap {
                    v.close.removeAll { $0 == (g, worst.0) }
                    v.provable.removeAll { $0 == (g, worst.0) }
                    v.doubtful.removeAll { $0 == (g, worst.0) }
                    v.hopeful.removeAll { $0 == (g, worst.0) }
                    if !v.failing.contains(where: { $0 == (g, worst.0) }) { v.failing.append((g, worst.0)) }
                    v.comfortable.removeAll { $0.0 == g }
                }
            }
        }
        return v
    }

    /// The half-width a cell's interval would have on `days` simulated days instead of `simulated`: the
    /// days with applicants in the cell grow in proportion, the t quantile with them.
    static func narrowed(_ e: Estimate, simulated: Int, to days: Int) -> Double? {
        guard let h = e.halfWidth, e.count >= 2, simulated > 0 else { return nil }
        let n = Double(e.count)
        let m = max(n, n * Double(days) / Double(simulated))
        return h * (n / m).squareRoot() * Statistics.tQuantile(p: 0.975, dof: m - 1)
            / Statistics.tQuantile(p: 0.975, dof: n - 1)
    }
}
