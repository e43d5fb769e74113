import Foundation
import GRDB
import HallDomain
import HallMetrics
import HallSimulation

/// The operations module's one entry point: a hall's day (tickets, windows, cases, ratings, users,
/// sessions, devices, audit) in one SQLite database (WAL), on the scenario's domain. Thread-safe: every
/// method is one transaction; call it from any thread or task. Times come from the injected clock.
public final class OpsStore: @unchecked Sendable {
    public let scenario: Scenario
    public let settings: OpsSettings
    public let clock: any OpsClock
    let db: DatabasePool
    /// The scenario's catalogue with the ticket kinds as profiles (the event log's indices).
    public let catalogue: Catalogue
    let departmentIndex: [String: Int32]
    let itemIndex: [String: Int32]
    let windowIndex: [String: Int32]
    let staffIndex: [String: Int32]
    let physical: [PhysicalWindow]
    let callingPolicy: any CallingPolicy
    /// Display prefix of each department.
    /// Ticket prefix of each department (A, B, …, or the settings' own).
    public let prefixes: [String: String]

    /// Opens (creating it and its directory when missing) the database at `path` (WAL, migrations), and
    /// loads departments, items, windows, staff and calendar from the scenario (its ids are the database's
    /// ids). Reopening
    /// with another scenario of the same ids updates the reference tables; live rows are kept.
    public init(path: String, scenario: Scenario, clock: any OpsClock = SystemClock(), settings: OpsSettings = .init())
        throws
    {
        self.scenario = scenario
        self.settings = settings
        self.clock = clock
        var c = scenario.catalogue
        c.profiles = TicketKind.allCases.map(\.rawValue)
        catalogue = c
        departmentIndex = Dictionary(uniqueKeysWithValues: c.departments.enumerated().map { ($1, Int32($0)) })
        itemIndex = Dictionary(uniqueKeysWithValues: c.items.enumerated().map { ($1, Int32($0)) })
        windowIndex = Dictionary(uniqueKeysWithValues: c.windows.enumerated().map { ($1, Int32($0)) })
        staffIndex = Dictionary(uniqueKeysWithValues: c.staff.enumerated().map { ($1, Int32($0)) })
        physical = scenario.physicalWindows
        callingPolicy = scenario.calling.rule.policy
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ").map(String.init)
        prefixes = Dictionary(
            uniqueKeysWithValues: scenario.departments.enumerated().map { i, d in
                (d.id, settings.prefixes[d.id] ?? (i < letters.count ? letters[i] : "Z\(i)"))
            })
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            // WAL is GRDB's pool default; NORMAL sync in WAL loses nothing committed on a process kill.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        db = try DatabasePool(path: path, configuration: config)
        try OpsSchema.migrator.migrate(db)
        try db.write { db in try self.loadReference(db) }
    }

    /// The calendar deadlines are counted on: the scenario's period calendar.
    public var calendar: WorkingCalendar? { scenario.period?.calendar }

    /// Departments, items, windows and staff from the scenario (upserted by id).
    func loadReference(_ db: Database) throws {
        for (i, d) in scenario.departments.enumerated() {
            let prefix = prefixes[d.id]!
            try db.cachedStatement(
                sql: """
                    INSERT INTO departments (id, idx, name, prefix) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET idx = excluded.idx, name = excluded.name, prefix = excluded.prefix
                    """
            ).execute(arguments: [d.id, i, d.name, prefix])
        }
        for (i, it) in scenario.items.enumerated() {
            try db.cachedStatement(
                sql: """
                    INSERT INTO items (id, idx, department, kind, committed_days, legal_days) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET idx = excluded.idx, department = excluded.department,
                      kind = excluded.kind, committed_days = excluded.committed_days, legal_days = excluded.legal_days
                    """
            ).execute(arguments: [it.id, i, it.department, it.kind.rawValue, it.committedLimitDays, it.legalLimitDays])
        }
        for (i, w) in physical.enumerated() {
            try db.cachedStatement(
                sql: """
                    INSERT INTO windows (id, idx, grp, kind, departments) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET idx = excluded.idx, grp = excluded.grp, kind = excluded.kind,
                      departments = excluded.departments
                    """
            ).execute(arguments: [
                w.name, i, scenario.windows[w.group].id, w.kind.rawValue, w.departments.joined(separator: ","),
            ])
        }
        var skills: [String: String] = [:]
        for m in scenario.staff {
            let s = m.skills.filter { $0.value > 0 }.keys.sorted().joined(separator: ",")
            for id in m.memberIDs { skills[id] = s }
        }
        for (i, id) in catalogue.staff.enumerated() {
            try db.cachedStatement(
                sql: """
                    INSERT INTO staff (id, idx, kind, skills) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET idx = excluded.idx, kind = excluded.kind, skills = excluded.skills
                    """
            ).execute(arguments: [id, i, catalogue.staffKind[i].rawValue, skills[id] ?? "*"])
        }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('scenario', ?)").execute(
            arguments: [scenario.name])
    }

    // MARK: Helpers

    func audit(_ db: Database, _ actor: OpsActor, _ action: String, _ subject: String, _ detail: [String: String] = [:])
        throws
    {
        let json = try String(
            decoding: JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys]), as: UTF8.self)
        try db.cachedStatement(
            sql: "INSERT INTO audit (at, actor, role, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [Self.encode(clock.now()), actor.name, actor.role.rawValue, action, subject, json])
    }

    static func encode(_ s: Stamp) -> String { "\(s.date) \(s.minute)" }
    static func decodeStamp(_ s: String?) -> Stamp? {
        guard let s else { return nil }
        let p = s.split(separator: " ")
        guard p.count == 2, let d = CivilDate(parsing: String(p[0])), let m = Double(p[1]) else { return nil }
        return Stamp(d, m)
    }
    static func decodeDate(_ s: String?) -> CivilDate? { s.flatMap { CivilDate(parsing: $0) } }

    func ticketRow(_ db: Database, _ id: Int64) throws -> Row {
        guard
            let row = try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT * FROM tickets WHERE id = ?"), arguments: [id])
        else {
            throw OpsError(.notFound, "there is no ticket \(id)", field: "ticket")
        }
        return row
    }

    static func ticket(_ r: Row) -> OpsTicket {
        OpsTicket(
            id: r["id"], date: CivilDate(parsing: r["date"])!, sequence: r["sequence"], display: r["display"],
            kind: TicketKind(rawValue: r["kind"])!, department: r["department"], item: r["item"],
            priority: r["priority"], appointmentClass: r["appointment_class"],
            state: TicketState(rawValue: r["state"])!,
            issuedAt: r["issued_at"], queuedAt: r["queued_at"], calledAt: r["called_at"], calls: r["calls"],
            startedAt: r["started_at"], endedAt: r["ended_at"], window: r["window"], clerk: r["clerk"],
            outcome: (r["outcome"] as String?).flatMap(FinishOutcome.init(rawValue:)), caseNumber: r["case_number"],
            previousSegment: r["previous_segment"], targetWindow: r["target_window"], targetClerk: r["target_clerk"])
    }

    func windowRow(_ db: Database, _ id: String) throws -> Row {
        guard
            let row = try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT * FROM windows WHERE id = ?"), arguments: [id])
        else {
            throw OpsError(.notFound, "there is no window \(id) in the hall", field: "window")
        }
        return row
    }

    static func window(_ r: Row) -> OpsWindow {
        let ds: String = r["departments"]
        return OpsWindow(
            id: r["id"], group: r["grp"], kind: WindowKind(rawValue: r["kind"])!,
            departments: ds.isEmpty ? [] : ds.split(separator: ",").map(String.init),
            status: WindowStatus(rawValue: r["status"])!, clerk: r["clerk"], ticket: r["ticket"])
    }

    func logWindow(_ db: Database, _ now: Stamp, window: String, state: WindowState, ticket: Int32?, clerk: String?)
        throws
    {
        try db.cachedStatement(
            sql: "INSERT INTO window_log (date, time, window, state, ticket, staff) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            now.date.description, now.minute, windowIndex[window]!, state.rawValue, ticket,
            clerk.flatMap { staffIndex[$0] },
        ])
    }

    func logStaff(_ db: Database, _ now: Stamp, staff: String, state: StaffState, window: String?) throws {
        try db.cachedStatement(sql: "INSERT INTO staff_log (date, time, staff, state, window) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [
                now.date.description, now.minute, staffIndex[staff]!, state.rawValue,
                window.flatMap { windowIndex[$0] },
            ])
    }

    /// Changes a department's waiting count and logs it (the event log's queue record).
    func changeWaiting(_ db: Database, _ now: Stamp, department: String, by delta: Int) throws {
        let waiting = try Int.fetchOne(
            try db.cachedStatement(sql: "UPDATE departments SET waiting = waiting + ? WHERE id = ? RETURNING waiting"),
            arguments: [delta, department])!
        try db.cachedStatement(sql: "INSERT INTO queue_log (date, time, department, waiting) VALUES (?, ?, ?, ?)")
            .execute(arguments: [now.date.description, now.minute, departmentIndex[department]!, waiting])
    }

    /// The next value of a per-day counter (created at 1), in the caller's transaction.
    func nextCounter(_ db: Database, date: CivilDate, name: String) throws -> Int {
        try Int.fetchOne(
            try db.cachedStatement(
                sql: """
                    INSERT INTO counters (date, name, last) VALUES (?, ?, 1)
                    ON CONFLICT(date, name) DO UPDATE SET last = last + 1 RETURNING last
                    """), arguments: [date.description, name])!
    }

    /// One ticket transition in one transaction: the ticket must be in one of `states` (else the sentence
    /// of `illegal`); `body` does the rest and returns the id of the ticket to answer with (the same one, or
    /// a transfer's new segment).
    func transition(
        _ ticket: Int64, from states: Set<TicketState>, _ action: String, _ why: String,
        _ body: (Database, Row) throws -> Int64
    ) throws -> OpsTicket {
        try db.write { db in
            let t = try ticketRow(db, ticket)
            guard let state = TicketState(rawValue: t["state"]), states.contains(state) else {
                throw Self.illegal(t, action, why)
            }
            return Self.ticket(try ticketRow(db, try body(db, t)))
        }
    }

    static func illegal(_ t: Row, _ action: String, _ why: String) -> OpsError {
        let display: String = t["display"]
        let state: String = t["state"]
        return OpsError(
            .illegalTransition,
            "ticket \(display) is \(state.replacingOccurrences(of: "_", with: "-")); \(why) (\(action) refused)")
    }

    /// A clerk actor acts only at the window they signed in (managers and admins act anywhere).
    func checkClerk(_ db: Database, _ w: Row, _ actor: OpsActor) throws {
        guard actor.role == .clerk else { return }
        let window: String = w["id"]
        let me = try actorStaff(db, actor)
        guard let clerk: String = w["clerk"], clerk == me else {
            throw OpsError(
                .forbidden,
                "window \(window) is not signed in by "
                    + (me.map { "clerk \($0)" } ?? "this user, who is no clerk of the hall")
            )
        }
    }

    /// The scenario staff id of the actor's user account, if any.
    func actorStaff(_ db: Database, _ actor: OpsActor) throws -> String? {
        guard let id = actor.userID else { return nil }
        return try String.fetchOne(
            try db.cachedStatement(sql: "SELECT staff_id FROM users WHERE id = ?"), arguments: [id])
    }

    // MARK: Tickets

    /// Issues a ticket numbered per day and department prefix (gapless, unique, in one transaction).
    /// With an idempotency key already used, returns the ticket that key issued (nothing new).
    public func issueTicket(_ request: IssueRequest, idempotencyKey: String?, actor: OpsActor) throws -> OpsTicket {
        if let k = idempotencyKey, k.isEmpty || k.count > 200 {
            throw OpsError(.invalid, "an idempotency key has 1 to 200 characters", field: "idempotencyKey")
        }
        let fingerprint = [
            request.kind.rawValue, request.department ?? "", request.item ?? "",
            request.appointmentSlot.map { "\($0)" } ?? "", request.caseNumber.map { "\($0)" } ?? "",
        ].joined(separator: "|")
        // Validate against the scenario before the transaction.
        var request = request
        if let slot = request.appointmentSlot, !(slot.isFinite && slot >= 0 && slot < 1440) {
            throw OpsError(
                .invalid, "an appointment slot is minutes after midnight (0 to 1439)", field: "appointmentSlot")
        }
        if let n = request.caseNumber {
            // A return visit or collection names its case; the case knows its item.
            let item = try db.read { db in
                try String.fetchOne(
                    try db.cachedStatement(sql: "SELECT item FROM cases WHERE number = ?"), arguments: [n])
            }
            guard let item else { throw OpsError(.invalid, "there is no case \(n)", field: "caseNumber") }
            if let i = request.item, i != item {
                throw OpsError(.invalid, "case \(n) is for item \(item), not \(i)", field: "item")
            }
            if request.item == nil { request.item = item }
        }
        var department = request.department
        if let item = request.item {
            guard let it = scenario.items.first(where: { $0.id == item }) else {
                throw OpsError(.invalid, "there is no item \(item) in the hall", field: "item")
            }
            if let d = department, d != it.department {
                throw OpsError(
                    .invalid, "item \(item) belongs to department \(it.department), not \(d)", field: "department")
            }
            department = it.department
        }
        guard let dept = department else {
            throw OpsError(.invalid, "a ticket needs a department or an item", field: "department")
        }
        guard departmentIndex[dept] != nil else {
            throw OpsError(.invalid, "there is no department \(dept) in the hall", field: "department")
        }
        if request.kind == .appointment, request.appointmentSlot == nil {
            throw OpsError(
                .invalid, "an appointment check-in needs its slot (minutes after midnight)", field: "appointmentSlot")
        }
        if [.returnVisit, .collection].contains(request.kind), request.caseNumber == nil {
            throw OpsError(.invalid, "a \(request.kind.rawValue) ticket names its case", field: "caseNumber")
        }
        return try db.write { db in
            if let k = idempotencyKey,
                let row = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT * FROM tickets WHERE idempotency_key = ?"), arguments: [k])
            {
                guard (row["request"] as String?) == fingerprint else {
                    throw OpsError(
                        .conflict, "idempotency key \(k) was used for another request", field: "idempotencyKey")
                }
                return Self.ticket(row)
            }
            let now = clock.now()
            let prefix = prefixes[dept]!
            let sequence = try nextCounter(db, date: now.date, name: "#sequence")
            let number = try nextCounter(db, date: now.date, name: prefix)
            let display = prefix + (number < 1000 ? String(format: "%03d", number) : "\(number)")
            let priority = request.kind == .greenChannel
            let onTime =
                request.appointmentSlot.map { now.minute <= $0 + scenario.calling.onTimeToleranceMinutes } ?? false
            let appointmentClass = request.kind == .appointment && scenario.calling.appointmentsFirst && onTime
            try db.cachedStatement(
                sql: """
                    INSERT INTO tickets (date, sequence, display, kind, department, item, priority, appointment_class,
                      state, issued_at, queued_at, case_number, idempotency_key, request, appointment_slot)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                now.date.description, sequence, display, request.kind.rawValue, dept, request.item, priority,
                appointmentClass, now.minute, now.minute, request.caseNumber, idempotencyKey, fingerprint,
                request.kind == .appointment ? request.appointmentSlot : nil,
            ])
            let id = db.lastInsertedRowID
            try changeWaiting(db, now, department: dept, by: 1)
            try audit(db, actor, "ticket.issue", "ticket:\(id)", ["display": display, "department": dept])
            return Self.ticket(try ticketRow(db, id))
        }
    }

    public func ticket(_ id: Int64) throws -> OpsTicket { try db.read { db in Self.ticket(try ticketRow(db, id)) } }

    /// Tickets of a date (every segment), in issue order; optionally only those in one state.
    public func tickets(on date: CivilDate, state: TicketState? = nil) throws -> [OpsTicket] {
        try db.read { db in
            let rows: [Row]
            if let state {
                rows = try Row.fetchAll(
                    try db.cachedStatement(sql: "SELECT * FROM tickets WHERE date = ? AND state = ? ORDER BY sequence"),
                    arguments: [date.description, state.rawValue])
            } else {
                rows = try Row.fetchAll(
                    try db.cachedStatement(sql: "SELECT * FROM tickets WHERE date = ? ORDER BY sequence"),
                    arguments: [date.description])
            }
            return rows.map(Self.ticket)
        }
    }

    /// The window calls its next ticket with the scenario's calling policy and green-channel guard
    /// (the simulator's code). Tickets transferred to this window or its clerk come first. nil when
    /// nothing it may serve is waiting. The window must be open and free.
    public func callNext(window: String, actor: OpsActor) throws -> OpsTicket? {
        try db.write { db in
            let w = try windowRow(db, window)
            try checkClerk(db, w, actor)
            let status: String = w["status"]
            guard status == WindowStatus.open.rawValue else {
                throw OpsError(
                    .illegalTransition,
                    "window \(window) is \(status.replacingOccurrences(of: "_", with: " ")); only an open window calls")
            }
            if let t: Int64 = w["ticket"] {
                let row = try ticketRow(db, t)
                throw OpsError(
                    .illegalTransition,
                    "window \(window) still has ticket \(row["display"] as String) at the desk; "
                        + "finish, mark no-show or requeue it first"
                )
            }
            let clerk: String = w["clerk"]
            let now = clock.now()
            let today = now.date.description
            // Directed tickets first (a transfer to this window or clerk), oldest queued first.
            let byWindow = try Row.fetchOne(
                try db.cachedStatement(
                    sql: """
                        SELECT * FROM tickets WHERE state = 'waiting' AND target_window = ? AND date = ?
                        ORDER BY queued_at, sequence LIMIT 1
                        """), arguments: [window, today])
            let byClerk = try Row.fetchOne(
                try db.cachedStatement(
                    sql: """
                        SELECT * FROM tickets WHERE state = 'waiting' AND target_clerk = ? AND date = ?
                        ORDER BY queued_at, sequence LIMIT 1
                        """), arguments: [clerk, today])
            var chosen: Row? =
                switch (byWindow, byClerk) {
                case (let a?, let b?):
                    ((a["queued_at"] as Double, a["sequence"] as Int) <= (
                        b["queued_at"] as Double, b["sequence"] as Int
                    ))
                        ? a : b
                default: byWindow ?? byClerk
                }
            if chosen == nil {
                chosen = try chooseByPolicy(db, window: w, clerk: clerk, date: today)
            }
            guard let row = chosen else { return nil }
            let id: Int64 = row["id"]
            let seq: Int32 = row["sequence"]
            let cls: TicketClass =
                (row["priority"] as Bool) ? .priority : ((row["appointment_class"] as Bool) ? .appointment : .normal)
            let owed = CallingGuard.owedAfterCall(
                calledClass: cls, owed: w["owed_normal"], normalPerPriority: scenario.calling.normalPerPriority ?? 0)
            try db.cachedStatement(
                sql: """
                    UPDATE tickets SET state = 'called', called_at = COALESCE(called_at, ?), calls = calls + 1,
                      window = ?, clerk = ? WHERE id = ?
                    """
            ).execute(arguments: [now.minute, window, clerk, id])
            try db.cachedStatement(sql: "UPDATE windows SET ticket = ?, owed_normal = ? WHERE id = ?").execute(
                arguments: [id, owed, window])
            try changeWaiting(db, now, department: row["department"], by: -1)
            try logWindow(db, now, window: window, state: .calling, ticket: seq, clerk: clerk)
            try audit(db, actor, "ticket.call", "ticket:\(id)", ["window": window, "display": row["display"]])
            return Self.ticket(try ticketRow(db, id))
        }
    }

    /// The simulator's decision on the waiting tickets of today (not directed elsewhere).
    func chooseByPolicy(_ db: Database, window w: Row, clerk: String, date: String) throws -> Row? {
        let windowID: String = w["id"]
        let wi = Int(windowIndex[windowID]!)
        let nd = catalogue.departments.count
        let board = HallBoard(departments: nd, windows: catalogue.windows.count)
        let skills =
            try String.fetchOne(
                try db.cachedStatement(sql: "SELECT skills FROM staff WHERE id = ?"), arguments: [clerk]) ?? "*"
        let skillSet = Set(skills.split(separator: ",").map(String.init))
        let served = physical[wi].departments.filter { skills == "*" || skillSet.contains($0) }
        for d in served { board.serves[wi * nd + Int(departmentIndex[d]!)] = true }
        // Policies read only the queues of departments the window may serve now (the simulator's board
        // has every queue, but no policy looks beyond these), so only their heads are looked up: one
        // index seek each. A class counts as waiting when one of these queues has a ticket in it — the
        // engine's "skip empty classes" shortcut, which cannot change a decision. Counts are read only
        // for the longest-queue-first policy.
        var classWaiting = [Int32](repeating: 0, count: TicketClass.count)
        let needCounts = scenario.calling.rule == .longestQueueFirst
        for d in served {
            let di = departmentIndex[d]!
            for c in TicketClass.allCases {
                let head = try Int32.fetchOne(
                    try db.cachedStatement(
                        sql: """
                            SELECT MIN(sequence) FROM tickets
                            WHERE date = ? AND department = ? AND priority = ? AND appointment_class = ?
                              AND state = 'waiting' AND target_window IS NULL AND target_clerk IS NULL
                            """), arguments: [date, d, c == .priority, c == .appointment])
                guard let head else { continue }
                let q = QueueID(department: di, class: c).index
                board.head[q] = head
                var n: Int32 = 1
                if needCounts {
                    n =
                        try Int32.fetchOne(
                            try db.cachedStatement(
                                sql: """
                                    SELECT COUNT(*) FROM tickets
                                    WHERE date = ? AND department = ? AND priority = ? AND appointment_class = ?
                                      AND state = 'waiting' AND target_window IS NULL AND target_clerk IS NULL
                                    """), arguments: [date, d, c == .priority, c == .appointment]) ?? 1
                }
                board.count[q] = n
                classWaiting[c.rawValue] += n
            }
        }
        let departments = physical[wi].departments.map { departmentIndex[$0]! }
        guard
            let q = CallingGuard.chooseQueue(
                window: wi, departments: departments, home: departments.first ?? 0, owedNormal: w["owed_normal"],
                classWaiting: classWaiting, policy: callingPolicy, board: board)
        else { return nil }
        return try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT * FROM tickets WHERE date = ? AND sequence = ?"),
            arguments: [date, board.head(q)])
    }

    /// Calls the ticket at the window again (the first call time is kept; calls are counted, up to maxCalls).
    public func recall(ticket: Int64, actor: OpsActor) throws -> OpsTicket {
        try transition(ticket, from: [.called], "recall", "only a called ticket can be called again") { db, t in
            let calls: Int = t["calls"]
            guard calls < settings.maxCalls else {
                throw Self.illegal(t, "recall", "it was called \(calls) times, the limit; mark it no-show")
            }
            try checkClerk(db, try windowRow(db, t["window"]), actor)
            try db.cachedStatement(sql: "UPDATE tickets SET calls = calls + 1 WHERE id = ?").execute(arguments: [ticket]
            )
            try audit(db, actor, "ticket.recall", "ticket:\(ticket)", ["calls": "\(calls + 1)"])
            return ticket
        }
    }

    /// Ends the desk's ticket: the window is free again (idle, open or paused as it was).
    func freeWindow(_ db: Database, _ now: Stamp, window: String) throws {
        let w = try windowRow(db, window)
        try db.cachedStatement(sql: "UPDATE windows SET ticket = NULL WHERE id = ?").execute(arguments: [window])
        let status: String = w["status"]
        let state: WindowState = status == WindowStatus.open.rawValue ? .idle : .closed
        try logWindow(db, now, window: window, state: state, ticket: nil, clerk: w["clerk"])
    }

    /// Called and absent (过号).
    public func noShow(ticket: Int64, actor: OpsActor) throws -> OpsTicket {
        try transition(
            ticket, from: [.called], "no-show", "only a called ticket whose holder did not come is a no-show"
        ) { db, t in
            let window: String = t["window"]
            try checkClerk(db, try windowRow(db, window), actor)
            let now = clock.now()
            try db.cachedStatement(sql: "UPDATE tickets SET state = 'no_show', ended_at = ? WHERE id = ?").execute(
                arguments: [now.minute, ticket])
            try freeWindow(db, now, window: window)
            try audit(db, actor, "ticket.no_show", "ticket:\(ticket)")
            return ticket
        }
    }

    /// The applicant reached the desk: intake starts.
    public func start(ticket: Int64, actor: OpsActor) throws -> OpsTicket {
        try transition(ticket, from: [.called], "start", "intake starts only for a called ticket") { db, t in
            let window: String = t["window"]
            let w = try windowRow(db, window)
            try checkClerk(db, w, actor)
            let now = clock.now()
            try db.cachedStatement(sql: "UPDATE tickets SET state = 'started', started_at = ? WHERE id = ?").execute(
                arguments: [now.minute, ticket])
            try logWindow(db, now, window: window, state: .busy, ticket: t["sequence"], clerk: w["clerk"])
            try audit(db, actor, "ticket.start", "ticket:\(ticket)")
            return ticket
        }
    }

    /// Intake ended with an outcome; an accepted committed item opens a case (its number on the ticket).
    public func finish(ticket: Int64, outcome: FinishOutcome, actor: OpsActor) throws -> OpsTicket {
        try transition(ticket, from: [.started], "finish", "only a ticket whose intake started can finish") { db, t in
            let window: String = t["window"]
            try checkClerk(db, try windowRow(db, window), actor)
            let now = clock.now()
            let caseNumber = try caseAfterIntake(db, t, outcome: outcome, now: now)
            try db.cachedStatement(
                sql: "UPDATE tickets SET state = 'finished', ended_at = ?, outcome = ?, case_number = ? WHERE id = ?"
            ).execute(arguments: [now.minute, outcome.rawValue, caseNumber, ticket])
            try freeWindow(db, now, window: window)
            try audit(db, actor, "ticket.finish", "ticket:\(ticket)", ["outcome": outcome.rawValue])
            return ticket
        }
    }

    /// Ends this segment (transferred) and queues a new one with the same display number; returns the new one.
    public func transfer(ticket: Int64, to target: TransferTarget, actor: OpsActor) throws -> OpsTicket {
        try transition(ticket, from: [.called, .started], "transfer", "only the ticket at a window can be transferred")
        {
            db, t in
            var department: String = t["department"]
            var targetWindow: String?
            var targetClerk: String?
            switch target {
            case .department(let d):
                guard departmentIndex[d] != nil else {
                    throw OpsError(.invalid, "there is no department \(d) in the hall", field: "department")
                }
                department = d
            case .window(let w):
                let row = try windowRow(db, w)
                let ds = Self.window(row).departments
                if !ds.contains(department) {
                    guard let d = ds.first else {
                        throw OpsError(.invalid, "window \(w) serves no department", field: "window")
                    }
                    department = d
                }
                targetWindow = w
            case .clerk(let c):
                guard staffIndex[c] != nil else { throw OpsError(.invalid, "there is no clerk \(c)", field: "clerk") }
                targetClerk = c
            }
            let window: String = t["window"]
            try checkClerk(db, try windowRow(db, window), actor)
            let now = clock.now()
            let startedAt: Double? = t["started_at"]
            try db.cachedStatement(
                sql: "UPDATE tickets SET state = 'transferred', ended_at = ?, started_at = ? WHERE id = ?"
            ).execute(arguments: [now.minute, startedAt ?? now.minute, ticket])
            try freeWindow(db, now, window: window)
            let sequence = try nextCounter(db, date: now.date, name: "#sequence")
            let item: String? = department == (t["department"] as String) ? t["item"] : nil
            try db.cachedStatement(
                sql: """
                    INSERT INTO tickets (date, sequence, display, kind, department, item, priority, appointment_class,
                      state, issued_at, queued_at, case_number, previous_segment, target_window, target_clerk)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                t["date"], sequence, t["display"], t["kind"], department, item, t["priority"], false,
                t["issued_at"], now.minute, t["case_number"], ticket, targetWindow, targetClerk,
            ])
            let id = db.lastInsertedRowID
            try changeWaiting(db, now, department: department, by: 1)
            try audit(db, actor, "ticket.transfer", "ticket:\(ticket)", ["segment": "\(id)", "department": department])
            return id
        }
    }

    /// Puts a called ticket back in its queue (it keeps its place by sequence and its first call time).
    public func requeue(ticket: Int64, actor: OpsActor) throws -> OpsTicket {
        try transition(
            ticket, from: [.called], "requeue", "only a called ticket not yet at the desk can go back to the queue"
        ) { db, t in
            let window: String = t["window"]
            try checkClerk(db, try windowRow(db, window), actor)
            let now = clock.now()
            try db.cachedStatement(
                sql: "UPDATE tickets SET state = 'waiting', window = NULL, clerk = NULL WHERE id = ?"
            ).execute(arguments: [ticket])
            try freeWindow(db, now, window: window)
            try changeWaiting(db, now, department: t["department"], by: 1)
            try audit(db, actor, "ticket.requeue", "ticket:\(ticket)")
            return ticket
        }
    }

    /// The applicant left or withdrew while waiting (counts as reneged in the KPIs).
    public func cancel(ticket: Int64, actor: OpsActor) throws -> OpsTicket {
        try transition(ticket, from: [.waiting], "cancel", "only a waiting ticket can be cancelled") { db, t in
            let now = clock.now()
            try db.cachedStatement(sql: "UPDATE tickets SET state = 'cancelled', ended_at = ? WHERE id = ?").execute(
                arguments: [now.minute, ticket])
            try changeWaiting(db, now, department: t["department"], by: -1)
            try audit(db, actor, "ticket.cancel", "ticket:\(ticket)")
            return ticket
        }
    }

    /// Tickets of `date` still waiting turn `unserved`; windows without a ticket at the desk close and
    /// their clerks sign out. Returns how many turned unserved.
    @discardableResult
    public func closeDay(_ date: CivilDate, actor: OpsActor) throws -> Int {
        try db.write { db in
            let now = clock.now()
            let waiting = try Row.fetchAll(
                try db.cachedStatement(
                    sql: "SELECT * FROM tickets WHERE date = ? AND state = 'waiting' ORDER BY sequence"),
                arguments: [date.description])
            for t in waiting {
                try db.cachedStatement(sql: "UPDATE tickets SET state = 'unserved', ended_at = ? WHERE id = ?").execute(
                    arguments: [now.minute, t["id"] as Int64])
                try changeWaiting(db, now, department: t["department"], by: -1)
            }
            for w in try Row.fetchAll(
                db, sql: "SELECT * FROM windows WHERE ticket IS NULL AND status != 'closed' ORDER BY idx")
            {
                try closeWindowRow(db, now, w)
            }
            try audit(db, actor, "day.close", "date:\(date)", ["unserved": "\(waiting.count)"])
            return waiting.count
        }
    }

    // MARK: Windows and staff

    public func windows() throws -> [OpsWindow] {
        try db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM windows ORDER BY idx").map(Self.window) }
    }

    /// A clerk lent to a tidal window walks over (the walk counts as desk time, as in the simulator).
    public func dispatch(staff: String, toward window: String, actor: OpsActor) throws {
        try db.write { db in
            guard staffIndex[staff] != nil else {
                throw OpsError(.invalid, "there is no clerk \(staff)", field: "staff")
            }
            _ = try windowRow(db, window)
            try logStaff(db, clock.now(), staff: staff, state: .walking, window: window)
            try audit(db, actor, "staff.dispatch", "staff:\(staff)", ["window": window])
        }
    }

    /// A clerk (the scenario's staff id) sits at a window (it must be closed, the clerk nowhere else).
    public func signIn(window: String, staff: String, actor: OpsActor) throws -> OpsWindow {
        try db.write { db in
            let w = try windowRow(db, window)
            guard staffIndex[staff] != nil else {
                throw OpsError(.invalid, "there is no clerk \(staff) in the hall", field: "staff")
            }
            guard (w["status"] as String) == WindowStatus.closed.rawValue else {
                throw OpsError(
                    .illegalTransition, "window \(window) is already signed in by \(w["clerk"] as String? ?? "someone")"
                )
            }
            if let other = try String.fetchOne(
                try db.cachedStatement(sql: "SELECT id FROM windows WHERE clerk = ?"), arguments: [staff])
            {
                throw OpsError(.illegalTransition, "clerk \(staff) is signed in at window \(other); close it first")
            }
            if actor.role == .clerk, try actorStaff(db, actor) != staff {
                throw OpsError(.forbidden, "a clerk signs in as themself, not as \(staff)", field: "staff")
            }
            let now = clock.now()
            try db.cachedStatement(
                sql: "UPDATE windows SET status = 'signed_in', clerk = ?, owed_normal = 0 WHERE id = ?"
            ).execute(arguments: [staff, window])
            try db.cachedStatement(sql: "UPDATE staff SET window = ? WHERE id = ?").execute(arguments: [window, staff])
            try logStaff(db, now, staff: staff, state: .atWindow, window: window)
            try audit(db, actor, "window.sign_in", "window:\(window)", ["staff": staff])
            return Self.window(try windowRow(db, window))
        }
    }

    public func openWindow(_ window: String, actor: OpsActor) throws -> OpsWindow {
        try db.write { db in
            let w = try windowRow(db, window)
            try checkClerk(db, w, actor)
            let status: String = w["status"]
            guard status == WindowStatus.signedIn.rawValue || status == WindowStatus.paused.rawValue else {
                throw OpsError(
                    .illegalTransition,
                    status == "open" ? "window \(window) is already open" : "window \(window) has no clerk signed in")
            }
            let now = clock.now()
            try db.cachedStatement(sql: "UPDATE windows SET status = 'open' WHERE id = ?").execute(arguments: [window])
            if w["ticket"] as Int64? == nil {
                try logWindow(db, now, window: window, state: .idle, ticket: nil, clerk: w["clerk"])
            }
            try audit(db, actor, "window.open", "window:\(window)")
            return Self.window(try windowRow(db, window))
        }
    }

    public func pauseWindow(_ window: String, actor: OpsActor) throws -> OpsWindow {
        try db.write { db in
            let w = try windowRow(db, window)
            try checkClerk(db, w, actor)
            guard (w["status"] as String) == WindowStatus.open.rawValue else {
                throw OpsError(.illegalTransition, "window \(window) is not open; only an open window pauses")
            }
            let now = clock.now()
            try db.cachedStatement(sql: "UPDATE windows SET status = 'paused' WHERE id = ?").execute(arguments: [window]
            )
            if w["ticket"] as Int64? == nil {
                try logWindow(db, now, window: window, state: .closed, ticket: nil, clerk: w["clerk"])
            }
            try audit(db, actor, "window.pause", "window:\(window)")
            return Self.window(try windowRow(db, window))
        }
    }

    func closeWindowRow(_ db: Database, _ now: Stamp, _ w: Row) throws {
        let window: String = w["id"]
        let clerk: String? = w["clerk"]
        try db.cachedStatement(sql: "UPDATE windows SET status = 'closed', clerk = NULL, owed_normal = 0 WHERE id = ?")
            .execute(arguments: [window]
            )
        try logWindow(db, now, window: window, state: .closed, ticket: nil, clerk: clerk)
        if let clerk {
            try db.cachedStatement(sql: "UPDATE staff SET window = NULL WHERE id = ?").execute(arguments: [clerk])
            try logStaff(db, now, staff: clerk, state: .off, window: window)
        }
    }

    /// Closes the window and signs its clerk out (no ticket may be at the desk).
    public func closeWindow(_ window: String, actor: OpsActor) throws -> OpsWindow {
        try db.write { db in
            let w = try windowRow(db, window)
            try checkClerk(db, w, actor)
            guard (w["status"] as String) != WindowStatus.closed.rawValue else {
                throw OpsError(.illegalTransition, "window \(window) is already closed")
            }
            if let t: Int64 = w["ticket"] {
                let row = try ticketRow(db, t)
                throw OpsError(
                    .illegalTransition,
                    "window \(window) has ticket \(row["display"] as String) at the desk; finish it first")
            }
            try closeWindowRow(db, clock.now(), w)
            try audit(db, actor, "window.close", "window:\(window)")
            return Self.window(try windowRow(db, window))
        }
    }

    /// Waiting tickets per department now.
    public func queueLengths() throws -> [String: Int] {
        try db.read { db in
            var out: [String: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT id, waiting FROM departments") { out[r["id"]] = r["waiting"] }
            return out
        }
    }
}
