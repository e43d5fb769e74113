import Foundation
import HallMetrics
import HallRandom

extension HTMLReport {
    /// Chinese names of the compared KPIs (English ones come from the comparison's sentences).
    static let zhNames: [String: (name: String, unit: String, scale: Double)] = [
        KPI.waitMean.rawValue: ("平均等候", " 分钟", 1), KPI.waitP90.rawValue: ("90% 分位等候", " 分钟", 1),
        KPI.serviceLevel.rawValue: ("目标时间内叫号比例", " 个百分点", 100),
        KPI.abandonedFraction.rawValue: ("未办理离开比例", " 个百分点", 100),
        KPI.served.rawValue: ("窗口办理人数", "", 1), KPI.queueMean.rawValue: ("平均排队人数", "", 1),
        KPI.overtime.rawValue: ("闭厅后延时", " 分钟", 1), KPI.staffHours.rawValue: ("前台工时", " 小时", 1),
        KPI.staffUtilisation.rawValue: ("人员利用率", " 个百分点", 100),
        KPI.closedWindowMinutes.rawValue: ("窗口关闭分钟", " 分钟", 1), KPI.tidalOpenings.rawValue: ("潮汐窗口开启次数", "", 1),
        CaseKPI.onTimeRate.rawValue: ("按时办结率", " 个百分点", 100),
        CaseKPI.leadTimeMean.rawValue: ("平均办理时长", " 个工作日", 1),
        CaseKPI.leadTimeP90.rawValue: ("90% 分位办理时长", " 个工作日", 1),
        CaseKPI.overdueCases.rawValue: ("超期件", "", 1), CaseKPI.backlogEnd.rawValue: ("期末积压", "", 1),
        CaseKPI.visitsPerCase.rawValue: ("每件跑动次数", "", 1),
        CaseKPI.doneInOneVisitRate.rawValue: ("一次办成率", " 个百分点", 100),
    ]

    /// compare.html: which layout wins on which KPI, each paired difference B − A with its interval,
    /// drawn relative to A so that minutes and shares share one axis.
    public static func compare(_ c: Comparison, lang: ReportLanguage, chartJS: String? = ChartJS.source()) -> String {
        let w = Words(lang: lang)
        var page = Page(title: w.t("B 对比 A", "B against A"), lang: lang)
        page.heading(w.t("方案 B 对比方案 A", "Layout B against layout A"))
        page.paragraph(
            "A: <code>\(escape(c.a))</code><br>B: <code>\(escape(c.b))</code><br>"
                + w.t(
                    "\(c.replications) 次重复，共同随机数（种子 \(c.seed)）；差值 B − A 为逐次配对的 95% 区间。",
                    "\(c.replications) replications on common random numbers (seed \(c.seed)); differences B − A with 95 % paired intervals."
                ), raw: true)
        if c.replications < fewReplications {
            page.warning(
                w.t(
                    "只有 \(c.replications) 次重复：区间很宽，结论仅供参考。",
                    "Only \(c.replications) replications: the intervals are wide; read the differences as indications."
                ))
        }
        func name(_ r: Comparison.Row) -> String { lang == .zh ? zhNames[r.kpi]?.name ?? r.kpi : r.kpi }
        var findings: [String] = []
        for r in c.rows where r.significant {
            guard let m = r.difference.mean else { continue }
            if lang == .en {
                findings.append(r.sentence)
            } else {
                let z = zhNames[r.kpi] ?? (r.kpi, "", 1)
                let h = r.difference.halfWidth.map { String(format: " ± %.2f", $0 * z.scale) } ?? ""
                findings.append(
                    "B 使\(z.name)\(m < 0 ? "降低" : "提高") \(String(format: "%.2f", abs(m) * z.scale))\(h)\(z.unit)")
            }
        }
        if findings.isEmpty {
            findings.append(w.t("在这些重复次数下，两方案没有显著差别。", "No figure differs significantly with these replications."))
        }
        page.findings(w.t("主要发现", "Findings"), findings)

        // Relative differences, in % of A's mean, with their intervals.
        var labels: [String] = []
        var bars: [[Double]] = []
        var means: [Double] = []
        var significant: [Bool] = []
        for r in c.rows {
            guard let a = r.a.mean, abs(a) > 1e-12, let m = r.difference.mean else { continue }
            let h = r.difference.halfWidth ?? 0
            labels.append(name(r))
            bars.append([100 * (m - h) / abs(a), 100 * (m + h) / abs(a)])
            means.append(100 * m / abs(a))
            significant.append(r.significant)
        }
        page.chart(
            "diff", w.t("B − A（占 A 的百分比），95% 配对区间", "B − A as % of A, with 95 % paired intervals"),
            height: max(240, 28 * labels.count + 80))
        page.table(
            w.t("逐项对比", "Every KPI"),
            ["KPI", "A", "B", "B − A", w.t("显著", "significant")],
            c.rows.map { r in
                [
                    name(r), w.plain(r.a, digits: 3), w.plain(r.b, digits: 3), w.plain(r.difference, digits: 3),
                    r.significant ? w.t("是", "yes") : w.t("否", "no"),
                ]
            })
        var data = ReportData(hours: [], target: 0)
        data.compare = .init(labels: labels, bars: bars, means: means, significant: significant)
        data.text = ["diff": w.t("B − A（占 A 的 %）", "B − A (% of A)"), "band": w.t("95% 区间", "95 % interval")]
        return page.html(data: data, chartJS: chartJS)
    }
}
