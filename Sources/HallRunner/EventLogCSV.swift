import Foundation
import HallDomain

/// CSV renderings of the event log (columns documented in docs/event-log.md).
public enum EventLogCSV {
    public static let ticketHeader =
        "replication,ticket,source,channel,item,department,priority,arrival_min,arrival_clock,call_min,service_start_min,service_end_min,end_min,wait_min,window,outcome"
    public static let windowHeader = "replication,time_min,window,state,ticket,staff"
    public static let staffHeader = "replication,time_min,staff,kind,state,window"
    public static let queueHeader = "replication,time_min,department,waiting"

    static func num(_ x: Double?) -> String {
        guard let x else { return "" }
        return String(format: "%.4f", x)
    }

    /// A run over dates: the run's dates and the date index of each record, one entry per log.
    public typealias Dated = (dates: [CivilDate], day: [Int32])

    /// "replication," or "replication,date," for a dated row.
    static func prefix(_ rep: Int, _ dated: Dated?, _ i: Int) -> String {
        guard let dated else { return "\(rep)," }
        return "\(rep),\(dated.dates[Int(dated.day[i])]),"
    }

    /// A catalogue name, or empty where the record names none (-1: a real hall's ticket taken for a
    /// department without choosing an item).
    static func name(_ names: [String], _ index: Int32) -> String {
        names.indices.contains(Int(index)) ? names[Int(index)] : ""
    }

    static func header(_ h: String, dated: Bool, extra: String = "") -> String {
        (dated ? h.replacingOccurrences(of: "replication,", with: "replication,date,") + extra : h) + "\n"
    }

    public static func tickets(_ logs: [(Int, [TicketRecord])], catalogue c: Catalogue, dated: [Dated]? = nil) -> String
    {
        var out = header(ticketHeader, dated: dated != nil, extra: ",visit,case")
        for (k, (rep, rows)) in logs.enumerated() {
            let d = dated?[k]
            let order = rows.indices.sorted { (d?.day[$0] ?? 0, rows[$0].ticket) < (d?.day[$1] ?? 0, rows[$1].ticket) }
            for i in order {
                let r = rows[i]
                var fields: [String] = [
                    "\(r.ticket)", name(c.profiles, r.source), r.channel.rawValue, name(c.items, r.item),
                    c.departments[Int(r.department)], r.priority ? "1" : "0", num(r.arrival),
                    ClockTime.format(r.arrival, seconds: true),
                    num(r.call), num(r.serviceStart), num(r.serviceEnd), num(r.end), num(r.wait),
                    r.window.map { c.windows[Int($0)] } ?? "", r.outcome.rawValue,
                ]
                if d != nil { fields += [r.visit.rawValue, r.caseNumber.map(String.init) ?? ""] }
                out += prefix(rep, d, i) + fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    public static func windows(_ logs: [(Int, [WindowRecord])], catalogue c: Catalogue, dated: [Dated]? = nil) -> String
    {
        var out = header(windowHeader, dated: dated != nil)
        for (k, (rep, rows)) in logs.enumerated() {
            for (i, r) in rows.enumerated() {
                out +=
                    prefix(rep, dated?[k], i)
                    + "\(num(r.time)),\(c.windows[Int(r.window)]),\(r.state.rawValue),\(r.ticket.map(String.init) ?? ""),\(r.staff.map { c.staff[Int($0)] } ?? "")\n"
            }
        }
        return out
    }

    public static func staff(_ logs: [(Int, [StaffRecord])], catalogue c: Catalogue, dated: [Dated]? = nil) -> String {
        var out = header(staffHeader, dated: dated != nil)
        for (k, (rep, rows)) in logs.enumerated() {
            for (i, r) in rows.enumerated() {
                out +=
                    prefix(rep, dated?[k], i)
                    + "\(num(r.time)),\(c.staff[Int(r.staff)]),\(c.staffKind[Int(r.staff)].rawValue),\(r.state.rawValue),\(r.window.map { c.windows[Int($0)] } ?? "")\n"
            }
        }
        return out
    }

    public static func queues(_ logs: [(Int, [QueueRecord])], catalogue c: Catalogue, dated: [Dated]? = nil) -> String {
        var out = header(queueHeader, dated: dated != nil)
        for (k, (rep, rows)) in logs.enumerated() {
            for (i, r) in rows.enumerated() {
                out += prefix(rep, dated?[k], i) + "\(num(r.time)),\(c.departments[Int(r.department)]),\(r.waiting)\n"
            }
        }
        return out
    }
}
