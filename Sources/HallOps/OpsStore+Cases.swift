import Foundation
import GRDB
import HallDomain

/// "in_review" → "in review".
func words(_ s: String) -> String { s.replacingOccurrences(of: "_", with: " ") }

/// Cases, electronic supervision and ratings.
extension OpsStore {
    func requireCalendar() throws -> WorkingCalendar {
        guard let c = calendar else {
            throw OpsError(
                .invalid, "the scenario has no calendar (a `calendar:` section), so deadlines cannot be counted")
        }
        return c
    }

    /// Opens or advances a case at the end of an intake; returns the ticket's case number.
    func caseAfterIntake(_ db: Database, _ t: Row, outcome: FinishOutcome, now: Stamp) throws -> Int64? {
        let existing: Int64? = t["case_number"]
        let kind = TicketKind(rawValue: t["kind"])!
        if kind == .collection, let n = existing {
            if outcome != .rejected {
                try db.cachedStatement(
                    sql: "UPDATE cases SET state = 'delivered', delivered = ?, visits = visits + 1 WHERE number = ?"
                ).execute(arguments: [Self.encode(now), n])
            }
            return n
        }
        guard let itemID: String = t["item"], let item = scenario.items.first(where: { $0.id == itemID }) else {
            return existing
        }
        // The first visit began when the applicant took the ticket.
        let firstVisit = Stamp(now.date, t["issued_at"])
        if let n = existing {
            try db.cachedStatement(sql: "UPDATE cases SET visits = visits + 1 WHERE number = ?").execute(arguments: [n])
        }
        switch outcome {
        case .rejected:
            return existing
        case .notice:
            if let n = existing {
                try db.cachedStatement(sql: "UPDATE cases SET state = 'awaiting_return' WHERE number = ?").execute(
                    arguments: [n])
                return n
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO cases (item, department, state, first_visit, visits)
                    VALUES (?, ?, 'awaiting_return', ?, 1)
                    """
            ).execute(arguments: [item.id, item.department, Self.encode(firstVisit)])
            return db.lastInsertedRowID
        case .immediate, .accepted:
            let immediate = outcome == .immediate || item.kind == .immediate
            var committed: CivilDate?
            var legal: CivilDate?
            if !immediate {
                let cal = try requireCalendar()
                do {
                    if let d = item.committedLimitDays ?? item.legalLimitDays {
                        committed = try cal.deadline(acceptance: now.date, workingDays: d)
                    }
                    if let d = item.legalLimitDays { legal = try cal.deadline(acceptance: now.date, workingDays: d) }
                } catch let e as WorkingCalendar.OutOfRange {
                    throw OpsError(.invalid, e.description)
                }
            }
            let state: CaseState = immediate ? .doneAtWindow : .inReview
            let decided: String? = immediate ? Self.encode(now) : nil
            if let n = existing {
                try db.cachedStatement(
                    sql: """
                        UPDATE cases SET state = ?, accepted = ?, committed_deadline = ?, legal_deadline = ?,
                          decided = ?
                        WHERE number = ?
                        """
                ).execute(arguments: [
                    state.rawValue, Self.encode(now), committed?.description, legal?.description, decided, n,
                ])
                return n
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO cases (item, department, state, first_visit, visits, accepted, committed_deadline,
                      legal_deadline, decided) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                item.id, item.department, state.rawValue, Self.encode(firstVisit), Self.encode(now),
                committed?.description, legal?.description, decided,
            ])
            return db.lastInsertedRowID
        }
    }

    func caseRow(_ db: Database, _ number: Int64) throws -> Row {
        guard
            let r = try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT * FROM cases WHERE number = ?"), arguments: [number])
        else {
            throw OpsError(.notFound, "there is no case \(number)", field: "case")
        }
        return r
    }

    func suspensions(_ db: Database, _ number: Int64) throws -> [Suspension] {
        try Row.fetchAll(
            try db.cachedStatement(sql: "SELECT * FROM suspensions WHERE case_number = ? ORDER BY id"),
            arguments: [number]
        ).map {
            Suspension(
                procedure: $0["procedure"], from: CivilDate(parsing: $0["started"])!, to: Self.decodeDate($0["resumed"])
            )
        }
    }

    /// Days a suspension stops the clock: strictly after the day the procedure started, strictly before
    /// the day the case resumed (as the simulator counts special procedures); open ones run through `through`.
    static func stoppedDays(_ s: Suspension, through: CivilDate) -> ClosedRange<CivilDate>? {
        let first = s.from.adding(days: 1)
        let last = s.to.map { $0.adding(days: -1) } ?? through
        return first <= last ? first...last : nil
    }

    func caseValue(_ db: Database, _ r: Row) throws -> OpsCase {
        let number: Int64 = r["number"]
        return OpsCase(
            number: number, item: r["item"], department: r["department"], state: CaseState(rawValue: r["state"])!,
            firstVisit: Self.decodeStamp(r["first_visit"]), visits: r["visits"],
            accepted: Self.decodeStamp(r["accepted"]),
            committedDeadline: Self.decodeDate(r["committed_deadline"]),
            legalDeadline: Self.decodeDate(r["legal_deadline"]),
            suspensions: try suspensions(db, number), decided: Self.decodeStamp(r["decided"]),
            delivery: (r["delivery"] as String?).flatMap(DeliveryMode.init(rawValue:)),
            delivered: Self.decodeStamp(r["delivered"]), archived: Self.decodeDate(r["archived"]))
    }

    public func caseInfo(_ number: Int64) throws -> OpsCase {
        try db.read { db in try caseValue(db, try caseRow(db, number)) }
    }

    public func cases(department: String? = nil, state: CaseState? = nil) throws -> [OpsCase] {
        try db.read { db in
            var request = Table("cases").order(Column("number"))
            if let department { request = request.filter(Column("department") == department) }
            if let state { request = request.filter(Column("state") == state.rawValue) }
            return try Row.fetchAll(db, request).map { try caseValue(db, $0) }
        }
    }

    func requireCaseState(_ r: Row, _ allowed: [CaseState], _ action: String) throws {
        let s = CaseState(rawValue: r["state"])!
        guard allowed.contains(s) else {
            throw OpsError(
                .illegalTransition,
                "case \(r["number"] as Int64) is \(words(s.rawValue)); \(action) needs it "
                    + allowed.map { words($0.rawValue) }.joined(separator: " or ")
            )
        }
    }

    /// Checks a step and the staff member named for it (review, approval, second approval).
    private func checkStep(_ step: StepKind, staff: String) throws {
        guard step != .special, step != .referral else {
            throw OpsError(
                .invalid,
                "a special procedure is recorded with suspend and resume; a step is review, approval or "
                    + "second_approval", field: "step")
        }
        guard !staff.isEmpty, staff.count <= 200 else {
            throw OpsError(
                .invalid, "a step names the back-office staff member who did it (1 to 200 characters)", field: "staff")
        }
    }

    /// A back-office staff member takes a step of a case (签收): the step's working time runs from now until
    /// it is recorded done (`recordStep`). Calibration reads that time; a step recorded without a take has
    /// none. A suspension or a decision releases the case's takes (a take across a suspension would count
    /// the suspended days as work).
    public func takeStep(case number: Int64, step: StepKind, staff: String, actor: OpsActor) throws -> OpsCase {
        try checkStep(step, staff: staff)
        return try db.write { db in
            let r = try caseRow(db, number)
            try requireCaseState(r, [.inReview], "taking a back-office step")
            if let taken = try Row.fetchOne(
                db, sql: "SELECT staff, started FROM step_takes WHERE case_number = ? AND step = ?",
                arguments: [number, step.rawValue])
            {
                throw OpsError(
                    .conflict,
                    "the \(step.rawValue) of case \(number) was taken by \(taken["staff"] as String) at "
                        + "\(Self.decodeStamp(taken["started"]).map(\.description) ?? "?")",
                    field: "step")
            }
            try db.cachedStatement(
                sql: "INSERT INTO step_takes (case_number, step, staff, started) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [number, step.rawValue, staff, Self.encode(clock.now())])
            try audit(db, actor, "case.take", "case:\(number)", ["step": step.rawValue, "staff": staff])
            return try caseValue(db, r)
        }
    }

    /// A back-office step done by a named back-office staff member (review, approval, second approval);
    /// its start is when it was taken, if it was.
    public func recordStep(case number: Int64, step: StepKind, staff: String, actor: OpsActor) throws -> OpsCase {
        try checkStep(step, staff: staff)
        return try db.write { db in
            let r = try caseRow(db, number)
            try requireCaseState(r, [.inReview], "a back-office step")
            let now = Self.encode(clock.now())
            let last = try String.fetchOne(
                try db.cachedStatement(
                    sql: "SELECT done FROM case_steps WHERE case_number = ? ORDER BY id DESC LIMIT 1"),
                arguments: [number])
            let started = try String.fetchOne(
                db, sql: "SELECT started FROM step_takes WHERE case_number = ? AND step = ?",
                arguments: [number, step.rawValue])
            try db.execute(
                sql: "DELETE FROM step_takes WHERE case_number = ? AND step = ?", arguments: [number, step.rawValue])
            try db.cachedStatement(
                sql: """
                    INSERT INTO case_steps (case_number, department, step, staff, arrived, done, started)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [number, r["department"], step.rawValue, staff, last ?? r["accepted"], now, started])
            try audit(db, actor, "case.step", "case:\(number)", ["step": step.rawValue, "staff": staff])
            return try caseValue(db, try caseRow(db, number))
        }
    }

    /// Drops the case's steps taken and not recorded done (a take leaves nothing behind once the case has
    /// left review).
    private func releaseTakes(_ db: Database, _ number: Int64) throws {
        try db.execute(sql: "DELETE FROM step_takes WHERE case_number = ?", arguments: [number])
    }

    /// A special procedure starts today: the clock stops from the next day until the case resumes.
    public func suspend(case number: Int64, procedure: String, actor: OpsActor) throws -> OpsCase {
        guard !procedure.isEmpty, procedure.count <= 200 else {
            throw OpsError(
                .invalid, "a suspension names its special procedure (1 to 200 characters)", field: "procedure")
        }
        return try db.write { db in
            let r = try caseRow(db, number)
            try requireCaseState(r, [.inReview], "a suspension")
            let now = clock.now()
            try db.cachedStatement(sql: "INSERT INTO suspensions (case_number, procedure, started) VALUES (?, ?, ?)")
                .execute(arguments: [number, procedure, now.date.description])
            try db.cachedStatement(sql: "UPDATE cases SET state = 'suspended' WHERE number = ?").execute(arguments: [
                number
            ])
            // A step taken and not done is released: its time would count the suspension (take it again
            // after resuming).
            try releaseTakes(db, number)
            try audit(db, actor, "case.suspend", "case:\(number)", ["procedure": procedure])
            return try caseValue(db, try caseRow(db, number))
        }
    }

    /// The special procedure ended today: the clock runs again; the committed and legal deadlines move by
    /// the working days it stopped.
    public func resume(case number: Int64, actor: OpsActor) throws -> OpsCase {
        try db.write { db in
            let r = try caseRow(db, number)
            try requireCaseState(r, [.suspended], "resuming")
            let now = clock.now()
            try db.cachedStatement(sql: "UPDATE suspensions SET resumed = ? WHERE case_number = ? AND resumed IS NULL")
                .execute(arguments: [now.date.description, number])
            try db.cachedStatement(sql: "UPDATE cases SET state = 'in_review' WHERE number = ?").execute(arguments: [
                number
            ])
            try recomputeDeadlines(db, number)
            try audit(db, actor, "case.resume", "case:\(number)")
            return try caseValue(db, try caseRow(db, number))
        }
    }

    func recomputeDeadlines(_ db: Database, _ number: Int64) throws {
        let r = try caseRow(db, number)
        guard let accepted = Self.decodeStamp(r["accepted"]),
            let item = scenario.items.first(where: { $0.id == (r["item"] as String) })
        else { return }
        let cal = try requireCalendar()
        let ranges = try suspensions(db, number).compactMap { Self.stoppedDays($0, through: accepted.date) }
        do {
            let committed = try (item.committedLimitDays ?? item.legalLimitDays).map {
                try cal.deadline(acceptance: accepted.date, workingDays: $0, suspensions: ranges)
            }
            let legal = try item.legalLimitDays.map {
                try cal.deadline(acceptance: accepted.date, workingDays: $0, suspensions: ranges)
            }
            try db.cachedStatement(sql: "UPDATE cases SET committed_deadline = ?, legal_deadline = ? WHERE number = ?")
                .execute(arguments: [committed?.description, legal?.description, number])
        } catch let e as WorkingCalendar.OutOfRange {
            throw OpsError(.invalid, e.description)
        }
    }

    public func decide(case number: Int64, actor: OpsActor) throws -> OpsCase {
        try db.write { db in
            let r = try caseRow(db, number)
            try requireCaseState(r, [.inReview], "a decision")
            try db.cachedStatement(sql: "UPDATE cases SET state = 'decided', decided = ? WHERE number = ?").execute(
                arguments: [Self.encode(clock.now()), number])
            try releaseTakes(db, number)
            try audit(db, actor, "case.decide", "case:\(number)")
            return try caseValue(db, try caseRow(db, number))
        }
    }

    /// The result goes out: by mail (delivered now) or to be collected (a collection ticket finishes it).
    public func deliver(case number: Int64, mode: DeliveryMode, actor: OpsActor) throws -> OpsCase {
        try db.write { db in
            let r = try caseRow(db, number)
            try requireCaseState(r, [.decided, .doneAtWindow], "delivery")
            let delivered: String? = mode == .mail ? Self.encode(clock.now()) : nil
            try db.cachedStatement(sql: "UPDATE cases SET delivery = ?, delivered = ?, state = ? WHERE number = ?")
                .execute(arguments: [
                    mode.rawValue, delivered, mode == .mail ? "delivered" : (r["state"] as String), number,
                ])
            try audit(db, actor, "case.deliver", "case:\(number)", ["mode": mode.rawValue])
            return try caseValue(db, try caseRow(db, number))
        }
    }

    public func archive(case number: Int64, actor: OpsActor) throws -> OpsCase {
        try db.write { db in
            let r = try caseRow(db, number)
            try requireCaseState(r, [.delivered, .doneAtWindow], "archiving")
            try db.cachedStatement(sql: "UPDATE cases SET state = 'archived', archived = ? WHERE number = ?").execute(
                arguments: [clock.now().date.description, number])
            try audit(db, actor, "case.archive", "case:\(number)")
            return try caseValue(db, try caseRow(db, number))
        }
    }

    /// Open cases (in review or suspended) with their warning level on `date` (yellow: one working day
    /// or less left; red: overdue), red first, then yellow, then green; `department` filters. A
    /// suspension still running stops the clock through `date`.
    public func supervision(on date: CivilDate, department: String? = nil) throws -> [SupervisionEntry] {
        let cal = try requireCalendar()
        return try db.read { db in
            var request = Table("cases").filter(["in_review", "suspended"].contains(Column("state")))
                .order(Column("number"))
            if let department { request = request.filter(Column("department") == department) }
            var out: [SupervisionEntry] = []
            for r in try Row.fetchAll(db, request) {
                let number: Int64 = r["number"]
                guard let accepted = Self.decodeStamp(r["accepted"]),
                    let item = scenario.items.first(where: { $0.id == (r["item"] as String) }),
                    let limit = item.committedLimitDays ?? item.legalLimitDays
                else { continue }
                let ranges = try suspensions(db, number).compactMap { Self.stoppedDays($0, through: date) }
                do {
                    let deadline = try cal.deadline(acceptance: accepted.date, workingDays: limit, suspensions: ranges)
                    let left: Int
                    if date > deadline {
                        left = -(try cal.workingDays(after: deadline, through: date))
                    } else {
                        left = try cal.workingDays(after: date, through: deadline)
                    }
                    let level: SupervisionLevel = date > deadline ? .red : (left <= 1 ? .yellow : .green)
                    out.append(
                        SupervisionEntry(
                            caseNumber: number, item: item.id, department: r["department"], deadline: deadline,
                            workingDaysLeft: left, level: level))
                } catch let e as WorkingCalendar.OutOfRange {
                    throw OpsError(.invalid, e.description)
                }
            }
            let rank: [SupervisionLevel: Int] = [.red: 0, .yellow: 1, .green: 2]
            return out.sorted {
                (rank[$0.level]!, $0.deadline, $0.caseNumber) < (rank[$1.level]!, $1.deadline, $1.caseNumber)
            }
        }
    }

    /// Electronic supervision per department on `date`: how many open cases are green, yellow and red
    /// (departments with no open case are listed with zeros), for the manager's board.
    public func supervisionByDepartment(on date: CivilDate) throws -> [String: [SupervisionLevel: Int]] {
        var out: [String: [SupervisionLevel: Int]] = [:]
        for d in scenario.departments { out[d.id] = [.green: 0, .yellow: 0, .red: 0] }
        for e in try supervision(on: date) { out[e.department, default: [:]][e.level, default: 0] += 1 }
        return out
    }

    // MARK: Ratings

    static func rating(_ r: Row) -> OpsRating {
        OpsRating(
            id: r["id"], ticket: r["ticket"], level: r["level"], comment: r["comment"], at: decodeStamp(r["at"])!,
            rectifyBy: decodeDate(r["rectify_by"]), rectified: decodeStamp(r["rectified"]),
            rectification: r["rectification"])
    }

    /// Five levels per visit (one rating per ticket); a bad one gets a rectification due date
    /// `rectificationWorkingDays` working days ahead.
    public func rate(ticket: Int64, level: Int, comment: String, actor: OpsActor) throws -> OpsRating {
        guard (1...5).contains(level) else { throw OpsError(.invalid, "a rating is 1 to 5", field: "level") }
        guard comment.count <= 2000 else {
            throw OpsError(.invalid, "a comment has at most 2000 characters", field: "comment")
        }
        return try db.write { db in
            let t = try ticketRow(db, ticket)
            guard ["finished", "transferred"].contains(t["state"] as String) else {
                throw Self.illegal(t, "rating", "only a visit that reached a window can be rated")
            }
            if try Int64.fetchOne(
                try db.cachedStatement(sql: "SELECT id FROM ratings WHERE ticket = ?"), arguments: [ticket]) != nil
            {
                throw OpsError(.conflict, "ticket \(t["display"] as String) was already rated")
            }
            let now = clock.now()
            var due: String?
            if level <= settings.badRatingAtMost {
                let cal = try requireCalendar()
                do {
                    due = try cal.deadline(acceptance: now.date, workingDays: settings.rectificationWorkingDays)
                        .description
                } catch let e as WorkingCalendar.OutOfRange { throw OpsError(.invalid, e.description) }
            }
            try db.cachedStatement(
                sql: "INSERT INTO ratings (ticket, level, comment, at, rectify_by) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [ticket, level, comment, Self.encode(now), due])
            let id = db.lastInsertedRowID
            try audit(db, actor, "rating.create", "rating:\(id)", ["level": "\(level)"])
            return Self.rating(
                try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM ratings WHERE id = ?"), arguments: [id])!)
        }
    }

    public func rectify(rating: Int64, note: String, actor: OpsActor) throws -> OpsRating {
        guard !note.isEmpty, note.count <= 2000 else {
            throw OpsError(.invalid, "a rectification says what was done (1 to 2000 characters)", field: "note")
        }
        return try db.write { db in
            guard
                let r = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT * FROM ratings WHERE id = ?"), arguments: [rating])
            else {
                throw OpsError(.notFound, "there is no rating \(rating)")
            }
            guard (r["rectify_by"] as String?) != nil else {
                throw OpsError(.illegalTransition, "rating \(rating) is not a bad rating; nothing to rectify")
            }
            guard (r["rectified"] as String?) == nil else {
                throw OpsError(.illegalTransition, "rating \(rating) is already rectified")
            }
            try db.cachedStatement(sql: "UPDATE ratings SET rectified = ?, rectification = ? WHERE id = ?").execute(
                arguments: [Self.encode(clock.now()), note, rating])
            try audit(db, actor, "rating.rectify", "rating:\(rating)")
            return Self.rating(
                try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT * FROM ratings WHERE id = ?"), arguments: [rating])!)
        }
    }

    /// Bad ratings not yet rectified, earliest due first.
    public func openRectifications() throws -> [OpsRating] {
        try db.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM ratings WHERE rectify_by IS NOT NULL AND rectified IS NULL ORDER BY rectify_by, id"
            ).map(Self.rating)
        }
    }
}
