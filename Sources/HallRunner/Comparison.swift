import Foundation
import HallDomain
import HallMetrics
import HallRandom

/// Layout B against layout A on common random numbers: replication r of both sees the same applicants
/// (same seed, same stream names), so the per-replication difference B − A has far less noise than the
/// two runs apart. Every KPI gets a paired 95 % interval and a plain sentence.
public struct Comparison: Sendable, Encodable {
    public struct Row: Sendable, Encodable {
        public var kpi: String
        public var a: Estimate
        public var b: Estimate
        /// B − A, paired by replication.
        public var difference: Estimate
        public var significant: Bool
        public var sentence: String
    }

    public var a: String
    public var b: String
    public var seed: UInt64
    public var replications: Int
    public var rows: [Row]
    /// With --until-precision: whether the requested width was reached before the cap.
    public var precisionReached: Bool?

    /// KPIs compared, in the order shown, with how a manager reads them.
    static let compared: [(kpi: KPI, what: String, unit: Unit)] = [
        (.waitMean, "the mean wait", .minutes),
        (.waitP90, "the 90th-percentile wait", .minutes),
        (.serviceLevel, "the share called within the target", .share),
        (.abandonedFraction, "the share leaving without service", .share),
        (.served, "the applicants served", .count),
        (.queueMean, "the mean number waiting", .count),
        (.overtime, "the time open after closing", .minutes),
        (.staffHours, "the staff-hours", .hours),
        (.staffUtilisation, "staff utilisation", .share),
        (.closedWindowMinutes, "the window-minutes closed", .minutes),
        (.tidalOpenings, "tidal window openings", .count),
    ]

    /// Case KPIs compared when both runs are over dates (e.g. what earliest-deadline-first buys).
    static let comparedCases: [(kpi: CaseKPI, what: String, unit: Unit)] = [
        (.onTimeRate, "the on-time rate", .share),
        (.leadTimeMean, "the mean lead time", .workingDays),
        (.leadTimeP90, "the 90th-percentile lead time", .workingDays),
        (.overdueCases, "the overdue cases", .count),
        (.backlogEnd, "the backlog at the end", .count),
        (.visitsPerCase, "the visits per case", .count),
        (.doneInOneVisitRate, "the done-in-one-visit rate", .share),
    ]

    enum Unit { case minutes, hours, share, count, workingDays }

    public var json: Data {
        get throws {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            return try e.encode(self)
        }
    }

    enum CodingKeys: String, CodingKey {
        case a, b, seed, replications
        case rows = "kpis"
        case precisionReached = "precision_reached"
    }

    /// Paired comparison of two runs made with the same seed and replications.
    public init(a: ExperimentResult, b: ExperimentResult, aName: String, bName: String, precisionReached: Bool? = nil) {
        precondition(a.days.count == b.days.count && a.seed == b.seed)
        self.a = aName
        self.b = bName
        seed = a.seed
        replications = a.days.count
        self.precisionReached = precisionReached
        func row(_ name: String, _ what: String, _ unit: Unit, _ xa: [Double?], _ xb: [Double?]) -> Row {
            let d = zip(xa, xb).map { pa, pb -> Double? in
                guard let pa, let pb else { return nil }
                return pb - pa
            }
            let diff = Estimate(d)
            let significant = diff.excludesZero
            return Row(
                kpi: name, a: Estimate(xa), b: Estimate(xb),
                difference: diff,
                significant: significant,
                sentence: Comparison.sentence(what: what, unit: unit, diff: diff, significant: significant))
        }
        rows = Comparison.compared.map { kpi, what, unit in
            row(kpi.rawValue, what, unit, a.days.map { $0.overall[kpi] ?? nil }, b.days.map { $0.overall[kpi] ?? nil })
        }
        if let ca = a.cases, let cb = b.cases {
            rows += Comparison.comparedCases.map { kpi, what, unit in
                row(kpi.rawValue, what, unit, ca.map { $0.overall[kpi] ?? nil }, cb.map { $0.overall[kpi] ?? nil })
            }
        }
    }

    static func sentence(what: String, unit: Unit, diff: Estimate, significant: Bool) -> String {
        guard let m = diff.mean else { return "\(what): not defined in these runs." }
        let (scale, suffix): (Double, String) =
            switch unit {
            case .minutes: (1, " min")
            case .hours: (1, " h")
            case .share: (100, " percentage points")
            case .count: (1, "")
            case .workingDays: (1, " working days")
            }
        let digits = Report.decimals(halfWidth: (diff.halfWidth ?? 0) * scale)
        func f(_ x: Double) -> String { String(format: "%.\(digits)f", x * scale) }
        let h = diff.halfWidth.map { " ± " + f($0) } ?? ""
        guard significant else {
            if m == 0 && (diff.halfWidth ?? 0) == 0 { return "B leaves \(what) unchanged." }
            return
                "\(what.prefix(1).uppercased() + what.dropFirst()) does not change significantly (\(m >= 0 ? "+" : "")\(f(m))\(h)\(suffix))."
        }
        return "B \(m < 0 ? "lowers" : "raises") \(what) by \(f(abs(m)))\(h)\(suffix)."
    }

    /// Markdown for a manager.
    public var markdown: String {
        var out = "# B against A\n\nA: `\(a)`  \nB: `\(b)`  \n"
        out +=
            "\(replications) replications on common random numbers (seed \(seed)); differences B − A with 95 % paired intervals.\n\n"
        for r in rows where r.difference.mean != nil { out += "- \(r.sentence)\n" }
        out += "\n| KPI | A | B | B − A | significant |\n|---|---|---|---|---|\n"
        func f(_ s: Estimate) -> String {
            guard let m = s.mean else { return "–" }
            return String(format: "%.3f", m) + (s.halfWidth.map { String(format: " ± %.3f", $0) } ?? "")
        }
        for r in rows {
            out += "| \(r.kpi) | \(f(r.a)) | \(f(r.b)) | \(f(r.difference)) | \(r.significant ? "yes" : "no") |\n"
        }
        if let reached = precisionReached, !reached {
            out += "\nThe requested precision was not reached within the replication cap.\n"
        }
        return out
    }

    /// Runs both layouts on the same replications. With `untilPrecision`, adds batches of the initial
    /// number of replications until the paired half-width of `kpi` is at most `width`, or `cap` is reached.
    public static func run(
        a: Scenario, b: Scenario, aName: String, bName: String, seed: UInt64, replications: Int,
        untilPrecision: (kpi: KPI, width: Double, cap: Int)? = nil, threads: Int? = nil
    ) -> Comparison {
        var ra = Experiment.run(a, seed: seed, replications: 0..<replications, threads: threads)
        var rb = Experiment.run(b, seed: seed, replications: 0..<replications, threads: threads)
        guard let target = untilPrecision else { return Comparison(a: ra, b: rb, aName: aName, bName: bName) }
        func width() -> Double? {
            let d = zip(ra.days, rb.days).map { pa, pb -> Double? in
                guard let x = pa.overall[target.kpi] ?? nil, let y = pb.overall[target.kpi] ?? nil else { return nil }
                return y - x
            }
            return Estimate(d).halfWidth
        }
        while (width() ?? .infinity) > target.width, ra.days.count < target.cap {
            let more = ra.days.count..<min(target.cap, ra.days.count + replications)
            let na = Experiment.run(a, seed: seed, replications: more, threads: threads)
            let nb = Experiment.run(b, seed: seed, replications: more, threads: threads)
            ra.append(na)
            rb.append(nb)
        }
        return Comparison(
            a: ra, b: rb, aName: aName, bName: bName, precisionReached: (width() ?? .infinity) <= target.width)
    }
}
