import Foundation
import HallDomain
import HallRandom
import HallRunner

/// report.html of a plan: for each planned day, staff on duty per interval against the requirement,
/// beside the plain Erlang C / SIPP plan, and the service level on fresh replications against the
/// target; the layouts compared; the back office and tidal rules where they were planned.
extension PlanResult {
    /// Above this many day × group charts, groups are drawn for the busiest day only (the others'
    /// figures are in requirements.csv).
    static let maxGroupCharts = 24

    public func html(lang: ReportLanguage, chartJS: String? = ChartJS.source()) -> String {
        let w = Words(lang: lang)
        let t = spec.targets
        var page = Page(title: w.t("排班方案", "Staffing plan"), lang: lang)
        // The day scenarios are named "base — day": the page is about the base hall.
        let hall = chosen.days.first.map { d in
            let name = d.scenario.name
            return name.hasSuffix(" — \(d.day.name)") ? String(name.dropLast(" — \(d.day.name)".count)) : name
        }
        page.heading(w.t("排班方案：", "Staffing plan: ") + (hall ?? ""))
        let target = w.t(
            "目标：每个人员组每 \(w.number(spec.intervalMinutes)) 分钟时段内 \(w.number(t.serviceLevel * 100))% 的办事人在 \(w.number(t.waitMinutes)) 分钟内被叫号",
            "Target: \(w.number(t.serviceLevel * 100)) % of each staff group's applicants in each \(w.number(spec.intervalMinutes))-minute interval called within \(w.number(t.waitMinutes)) min"
        )
        let cap =
            t.abandonCap.map {
                w.t(
                    "，每组每日未办理离开不超过 \(w.number($0 * 100))%",
                    ", at most \(w.number($0 * 100)) % leaving per group and day")
            } ?? ""
        page.paragraph(
            target + cap
                + w.t(
                    "。需求经 \(spec.replications) 次重复（种子 \(spec.seed)）仿真修正，并在 \(spec.confirmReplications) 次全新重复上确认（95% 区间）。用时 \(String(format: "%.1f", seconds)) 秒。",
                    ". Requirements corrected by simulation on \(spec.replications) replications (seed \(spec.seed)) and confirmed on \(spec.confirmReplications) fresh ones (95 % intervals). Planned in \(String(format: "%.1f", seconds)) s."
                ))
        if spec.confirmReplications < HTMLReport.fewReplications {
            page.warning(
                w.t(
                    "只有 \(spec.confirmReplications) 次确认重复：区间很宽，结论仅供参考。",
                    "Only \(spec.confirmReplications) confirmation replications: the intervals are wide; read the figures as indications."
                ))
        }
        for p in problems { page.warning(w.t("无法满足：", "Cannot be met: ") + p) }

        // Findings.
        let kind = layoutName(chosen.layout.kind.rawValue, w)
        var findings = [
            w.t(
                "选定布局：\(kind)。成本 \(String(format: "%.0f", chosen.cost))，\(String(format: "%.1f", chosen.staffHours)) 工时；普通 Erlang C / SIPP 方案 \(String(format: "%.0f", chosen.sippCost))，\(String(format: "%.1f", chosen.sippStaffHours)) 工时",
                "Chosen layout: \(kind). Cost \(String(format: "%.0f", chosen.cost)), \(String(format: "%.1f", chosen.staffHours)) staff-hours; the plain Erlang C / SIPP plan costs \(String(format: "%.0f", chosen.sippCost)), \(String(format: "%.1f", chosen.sippStaffHours)) staff-hours"
            )
        ]
        let goal = t.serviceLevel
        let (below, sippBelow, cells) = cellsBelowTarget
        var worst: (day: String, group: String, interval: String, sl: Estimate)?
        for d in chosen.days {
            for (g, group) in chosen.layout.groups.enumerated() {
                for (i, iv) in d.intervals.enumerated() {
                    let e = d.serviceLevel[g][i]
                    if let m = e.mean, m < (worst?.sl.mean ?? .infinity) {
                        worst = (d.day.name, group.id, "\(iv.start)–\(iv.end)", e)
                    }
                }
            }
        }
        findings.append(
            w.t(
                "全新重复上 \(cells) 个组×时段中有 \(below) 个低于目标（SIPP 方案：\(sippBelow) 个）；全周叫号达标率 \(w.share(Estimate(chosen.weekSL)))",
                "On fresh replications \(below) of \(cells) group-intervals are below the target (SIPP plan: \(sippBelow)); the week's share called within the target is \(w.share(Estimate(chosen.weekSL)))"
            ))
        if let worst {
            findings.append(
                w.t(
                    "最紧的时段：\(worst.day) \(worst.interval)，\(worst.group) 组，\(w.share(worst.sl))",
                    "Tightest cell: \(worst.day) \(worst.interval), group \(worst.group): \(w.share(worst.sl))"))
        }
        if let bo = backOffice {
            let (r, a, rb, ab) = bo.totals
            let missing = bo.departments.filter { !$0.meetsTarget }.map(\.department)
            findings.append(
                w.t(
                    "后台：\(r) 名审查、\(a) 名审批（原配置 \(rb)、\(ab)），期间成本 \(String(format: "%.0f", bo.cost))（原 \(String(format: "%.0f", bo.baseCost))）"
                        + (missing.isEmpty ? "" : "；未达按时办结目标：\(missing.joined(separator: "、"))"),
                    "Back office: \(r) reviewers and \(a) approvers (base \(rb) and \(ab)), cost over the period \(String(format: "%.0f", bo.cost)) (base \(String(format: "%.0f", bo.baseCost)))"
                        + (missing.isEmpty ? "" : "; below the on-time target: \(missing.joined(separator: ", "))")))
        }
        if let tidal {
            let b = tidal.settings[0]
            let c = tidal.settings[tidal.chosen]
            let rules = zip(b.rules, c.rules).map { b, r in
                "\(r.id) \(w.number(b.openAt)) → \(w.number(r.openAt))，\(b.sourceSize) → \(r.sourceSize) 人"
            }
            let zh =
                tidal.chosen == 0
                ? "潮汐规则保持不变：试过的 \(tidal.settings.count - 1) 种设置没有一种在达标的同时更省；一周成本 \(String(format: "%.0f", b.total))（人员 \(String(format: "%.0f", b.staffCost)) + 潮汐 \(String(format: "%.0f", b.tidalCost))）"
                : "潮汐规则与人员一起调整：\(rules.joined(separator: "；"))；一周成本 \(String(format: "%.0f", c.total))（人员 \(String(format: "%.0f", c.staffCost)) + 潮汐 \(String(format: "%.0f", c.tidalCost))），原规则 \(String(format: "%.0f", b.total))"
            findings.append(w.t(zh, "Tidal rules: \(tidal.sentence)"))
        }
        if let h = headcount, !h.layouts.isEmpty {
            let ranked = h.layouts.map { "\($0.layout) \(w.share($0.weekSL))" }
            findings.append(
                w.t(
                    "固定 \(h.headcount) 名工作人员时各布局的全周叫号达标率（全新重复，配对）：\(ranked.joined(separator: "；"))",
                    "With \(h.headcount) clerks a day, the week's share called within the target per layout (fresh replications, paired): \(ranked.joined(separator: "; "))"
                ))
        }
        page.findings(w.t("主要发现", "Findings"), findings)

        var data = ReportData(hours: [], target: 0)
        data.text = ["band": w.t("95% 区间", "95 % interval")]

        // Layouts compared.
        if candidates.count > 1 {
            page.section(w.t("布局比较", "Layouts compared"))
            data.lines["layouts"] = LineChart(
                labels: candidates.map { layoutName($0.layout, w) },
                lines: [
                    .init(w.t("工时", "staff-hours"), candidates.map { $0.staffHours }, colour: "#2f6fde", bar: true)
                ],
                x: w.t("布局", "layout"), y: w.t("全部计划日工时", "staff-hours, all planned days"))
            page.charts([
                ("layouts", w.t("各布局工时（均满足目标时的最少）", "Staff-hours per layout (the least that meets the target)"))
            ])
            page.table(
                "",
                [
                    w.t("布局", "layout"), w.t("成本", "cost"), w.t("工时", "staff-hours"),
                    w.t("全周达标率（全新）", "week SL (fresh)"), w.t("与选定差（配对）", "SL − chosen (paired)"),
                    w.t("调优时不达标格数", "cells failing when tuned"),
                ],
                candidates.map { c in
                    [
                        layoutName(c.layout, w), String(format: "%.0f", c.cost), String(format: "%.1f", c.staffHours),
                        w.share(c.weekSL), w.difference(c.slDifference, share: true), String(c.failingCells),
                    ]
                })
        }

        // Each day: staffing against the requirement and SIPP, and the service level per interval.
        let groups = chosen.layout.groups
        let busiest = chosen.days.indices.max { a, b in
            chosen.days[a].requirement.joined().reduce(0, +) < chosen.days[b].requirement.joined().reduce(0, +)
        }
        let allGroups = chosen.days.count * groups.count <= Self.maxGroupCharts
        for (k, d) in chosen.days.enumerated() {
            let labels = d.intervals.map { "\($0.start)" }
            page.section(
                "\(d.day.name)"
                    + w.t("（需求 ×\(w.number(d.day.demandScale))）", " (demand ×\(w.number(d.day.demandScale)))"),
                note: w.t(
                    "成本 \(String(format: "%.0f", d.schedule.cost))，\(String(format: "%.1f", d.schedule.staffHours)) 工时，\(d.rounds) 轮仿真修正；SIPP 方案 \(String(format: "%.1f", d.sippSchedule.staffHours)) 工时。班次：",
                    "Cost \(String(format: "%.0f", d.schedule.cost)), \(String(format: "%.1f", d.schedule.staffHours)) staff-hours, \(d.rounds) simulate-and-correct rounds; SIPP plan \(String(format: "%.1f", d.sippSchedule.staffHours)) staff-hours. Shifts: "
                )
                    + groups.enumerated().map { g, group in
                        group.id + " "
                            + spec.shiftTypes.enumerated().filter { d.schedule.counts[g][$0.offset] > 0 }.map {
                                "\(d.schedule.counts[g][$0.offset])×\($0.element.id)"
                            }.joined(separator: " ")
                    }.joined(separator: "; "))
            func staffing(_ gs: [Int]) -> LineChart {
                func sum(_ x: [[Int]]) -> [Double?] {
                    d.intervals.indices.map { i in Double(gs.reduce(0) { $0 + x[$1][i] }) }
                }
                return LineChart(
                    labels: labels,
                    lines: [
                        .init(w.t("计划在岗", "planned on duty"), sum(d.schedule.coverage), colour: "#2f6fde", bar: true),
                        .init(
                            w.t("需求（仿真修正）", "requirement (simulated)"), sum(d.requirement), colour: "#1f2933",
                            stepped: true),
                        .init(
                            w.t("SIPP 在岗", "SIPP on duty"), sum(d.sippSchedule.coverage), colour: "#e4572e",
                            dashed: true, stepped: true),
                    ], x: w.t("时段开始", "interval start"), y: w.t("人数", "clerks"))
            }
            var items: [(id: String, title: String)] = []
            data.lines["d\(k)-all"] = staffing(Array(groups.indices))
            items.append(("d\(k)-all", w.t("全厅：在岗人数与需求", "Whole hall: clerks on duty against the requirement")))
            let sl = LineChart(
                labels: labels,
                lines: groups.enumerated().map { g, group in
                    let b = d.serviceLevel[g].map { HTMLReport.bounds($0, share: true) }
                    return .init(
                        group.id, d.serviceLevel[g].map { $0.mean.map { $0 * 100 } },
                        band: groups.count == 1
                            ? (b.map { $0.map { $0.0 * 100 } }, b.map { $0.map { $0.1 * 100 } }) : nil)
                } + [
                    .init(
                        w.t("目标", "target"), labels.map { _ in goal * 100 }, colour: "#e4572e", dashed: true,
                        stepped: true)
                ], x: w.t("时段开始", "interval start"), y: w.t("达标率 %（全新重复）", "% called within target (fresh)"), yMin: nil,
                yMax: 100)
            data.lines["d\(k)-sl"] = sl
            items.append(("d\(k)-sl", w.t("各组各时段达标率与目标", "Service level per group and interval, with the target")))
            if groups.count > 1 && (allGroups || k == busiest) {
                for (g, group) in groups.enumerated() {
                    data.lines["d\(k)-g\(g)"] = staffing([g])
                    items.append(("d\(k)-g\(g)", w.t("组 ", "Group ") + group.id))
                }
            }
            page.charts(items, height: 240)
            if groups.count > 1 && !allGroups && k == busiest {
                page.paragraph(
                    w.t(
                        "各组图表只画需求最大的一天；其他天的数值见 requirements.csv。",
                        "Group charts are drawn for the busiest day only; the other days' figures are in requirements.csv."
                    ))
            }
        }

        if let bo = backOffice {
            page.table(
                w.t("后台人员", "Back office"),
                [
                    w.t("部门", "department"), w.t("审查（原）", "reviewers (base)"), w.t("审批（原）", "approvers (base)"),
                    w.t("按时办结率 计划", "on time, plan"), w.t("按时办结率 原", "on time, base"),
                    w.t("期末积压 计划", "backlog at end, plan"),
                ],
                bo.departments.map { d in
                    [
                        d.department, "\(d.reviewers) (\(d.baseReviewers))", "\(d.approvers) (\(d.baseApprovers))",
                        w.share(d.onTimeRate), w.share(d.baseOnTimeRate), w.plain(d.backlogEnd),
                    ]
                })
        }
        return page.html(data: data, chartJS: chartJS)
    }

    func layoutName(_ raw: String, _ w: Words) -> String {
        let zh = ["dedicated": "分部门窗口", "domain": "分领域窗口", "universal": "全科窗口", "chain": "链式交叉窗口"]
        return w.t(zh[raw].map { "\($0)（\(raw)）" } ?? raw, raw)
    }
}
