import Foundation
import HallDomain

/// CSV renderings of the event log (columns documented in docs/event-log.md).
public enum EventLogCSV {
    public static let ticketHeader = "replication,ticket,source,channel,item,department,priority,arrival_min,arrival_clock,call_min,service_start_min,service_end_min,end_min,wait_min,window,outcome"
    public static let windowHeader = "replication,time_min,window,state,ticket,staff"
    public static let staffHeader = "replication,time_min,staff,kind,state,window"
    public static let queueHeader = "replication,time_min,department,waiting"

    static func num(_ x: Double?) -> String {
        guard let x else { return "" }
        return String(format: "%.4f", x)
    }

    public static func tickets(_ logs: [(Int, [TicketRecord])], catalogue c: Catalogue) -> String {
        var out = ticketHeader + "\n"
        for (rep, rows) in logs {
            for r in rows.sorted(by: { $0.ticket < $1.ticket }) {
                let fields: [String] = [
                    "\(rep)", "\(r.ticket)", c.profiles[Int(r.profile)], r.channel.rawValue, c.items[Int(r.item)],
                    c.departments[Int(r.department)], r.priority ? "1" : "0", num(r.arrival), ClockTime.format(r.arrival, seconds: true),
                    num(r.call), num(r.serviceStart), num(r.serviceEnd), num(r.end), num(r.wait),
                    r.window.map { c.windows[Int($0)] } ?? "", r.outcome.rawValue,
                ]
                out += fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    public static func windows(_ logs: [(Int, [WindowRecord])], catalogue c: Catalogue) -> String {
        var out = windowHeader + "\n"
        for (rep, rows) in logs {
            for r in rows {
                out += "\(rep),\(num(r.time)),\(c.windows[Int(r.window)]),\(r.state.rawValue),\(r.ticket.map(String.init) ?? ""),\(r.staff.map { c.staff[Int($0)] } ?? "")\n"
            }
        }
        return out
    }

    public static func staff(_ logs: [(Int, [StaffRecord])], catalogue c: Catalogue) -> String {
        var out = staffHeader + "\n"
        for (rep, rows) in logs {
            for r in rows {
                out += "\(rep),\(num(r.time)),\(c.staff[Int(r.staff)]),\(c.staffKind[Int(r.staff)].rawValue),\(r.state.rawValue),\(r.window.map { c.windows[Int($0)] } ?? "")\n"
            }
        }
        return out
    }

    public static func queues(_ logs: [(Int, [QueueRecord])], catalogue c: Catalogue) -> String {
        var out = queueHeader + "\n"
        for (rep, rows) in logs {
            for r in rows { out += "\(rep),\(num(r.time)),\(c.departments[Int(r.department)]),\(r.waiting)\n" }
        }
        return out
    }
}

/// Writes a set of files into a directory so that either all appear or none do: each is written
/// to a staging directory beside the target first, then moved into place.
public enum AtomicOutput {
    public static func write(_ files: [(name: String, data: Data)], to dir: URL) throws {
        let fm = FileManager.default
        let parent = dir.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(dir.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: staging) }
        for f in files { try f.data.write(to: staging.appendingPathComponent(f.name)) }
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in files {
            let target = dir.appendingPathComponent(f.name)
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            try fm.moveItem(at: staging.appendingPathComponent(f.name), to: target)
        }
    }
}
