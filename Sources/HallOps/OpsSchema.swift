import GRDB

/// The database schema, as GRDB migrations (each runs once, in order, in a transaction).
enum OpsSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "departments") { t in
                t.primaryKey("id", .text)
                t.column("idx", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("prefix", .text).notNull()
                t.column("waiting", .integer).notNull().defaults(to: 0)
            }
            try db.create(table: "items") { t in
                t.primaryKey("id", .text)
                t.column("idx", .integer).notNull()
                t.column("department", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("committed_days", .integer)
                t.column("legal_days", .integer)
            }
            try db.create(table: "windows") { t in
                t.primaryKey("id", .text)
                t.column("idx", .integer).notNull()
                t.column("grp", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("departments", .text).notNull()
                t.column("status", .text).notNull().defaults(to: "closed")
                t.column("clerk", .text)
                t.column("ticket", .integer)
                t.column("owed_normal", .integer).notNull().defaults(to: 0)
            }
            try db.create(table: "staff") { t in
                t.primaryKey("id", .text)
                t.column("idx", .integer).notNull()
                t.column("kind", .text).notNull()
                // Departments the clerk may take, comma-separated; "*" for lent clerks (the window's).
                t.column("skills", .text).notNull()
                t.column("window", .text)
            }
            try db.create(table: "counters") { t in
                t.column("date", .text).notNull()
                t.column("name", .text).notNull()
                t.column("last", .integer).notNull()
                t.primaryKey(["date", "name"])
            }
            try db.create(table: "tickets") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("date", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("display", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("department", .text).notNull()
                t.column("item", .text)
                t.column("priority", .boolean).notNull()
                t.column("appointment_class", .boolean).notNull()
                t.column("state", .text).notNull()
                t.column("issued_at", .double).notNull()
                t.column("queued_at", .double).notNull()
                t.column("called_at", .double)
                t.column("calls", .integer).notNull().defaults(to: 0)
                t.column("started_at", .double)
                t.column("ended_at", .double)
                t.column("window", .text)
                t.column("clerk", .text)
                t.column("outcome", .text)
                t.column("case_number", .integer)
                t.column("previous_segment", .integer)
                t.column("target_window", .text)
                t.column("target_clerk", .text)
                t.column("idempotency_key", .text).unique()
                t.column("request", .text)
                t.uniqueKey(["date", "sequence"])
            }
            try db.create(index: "tickets_waiting", on: "tickets", columns: ["state", "department", "sequence"])
            try db.create(
                index: "tickets_display", on: "tickets", columns: ["date", "display"], unique: true,
                condition: Column("previous_segment") == nil)
            try db.create(table: "window_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("date", .text).notNull().indexed()
                t.column("time", .double).notNull()
                t.column("window", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("ticket", .integer)
                t.column("staff", .integer)
            }
            try db.create(table: "staff_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("date", .text).notNull().indexed()
                t.column("time", .double).notNull()
                t.column("staff", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("window", .integer)
            }
            try db.create(table: "queue_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("date", .text).notNull().indexed()
                t.column("time", .double).notNull()
                t.column("department", .integer).notNull()
                t.column("waiting", .integer).notNull()
            }
            try db.create(table: "cases") { t in
                t.autoIncrementedPrimaryKey("number")
                t.column("item", .text).notNull()
                t.column("department", .text).notNull()
                t.column("state", .text).notNull()
                t.column("first_visit", .text)
                t.column("visits", .integer).notNull()
                t.column("accepted", .text)
                t.column("committed_deadline", .text)
                t.column("legal_deadline", .text)
                t.column("decided", .text)
                t.column("delivery", .text)
                t.column("delivered", .text)
                t.column("archived", .text)
            }
            try db.create(table: "suspensions") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("case_number", .integer).notNull().indexed()
                t.column("procedure", .text).notNull()
                // The day the procedure started and the day the case resumed (nil: still suspended).
                t.column("started", .text).notNull()
                t.column("resumed", .text)
            }
            try db.create(table: "case_steps") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("case_number", .integer).notNull().indexed()
                t.column("department", .text).notNull()
                t.column("step", .text).notNull()
                t.column("staff", .text).notNull()
                t.column("arrived", .text).notNull()
                t.column("done", .text).notNull()
            }
            try db.create(table: "ratings") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("ticket", .integer).notNull().unique()
                t.column("level", .integer).notNull()
                t.column("comment", .text).notNull()
                t.column("at", .text).notNull()
                t.column("rectify_by", .text)
                t.column("rectified", .text)
                t.column("rectification", .text)
            }
            try db.create(table: "users") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("staff_id", .text)
                t.column("password_hash", .text).notNull()
                t.column("active", .boolean).notNull()
            }
            try db.create(table: "devices") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("kind", .text).notNull()
                t.column("token_hash", .text).notNull().unique()
                t.column("active", .boolean).notNull()
            }
            try db.create(table: "persist") { t in
                t.primaryKey("key", .text)
                t.column("value", .blob).notNull()
                t.column("expires", .double)
            }
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("role", .text).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("detail", .text).notNull()
            }
            // The audit trail is append-only.
            try db.execute(
                sql: """
                    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    """)
        }
        m.registerMigration("v2 queue indexes") { db in
            // Calling reads only the waiting tickets: partial indexes keep that read small (and covering).
            try db.execute(
                sql: """
                    CREATE INDEX tickets_queue ON tickets (date, department, priority, appointment_class, sequence)
                    WHERE state = 'waiting' AND target_window IS NULL AND target_clerk IS NULL;
                    CREATE INDEX tickets_directed_window ON tickets (target_window, date, queued_at, sequence)
                    WHERE state = 'waiting' AND target_window IS NOT NULL;
                    CREATE INDEX tickets_directed_clerk ON tickets (target_clerk, date, queued_at, sequence)
                    WHERE state = 'waiting' AND target_clerk IS NOT NULL;
                    """)
        }
        m.registerMigration("v3 appointment slots and bookings") { db in
            // An appointment's booked slot (its punctuality is arrival − slot) and the day's bookings
            // (its show-up is check-ins over bookings): what calibration reads for appointments.
            try db.alter(table: "tickets") { t in t.add(column: "appointment_slot", .double) }
            try db.create(table: "bookings") { t in
                t.column("date", .text).notNull()
                t.column("block", .text).notNull()
                t.column("slot", .double).notNull()
                t.column("booked", .integer).notNull()
                t.primaryKey(["date", "block", "slot"])
            }
        }
        m.registerMigration("v4 step start") { db in
            // When a back-office step was taken (签收): its working time runs from there to `done`.
            try db.alter(table: "case_steps") { t in t.add(column: "started", .text) }
            try db.create(table: "step_takes") { t in
                t.column("case_number", .integer).notNull()
                t.column("step", .text).notNull()
                t.column("staff", .text).notNull()
                t.column("started", .text).notNull()
                t.primaryKey(["case_number", "step"])
            }
        }
        return m
    }
}
