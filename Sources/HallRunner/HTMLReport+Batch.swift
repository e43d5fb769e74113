import Foundation
import HallMetrics
import HallRandom

extension HTMLReport {
    /// The KPIs a batch page draws against each factor, with their scale on the page.
    static let batchKPIs: [(kpi: KPI, share: Bool)] = [
        (.waitMean, false), (.serviceLevel, true), (.abandonedFraction, true), (.staffUtilisation, true),
    ]

    /// report.html of a batch: the main effect of each factor on each KPI (per replication, the mean
    /// over the points at that level; 95 % interval over replications), the points of the other
    /// factors' combinations as thin lines, the best and worst points, and every point in a table.
    /// Computed from batch.json and tidy.csv alone, so a merged batch writes the same page.
    public static func batch(
        _ d: BatchDescription, rows: [TidyRow], lang: ReportLanguage, chartJS: String? = ChartJS.source()
    ) -> String {
        let w = Words(lang: lang)
        let table = BatchTable(d, rows)
        var page = Page(title: d.sweepFile, lang: lang)
        page.heading(w.t("参数扫描：", "Sweep: ") + d.sweepFile)
        page.paragraph(
            w.t(
                "基础场景 <code>\(escape(d.base))</code>；\(d.points.count) 个方案点 × \(d.replications) 次重复，种子 \(d.seed)"
                    + (d.commonRandomNumbers ? "，各点共用随机数（逐次配对）。" : "，各点独立随机数。"),
                "Base scenario <code>\(escape(d.base))</code>; \(d.points.count) points × \(d.replications) replications, seed \(d.seed)"
                    + (d.commonRandomNumbers
                        ? ", common random numbers (points paired by replication)."
                        : ", independent random numbers per point.")
            ) + w.t(" 数值为均值 ± 95% 置信区间半宽。", " Figures are means ± 95 % half-widths."), raw: true)
        if d.replications < fewReplications {
            page.warning(
                w.t(
                    "每点只有 \(d.replications) 次重复：区间很宽（或无法给出），结论仅供参考。建议至少 \(fewReplications) 次。",
                    "Only \(d.replications) replications per point: the intervals are wide (or missing), so read the figures as indications. Use at least \(fewReplications)."
                ))
        }

        // Findings: each factor's effect from its first to its last level, then the best and worst points.
        var findings: [String] = []
        for (f, factor) in d.factors.enumerated() {
            let levels = table.levels[f]
            guard levels.count >= 2, let lo = levels.first, let hi = levels.last else { continue }
            for (kpi, share) in [(KPI.waitMean, false), (KPI.serviceLevel, true)] {
                let diff = Estimate(
                    table.replications.map { r -> Double? in
                        guard let a = table.mainEffect(f, lo, kpi, r), let b = table.mainEffect(f, hi, kpi, r) else {
                            return nil
                        }
                        return b - a
                    })
                guard let m = diff.mean else { continue }
                let significant = diff.excludesZero
                let name = kpiName(kpi, w)
                if significant {
                    findings.append(
                        w.t(
                            "\(factor) 从 \(lo) 到 \(hi)：\(name)\(m < 0 ? "降低" : "提高") \(w.difference(diff, share: share, signed: false))（其他因素取平均）",
                            "\(factor) from \(lo) to \(hi) \(m < 0 ? "lowers" : "raises") \(name) by \(w.difference(diff, share: share, signed: false)) (averaged over the other factors)"
                        ))
                } else {
                    findings.append(
                        w.t(
                            "\(factor) 从 \(lo) 到 \(hi)：\(name)无显著变化（\(w.difference(diff, share: share))）",
                            "\(factor) from \(lo) to \(hi): \(name) does not change significantly (\(w.difference(diff, share: share)))"
                        ))
                }
            }
        }
        let sl = KPI.serviceLevel
        let ranked = d.points.indices.compactMap { p in table.estimate(p, sl).mean.map { (p, $0) } }
        if let best = ranked.max(by: { $0.1 < $1.1 }), let worst = ranked.min(by: { $0.1 < $1.1 }), best.0 != worst.0 {
            findings.append(
                w.t(
                    "\(kpiName(sl, w))最高的方案点：\(table.label(best.0))，\(w.share(table.estimate(best.0, sl)))；最低：\(table.label(worst.0))，\(w.share(table.estimate(worst.0, sl)))",
                    "Highest \(kpiName(sl, w)): \(table.label(best.0)), \(w.share(table.estimate(best.0, sl))); lowest: \(table.label(worst.0)), \(w.share(table.estimate(worst.0, sl)))"
                ))
        }
        if findings.isEmpty { findings.append(w.t("没有可比较的结果。", "Nothing to compare.")) }
        page.findings(w.t("主要发现", "Findings"), findings)

        // Charts: for each factor, each KPI against its levels.
        var data = ReportData(hours: [], target: 0)
        data.text = ["band": w.t("95% 区间", "95 % interval")]
        let colours = ["#9aa5b1", "#f3a712", "#17a398", "#8e44ad", "#e4572e", "#29335c"]
        for (f, factor) in d.factors.enumerated() {
            let levels = table.levels[f]
            let others = table.otherCombinations(f)
            page.section(
                w.t("因素：", "Factor: ") + factor,
                note: w.t(
                    "粗线为主效应（每次重复对其他因素的各点取平均，再求 95% 区间）"
                        + (others.count > 1 && others.count <= colours.count ? "；细线为其他因素的各组合。" : "。"),
                    "The thick line is the main effect (per replication, the mean over the other factors' points; 95 % interval over replications)"
                        + (others.count > 1 && others.count <= colours.count
                            ? "; thin lines are the other factors' combinations." : ".")))
            var items: [(id: String, title: String)] = []
            for (kpi, share) in batchKPIs {
                let scale = share ? 100.0 : 1
                let main = levels.map { v in Estimate(table.replications.map { table.mainEffect(f, v, kpi, $0) }) }
                guard main.contains(where: { $0.mean != nil }) else { continue }
                var lines: [LineChart.Line] = []
                if others.count > 1 && others.count <= colours.count {
                    for (k, combo) in others.enumerated() {
                        let values = levels.map { v -> Double? in
                            table.point(f, v, others: combo).flatMap { table.estimate($0, kpi).mean }.map { $0 * scale }
                        }
                        lines.append(
                            .init(
                                combo.map { "\(d.factors[$0.key])=\($0.value)" }.joined(separator: ", "), values,
                                colour: colours[k], width: 1))
                    }
                }
                let band = main.map { bounds($0, share: share) }
                lines.append(
                    .init(
                        w.t("主效应", "main effect"), main.map { $0.mean.map { $0 * scale } },
                        band: (band.map { $0.map { $0.0 * scale } }, band.map { $0.map { $0.1 * scale } }),
                        colour: "#2f6fde", width: 3))
                let id = "f\(f)-\(kpi.rawValue)"
                data.lines[id] = LineChart(
                    labels: levels, lines: lines, x: factor,
                    y: kpiName(kpi, w) + (share ? " %" : w.t("（分钟）", " (min)")),
                    yMin: share ? shareAxis(lines).min : 0, yMax: share ? shareAxis(lines).max : nil)
                items.append((id, kpiName(kpi, w)))
            }
            page.charts(items)
        }

        // Every point.
        let shown: [(KPI, Bool)] =
            [(.waitMean, false), (.waitP90, false)] + batchKPIs.dropFirst().map { ($0.kpi, $0.share) }
        page.table(
            w.t("各方案点", "Every point"),
            [w.t("点", "point")] + d.factors + shown.map { kpiName($0.0, w) },
            d.points.indices.map { p in
                [String(p)] + d.points[p]
                    + shown.map { kpi, share in
                        share ? w.share(table.estimate(p, kpi)) : w.plain(table.estimate(p, kpi))
                    }
            })
        return page.html(data: data, chartJS: chartJS)
    }

    /// A share axis (in %) fitted to what is drawn, inside 0–100: flat lines do not get a negative axis.
    static func shareAxis(_ lines: [LineChart.Line]) -> (min: Double, max: Double) {
        let values = lines.flatMap { $0.data + ($0.lower ?? []) + ($0.upper ?? []) }.compactMap { $0 }
        guard let lo = values.min(), let hi = values.max() else { return (0, 100) }
        let pad = max(0.1 * (hi - lo), 1)
        return (max(0, (lo - pad).rounded(.down)), min(100, (hi + pad).rounded(.up)))
    }

    /// A KPI's name on the page: Chinese from `zhNames`, English from the comparison's words.
    static func kpiName(_ kpi: KPI, _ w: Words) -> String {
        let what = Comparison.compared.first { $0.kpi == kpi }?.what ?? kpi.rawValue
        let en = what.hasPrefix("the ") ? String(what.dropFirst(4)) : what
        return w.t(zhNames[kpi.rawValue]?.name ?? kpi.rawValue, en)
    }
}

/// A batch's values by point, replication and KPI, and its factors' levels in the sweep's order.
struct BatchTable {
    let description: BatchDescription
    var values: [Int: [Int: [KPI: Double]]] = [:]
    let replications: [Int]
    /// Per factor, its values in the order they first appear among the points.
    let levels: [[String]]

    init(_ d: BatchDescription, _ rows: [TidyRow]) {
        description = d
        var reps = Set<Int>()
        for r in rows {
            reps.insert(r.replication)
            if let v = r.value { values[r.point, default: [:]][r.replication, default: [:]][r.kpi] = v }
        }
        replications = reps.sorted()
        levels = d.factors.indices.map { f in
            var seen: [String] = []
            for p in d.points where !seen.contains(p[f]) { seen.append(p[f]) }
            return seen
        }
    }

    func estimate(_ p: Int, _ kpi: KPI) -> Estimate { Estimate(replications.map { values[p]?[$0]?[kpi] }) }

    /// Replication r's mean over the points where factor f is at level v (nil where none has a value).
    func mainEffect(_ f: Int, _ v: String, _ kpi: KPI, _ r: Int) -> Double? {
        let xs = description.points.indices.filter { description.points[$0][f] == v }.compactMap {
            values[$0]?[r]?[kpi]
        }
        return xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
    }

    /// The combinations of the factors other than f found among the points, in order of appearance.
    func otherCombinations(_ f: Int) -> [[(key: Int, value: String)]] {
        var seen: [[String]] = []
        var out: [[(key: Int, value: String)]] = []
        for p in description.points {
            let combo = p.indices.filter { $0 != f }.map { p[$0] }
            guard !seen.contains(combo) else { continue }
            seen.append(combo)
            out.append(p.indices.filter { $0 != f }.map { ($0, p[$0]) })
        }
        return out
    }

    /// The point with factor f at v and the others as given.
    func point(_ f: Int, _ v: String, others: [(key: Int, value: String)]) -> Int? {
        description.points.indices.first { p in
            description.points[p][f] == v && others.allSatisfy { description.points[p][$0.key] == $0.value }
        }
    }

    func label(_ p: Int) -> String {
        "#\(p) (" + zip(description.factors, description.points[p]).map { "\($0)=\($1)" }.joined(separator: ", ") + ")"
    }
}
