import Foundation
import HallDomain
import HallMetrics
import HallRandom

/// The language of report.html: Chinese by default, English with `--lang en`.
public enum ReportLanguage: String, Sendable, CaseIterable {
    case zh, en
}

/// report.html: one self-contained page for a hall manager (opens offline; Chart.js inlined from
/// Debian's libjs-chart.js). Plain findings with their intervals at the top, then charts, then tables.
/// Every chart is drawn from summary.json's figures, so the page says nothing the files do not.
public enum HTMLReport {
    /// Fewer replications than this: the page warns that the intervals mean little.
    public static let fewReplications = 5

    /// The report of a run (one day or a run over dates).
    public static func run(
        _ r: ExperimentResult, sourceFile: String?, lang: ReportLanguage, chartJS: String? = ChartJS.source()
    ) -> String {
        let s = r.summary
        let scenario = r.scenario
        let w = Words(lang: lang)
        let hours = s.hours.keys.sorted()
        let target = s.waitTargetMinutes
        var page = Page(title: s.scenario, lang: lang)

        // Findings.
        var findings: [String] = []
        let slText = w.t("\(w.number(target)) 分钟内叫号", "called within \(w.number(target)) min")
        if let worst = hours.min(by: {
            (s.hours[$0]?[.serviceLevel]?.mean ?? 2) < (s.hours[$1]?[.serviceLevel]?.mean ?? 2)
        }),
            let e = s.hours[worst]?[.serviceLevel], e.mean != nil
        {
            findings.append(
                w.t(
                    "最差时段 \(span(worst))：\(slText) \(w.share(e))", "Worst hour: \(span(worst)): \(w.share(e)) \(slText)"
                ))
        }
        if let all = s.overall[.waitMean], let m = all.mean {
            let slow = scenario.departments.compactMap { d -> (String, Estimate)? in
                guard let e = s.departments[d.id]?[.waitMean], let dm = e.mean, dm > 1.5 * m,
                    (e.lower ?? dm) > (all.upper ?? m)
                else { return nil }
                return (d.name, e)
            }.sorted { ($0.1.mean ?? 0) > ($1.1.mean ?? 0) }
            for (name, e) in slow.prefix(3) {
                findings.append(
                    w.t(
                        "\(name) 平均等候 \(w.minutes(e))，全厅 \(w.minutes(all))",
                        "\(name) waits far longer than the hall: \(w.minutes(e)) on average, against \(w.minutes(all))")
                )
            }
        }
        let rostered = scenario.physicalWindows.map(\.name).enumerated()
            .filter { scenario.catalogue.rosteredWindows[$0.offset] }.map(\.element)
        let used = rostered.compactMap { n in
            s.windows[n].flatMap { f in f.utilisation.mean.map { _ in (n, f.utilisation) } }
        }
        if used.count >= 2, let hot = used.max(by: { $0.1.mean! < $1.1.mean! }),
            let cold = used.min(by: { $0.1.mean! < $1.1.mean! }), hot.1.mean! - cold.1.mean! > 0.2
        {
            findings.append(
                w.t(
                    "冷热不均：最忙窗口 \(hot.0) 利用率 \(w.share(hot.1))，最闲 \(cold.0) \(w.share(cold.1))",
                    "Hot and cold windows: \(hot.0) is busy \(w.share(hot.1)) of its open time, \(cold.0) \(w.share(cold.1))"
                ))
        }
        if scenario.hasStages {
            var parts: [String] = []
            if scenario.guideDesk != nil {
                parts.append(
                    w.t(
                        "导引台接待 \(w.plain(s.overall[.guideVisits], digits: 0)) 人，其中仅咨询离开 \(w.plain(s.overall[.consultOnly], digits: 0)) 人",
                        "the guide desk sees \(w.plain(s.overall[.guideVisits], digits: 0)), of whom \(w.plain(s.overall[.consultOnly], digits: 0)) only consult"
                    ))
            }
            if scenario.selfService != nil {
                parts.append(
                    w.t(
                        "自助终端办结 \(w.plain(s.overall[.selfServed], digits: 0)) 人（共 \(w.plain(s.overall[.terminalVisits], digits: 0)) 人使用）",
                        "self-service terminals finish \(w.plain(s.overall[.selfServed], digits: 0)) of \(w.plain(s.overall[.terminalVisits], digits: 0)) who try them"
                    ))
            }
            findings.append(
                w.t("取号前分流：", "Before the ticket: ") + parts.joined(separator: w.t("；", "; "))
                    + w.t("（每日，不计入取号人数）", " (a day; not among the ticketed applicants)"))
        }
        if let e = s.overall[.abandonedFraction], let m = e.mean, m >= 0.05 {
            findings.append(w.t("未办理即离开 ", "Left without service: ") + w.share(e))
        }
        let daily = meanDaily(r.cases)
        if let daily, !daily.dates.isEmpty {
            if let k = daily.overdue.firstIndex(where: { $0 >= 0.5 }) {
                findings.append(
                    w.t(
                        "后台从 \(daily.dates[k]) 起有在办件超过法定/承诺期限；全期累计超期 \(w.plain(s.overall[.overdueCases])) 件（逾期办结或期末仍在办），期末积压 \(w.plain(s.overall[.backlogEnd])) 件",
                        "The back office falls behind from \(daily.dates[k]): cases in review pass their deadline; \(w.plain(s.overall[.overdueCases])) cases past their deadline over the run (decided late or still open), \(w.plain(s.overall[.backlogEnd])) in review at the end"
                    ))
            }
            if let e = s.overall[.onTimeRate], e.mean != nil {
                findings.append(w.t("按时办结率 ", "On time (按时办结率): ") + w.share(e))
            }
        }
        if findings.isEmpty { findings.append(w.t("各项指标无明显问题。", "No figure stands out.")) }

        page.heading(s.scenario)
        var meta = w.t(
            "\(s.replications) 次重复，种子 \(s.seed)；数值为均值 ± 95% 置信区间半宽。",
            "\(s.replications) replications, seed \(s.seed); figures are means ± 95 % half-widths.")
        if let sourceFile { meta += w.t(" 场景文件：", " Scenario: ") + "<code>\(escape(sourceFile))</code>" }
        if let p = s.period {
            meta += w.t(
                " \(p.start) 至 \(p.end)，\(p.openDays) 个工作日（前台指标为每工作日）。",
                " \(p.start) to \(p.end), \(p.openDays) open days (front-desk figures per open day).")
        }
        page.paragraph(meta, raw: true)
        if s.replications < fewReplications {
            page.warning(
                w.t(
                    "只有 \(s.replications) 次重复：区间很宽（或无法给出），结论仅供参考。建议至少 \(fewReplications) 次。",
                    "Only \(s.replications) replications: the intervals are wide (or missing), so read the figures as indications. Use at least \(fewReplications)."
                ))
        }
        page.findings(w.t("主要发现", "Findings"), findings)

        // Charts.
        var data = ReportData(hours: hours, target: target)
        func series(_ pick: (String) -> Estimate?, scale: Double, share: Bool) -> ReportData.Series {
            var mean: [Double?] = []
            var lower: [Double?] = []
            var upper: [Double?] = []
            for h in hours {
                let e = pick(h)
                let b = bounds(e, share: share)
                mean.append(e?.mean.map { $0 * scale })
                lower.append(b.map { $0.0 * scale })
                upper.append(b.map { $0.1 * scale })
            }
            return .init(mean: mean, lower: lower, upper: upper)
        }
        data.wait = series({ s.hours[$0]?[.waitMean] }, scale: 1, share: false)
        data.sl = series({ s.hours[$0]?[.serviceLevel] }, scale: 100, share: true)
        data.queue = .init(
            names: scenario.departments.map(\.name),
            series: scenario.departments.map { d in hours.map { s.queueByHour[d.id]?[$0]?.mean } })
        let windowNames = scenario.physicalWindows.map(\.name)
        data.heat = .init(
            windows: windowNames,
            values: windowNames.map { n in
                hours.map { h in s.windowUtilisationByHour[n]?[h]?.mean.map { min(max($0, 0), 1) } }
            })
        if let daily { data.period = .init(dates: daily.dates, backlog: daily.backlog, overdue: daily.overdue) }
        data.text = [
            "wait": w.t("平均等候（分钟）", "mean wait (min)"), "band": w.t("95% 区间", "95 % interval"),
            "target": w.t("等候目标", "waiting target"),
            "sl": w.t("\(w.number(target)) 分钟内叫号 %", "% called within \(w.number(target)) min"),
            "hour": w.t("到达时段", "hour of arrival"), "queue": w.t("排队人数（均值）", "tickets waiting (mean)"),
            "window": w.t("窗口", "window"), "util": w.t("利用率", "utilisation"),
            "backlog": w.t("在办积压", "in review"), "overdue": w.t("在办且已超期", "in review past the deadline"),
            "date": w.t("日期", "date"),
        ]
        page.chart("wait", w.t("各时段平均等候与目标", "Waits by hour of arrival, with the target"))
        page.chart("sl", w.t("各时段 \(w.number(target)) 分钟内叫号比例", "Share called within \(w.number(target)) min, by hour"))
        page.chart("queue", w.t("各部门排队人数（按小时）", "Tickets waiting over the day, per department"))
        page.chart(
            "heat",
            w.t(
                "窗口 × 小时 利用率热力图（绿 = 空闲，红 = 繁忙，灰 = 未开放）",
                "Window utilisation, window × hour (green idle, red busy, grey closed)"),
            height: max(240, 16 * windowNames.count + 90))
        if daily != nil {
            page.chart(
                "period",
                w.t(
                    "后台在办积压与在办超期件（按日期，各次重复平均）",
                    "Back office: cases in review and those past their deadline, by date (mean over replications)"))
        }

        // Tables.
        var rows: [[String]] = []
        for d in scenario.departments {
            let f = s.departments[d.id] ?? KPIFigures()
            rows.append([
                "\(d.name) (\(d.id))", w.plain(f[.arrivals], digits: 0), w.plain(f[.waitMean]), w.plain(f[.waitP90]),
                w.share(f[.serviceLevel]), w.share(f[.abandonedFraction]),
            ])
        }
        page.table(
            w.t("各部门", "Departments"),
            [
                w.t("部门", "department"), w.t("办事人数", "applicants"), w.t("平均等候", "mean wait (min)"),
                w.t("90% 分位等候", "p90 wait (min)"), slText, w.t("未办理离开", "left"),
            ],
            rows)
        return page.html(data: data, chartJS: chartJS)
    }

    /// "10:00" → "10:00–11:00".
    static func span(_ hour: String) -> String {
        guard let h = Int(hour.prefix(2)) else { return hour }
        return String(format: "%@–%02d:00", hour, h + 1)
    }

    /// The interval to show: clipped at 0 (waits and shares cannot be negative), shares also at 1.
    package static func bounds(_ e: Estimate?, share: Bool) -> (Double, Double)? {
        guard let e, let m = e.mean else { return nil }
        let h = e.halfWidth ?? 0
        return (max(m - h, 0), share ? min(m + h, 1) : m + h)
    }

    /// Backlog and overdue by date, averaged over replications (runs over dates).
    static func meanDaily(_ cases: [PeriodKPIs]?) -> (dates: [String], backlog: [Double], overdue: [Double])? {
        guard let cases, let first = cases.first else { return nil }
        let n = Double(cases.count)
        let dates = first.daily.map(\.date.description)
        let backlog = first.daily.indices.map { k in cases.reduce(0.0) { $0 + Double($1.daily[k].backlog) } / n }
        let overdue = first.daily.indices.map { k in cases.reduce(0.0) { $0 + Double($1.daily[k].overdue) } / n }
        return (dates, backlog, overdue)
    }

    package static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// What the page's script draws (JSON inside the page).
package struct ReportData: Encodable {
    struct Series: Encodable {
        var mean: [Double?], lower: [Double?], upper: [Double?]
    }
    struct Queue: Encodable {
        var names: [String]
        var series: [[Double?]]
    }
    struct Heat: Encodable {
        var windows: [String]
        /// [window][hour]: share of open time serving; nil where the window was closed all hour.
        var values: [[Double?]]
    }
    struct Period: Encodable {
        var dates: [String], backlog: [Double], overdue: [Double]
    }
    var hours: [String]
    var target: Double
    package init(hours: [String], target: Double) {
        self.hours = hours
        self.target = target
    }
    var wait = Series(mean: [], lower: [], upper: [])
    var sl = Series(mean: [], lower: [], upper: [])
    var queue = Queue(names: [], series: [])
    var heat = Heat(windows: [], values: [])
    var period: Period?
    struct Compare: Encodable {
        var labels: [String], bars: [[Double]], means: [Double], significant: [Bool]
    }
    var compare: Compare?
    /// Line (and bar) charts by canvas id, drawn alike: batch and plan pages.
    package var lines: [String: LineChart] = [:]
    package var text: [String: String] = [:]
}

/// A chart of lines over categories (hours, intervals, a factor's values): a line may carry a 95 % band,
/// be dashed, stepped, or drawn as bars.
package struct LineChart: Encodable {
    package struct Line: Encodable {
        var label: String
        var data: [Double?]
        var lower: [Double?]?
        var upper: [Double?]?
        var colour: String?
        var dashed = false
        var stepped = false
        var bar = false
        var width: Double = 2
        package init(
            _ label: String, _ data: [Double?], band: (lower: [Double?], upper: [Double?])? = nil,
            colour: String? = nil,
            dashed: Bool = false, stepped: Bool = false, bar: Bool = false, width: Double = 2
        ) {
            self.label = label
            self.data = data
            lower = band?.lower
            upper = band?.upper
            self.colour = colour
            self.dashed = dashed
            self.stepped = stepped
            self.bar = bar
            self.width = width
        }
    }
    var labels: [String]
    var lines: [Line]
    var x: String
    var y: String
    var yMin: Double?
    var yMax: Double?
    package init(labels: [String], lines: [Line], x: String, y: String, yMin: Double? = 0, yMax: Double? = nil) {
        self.labels = labels
        self.lines = lines
        self.x = x
        self.y = y
        self.yMin = yMin
        self.yMax = yMax
    }
}

/// Numbers and words in the report's language.
package struct Words {
    var lang: ReportLanguage
    package init(lang: ReportLanguage) { self.lang = lang }
    package func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
    package func number(_ x: Double) -> String { String(format: "%g", x) }

    /// "46 ± 1 %", or "99 % (97–100 %)" where the interval reaches past 0 or 100 %.
    package func share(_ e: Estimate?) -> String {
        guard let e, let m = e.mean else { return "–" }
        guard let h = e.halfWidth else { return String(format: "%.0f %%", m * 100) }
        if m - h < 0 || m + h > 1 {
            return String(format: "%.0f %% (%.0f–%.0f %%)", m * 100, max(m - h, 0) * 100, min(m + h, 1) * 100)
        }
        return String(format: "%.0f ± %.0f %%", m * 100, h * 100)
    }

    /// A difference: "+1.2 ± 0.8 percentage points" for shares, "+1.2 ± 0.8 min" otherwise; unsigned,
    /// its size (the sentence says which way).
    package func difference(_ e: Estimate?, share: Bool, signed: Bool = true) -> String {
        guard let e, let m = e.mean else { return "–" }
        let scale = share ? 100.0 : 1
        let digits = Report.decimals(halfWidth: (e.halfWidth ?? 0) * scale)
        let v = String(format: signed ? "%+.\(digits)f" : "%.\(digits)f", signed ? m * scale : abs(m) * scale)
        let h = e.halfWidth.map { String(format: " ± %.\(digits)f", $0 * scale) } ?? ""
        return v + h + (share ? t(" 个百分点", " percentage points") : t(" 分钟", " min"))
    }

    package func minutes(_ e: Estimate?) -> String { plain(e) + t(" 分钟", " min") }

    package func plain(_ e: Estimate?, digits: Int = 1) -> String { Report.fmt(e, digits: digits) }
}

/// The page being built: sections in order, then one script drawing every chart from the data.
package struct Page {
    var title: String
    var lang: ReportLanguage
    var body = ""
    package init(title: String, lang: ReportLanguage) {
        self.title = title
        self.lang = lang
    }

    package mutating func heading(_ text: String) { body += "<h1>\(HTMLReport.escape(text))</h1>\n" }
    package mutating func paragraph(_ text: String, raw: Bool = false) {
        body += "<p class=\"meta\">\(raw ? text : HTMLReport.escape(text))</p>\n"
    }
    package mutating func warning(_ text: String) { body += "<p class=\"warning\">⚠ \(HTMLReport.escape(text))</p>\n" }
    package mutating func findings(_ title: String, _ items: [String]) {
        body += "<section class=\"findings\"><h2>\(HTMLReport.escape(title))</h2><ul>\n"
        for i in items { body += "<li>\(HTMLReport.escape(i))</li>\n" }
        body += "</ul></section>\n"
    }
    package mutating func chart(_ id: String, _ title: String, height: Int = 300) {
        body += "<section class=\"chart\"><h2>\(HTMLReport.escape(title))</h2>"
        body +=
            "<div style=\"height:\(height)px\"><canvas id=\"chart-\(id)\" data-chart=\"\(id)\"></canvas></div></section>\n"
    }
    /// A heading over the sections that follow.
    package mutating func section(_ title: String, note: String? = nil) {
        body += "<h2 class=\"part\">\(HTMLReport.escape(title))</h2>\n"
        if let note { body += "<p class=\"meta\">\(HTMLReport.escape(note))</p>\n" }
    }
    /// Charts two to a row.
    package mutating func charts(_ items: [(id: String, title: String)], height: Int = 260) {
        body += "<div class=\"grid\">\n"
        for (id, title) in items {
            body += "<section class=\"chart\"><h3>\(HTMLReport.escape(title))</h3>"
            body +=
                "<div style=\"height:\(height)px\"><canvas id=\"chart-\(id)\" data-chart=\"\(id)\"></canvas></div></section>\n"
        }
        body += "</div>\n"
    }
    package mutating func table(_ title: String, _ head: [String], _ rows: [[String]]) {
        body += "<section><h2>\(HTMLReport.escape(title))</h2><table><thead><tr>"
        body += head.map { "<th>\(HTMLReport.escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for r in rows { body += "<tr>" + r.map { "<td>\(HTMLReport.escape($0))</td>" }.joined() + "</tr>\n" }
        body += "</tbody></table></section>\n"
    }

    package func html(data: ReportData, chartJS: String?) -> String {
        let missing = Words(lang: lang).t(
            "图表需要 Debian 的 libjs-chart.js（scripts/setup.sh 会安装）。",
            "Charts need Debian's libjs-chart.js (scripts/setup.sh installs it).")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let json = (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var out = """
            <!DOCTYPE html>
            <html lang="\(lang == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLReport.escape(title))</title>
            <style>
            body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#1f2933}
            h1{font-size:1.6em;margin-bottom:4px} h2{font-size:1.15em;margin:28px 0 8px} h3{font-size:1em;margin:14px 0 6px}
            h2.part{border-bottom:2px solid #2f6fde;padding-bottom:4px;margin-top:36px}
            .grid{display:grid;grid-template-columns:1fr 1fr;gap:8px 24px}
            .meta{color:#52606d} .warning{background:#fff4e5;border-left:4px solid #f0a020;padding:8px 12px}
            .findings{background:#f0f6ff;border-left:4px solid #2f6fde;padding:4px 16px} .findings li{margin:6px 0;font-size:1.05em}
            table{border-collapse:collapse;width:100%;font-size:.92em} th,td{border-bottom:1px solid #e4e7eb;padding:5px 8px;text-align:right}
            th:first-child,td:first-child{text-align:left} thead th{background:#f5f7fa}
            </style></head><body>

            """
        out += body
        if let chartJS {
            out += "<script>\n" + chartJS.replacingOccurrences(of: "</script", with: "<\\/script") + "\n</script>\n"
            out +=
                "<script type=\"application/json\" id=\"report-data\">"
                + json.replacingOccurrences(of: "</", with: "<\\/") + "</script>\n"
            out += "<script>\n" + Self.script + "\n</script>\n"
        } else {
            out += "<p class=\"warning\">\(HTMLReport.escape(missing))</p>\n"
        }
        out += "</body></html>\n"
        return out
    }

    /// Draws every canvas with a data-chart attribute; `window.reportCharts` counts the charts drawn and
    /// the points they hold (the browser test reads it), `window.reportErrors` any error.
    static let script = """
        window.reportErrors = [];
        window.addEventListener('error', e => window.reportErrors.push(String(e.message)));
        (function () {
          const D = JSON.parse(document.getElementById('report-data').textContent);
          const T = D.text;
          const palette = ['#2f6fde','#e4572e','#17a398','#f3a712','#8e44ad','#29335c','#a8c256','#db2763',
                           '#3d9970','#ff851b','#0074d9','#b10dc9','#85144b','#7fdbff','#39cccc','#01ff70'];
          const drawn = [];
          function make(id, config) {
            const canvas = document.getElementById('chart-' + id);
            if (!canvas) return;
            config.options = Object.assign({responsive: true, maintainAspectRatio: false, animation: false}, config.options || {});
            const chart = new Chart(canvas, config);
            const points = chart.data.datasets.reduce((n, d) => n + d.data.filter(v => v !== null && v !== undefined).length, 0);
            drawn.push({id: id, points: points});
          }
          function band(s, label, colour) {
            return [
              {label: T.band, data: s.upper, borderWidth: 0, pointRadius: 0, fill: false, tension: 0.2, backgroundColor: colour + '33'},
              {label: T.band + ' ', data: s.lower, borderWidth: 0, pointRadius: 0, fill: '-1', tension: 0.2, backgroundColor: colour + '33'},
              {label: label, data: s.mean, borderColor: colour, backgroundColor: colour, pointRadius: 3, tension: 0.2},
            ];
          }
          const legend = {labels: {filter: item => !item.text.startsWith(T.band) || item.text === T.band}};
          make('wait', {type: 'line', data: {labels: D.hours, datasets: band(D.wait, T.wait, '#2f6fde').concat([
              {label: T.target, data: D.hours.map(() => D.target), borderColor: '#e4572e', borderDash: [6, 4], pointRadius: 0}])},
            options: {plugins: {legend: legend}, scales: {x: {title: {display: true, text: T.hour}},
              y: {beginAtZero: true, title: {display: true, text: T.wait}}}}});
          make('sl', {type: 'line', data: {labels: D.hours, datasets: band(D.sl, T.sl, '#17a398')},
            options: {plugins: {legend: legend}, scales: {x: {title: {display: true, text: T.hour}},
              y: {min: 0, max: 100, title: {display: true, text: T.sl}}}}});
          make('queue', {type: 'line', data: {labels: D.hours, datasets: D.queue.names.map((n, i) => ({
              label: n, data: D.queue.series[i], borderColor: palette[i % palette.length],
              backgroundColor: palette[i % palette.length], pointRadius: 2, tension: 0.2}))},
            options: {scales: {x: {title: {display: true, text: T.hour}}, y: {beginAtZero: true, title: {display: true, text: T.queue}}}}});
          const H = D.hours.length;
          function heatColour(v) {
            if (v === null || v === undefined) return '#e4e7eb';
            const r = Math.round(255 * Math.min(1, 2 * v)), g = Math.round(220 * Math.min(1, 2 * (1 - v)));
            return 'rgb(' + r + ',' + g + ',70)';
          }
          // A heat map from stacked horizontal bars: one bar per window, one segment per hour.
          make('heat', {type: 'bar', data: {labels: D.heat.windows, datasets: D.hours.map((h, x) => ({
              label: h, data: D.heat.windows.map(() => 1),
              backgroundColor: D.heat.windows.map((_, y) => heatColour(D.heat.values[y][x])),
              borderWidth: 0, barPercentage: 1, categoryPercentage: 0.92}))},
            options: {indexAxis: 'y', plugins: {legend: {display: false}, tooltip: {callbacks: {label: c => {
                const v = D.heat.values[c.dataIndex][c.datasetIndex];
                return D.heat.windows[c.dataIndex] + ' ' + D.hours[c.datasetIndex] + ': ' + (v === null ? '–' : Math.round(100 * v) + ' %'); }}}},
              scales: {x: {stacked: true, min: 0, max: H, ticks: {stepSize: 1, callback: v => D.hours[v] || ''},
                         title: {display: true, text: T.hour}},
                       y: {stacked: true, ticks: {autoSkip: false}, title: {display: true, text: T.window}}}}});
          if (D.compare) {
            const colours = D.compare.significant.map((s, i) => !s ? '#9aa5b1' : (D.compare.means[i] < 0 ? '#2f6fde' : '#e4572e'));
            make('diff', {type: 'bar', data: {labels: D.compare.labels, datasets: [
                {label: T.band, data: D.compare.bars, backgroundColor: colours.map(c => c + '66'), borderColor: colours,
                 borderWidth: 1, barPercentage: 0.5},
                {type: 'scatter', label: T.diff, data: D.compare.means.map((m, i) => ({x: m, y: D.compare.labels[i]})),
                 backgroundColor: colours, pointRadius: 4}]},
              options: {indexAxis: 'y', scales: {x: {title: {display: true, text: T.diff}}, y: {type: 'category'}}}});
          }
          if (D.period) {
            make('period', {type: 'line', data: {labels: D.period.dates, datasets: [
                {label: T.backlog, data: D.period.backlog, borderColor: '#2f6fde', backgroundColor: '#2f6fde', pointRadius: 1},
                {label: T.overdue, data: D.period.overdue, borderColor: '#e4572e', backgroundColor: '#e4572e', pointRadius: 1}]},
              options: {scales: {x: {title: {display: true, text: T.date}}, y: {beginAtZero: true}}}});
          }
          Object.keys(D.lines || {}).sort().forEach(id => {
            const c = D.lines[id];
            const datasets = [];
            c.lines.forEach((l, i) => {
              const colour = l.colour || palette[i % palette.length];
              if (l.lower && l.upper) {
                datasets.push(
                  {label: T.band, data: l.upper, borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: colour + '26'},
                  {label: T.band + ' ', data: l.lower, borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: colour + '26'});
              }
              datasets.push(l.bar
                ? {type: 'bar', label: l.label, data: l.data, backgroundColor: colour + '99', borderColor: colour, borderWidth: 1,
                   barPercentage: 1, categoryPercentage: 0.9, order: 2}
                : {label: l.label, data: l.data, borderColor: colour, backgroundColor: colour, borderWidth: l.width,
                   borderDash: l.dashed ? [6, 4] : [], pointRadius: l.stepped ? 0 : 3, stepped: l.stepped ? 'middle' : false,
                   tension: 0, order: 1});
            });
            const y = {title: {display: true, text: c.y}};
            if (c.yMin !== undefined) y.min = c.yMin;
            if (c.yMax !== undefined) y.max = c.yMax;
            make(id, {type: 'line', data: {labels: c.labels, datasets: datasets},
              options: {plugins: {legend: {labels: {boxWidth: 14, font: {size: 11}, filter: (item, data) => !item.text.startsWith(T.band) ||
                  data.datasets.findIndex(d => d.label === T.band) === item.datasetIndex}}},
                scales: {x: {title: {display: true, text: c.x}}, y: y}}});
          });
          window.reportCharts = drawn;
        })();
        """
}
