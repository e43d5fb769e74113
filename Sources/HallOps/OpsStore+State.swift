import Foundation
import GRDB
import HallDomain
import HallSimulation

extension OpsStore {
    /// The hall now, as the simulator's `HallState` (the now-cast starts from it): today's waiting
    /// tickets, the tickets called or at a window, and the clerks signed in at open or paused windows.
    /// A ticket that names only its department gets its item drawn by the now-cast; a ticket transferred
    /// into a queue waits from its transfer. Staff ids the scenario's roster does not know stand at their
    /// window as unnamed clerks.
    public func hallState() throws -> HallState {
        let now = clock.now()
        let today = try tickets(on: now.date)
        var waiting: [HallState.Waiting] = []
        var serving: [HallState.Serving] = []
        var busy = Set<Int32>()
        for t in today {
            guard let d = departmentIndex[t.department] else { continue }
            let item = t.item.flatMap { itemIndex[$0] }
            switch t.state {
            case .waiting:
                let cls: TicketClass = t.priority ? .priority : (t.appointmentClass ? .appointment : .normal)
                waiting.append(
                    HallState.Waiting(
                        number: t.sequence, department: d, item: item, ticketClass: cls,
                        arrival: min(t.queuedAt, now.minute)))
            case .called, .started:
                guard let w = t.window.flatMap({ windowIndex[$0] }), busy.insert(w).inserted else { continue }
                serving.append(
                    HallState.Serving(
                        window: w, number: t.sequence, department: d, item: item, arrival: min(t.issuedAt, now.minute),
                        since: min(t.calledAt ?? now.minute, now.minute)))
            default: continue
            }
        }
        // When each clerk sat down at their window today: the first at-window record of their current
        // stay there (a later record at the same window, e.g. back from a pause, does not restart it).
        let seated: [Int32: (window: Int32, time: Double)] = try db.read { db in
            var out: [Int32: (window: Int32, time: Double)] = [:]
            for r in try Row.fetchAll(
                try db.cachedStatement(
                    sql: "SELECT staff, state, window, time FROM staff_log WHERE date = ? ORDER BY id"),
                arguments: [now.date.description])
            {
                let staff: Int32 = r["staff"]
                let window: Int32? = r["window"]
                if r["state"] == StaffState.atWindow.rawValue, let w = window {
                    if out[staff]?.window != w { out[staff] = (w, r["time"]) }
                } else {
                    out[staff] = nil
                }
            }
            return out
        }
        var staffed: [HallState.Staffed] = []
        for w in try windows() where w.status == .open || w.status == .paused || busy.contains(windowIndex[w.id] ?? -1)
        {
            guard let wi = windowIndex[w.id], w.clerk != nil || busy.contains(wi) else { continue }
            // A paused window finishes its applicant and calls nobody: its clerk is away.
            if w.status == .paused && !busy.contains(wi) { continue }
            let clerk = w.clerk.flatMap { staffIndex[$0] }
            let since = clerk.flatMap { c in seated[c].flatMap { $0.window == wi ? min($0.time, now.minute) : nil } }
            staffed.append(HallState.Staffed(window: wi, clerk: clerk, since: since))
        }
        let next = (today.map(\.sequence).max() ?? 0) + 1
        return HallState(
            minute: min(max(now.minute, 0), 24 * 60 - 1e-6), waiting: waiting, serving: serving, staffed: staffed,
            nextNumber: next)
    }
}
