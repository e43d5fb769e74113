import Foundation
import HallDomain
import HallRandom

/// Figures over replications keyed by KPI: the front desk's (`KPI`) and the period's cases (`CaseKPI`)
/// side by side, read as `figures[.waitMean]` or `figures[.onTimeRate]`. The names become strings only
/// in JSON, where the object is flat: `{"wait_mean_min": {"mean", "half_width"}, "on_time_rate": …}`.
public struct KPIFigures: Sendable, Equatable, Encodable {
    public var day: [KPI: Estimate] = [:]
    public var cases: [CaseKPI: Estimate] = [:]

    public init(day: [KPI: Estimate] = [:], cases: [CaseKPI: Estimate] = [:]) {
        self.day = day
        self.cases = cases
    }

    public subscript(_ k: KPI) -> Estimate? { day[k] }
    public subscript(_ k: CaseKPI) -> Estimate? { cases[k] }
    public var isEmpty: Bool { day.isEmpty && cases.isEmpty }

    struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Name.self)
        for (k, e) in day { try c.encode(e, forKey: Name(k.rawValue)) }
        for (k, e) in cases { try c.encode(e, forKey: Name(k.rawValue)) }
    }
}

/// A window's figures over replications.
public struct WindowFigures: Sendable, Equatable, Encodable {
    public var utilisation: Estimate
}

/// How unevenly the windows open all day are used (hot and cold windows), per day, then over days.
public struct UtilisationSpread: Sendable, Equatable, Encodable {
    public var maxMinusMin: Estimate
    public var cv: Estimate
    public var max: Estimate
    public var min: Estimate
    enum CodingKeys: String, CodingKey {
        case cv, max, min
        case maxMinusMin = "max_minus_min"
    }
}

/// The content of summary.json: every figure as {"mean", "half_width"} over replications.
public struct Summary: Sendable, Encodable {
    public var scenario: String
    public var seed: UInt64
    public var replications: Int
    public var confidence: Double
    public var waitTargetMinutes: Double
    public var warmupMinutes: Double
    public var overall: KPIFigures
    /// By department id.
    public var departments: [String: KPIFigures]
    /// By hour of arrival, "08:00".
    public var hours: [String: KPIFigures]
    /// By window name.
    public var windows: [String: WindowFigures]
    public var utilisationSpread: UtilisationSpread
    /// Hour by hour over replications: per department the mean tickets waiting, per window the share of
    /// its open time spent serving ([name][hour]).
    public var queueByHour: [String: [String: Estimate]]
    public var windowUtilisationByHour: [String: [String: Estimate]]
    public var checks: [String: Double]
    /// Runs over dates: the first and last date and the number of open days.
    public var period: PeriodInfo?

    public struct PeriodInfo: Sendable, Encodable {
        public var start: String
        public var end: String
        public var openDays: Int
        public var calendar: String
        enum CodingKeys: String, CodingKey {
            case start, end, calendar
            case openDays = "open_days"
        }
    }

    enum CodingKeys: String, CodingKey {
        case scenario, seed, replications, confidence, overall, departments, hours, windows, checks, period
        case waitTargetMinutes = "wait_target_min"
        case warmupMinutes = "warmup_min"
        case utilisationSpread = "utilisation_spread"
        case queueByHour = "queue_by_hour"
        case windowUtilisationByHour = "window_utilisation_by_hour"
    }

    /// Aggregates replications (in replication order; the result does not depend on how they were run).
    /// A run over dates passes, per replication, its mean day as `days` and its case KPIs as `cases`:
    /// front-desk figures are then per open day, case figures per run.
    public init(
        scenario: Scenario, seed: UInt64, days: [DayKPIs], cases: [PeriodKPIs]? = nil, openDays: Int? = nil,
        confidence: Double = 0.95
    ) {
        self.scenario = scenario.name
        self.seed = seed
        replications = days.count
        self.confidence = confidence
        waitTargetMinutes = scenario.waitTargetMinutes
        warmupMinutes = scenario.warmupMinutes
        func figures(_ pick: (DayKPIs) -> [KPI: Double?]?) -> KPIFigures {
            let maps = days.map(pick)
            var out = KPIFigures()
            let keys = Set(maps.flatMap { $0?.keys.map { $0 } ?? [] })
            for k in keys { out.day[k] = Estimate(maps.map { $0?[k] ?? nil }, confidence: confidence) }
            return out
        }
        overall = figures { $0.overall }
        departments = Dictionary(
            uniqueKeysWithValues: scenario.departments.map { d in (d.id, figures { $0.departments[d.id] }) })
        let hourKeys = Set(days.flatMap { $0.hours.keys })
        hours = Dictionary(uniqueKeysWithValues: hourKeys.map { h in (h, figures { $0.hours[h] }) })
        let windowNames = scenario.physicalWindows.map(\.name)
        windows = Dictionary(
            uniqueKeysWithValues: windowNames.map { w in
                (
                    w,
                    WindowFigures(
                        utilisation: Estimate(days.map { $0.windowUtilisation[w] ?? nil }, confidence: confidence))
                )
            })
        func byHour(_ pick: (DayKPIs) -> [String: [String: Double?]]) -> [String: [String: Estimate]] {
            let maps = days.map(pick)
            let names = Set(maps.flatMap(\.keys))
            return Dictionary(
                uniqueKeysWithValues: names.map { n in
                    let hours = Set(maps.flatMap { $0[n]?.keys.map { $0 } ?? [] })
                    return (
                        n,
                        Dictionary(
                            uniqueKeysWithValues: hours.map { h in
                                (h, Estimate(maps.map { $0[n]?[h] ?? nil }, confidence: confidence))
                            })
                    )
                })
        }
        queueByHour = byHour(\.queueByHour)
        windowUtilisationByHour = byHour(\.windowUtilisationByHour)
        // Hot and cold windows: spread of utilisation across the windows expected open all day (not
        // tidal windows, which open only in peaks), per day, then over days.
        let catalogue = scenario.catalogue
        let regular = windowNames.enumerated().filter { catalogue.rosteredWindows[$0.offset] }.map(\.element)
        let spreads = days.map { day -> (range: Double?, cv: Double?, max: Double?, min: Double?) in
            let u = regular.compactMap { day.windowUtilisation[$0] ?? nil }
            guard let hi = u.max(), let lo = u.min() else { return (nil, nil, nil, nil) }
            let m = Statistics.mean(u)
            let cv = u.count > 1 && m > 0 ? Statistics.sampleVariance(u, mean: m).squareRoot() / m : nil
            return (hi - lo, cv, hi, lo)
        }
        utilisationSpread = UtilisationSpread(
            maxMinusMin: Estimate(spreads.map(\.range), confidence: confidence),
            cv: Estimate(spreads.map(\.cv), confidence: confidence),
            max: Estimate(spreads.map(\.max), confidence: confidence),
            min: Estimate(spreads.map(\.min), confidence: confidence))
        if let cases, let p = scenario.period {
            period = PeriodInfo(
                start: p.start.description, end: p.end.description, openDays: openDays ?? 0, calendar: p.calendar.name)
            func caseFigures(_ pick: (PeriodKPIs) -> [CaseKPI: Double?]?) -> [CaseKPI: Estimate] {
                let maps = cases.map(pick)
                return Dictionary(
                    uniqueKeysWithValues: CaseKPI.allCases.map { k in
                        (k, Estimate(maps.map { $0?[k] ?? nil }, confidence: confidence))
                    })
            }
            overall.cases = caseFigures { $0.overall }
            for d in scenario.departments {
                departments[d.id, default: KPIFigures()].cases = caseFigures { $0.departments[d.id] }
            }
        }
        checks = [
            "littles_law_queue_max_rel_gap": days.map { relGap($0.queueArea, $0.waitSum) }.max() ?? 0,
            "littles_law_busy_max_rel_gap": days.map { relGap($0.busyArea, $0.serviceSum) }.max() ?? 0,
        ]
    }

    /// JSON with sorted keys: identical bytes for identical results.
    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}

/// |a − b| / max(|a|, |b|, 1).
public func relGap(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b), 1) }
