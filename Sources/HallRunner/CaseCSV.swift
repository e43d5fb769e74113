import Foundation
import HallDomain
import HallMetrics

/// CSV renderings of case records (columns documented in docs/event-log.md).
public enum CaseCSV {
    public static let caseHeader =
        "replication,case,item,department,joint,status,from_backlog,first_visit,visits,accepted,deadline,suspended_wd,decided,lead_time_wd,on_time,delivery,collected,archive_by,steps"
    public static let stepHeader =
        "replication,case,department,step,arrived,visible,start,end,work_min,arrived_min,visible_min,start_min,end_min"
    public static let dailyHeader =
        "replication,date,weekday,open,arrivals,accepted,decided,done_at_window,backlog,overdue,"
        + "wait_mean_min,wait_p90_min,sl_share,abandoned_fraction"

    static func stamp(_ s: Stamp?) -> String { s.map(\.description) ?? "" }

    /// One row per case; `steps` lists each department's steps as department:step@start→end.
    public static func cases(_ logs: [(Int, RecordLog)], scenario: Scenario) -> String {
        let c = scenario.catalogue
        let joint = Dictionary(
            scenario.items.map { ($0.id, $0.joint.joined(separator: "+")) }, uniquingKeysWith: { a, _ in a })
        var out = caseHeader + "\n"
        for (rep, log) in logs {
            let steps = Dictionary(grouping: log.steps, by: \.caseNumber)
            for r in log.cases.sorted(by: { $0.caseNumber < $1.caseNumber }) {
                let item = c.items[Int(r.item)]
                let trail = (steps[r.caseNumber] ?? []).sorted {
                    ($0.arrived, $0.department) < ($1.arrived, $1.department)
                }.map {
                    "\(c.departments[Int($0.department)]):\($0.step.rawValue)@\(stamp($0.start))→\(stamp($0.end))"
                }.joined(separator: "; ")
                let fields: [String] = [
                    "\(rep)", "\(r.caseNumber)", item, c.departments[Int(r.department)], joint[item] ?? "",
                    r.status.rawValue,
                    r.fromBacklog ? "1" : "0", stamp(r.firstVisit), "\(r.visits)", stamp(r.accepted),
                    r.deadline?.description ?? "",
                    "\(r.suspendedDays)", stamp(r.decided), r.leadTimeWorkingDays.map(String.init) ?? "",
                    r.onTime.map { $0 ? "1" : "0" } ?? "", r.delivery?.rawValue ?? "", stamp(r.collected),
                    r.archived?.description ?? "", "\"\(trail)\"",
                ]
                out += fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    public static func steps(_ logs: [(Int, RecordLog)], catalogue c: Catalogue) -> String {
        var out = stepHeader + "\n"
        for (rep, log) in logs {
            for s in log.steps.sorted(by: {
                ($0.caseNumber, $0.arrived, $0.department) < ($1.caseNumber, $1.arrived, $1.department)
            }) {
                out +=
                    "\(rep),\(s.caseNumber >= 0 ? "\(s.caseNumber)" : ""),\(c.departments[Int(s.department)]),\(s.step.rawValue),\(stamp(s.arrived)),\(stamp(s.visible)),"
                out += "\(stamp(s.start)),\(stamp(s.end)),\(EventLogCSV.num(s.work)),"
                // The same instants as minutes of their day, at tickets.csv's precision.
                out +=
                    "\(EventLogCSV.num(s.arrived.minute)),\(EventLogCSV.num(s.visible.minute)),\(EventLogCSV.num(s.start?.minute)),\(EventLogCSV.num(s.end?.minute))\n"
            }
        }
        return out
    }

    /// Per replication and date: front-desk arrivals and the back office's flow and stock.
    public static func daily(_ periods: [PeriodKPIs]) -> String {
        let names = ["", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        var out = dailyHeader + "\n"
        for (rep, p) in periods.enumerated() {
            for d in p.daily {
                out +=
                    "\(rep),\(d.date),\(names[d.date.weekday]),\(d.open ? 1 : 0),\(d.arrivals),\(d.accepted),\(d.decided),\(d.doneAtWindow),\(d.backlog),\(d.overdue),"
                    + "\(EventLogCSV.num(d.waitMean)),\(EventLogCSV.num(d.waitP90)),\(EventLogCSV.num(d.serviceLevel)),\(EventLogCSV.num(d.abandoned))\n"
            }
        }
        return out
    }
}
