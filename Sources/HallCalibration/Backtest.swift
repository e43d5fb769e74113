import Foundation
import HallDomain
import HallRandom
import HallRunner

/// Figures of one day measured from its tickets, the same code for an observed and a simulated day.
public struct DayFigures: Sendable {
    public var daily: [String: Double]
    /// Per clock hour (8 = 08:00–09:00): arrivals and mean wait of tickets taken in that hour.
    public var hourly: [Int: [String: Double]]

    public static let dailyKPIs = [
        "tickets", "served", "wait_mean_min", "wait_p90_min", "sl_share", "abandoned_fraction",
    ]
    public static let hourlyKPIs = ["arrivals", "wait_mean_min"]

    public init(tickets: [TicketRecord], waitTargetMinutes target: Double) {
        let n = Double(tickets.count)
        let called = tickets.filter { $0.call != nil }
        let waits = called.map(\.wait).sorted()
        let left = tickets.filter { $0.outcome == .reneged || $0.outcome == .balked }.count
        let within = called.filter { $0.wait <= target }.count
        var d: [String: Double] = [
            "tickets": n, "served": Double(tickets.filter { $0.outcome.isServed }.count),
            "abandoned_fraction": n > 0 ? Double(left) / n : 0,
        ]
        if !waits.isEmpty {
            d["wait_mean_min"] = waits.reduce(0, +) / Double(waits.count)
            d["wait_p90_min"] = Statistics.quantile(sorted: waits, 0.9)
        }
        if called.count + left > 0 { d["sl_share"] = Double(within) / Double(called.count + left) }
        daily = d
        var h: [Int: [String: Double]] = [:]
        var sums: [Int: (Double, Int)] = [:]
        for t in tickets {
            let hour = Int(t.arrival / 60)
            h[hour, default: [:]]["arrivals", default: 0] += 1
            if t.call != nil {
                sums[hour, default: (0, 0)].0 += t.wait
                sums[hour, default: (0, 0)].1 += 1
            }
        }
        for (hour, s) in sums where s.1 > 0 { h[hour]!["wait_mean_min"] = s.0 / Double(s.1) }
        hourly = h
    }
}

/// One observed figure beside the simulated 95 % prediction interval.
public struct BacktestRow: Sendable, Codable, Hashable {
    public var day: String
    public var kpi: String
    /// nil for a daily figure.
    public var hour: Int?
    public var observed: Double
    public var simulatedMean: Double
    public var lower: Double
    public var upper: Double
    public var inside: Bool { observed >= lower - 1e-9 && observed <= upper + 1e-9 }
}

public struct BacktestResult: Sendable {
    public var scenario: String
    public var replications: Int
    public var level: Double
    public var rows: [BacktestRow]

    /// Coverage per KPI (daily rows, and hourly rows as "hourly KPI").
    public func coverage() -> [(kpi: String, inside: Int, total: Int, above: Int, below: Int)] {
        var keys: [String] = []
        var tally: [String: (Int, Int, Int, Int)] = [:]
        for r in rows {
            let k = r.hour == nil ? r.kpi : "hourly \(r.kpi)"
            if tally[k] == nil { keys.append(k) }
            var t = tally[k, default: (0, 0, 0, 0)]
            t.1 += 1
            if r.inside { t.0 += 1 } else if r.observed > r.upper { t.2 += 1 } else { t.3 += 1 }
            tally[k] = t
        }
        return keys.map {
            (kpi: $0, inside: tally[$0]!.0, total: tally[$0]!.1, above: tally[$0]!.2, below: tally[$0]!.3)
        }
    }
}

public enum Backtest {
    /// Simulates `scenario` `replications` times (over the same dates for a run over dates) and sets each
    /// observed day's daily and hourly figures beside the simulated prediction interval of the same figure.
    public static func run(
        scenario: Scenario, days: [ObservedDay], replications: Int, seed: UInt64, threads: Int? = nil,
        level: Double = 0.95
    ) -> BacktestResult {
        let sim = Experiment.run(scenario, seed: seed, replications: 0..<replications, threads: threads, records: .all)
        // Simulated figures per date (one bucket "" for a one-day scenario).
        var simulated: [String: [DayFigures]] = [:]
        for log in sim.logs.compactMap({ $0 }) {
            if log.dates.isEmpty {
                simulated["", default: []].append(
                    DayFigures(tickets: log.tickets, waitTargetMinutes: scenario.waitTargetMinutes))
            } else {
                var byDay: [Int32: [TicketRecord]] = [:]
                for (i, t) in log.tickets.enumerated() { byDay[log.ticketDay[i], default: []].append(t) }
                for (d, ts) in byDay {
                    simulated["\(log.dates[Int(d)])", default: []].append(
                        DayFigures(tickets: ts, waitTargetMinutes: scenario.waitTargetMinutes))
                }
            }
        }
        let a = (1 - level) / 2
        var rows: [BacktestRow] = []
        for day in days {
            let key = scenario.period == nil ? "" : day.date.map { "\($0)" } ?? ""
            guard let sims = simulated[key], !sims.isEmpty else { continue }
            let obs = DayFigures(tickets: day.tickets, waitTargetMinutes: scenario.waitTargetMinutes)
            func row(_ kpi: String, _ hour: Int?, _ o: Double?, _ values: [Double]) {
                guard let o, values.count >= 2 else { return }
                let v = values.sorted()
                rows.append(
                    BacktestRow(
                        day: day.label, kpi: kpi, hour: hour, observed: o,
                        simulatedMean: v.reduce(0, +) / Double(v.count),
                        lower: Statistics.quantile(sorted: v, a)!, upper: Statistics.quantile(sorted: v, 1 - a)!))
            }
            for k in DayFigures.dailyKPIs { row(k, nil, obs.daily[k], sims.compactMap { $0.daily[k] }) }
            let hours = Set(sims.flatMap { $0.hourly.keys }).union(obs.hourly.keys).sorted()
            for h in hours {
                // An hour without arrivals on a simulated day counts 0 arrivals.
                row("arrivals", h, obs.hourly[h]?["arrivals"] ?? 0, sims.map { $0.hourly[h]?["arrivals"] ?? 0 })
                row(
                    "wait_mean_min", h, obs.hourly[h]?["wait_mean_min"],
                    sims.compactMap { $0.hourly[h]?["wait_mean_min"] })
            }
        }
        return BacktestResult(scenario: scenario.name, replications: replications, level: level, rows: rows)
    }
}

extension BacktestResult {
    public func csv() -> String {
        var out = "day,kpi,hour,observed,simulated_mean,lower,upper,inside\n"
        for r in rows {
            out += "\(r.day),\(r.kpi),\(r.hour.map(String.init) ?? ""),"
            out += [r.observed, r.simulatedMean, r.lower, r.upper].map { String(format: "%.4f", $0) }.joined(
                separator: ",")
            out += ",\(r.inside ? 1 : 0)\n"
        }
        return out
    }

    public func json() throws -> Data {
        struct Cov: Encodable {
            var kpi: String
            var inside: Int
            var total: Int
            var above: Int
            var below: Int
            var coverage: Double
        }
        struct Doc: Encodable {
            var scenario: String
            var replications: Int
            var level: Double
            var coverage: [Cov]
            var overall: Double
        }
        let cov = coverage().map {
            Cov(
                kpi: $0.kpi, inside: $0.inside, total: $0.total, above: $0.above, below: $0.below,
                coverage: Double($0.inside) / Double(max($0.total, 1)))
        }
        let inside = rows.filter(\.inside).count
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(
            Doc(
                scenario: scenario, replications: replications, level: level, coverage: cov,
                overall: Double(inside) / Double(max(rows.count, 1))))
    }

    public func markdown() -> String {
        let pct = Int(level * 100)
        var out = "# Backtest of \(scenario)\n\n"
        let days = Set(rows.map(\.day)).count
        out +=
            "\(days) observed days, each figure beside the \(pct) % prediction interval of \(replications) "
            + "simulated days "
        out +=
            "(the \(String(format: "%.1f", (1 - level) / 2 * 100)) and "
            + "\(String(format: "%.1f", (1 + level) / 2 * 100)) % quantiles). "
        out += "A model that matches the hall puts about \(pct) % of the observed figures inside.\n\n"
        let cov = coverage()
        // Binomial tolerance: coverage more than 3 standard errors below nominal is a disagreement.
        func disagrees(_ c: (kpi: String, inside: Int, total: Int, above: Int, below: Int)) -> Bool {
            let n = Double(c.total)
            return Double(c.inside) < n * level - 3 * (n * level * (1 - level)).squareRoot() - 0.5
        }
        let bad = cov.filter(disagrees)
        out += "## Where the model and the hall disagree\n\n"
        if bad.isEmpty {
            out += "Nowhere beyond chance: every figure's coverage is within 3 standard errors of \(pct) %.\n\n"
        } else {
            for c in bad {
                let side = c.above >= c.below ? "above" : "below"
                out +=
                    "- **\(c.kpi)**: only \(c.inside) of \(c.total) observed figures "
                    + "(\(String(format: "%.0f", 100 * Double(c.inside) / Double(c.total))) %) inside; "
                out +=
                    "the hall was \(side) the model's interval \(max(c.above, c.below)) times (above "
                    + "\(c.above), below \(c.below)).\n"
            }
            out += "\n"
        }
        out += "## Coverage\n\n| figure | inside | of | coverage | above | below |\n|---|---:|---:|---:|---:|---:|\n"
        for c in cov {
            out +=
                "| \(c.kpi) | \(c.inside) | \(c.total) | "
                + "\(String(format: "%.1f %%", 100 * Double(c.inside) / Double(max(c.total, 1)))) | "
                + "\(c.above) | \(c.below) |\n"
        }
        out +=
            "\n## Daily figures\n\n| day | figure | observed | simulated mean | interval | "
            + "|\n|---|---|---:|---:|---|---|\n"
        for r in rows where r.hour == nil {
            out +=
                "| \(r.day) | \(r.kpi) | \(String(format: "%.3g", r.observed)) | "
                + "\(String(format: "%.3g", r.simulatedMean)) | "
                + "\(String(format: "%.3g – %.3g", r.lower, r.upper)) | \(r.inside ? "" : "**outside**") |\n"
        }
        out += "\nHourly figures (arrivals and mean wait by hour of the ticket) are in backtest.csv.\n"
        return out
    }
}
