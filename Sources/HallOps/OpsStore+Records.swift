import Foundation
import GRDB
import HallDomain
import HallMetrics
import HallRunner

/// The stored day as the simulator's event log, its KPIs and the files `hallsim run` writes.
extension OpsStore {
    static func ticketRecord(_ r: Row, _ s: OpsStore) -> TicketRecord? {
        let state = TicketState(rawValue: r["state"])!
        let outcome: TicketOutcome
        switch state {
        case .waiting, .called, .started: return nil
        case .finished:
            switch FinishOutcome(rawValue: r["outcome"])! {
            case .accepted, .immediate: outcome = .served
            case .notice: outcome = .notice
            case .rejected: outcome = .rejected
            }
        case .noShow: outcome = .noShow
        case .transferred: outcome = .transferred
        case .cancelled: outcome = .reneged
        case .unserved: outcome = .unserved
        }
        let kind = TicketKind(rawValue: r["kind"])!
        let item: String? = r["item"]
        let department: String = r["department"]
        let called = outcome.wasCalled
        let served = outcome.isServed || outcome == .transferred
        let end: Double = r["ended_at"]
        let visit: VisitKind = kind == .returnVisit ? .return : (kind == .collection ? .collection : .first)
        return TicketRecord(
            ticket: r["sequence"], source: Int32(TicketKind.allCases.firstIndex(of: kind)!),
            item: item.flatMap { s.itemIndex[$0] } ?? -1, department: s.departmentIndex[department]!,
            channel: kind == .appointment ? .appointment : .walkIn, priority: r["priority"], arrival: r["queued_at"],
            call: called ? r["called_at"] : nil, serviceStart: served ? r["started_at"] : nil,
            serviceEnd: served ? end : nil,
            window: called ? (r["window"] as String?).flatMap { s.windowIndex[$0] } : nil,
            outcome: outcome, end: end, visit: visit,
            caseNumber: (r["case_number"] as Int64?).map { Int32(truncatingIfNeeded: $0) },
            slot: kind == .appointment ? r["appointment_slot"] : nil)
    }

    /// The event log of dates [from, to] in the simulator's schema (indices into `catalogue`): tickets
    /// that ended (segments), window, staff and queue records in the order they happened.
    public func records(from: CivilDate, to: CivilDate) throws -> RecordBuffer {
        try db.read { db in
            let buffer = RecordBuffer()
            let range: [DatabaseValueConvertible] = [from.description, to.description]
            for r in try Row.fetchAll(
                try db.cachedStatement(
                    sql: "SELECT * FROM tickets WHERE date BETWEEN ? AND ? ORDER BY date, ended_at, sequence"),
                arguments: StatementArguments(range))
            {
                if let t = Self.ticketRecord(r, self) { buffer.record(t) }
            }
            for r in try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM window_log WHERE date BETWEEN ? AND ? ORDER BY id"),
                arguments: StatementArguments(range))
            {
                buffer.record(
                    WindowRecord(
                        time: r["time"], window: r["window"], state: WindowState(rawValue: r["state"])!,
                        ticket: r["ticket"], staff: r["staff"]))
            }
            for r in try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM staff_log WHERE date BETWEEN ? AND ? ORDER BY id"),
                arguments: StatementArguments(range))
            {
                buffer.record(
                    StaffRecord(
                        time: r["time"], staff: r["staff"], state: StaffState(rawValue: r["state"])!,
                        window: r["window"]))
            }
            for r in try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM queue_log WHERE date BETWEEN ? AND ? ORDER BY id"),
                arguments: StatementArguments(range))
            {
                buffer.record(QueueRecord(time: r["time"], department: r["department"], waiting: r["waiting"]))
            }
            return buffer
        }
    }

    /// The opening hours of `date`: the period's hall day when the scenario's calendar covers it, else
    /// the scenario's day.
    func daySchedule(_ date: CivilDate) -> DaySchedule {
        if let p = scenario.period, let day = try? p.hallDay(date, regular: scenario.day.periods) {
            return DaySchedule(periods: day.periods, atBreak: scenario.day.atBreak)
        }
        return scenario.day
    }

    /// The day's KPIs by HallMetrics from the stored records (final once the day is closed; before,
    /// they cover the tickets that ended).
    public func dayKPIs(_ date: CivilDate) throws -> DayKPIs {
        let log = try records(from: date, to: date)
        let m = DayMetrics(
            catalogue: catalogue, day: daySchedule(date), waitTargetMinutes: scenario.waitTargetMinutes,
            warmupMinutes: 0)
        for r in log.staff { m.record(r) }
        for r in log.windows { m.record(r) }
        for r in log.queues { m.record(r) }
        for r in log.tickets { m.record(r) }
        return m.result()
    }

    /// summary.json's shape for one day (a single "replication", seed 0).
    public func summary(_ date: CivilDate) throws -> Summary {
        var s = scenario
        s.warmupMinutes = 0
        return Summary(scenario: s, seed: 0, days: [try dayKPIs(date)])
    }

    /// Case records (the simulator's schema) of every case.
    func caseRecords(_ db: Database) throws -> (cases: [CaseRecord], steps: [CaseStepRecord]) {
        var cases: [CaseRecord] = []
        for r in try Row.fetchAll(db, sql: "SELECT * FROM cases ORDER BY number") {
            let c = try caseValue(db, r)
            let status: CaseStatus =
                switch c.state {
                case .inReview, .suspended: .inReview
                case .decided, .delivered, .archived: .decided
                case .doneAtWindow: .doneAtWindow
                case .awaitingReturn: .awaitingReturn
                }
            let stopped = c.suspensions.compactMap {
                Self.stoppedDays($0, through: c.decided?.date ?? clock.now().date)
            }
            var suspended = 0
            if let cal = calendar {
                for s in stopped {
                    suspended +=
                        (try? cal.workingDays(after: s.lowerBound.adding(days: -1), through: s.upperBound)) ?? 0
                }
            }
            var lead: Int?
            if let a = c.accepted?.date, let d = c.decided?.date, status == .decided, let cal = calendar {
                lead = ((try? cal.workingDays(after: a, through: d)) ?? 0) - suspended
            }
            cases.append(
                CaseRecord(
                    caseNumber: Int32(truncatingIfNeeded: c.number), item: itemIndex[c.item] ?? -1,
                    department: departmentIndex[c.department] ?? -1, firstVisit: c.firstVisit, visits: c.visits,
                    accepted: c.accepted, deadline: c.committedDeadline, suspendedDays: suspended, decided: c.decided,
                    leadTimeWorkingDays: lead, delivery: c.delivery,
                    collected: c.delivery == .collect ? c.delivered : nil,
                    archived: c.archived, status: status))
        }
        var steps: [CaseStepRecord] = []
        for r in try Row.fetchAll(db, sql: "SELECT * FROM case_steps ORDER BY id") {
            let arrived = Self.decodeStamp(r["arrived"])!
            let done = Self.decodeStamp(r["done"])!
            steps.append(
                CaseStepRecord(
                    caseNumber: Int32(truncatingIfNeeded: r["case_number"] as Int64),
                    department: departmentIndex[r["department"] as String] ?? -1, step: StepKind(rawValue: r["step"])!,
                    arrived: arrived, visible: arrived, start: Self.decodeStamp(r["started"]) ?? done, end: done,
                    work: 0))
        }
        return (cases, steps)
    }

    /// Writes the files `hallsim run` writes (tickets.csv, windows.csv, queues.csv, staff.csv, cases.csv,
    /// steps.csv, daily.csv, bookings.csv, summary.json, report.md) for [from, to] into `directory`, whole or not at
    /// all. Files are dated (a `date` column) as a multi-day run's; summary.json has the front-desk KPIs
    /// with one "replication" per date and, with a calendar, the case KPIs over the dates.
    public func export(from: CivilDate, to: CivilDate, directory: URL) throws {
        guard from <= to else {
            throw OpsError(.invalid, "the export's first date \(from) is after its last \(to)", field: "from")
        }
        let dates = (from.ordinal...to.ordinal).map { CivilDate(ordinal: $0) }
        var log = RecordLog(tickets: [], windows: [], queues: [], staff: [])
        log.dates = dates
        var dayKPIs: [DayKPIs] = []
        var bookings: [BookingRecord] = []
        var bookingDay: [Int32] = []
        for (i, d) in dates.enumerated() {
            let booked = try bookingRecords(d)
            bookings += booked
            bookingDay += Array(repeating: Int32(i), count: booked.count)
            let b = try records(from: d, to: d)
            log.tickets += b.tickets
            log.ticketDay += Array(repeating: Int32(i), count: b.tickets.count)
            log.windows += b.windows
            log.windowDay += Array(repeating: Int32(i), count: b.windows.count)
            log.queues += b.queues
            log.queueDay += Array(repeating: Int32(i), count: b.queues.count)
            log.staff += b.staff
            log.staffDay += Array(repeating: Int32(i), count: b.staff.count)
            dayKPIs.append(try self.dayKPIs(d))
        }
        let (cases, steps) = try db.read { db in try caseRecords(db) }
        log.cases = cases
        log.steps = steps
        var s = scenario
        s.warmupMinutes = 0
        // Case KPIs over the exported dates (HallMetrics' CaseMetrics), as a run over dates reports them.
        var period: PeriodKPIs?
        var openDays = 0
        if s.period != nil {
            s.period!.start = from
            s.period!.end = to
            let caseMetrics = CaseMetrics(catalogue: catalogue, dates: dates)
            for r in cases { caseMetrics.record(r) }
            var arrivals: [CivilDate: Int] = [:]
            for (d, k) in zip(dates, dayKPIs) {
                let n = Int((k.overall[.arrivals] ?? 0) ?? 0)
                if n > 0 {
                    arrivals[d] = n
                    openDays += 1
                }
            }
            period = caseMetrics.result(arrivals: arrivals)
        }
        // Front-desk figures over the dates the hall had applicants (a closed day is no sample).
        let active = dayKPIs.filter { (($0.overall[.arrivals] ?? 0) ?? 0) > 0 }
        let summary = Summary(
            scenario: s, seed: 0, days: active.isEmpty ? [dayKPIs[0]] : active, cases: period.map { [$0] },
            openDays: period == nil ? nil : openDays)
        let c = catalogue
        let logs = [(0, log)]
        var files: [(name: String, data: Data)] = [
            ("summary.json", try summary.json()),
            ("report.md", Data(Report.markdown(summary, scenario: s, sourceFile: nil).utf8)),
            (
                "tickets.csv",
                Data(EventLogCSV.tickets([(0, log.tickets)], catalogue: c, dated: [(dates, log.ticketDay)]).utf8)
            ),
            (
                "windows.csv",
                Data(EventLogCSV.windows([(0, log.windows)], catalogue: c, dated: [(dates, log.windowDay)]).utf8)
            ),
            (
                "queues.csv",
                Data(EventLogCSV.queues([(0, log.queues)], catalogue: c, dated: [(dates, log.queueDay)]).utf8)
            ),
            ("staff.csv", Data(EventLogCSV.staff([(0, log.staff)], catalogue: c, dated: [(dates, log.staffDay)]).utf8)),
            ("cases.csv", Data(CaseCSV.cases(logs, scenario: scenario).utf8)),
            ("steps.csv", Data(CaseCSV.steps(logs, catalogue: c).utf8)),
        ]
        if let period { files.append(("daily.csv", Data(CaseCSV.daily([period]).utf8))) }
        if !scenario.appointments.isEmpty {
            files.append(
                (
                    "bookings.csv",
                    Data(
                        EventLogCSV.bookings([(0, bookings)], scenario: scenario, dated: [(dates, bookingDay)]).utf8)
                ))
        }
        try AtomicOutput.write(files, to: directory)
    }
}

/// Users, sessions, devices and the audit trail.
extension OpsStore {
    static func user(_ r: Row) -> OpsUser {
        OpsUser(
            id: r["id"], name: r["name"], role: Role(rawValue: r["role"])!, staffID: r["staff_id"],
            passwordHash: r["password_hash"], active: r["active"])
    }

    public func createUser(name: String, role: Role, passwordHash: String, staffID: String?, actor: OpsActor) throws
        -> OpsUser
    {
        guard !name.isEmpty, name.count <= 100 else {
            throw OpsError(.invalid, "a user name has 1 to 100 characters", field: "name")
        }
        guard !passwordHash.isEmpty else {
            throw OpsError(.invalid, "a user needs a password hash", field: "passwordHash")
        }
        if let s = staffID, staffIndex[s] == nil {
            throw OpsError(.invalid, "there is no staff member \(s) in the hall", field: "staffID")
        }
        return try db.write { db in
            if try Int64.fetchOne(try db.cachedStatement(sql: "SELECT id FROM users WHERE name = ?"), arguments: [name])
                != nil
            {
                throw OpsError(.conflict, "a user named \(name) exists", field: "name")
            }
            try db.cachedStatement(
                sql: "INSERT INTO users (name, role, staff_id, password_hash, active) VALUES (?, ?, ?, ?, 1)"
            ).execute(arguments: [name, role.rawValue, staffID, passwordHash])
            let id = db.lastInsertedRowID
            try audit(db, actor, "user.create", "user:\(id)", ["name": name, "role": role.rawValue])
            return Self.user(
                try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id])!)
        }
    }

    public func user(named name: String) throws -> OpsUser? {
        try db.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM users WHERE name = ?"), arguments: [name]).map(
                Self.user)
        }
    }
    public func user(id: Int64) throws -> OpsUser? {
        try db.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id]).map(
                Self.user)
        }
    }
    public func users() throws -> [OpsUser] {
        try db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY id").map(Self.user) }
    }
    public func setPassword(user id: Int64, passwordHash: String, actor: OpsActor) throws {
        try db.write { db in
            try db.cachedStatement(sql: "UPDATE users SET password_hash = ? WHERE id = ?").execute(arguments: [
                passwordHash, id,
            ])
            guard db.changesCount == 1 else { throw OpsError(.notFound, "there is no user \(id)") }
            try audit(db, actor, "user.password", "user:\(id)")
        }
    }
    public func setActive(user id: Int64, active: Bool, actor: OpsActor) throws {
        try db.write { db in
            try db.cachedStatement(sql: "UPDATE users SET active = ? WHERE id = ?").execute(arguments: [active, id])
            guard db.changesCount == 1 else { throw OpsError(.notFound, "there is no user \(id)") }
            try audit(db, actor, active ? "user.activate" : "user.deactivate", "user:\(id)")
        }
    }

    /// Key–value storage with expiry for sessions (a hummingbird-auth `PersistDriver` maps onto these):
    /// it survives a restart. `expires` is a Unix time in seconds, nil: never.
    public func persistSet(key: String, value: Data, expires: Double?) throws {
        try db.write { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO persist (key, value, expires) VALUES (?, ?, ?)")
                .execute(arguments: [key, value, expires])
        }
    }
    /// Fails with `.conflict` when the key exists and has not expired at `now`.
    public func persistCreate(key: String, value: Data, expires: Double?, now: Double) throws {
        try db.write { db in
            if let r = try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT expires FROM persist WHERE key = ?"), arguments: [key])
            {
                let e: Double? = r["expires"]
                if e == nil || e! > now { throw OpsError(.conflict, "key \(key) exists") }
            }
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO persist (key, value, expires) VALUES (?, ?, ?)")
                .execute(arguments: [key, value, expires])
        }
    }
    public func persistGet(key: String, now: Double) throws -> Data? {
        try db.read { db in
            guard
                let r = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT value, expires FROM persist WHERE key = ?"), arguments: [key])
            else { return nil }
            if let e: Double = r["expires"], e <= now { return nil }
            return r["value"]
        }
    }
    public func persistRemove(key: String) throws {
        try db.write { db in try db.cachedStatement(sql: "DELETE FROM persist WHERE key = ?").execute(arguments: [key])
        }
    }

    static func device(_ r: Row) -> OpsDevice {
        OpsDevice(id: r["id"], name: r["name"], kind: r["kind"], tokenHash: r["token_hash"], active: r["active"])
    }
    public func createDevice(name: String, kind: String, tokenHash: String, actor: OpsActor) throws -> OpsDevice {
        guard ["kiosk", "display", "rating_pad"].contains(kind) else {
            throw OpsError(.invalid, "a device is a kiosk, display or rating_pad", field: "kind")
        }
        guard !name.isEmpty, name.count <= 100 else {
            throw OpsError(.invalid, "a device name has 1 to 100 characters", field: "name")
        }
        return try db.write { db in
            if try Int64.fetchOne(
                try db.cachedStatement(sql: "SELECT id FROM devices WHERE name = ?"), arguments: [name]) != nil
            {
                throw OpsError(.conflict, "a device named \(name) exists", field: "name")
            }
            try db.cachedStatement(sql: "INSERT INTO devices (name, kind, token_hash, active) VALUES (?, ?, ?, 1)")
                .execute(arguments: [name, kind, tokenHash])
            let id = db.lastInsertedRowID
            try audit(db, actor, "device.create", "device:\(id)", ["name": name, "kind": kind])
            return Self.device(
                try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM devices WHERE id = ?"), arguments: [id])!)
        }
    }
    public func device(tokenHash: String) throws -> OpsDevice? {
        try db.read { db in
            try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT * FROM devices WHERE token_hash = ?"), arguments: [tokenHash]
            ).map(
                Self.device)
        }
    }
    public func setActive(device id: Int64, active: Bool, actor: OpsActor) throws {
        try db.write { db in
            try db.cachedStatement(sql: "UPDATE devices SET active = ? WHERE id = ?").execute(arguments: [active, id])
            guard db.changesCount == 1 else { throw OpsError(.notFound, "there is no device \(id)") }
            try audit(db, actor, active ? "device.activate" : "device.deactivate", "device:\(id)")
        }
    }

    /// The audit trail, newest first (append-only: triggers refuse UPDATE and DELETE).
    public func audit(limit: Int = 100, before: Int64? = nil) throws -> [AuditEntry] {
        try db.read { db in
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?"),
                arguments: [before ?? Int64.max, max(0, min(limit, 10_000))]
            ).map {
                AuditEntry(
                    id: $0["id"], at: Self.decodeStamp($0["at"])!, actor: $0["actor"],
                    role: Role(rawValue: $0["role"])!,
                    action: $0["action"], subject: $0["subject"], detail: $0["detail"])
            }
        }
    }
}
