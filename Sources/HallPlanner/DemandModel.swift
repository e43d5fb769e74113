import Foundation
import HallDomain
import HallRandom

/// Per-department arrival rates and intake-time distributions of a hall day, for the analytic seeds.
struct DemandModel {
    /// Minutes from `origin`, one slot per minute, to `horizon`.
    let origin: Double
    let horizon: Int
    /// rate[d][minute]: arrivals per minute.
    var rate: [[Double]]
    /// Mean intake time of department d at a specialist's speed.
    var meanService: [Double]
    /// Survival function of department d's intake time at minute offsets 0..<horizon (specialist speed).
    var survival: [[Double]]
    let departments: [String]

    init(_ s: Scenario) {
        departments = s.departments.map(\.id)
        origin = s.day.opens.minutes
        horizon = Int((s.day.closes.minutes - origin).rounded(.up)) + 1
        let D = departments.count
        let index = Dictionary(uniqueKeysWithValues: departments.enumerated().map { ($1, $0) })
        let items = Dictionary(uniqueKeysWithValues: s.items.map { ($0.id, $0) })
        var rate = [[Double]](repeating: [Double](repeating: 0, count: horizon), count: D)
        // Expected arrivals per item, to mix the intake times of a department.
        var itemWeight: [String: Double] = [:]
        for a in s.arrivals {
            let split: [(String, Double)] =
                switch a.target {
                case .item(let i): [(i, 1)]
                case .department(_, let shares): shares.map { ($0.item, $0.share) }
                }
            for r in a.rates {
                let lo = Int((r.interval.start.minutes - origin).rounded())
                let hi = Int((r.interval.end.minutes - origin).rounded())
                for (item, share) in split {
                    guard let it = items[item], let d = index[it.department] else { continue }
                    for m in max(lo, 0)..<min(hi, horizon) { rate[d][m] += r.perHour / 60 * share }
                    itemWeight[item, default: 0] += r.perHour / 60 * share * r.interval.lengthMinutes
                }
            }
        }
        for b in s.appointments {
            guard let it = items[b.item], let d = index[it.department] else { continue }
            for slot in b.slotTimes {
                let m = Int((slot.minutes + b.punctuality.mean - origin).rounded())
                let n = Double(b.perSlot) * b.showProbability
                if m >= 0 && m < horizon { rate[d][m] += n }
                itemWeight[b.item, default: 0] += n
            }
        }
        self.rate = rate
        var means = [Double](repeating: 1, count: D)
        var surv = [[Double]](repeating: [Double](repeating: 0, count: horizon), count: D)
        for (d, dep) in departments.enumerated() {
            let its = s.items.filter { $0.department == dep }
            let w = its.map { itemWeight[$0.id] ?? 0 }
            let total = w.reduce(0, +)
            let weights = total > 0 ? w.map { $0 / total } : its.map { _ in 1 / Double(max(its.count, 1)) }
            var mean = 0.0
            for (it, wt) in zip(its, weights) where wt > 0 {
                let p = it.incompleteProbability
                let notice = it.noticeService ?? it.service
                mean += wt * ((1 - p) * it.service.mean + p * notice.mean)
                for x in 0..<horizon {
                    surv[d][x] +=
                        wt
                        * ((1 - p) * DemandModel.survival(it.service, Double(x)) + p
                            * DemandModel.survival(notice, Double(x)))
                }
            }
            means[d] = mean > 0 ? mean : 1
        }
        meanService = means
        survival = surv
    }

    /// P(X > x) of a duration.
    static func survival(_ dist: Distribution, _ x: Double) -> Double {
        switch dist {
        case .exponential(let m): return exp(-x / m)
        case .lognormal(let m, let cv): return QueueingTheory.lognormalSurvival(x, mean: m, cv: cv)
        case .gamma(let m, let cv): return QueueingTheory.gammaSurvival(x, mean: m, cv: cv)
        case .deterministic(let v): return x < v ? 1 : 0
        case .uniform(let a, let b): return x <= a ? 1 : x >= b ? 0 : (b - x) / (b - a)
        case .triangular(let a, let c, let b):
            if x <= a { return 1 }
            if x >= b { return 0 }
            if x <= c { return 1 - (x - a) * (x - a) / ((b - a) * (c - a)) }
            return (b - x) * (b - x) / ((b - a) * (b - c))
        case .normal(let m, _): return x < m ? 1 : 0
        case .empirical(let v): return Double(v.filter { $0 > x }.count) / Double(v.count)
        }
    }

    /// Offered load of department d in the infinite-server model, minute by minute, with intake times
    /// scaled by `factor`: m(t) = ∫ λ(u) P(factor·S > t − u) du.
    func offeredLoad(_ d: Int, factor: Double) -> [Double] {
        var m = [Double](repeating: 0, count: horizon)
        let r = rate[d]
        for u in 0..<horizon where r[u] > 0 {
            for t in u..<horizon {
                let x = (Double(t - u) + 0.5) / factor
                let k = Int(x)
                let s = k + 1 < horizon ? survival[d][k] + (x - Double(k)) * (survival[d][k + 1] - survival[d][k]) : 0
                if s < 1e-9 { break }
                m[t] += r[u] * s
            }
        }
        return m
    }

    /// Mean of a per-minute series over an interval of the day.
    func average(_ series: [Double], over i: HallDomain.TimeInterval) -> Double {
        let lo = max(0, Int((i.start.minutes - origin).rounded()))
        let hi = min(horizon, Int((i.end.minutes - origin).rounded()))
        guard hi > lo else { return 0 }
        return series[lo..<hi].reduce(0, +) / Double(hi - lo)
    }
}
