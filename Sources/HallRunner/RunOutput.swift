import Foundation
import HallDomain
import HallMetrics
import HallRandom

extension ExperimentResult {
    /// The files of a run: summary.json, report.md, report.html (in `lang`) and, for the replications
    /// whose logs were kept, tickets.csv, windows.csv and queues.csv.
    public func files(sourceFile: String? = nil, lang: ReportLanguage = .zh) throws -> [(name: String, data: Data)] {
        let s = summary
        var files: [(String, Data)] = [
            ("summary.json", try s.json()),
            ("report.md", Data(Report.markdown(s, scenario: scenario, sourceFile: sourceFile).utf8)),
            ("report.html", Data(HTMLReport.run(self, sourceFile: sourceFile, lang: lang).utf8)),
            ("replications.csv", Data(ReplicationsCSV.csv(self).utf8)),
        ]
        let kept = logs.enumerated().compactMap { i, l in l.map { (i, $0) } }
        if let cases { files.append(("daily.csv", Data(CaseCSV.daily(cases).utf8))) }
        if !kept.isEmpty {
            let c = scenario.catalogue
            let multiDay = scenario.period != nil
            func dated(_ day: (RecordLog) -> [Int32]) -> [EventLogCSV.Dated]? {
                multiDay ? kept.map { ($0.1.dates, day($0.1)) } : nil
            }
            files.append(
                (
                    "tickets.csv",
                    Data(
                        EventLogCSV.tickets(kept.map { ($0.0, $0.1.tickets) }, catalogue: c, dated: dated(\.ticketDay))
                            .utf8)
                ))
            files.append(
                (
                    "windows.csv",
                    Data(
                        EventLogCSV.windows(kept.map { ($0.0, $0.1.windows) }, catalogue: c, dated: dated(\.windowDay))
                            .utf8)
                ))
            files.append(
                (
                    "queues.csv",
                    Data(
                        EventLogCSV.queues(kept.map { ($0.0, $0.1.queues) }, catalogue: c, dated: dated(\.queueDay))
                            .utf8)
                ))
            if !c.staff.isEmpty {
                files.append(
                    (
                        "staff.csv",
                        Data(
                            EventLogCSV.staff(kept.map { ($0.0, $0.1.staff) }, catalogue: c, dated: dated(\.staffDay))
                                .utf8)
                    ))
            }
            if scenario.hasStages {
                files.append(
                    (
                        "stages.csv",
                        Data(
                            EventLogCSV.stages(
                                kept.map { ($0.0, $0.1.stages) }, catalogue: c, dated: dated(\.stageDay)
                            ).utf8)
                    ))
            }
            if !scenario.appointments.isEmpty {
                files.append(("bookings.csv", Data(bookingsCSV(kept).utf8)))
            }
            if multiDay {
                files.append(("cases.csv", Data(CaseCSV.cases(kept, scenario: scenario).utf8)))
                files.append(("steps.csv", Data(CaseCSV.steps(kept, catalogue: c).utf8)))
            }
        }
        return files
    }

    /// bookings.csv of the kept replications: every slot before the day's last closing booked full on
    /// every day the hall was open (`Scenario.fullBookings(periods:)`).
    func bookingsCSV(_ kept: [(Int, RecordLog)]) -> String {
        guard let period = scenario.period else {
            return EventLogCSV.bookings(kept.map { ($0.0, scenario.fullBookings) }, scenario: scenario)
        }
        var logs: [(Int, [BookingRecord])] = []
        var dated: [EventLogCSV.Dated] = []
        for (rep, log) in kept {
            var rows: [BookingRecord] = []
            var day: [Int32] = []
            for (i, d) in log.dates.enumerated() {
                guard let hallDay = try? period.hallDay(d, regular: scenario.day.periods) else { continue }
                let full = scenario.fullBookings(periods: hallDay.periods)
                rows += full
                day += Array(repeating: Int32(i), count: full.count)
            }
            logs.append((rep, rows))
            dated.append((log.dates, day))
        }
        return EventLogCSV.bookings(logs, scenario: scenario, dated: dated)
    }
}

/// A short report for a hall manager, in Markdown.
public enum Report {
    /// Enough decimals to show a half-width with two significant digits (1 to 4).
    static func decimals(halfWidth hw: Double) -> Int {
        hw > 0 ? max(1, min(4, 1 - Int(log10(hw).rounded(.down)))) : 1
    }

    static func fmt(_ f: Estimate?, digits: Int = 1, percent: Bool = false) -> String {
        guard let f, let m = f.mean else { return "–" }
        let scale = percent ? 100.0 : 1.0
        let v = String(format: "%.\(digits)f", m * scale)
        guard let h = f.halfWidth else { return v + (percent ? " %" : "") }
        return v + " ± " + String(format: "%.\(digits)f", h * scale) + (percent ? " %" : "")
    }

    public static func markdown(_ s: Summary, scenario: Scenario, sourceFile: String?) -> String {
        var out = "# \(s.scenario)\n\n"
        if let sourceFile { out += "Scenario file: `\(sourceFile)`. " }
        out +=
            "\(s.replications) replications, seed \(s.seed); figures are means ± 95 % half-widths over replications. "
        out += "Waiting target: \(String(format: "%g", s.waitTargetMinutes)) min.\n\n"
        out += "## The day\n\n| figure | value |\n|---|---|\n"
        let o = s.overall
        out += "| applicants | \(fmt(o[.arrivals], digits: 0)) |\n"
        out += "| served at a window | \(fmt(o[.served], digits: 0)) |\n"
        out +=
            "| left without service (reneged, balked, absent when called, unserved) | \(fmt(o[.abandonedFraction], percent: true)) |\n"
        out += "| mean wait (min) | \(fmt(o[.waitMean])) |\n"
        out += "| 90th percentile wait (min) | \(fmt(o[.waitP90])) |\n"
        out +=
            "| called within \(String(format: "%g", s.waitTargetMinutes)) min | \(fmt(o[.serviceLevel], percent: true)) |\n"
        out +=
            "| called tickets that waited over \(String(format: "%g", s.waitTargetMinutes)) min (share of those called) | \(fmt(o[.calledOverTarget], percent: true)) |\n"
        out += "| one-time notices (share of served) | \(fmt(o[.noticeFraction], percent: true)) |\n"
        out += "| mean tickets waiting | \(fmt(o[.queueMean])) |\n"
        out += "| minutes open after closing time | \(fmt(o[.overtime])) |\n"
        // The stages before the ticket, where the hall has them (their visitors who left there are not
        // among the applicants above).
        if scenario.guideDesk != nil {
            out +=
                "| guide desk (咨询/导引): visits / only consulted | \(fmt(o[.guideVisits], digits: 0)) / \(fmt(o[.consultOnly], digits: 0)) |\n"
            out +=
                "| guide desk: mean wait for a clerk (min); back-office minutes of referred questions | \(fmt(o[.guideWaitMean], digits: 2)); \(fmt(o[.referralMinutes], digits: 0)) |\n"
        }
        if scenario.selfService != nil {
            out +=
                "| self-service terminals: visits / finished there | \(fmt(o[.terminalVisits], digits: 0)) / \(fmt(o[.selfServed], digits: 0)) |\n"
            out +=
                "| self-service terminals: mean wait for a terminal (min) | \(fmt(o[.terminalWaitMean], digits: 2)) |\n"
        }
        out += "\n"
        out +=
            "## Departments\n\n| department | applicants | mean wait (min) | p90 wait (min) | within target | left |\n|---|---|---|---|---|---|\n"
        for d in scenario.departments {
            let f = s.departments[d.id] ?? KPIFigures()
            out +=
                "| \(d.name) (\(d.id)) | \(fmt(f[.arrivals], digits: 0)) | \(fmt(f[.waitMean])) | \(fmt(f[.waitP90])) | \(fmt(f[.serviceLevel], percent: true)) | \(fmt(f[.abandonedFraction], percent: true)) |\n"
        }
        out +=
            "\n## Hour of arrival\n\n| hour | applicants | mean wait (min) | p90 wait (min) | within target |\n|---|---|---|---|---|\n"
        for h in s.hours.keys.sorted() {
            let f = s.hours[h]!
            out +=
                "| \(h) | \(fmt(f[.arrivals], digits: 0)) | \(fmt(f[.waitMean])) | \(fmt(f[.waitP90])) | \(fmt(f[.serviceLevel], percent: true)) |\n"
        }
        out += "\n## Staff\n\n| figure | value |\n|---|---|\n"
        out += "| staff-hours at the front desk | \(fmt(o[.staffHours])) |\n"
        out += "| staff utilisation | \(fmt(o[.staffUtilisation], percent: true)) |\n"
        out +=
            "| window-minutes closed during opening hours (absence, no cover, breaks) | \(fmt(o[.closedWindowMinutes], digits: 0)) |\n"
        if !scenario.tidal.isEmpty {
            out += "| tidal window openings | \(fmt(o[.tidalOpenings])) |\n"
            out += "| tidal window minutes open | \(fmt(o[.tidalOpenMinutes], digits: 0)) |\n"
            out += "| back-office minutes lost to tidal windows | \(fmt(o[.backOfficeMinutesLost], digits: 0)) |\n"
        }
        out += "| applicants nobody was left to call | \(fmt(o[.unserved])) |\n"
        out += "\n## Windows (hot and cold)\n\n| window | utilisation |\n|---|---|\n"
        for w in scenario.physicalWindows.map(\.name) {
            out += "| \(w) | \(fmt(s.windows[w]?.utilisation, percent: true)) |\n"
        }
        out +=
            "\nSpread of utilisation across windows: max − min \(fmt(s.utilisationSpread.maxMinusMin, percent: true)), "
        out += "coefficient of variation \(fmt(s.utilisationSpread.cv, digits: 2)).\n"
        if let p = s.period { out += backOffice(s, p, scenario: scenario) }
        return out
    }

    static func backOffice(_ s: Summary, _ p: Summary.PeriodInfo, scenario: Scenario) -> String {
        let o = s.overall
        var out = "\n## Cases over the period\n\n"
        out +=
            "\(p.start) to \(p.end), \(p.openDays) open days on the \(p.calendar) calendar. Front-desk figures above are per open day; "
        out += "the figures below are per run. Deadlines count working days (docs/back-office.md).\n\n"
        out += "| figure | value |\n|---|---|\n"
        out += "| cases opened | \(fmt(o[.cases], digits: 0)) |\n"
        out += "| cases accepted | \(fmt(o[.accepted], digits: 0)) |\n"
        out += "| cases decided by the back office | \(fmt(o[.decided], digits: 0)) |\n"
        // Rows of the outcome policies a scenario uses (docs/back-office.md).
        if scenario.items.contains(where: { $0.rejectedShare > 0 }) {
            out += "| not accepted at the window (不予受理), per open day | \(fmt(o[.rejected], digits: 1)) |\n"
        }
        if scenario.items.contains(where: { $0.refusedShare > 0 || $0.correction != nil }) {
            out += "| of the decisions, refusals (不予许可) | \(fmt(o[.refusedCases], digits: 0)) |\n"
        }
        if scenario.items.contains(where: { $0.deferred != nil }) {
            out +=
                "| ended without a decision: deferred document never came (终结) | \(fmt(o[.terminatedCases], digits: 1)) |\n"
        }
        out += "| on time (按时办结率) | \(fmt(o[.onTimeRate], percent: true)) |\n"
        out += "| mean lead time (working days) | \(fmt(o[.leadTimeMean], digits: 2)) |\n"
        out += "| 90th percentile lead time (working days) | \(fmt(o[.leadTimeP90], digits: 2)) |\n"
        out +=
            "| past their deadline (decided late, or still open at the end) | \(fmt(o[.overdueCases], digits: 1)) |\n"
        out += "| backlog at the end | \(fmt(o[.backlogEnd], digits: 1)) |\n"
        out += "| visits per case | \(fmt(o[.visitsPerCase], digits: 3)) |\n"
        out += "| done in one visit (一次办成率) | \(fmt(o[.doneInOneVisitRate], percent: true)) |\n"
        out += "| gave up after a one-time notice | \(fmt(o[.gaveUpRate], percent: true)) |\n"
        out +=
            "| review wait, mean / p90 (back-office working minutes) | \(fmt(o[.reviewWaitMean])) / \(fmt(o[.reviewWaitP90])) |\n"
        out +=
            "| approval wait, mean / p90 (back-office working minutes) | \(fmt(o[.approvalWaitMean])) / \(fmt(o[.approvalWaitP90])) |\n"
        let reviewing = Set(scenario.backOffice?.departments.map(\.department) ?? [])
        out +=
            "\n| department | accepted | decided | on time | mean lead (wd) | p90 lead (wd) | overdue | backlog | one visit |\n|---|---|---|---|---|---|---|---|---|\n"
        for d in scenario.departments where reviewing.contains(d.id) {
            let f = s.departments[d.id] ?? KPIFigures()
            out +=
                "| \(d.name) (\(d.id)) | \(fmt(f[.accepted], digits: 0)) | \(fmt(f[.decided], digits: 0)) | \(fmt(f[.onTimeRate], percent: true)) | "
            out +=
                "\(fmt(f[.leadTimeMean], digits: 2)) | \(fmt(f[.leadTimeP90], digits: 1)) | \(fmt(f[.overdueCases])) | \(fmt(f[.backlogEnd])) | \(fmt(f[.doneInOneVisitRate], percent: true)) |\n"
        }
        return out
    }
}
