import Foundation
import HallDomain

/// CSV renderings of the event log (columns documented in docs/event-log.md).
public enum EventLogCSV {
    public static let ticketHeader =
        "replication,ticket,source,channel,item,department,priority,arrival_min,arrival_clock,call_min,service_start_min,service_end_min,end_min,wait_min,window,outcome"
    public static let windowHeader = "replication,time_min,window,state,ticket,staff"
    public static let staffHeader = "replication,time_min,staff,kind,state,window"
    public static let queueHeader = "replication,time_min,department,waiting"
    public static let bookingHeader = "replication,block,item,slot_min,slot_clock,booked"
    public static let stageHeader =
        "replication,stage,item,department,arrival_min,start_min,end_min,wait_min,outcome,referral_back_office_min"

    static func num(_ x: Double?) -> String {
        guard let x else { return "" }
        return String(format: "%.4f", x)
    }

    /// A run over dates: the run's dates and the date index of each record, one entry per log.
    public typealias Dated = (dates: [CivilDate], day: [Int32])

    /// A catalogue name, or empty where the record names none (-1: a real hall's ticket taken for a
    /// department without choosing an item).
    static func name(_ names: [String], _ index: Int32) -> String {
        names.indices.contains(Int(index)) ? names[Int(index)] : ""
    }

    static func header(_ h: String, dated: Bool, extra: String = "") -> String {
        (dated ? h.replacingOccurrences(of: "replication,", with: "replication,date,") + extra : h) + "\n"
    }

    /// Writes "replication," or "replication,date," for row i of a log.
    static func prefix(_ out: CSVText, _ rep: Int, _ dates: [String]?, _ day: [Int32]?, _ i: Int) {
        out.int(rep)
        out.comma()
        if let dates, let day {
            out.text(dates[Int(day[i])])
            out.comma()
        }
    }

    public static func tickets(_ logs: [(Int, [TicketRecord])], catalogue c: Catalogue, dated: [Dated]? = nil) -> String
    {
        let out = CSVText(capacity: 160 * logs.reduce(0) { $0 + $1.1.count } + 256)
        // The booked slot comes last (after a dated run's visit and case): older readers keep their columns.
        out.text(String(header(ticketHeader, dated: dated != nil, extra: ",visit,case").dropLast()) + ",slot_min\n")
        let names = CSVText.Names(c)
        for (k, (rep, rows)) in logs.enumerated() {
            let d = dated?[k]
            let dates = d?.dates.map(\.description)
            // By date, then ticket number: one integer key per row.
            var order = rows.indices.map { i in
                ((Int64(d?.day[i] ?? 0) << 32) | (Int64(rows[i].ticket) - Int64(Int32.min)), i)
            }
            order.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            for (_, i) in order {
                let r = rows[i]
                prefix(out, rep, dates, d?.day, i)
                out.int(Int(r.ticket))
                out.comma()
                out.name(names.profiles, r.source)
                out.comma()
                out.text(r.channel.rawValue)
                out.comma()
                out.name(names.items, r.item)
                out.comma()
                out.name(names.departments, r.department)
                out.comma()
                out.text(r.priority ? "1" : "0" as StaticString)
                out.comma()
                out.fixed4(r.arrival)
                out.comma()
                out.clock(r.arrival)
                out.comma()
                out.fixed4(r.call)
                out.comma()
                out.fixed4(r.serviceStart)
                out.comma()
                out.fixed4(r.serviceEnd)
                out.comma()
                out.fixed4(r.end)
                out.comma()
                out.fixed4(r.wait)
                out.comma()
                if let w = r.window { out.name(names.windows, w) }
                out.comma()
                out.text(r.outcome.rawValue)
                if d != nil {
                    out.comma()
                    out.text(r.visit.rawValue)
                    out.comma()
                    if let n = r.caseNumber { out.int(Int(n)) }
                }
                out.comma()
                out.fixed4(r.slot)
                out.newline()
            }
        }
        return out.string
    }

    public static func windows(_ logs: [(Int, [WindowRecord])], catalogue c: Catalogue, dated: [Dated]? = nil) -> String
    {
        let out = CSVText(capacity: 48 * logs.reduce(0) { $0 + $1.1.count } + 256)
        out.text(header(windowHeader, dated: dated != nil))
        let names = CSVText.Names(c)
        for (k, (rep, rows)) in logs.enumerated() {
            let dates = dated?[k].dates.map(\.description)
            for (i, r) in rows.enumerated() {
                prefix(out, rep, dates, dated?[k].day, i)
                out.fixed4(r.time)
                out.comma()
                out.name(names.windows, r.window)
                out.comma()
                out.text(r.state.rawValue)
                out.comma()
                if let t = r.ticket { out.int(Int(t)) }
                out.comma()
                if let s = r.staff { out.name(names.staff, s) }
                out.newline()
            }
        }
        return out.string
    }

    public static func staff(_ logs: [(Int, [StaffRecord])], catalogue c: Catalogue, dated: [Dated]? = nil) -> String {
        let out = CSVText(capacity: 48 * logs.reduce(0) { $0 + $1.1.count } + 256)
        out.text(header(staffHeader, dated: dated != nil))
        for (k, (rep, rows)) in logs.enumerated() {
            let dates = dated?[k].dates.map(\.description)
            for (i, r) in rows.enumerated() {
                prefix(out, rep, dates, dated?[k].day, i)
                out.fixed4(r.time)
                out.comma()
                out.text(c.staff[Int(r.staff)])
                out.comma()
                out.text(c.staffKind[Int(r.staff)].rawValue)
                out.comma()
                out.text(r.state.rawValue)
                out.comma()
                if let w = r.window { out.text(c.windows[Int(w)]) }
                out.newline()
            }
        }
        return out.string
    }

    /// stages.csv: one row per visit to the guide desk or a terminal (halls that have them).
    public static func stages(_ logs: [(Int, [StageRecord])], catalogue c: Catalogue, dated: [Dated]? = nil) -> String {
        let out = CSVText(capacity: 80 * logs.reduce(0) { $0 + $1.1.count } + 256)
        out.text(header(stageHeader, dated: dated != nil))
        for (k, (rep, rows)) in logs.enumerated() {
            let dates = dated?[k].dates.map(\.description)
            for (i, r) in rows.enumerated() {
                prefix(out, rep, dates, dated?[k].day, i)
                out.text(r.stage.rawValue)
                out.comma()
                out.text(c.items[Int(r.item)])
                out.comma()
                out.text(c.departments[Int(r.department)])
                for x in [r.arrival, r.start, r.end, r.wait] {
                    out.comma()
                    out.fixed4(x)
                }
                out.comma()
                out.text(r.outcome.rawValue)
                out.comma()
                out.fixed4(r.referralMinutes)
                out.newline()
            }
        }
        return out.string
    }

    public static func queues(_ logs: [(Int, [QueueRecord])], catalogue c: Catalogue, dated: [Dated]? = nil) -> String {
        let out = CSVText(capacity: 32 * logs.reduce(0) { $0 + $1.1.count } + 256)
        out.text(header(queueHeader, dated: dated != nil))
        let names = CSVText.Names(c)
        for (k, (rep, rows)) in logs.enumerated() {
            let dates = dated?[k].dates.map(\.description)
            for (i, r) in rows.enumerated() {
                prefix(out, rep, dates, dated?[k].day, i)
                out.fixed4(r.time)
                out.comma()
                out.name(names.departments, r.department)
                out.comma()
                out.int(Int(r.waiting))
                out.newline()
            }
        }
        return out.string
    }

    /// Appointments booked per slot (bookings.csv): what show-up is measured against.
    public static func bookings(_ logs: [(Int, [BookingRecord])], scenario: Scenario, dated: [Dated]? = nil) -> String {
        let out = CSVText(capacity: 48 * logs.reduce(0) { $0 + $1.1.count } + 256)
        out.text(header(bookingHeader, dated: dated != nil))
        let blocks = scenario.appointments
        for (k, (rep, rows)) in logs.enumerated() {
            let dates = dated?[k].dates.map(\.description)
            for (i, r) in rows.enumerated() {
                prefix(out, rep, dates, dated?[k].day, i)
                let b = blocks.indices.contains(Int(r.block)) ? blocks[Int(r.block)] : nil
                out.text(b?.id ?? "")
                out.comma()
                out.text(b?.item ?? "")
                out.comma()
                out.fixed4(r.slot)
                out.comma()
                out.clock(r.slot)
                out.comma()
                out.int(Int(r.booked))
                out.newline()
            }
        }
        return out.string
    }
}
