import Foundation
import HallDomain

/// One observed hall day: its tickets (event-log records) and when the hall was open.
public struct ObservedDay: Sendable {
    /// "folder#replication" or "folder#replication/date": where the day came from.
    public var label: String
    public var date: CivilDate?
    public var periods: [HallDomain.TimeInterval]
    /// The base scenario's demand multiplier for the day (calendar overrides, weekday demand); 1 for one day.
    public var demand: Double
    public var tickets: [TicketRecord]
    /// The clerk (index into the catalogue's staff) who served each ticket, from windows.csv (halls with a roster).
    public var clerk: [Int32: Int32] = [:]
    /// The day's appointment bookings (bookings.csv); nil where the records have none.
    public var bookings: [BookingRecord]?
    /// Back-office steps of the day's run (steps.csv), on the run's first observed day: steps run across
    /// days, so they belong to the run, not to a day.
    public var steps: [CaseStepRecord] = []

    public init(
        label: String, date: CivilDate?, periods: [HallDomain.TimeInterval], demand: Double, tickets: [TicketRecord]
    ) {
        self.label = label
        self.date = date
        self.periods = periods
        self.demand = demand
        self.tickets = tickets
    }

    /// Open minutes of the day inside [a, b).
    public func openMinutes(from a: Double, to b: Double) -> Double {
        periods.reduce(0) { $0 + max(0, min(b, $1.end.minutes) - max(a, $1.start.minutes)) }
    }
}

public struct RecordsError: Error, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var field: String?
    public var message: String
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let field { s += ": \(field)" }
        return s + ": " + message
    }
}

/// Reads the event log a folder holds (tickets.csv as `hallsim run` and `hallops export` write it).
public enum CalibrationRecords {
    /// Days of `folder`: one per replication (and per date for a run over dates).
    public static func read(folder: String, base: Scenario) throws -> [ObservedDay] {
        let path = URL(fileURLWithPath: folder).appendingPathComponent("tickets.csv").path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordsError(
                file: path,
                message: "cannot read the file; expected a records folder written by hallsim run or hallops export")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RecordsError(file: path, message: "not UTF-8 text")
        }
        var days = try parse(text, file: path, label: URL(fileURLWithPath: folder).lastPathComponent, base: base)
        let wpath = URL(fileURLWithPath: folder).appendingPathComponent("windows.csv").path
        if base.hasRoster, let w = FileManager.default.contents(atPath: wpath),
            let wt = String(data: w, encoding: .utf8)
        {
            try attachClerks(wt, file: wpath, base: base, to: &days)
        }
        let spath = URL(fileURLWithPath: folder).appendingPathComponent("steps.csv").path
        if base.backOffice != nil, base.period != nil, let st = FileManager.default.contents(atPath: spath) {
            guard let text = String(data: st, encoding: .utf8) else {
                throw RecordsError(file: spath, message: "not UTF-8 text")
            }
            try attachSteps(text, file: spath, base: base, to: &days)
        }
        let bpath = URL(fileURLWithPath: folder).appendingPathComponent("bookings.csv").path
        if !base.appointments.isEmpty, let b = FileManager.default.contents(atPath: bpath) {
            guard let bt = String(data: b, encoding: .utf8) else {
                throw RecordsError(file: bpath, message: "not UTF-8 text")
            }
            try attachBookings(bt, file: bpath, base: base, to: &days)
        }
        return days
    }

    /// The key of a day in the other files: "replication/date" (date empty for undated records).
    static func dayIndex(_ days: [ObservedDay]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (k, d) in days.enumerated() {
            let rep = d.label.split(separator: "#").last.map { String($0.split(separator: "/").first ?? "") } ?? ""
            index["\(rep)/\(d.date.map { "\($0)" } ?? "")"] = k
        }
        return index
    }

    /// Reads the back-office steps of steps.csv (as a run over dates and `hallops export` write it): each
    /// replication's steps go to its first observed day. Steps not yet ended are left out.
    public static func attachSteps(_ text: String, file: String, base: Scenario, to days: inout [ObservedDay]) throws {
        let departments = Dictionary(
            base.catalogue.departments.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        var lines = text.split(separator: "\n").map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard !lines.isEmpty else { throw RecordsError(file: file, line: 1, message: "empty file") }
        let head = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var col: [String: Int] = [:]
        for (i, name) in head.enumerated() { col[name] = i }
        for r in ["replication", "department", "step", "arrived", "start", "end", "start_min", "end_min"]
        where col[r] == nil {
            throw RecordsError(file: file, line: 1, field: r, message: "missing column (expected the steps.csv header)")
        }
        // The first observed day of each replication.
        var first: [String: Int] = [:]
        for (k, d) in days.enumerated() {
            let rep = d.label.split(separator: "#").last.map { String($0.split(separator: "/").first ?? "") } ?? ""
            if let j = first[rep], let a = days[j].date, let b = d.date, a <= b { continue }
            first[rep] = k
        }
        for (n, raw) in lines.enumerated() {
            let line = n + 2
            let f = raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == head.count else {
                throw RecordsError(file: file, line: line, message: "\(f.count) fields, expected \(head.count)")
            }
            func v(_ k: String) -> String { f[col[k]!] }
            guard let d = departments[v("department")] else {
                throw RecordsError(
                    file: file, line: line, field: "department",
                    message: "\"\(v("department"))\" is not in the base scenario")
            }
            guard let step = StepKind(rawValue: v("step")) else {
                throw RecordsError(
                    file: file, line: line, field: "step",
                    message: "unknown step \"\(v("step"))\" (review, approval, second_approval, special, referral)")
            }
            func stamp(_ k: String, _ m: String) throws -> Stamp? {
                if v(k).isEmpty { return nil }
                guard let date = CivilDate(parsing: String(v(k).prefix(10))), let minute = Double(v(m)),
                    minute.isFinite, minute >= 0, minute <= 1440
                else {
                    throw RecordsError(
                        file: file, line: line, field: k,
                        message: "expected a stamp YYYY-MM-DD HH:MM:SS with its minutes in \(m), found \"\(v(k))\"")
                }
                // Working minutes are counted on the calendar: a date outside its data has none.
                if let years = base.period?.calendar.years, !years.contains(date.year) {
                    throw RecordsError(
                        file: file, line: line, field: k,
                        message:
                            "\(date) is outside the base scenario's calendar data (\(years.lowerBound)–\(years.upperBound))"
                    )
                }
                return Stamp(date, minute)
            }
            guard let end = try stamp("end", "end_min") else { continue }
            guard let start = try stamp("start", "start_min"), start <= end else {
                throw RecordsError(
                    file: file, line: line, field: "start", message: "an ended step needs a start at or before its end")
            }
            guard let arrived = CivilDate(parsing: String(v("arrived").prefix(10))) else {
                throw RecordsError(file: file, line: line, field: "arrived", message: "expected a stamp YYYY-MM-DD …")
            }
            guard let k = first[v("replication")] else { continue }
            let a = Stamp(arrived, 0)
            days[k].steps.append(
                CaseStepRecord(
                    caseNumber: -1, department: d, step: step, arrived: a, visible: a, start: start, end: end, work: 0))
        }
    }

    /// Reads the appointments booked per slot (bookings.csv as `hallsim run` and `hallops export` write it).
    /// Every day of the records gets a (possibly empty) list: the file lists every booking of its days.
    public static func attachBookings(_ text: String, file: String, base: Scenario, to days: inout [ObservedDay])
        throws
    {
        let blocks = Dictionary(
            base.appointments.enumerated().map { ($1.id, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        var lines = text.split(separator: "\n").map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard !lines.isEmpty else { throw RecordsError(file: file, line: 1, message: "empty file") }
        let head = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var col: [String: Int] = [:]
        for (i, name) in head.enumerated() { col[name] = i }
        for r in ["replication", "block", "slot_min", "booked"] where col[r] == nil {
            throw RecordsError(
                file: file, line: 1, field: r, message: "missing column (expected the bookings.csv header)")
        }
        let index = dayIndex(days)
        for k in days.indices { days[k].bookings = [] }
        for (n, raw) in lines.enumerated() {
            let line = n + 2
            let f = raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == head.count else {
                throw RecordsError(file: file, line: line, message: "\(f.count) fields, expected \(head.count)")
            }
            let id = f[col["block"]!]
            guard let b = blocks[id] else {
                throw RecordsError(
                    file: file, line: line, field: "block",
                    message: "\"\(id)\" is not an appointment block of the base scenario")
            }
            guard let slot = Double(f[col["slot_min"]!]), slot.isFinite,
                base.appointments[Int(b)].hasSlot(slot)
            else {
                throw RecordsError(
                    file: file, line: line, field: "slot_min",
                    message:
                        "expected one of block \(id)'s slots (minutes after midnight), found \"\(f[col["slot_min"]!])\""
                )
            }
            guard let booked = Int32(f[col["booked"]!]), booked >= 0 else {
                throw RecordsError(
                    file: file, line: line, field: "booked", message: "expected a count (an integer ≥ 0)")
            }
            let key = "\(f[col["replication"]!])/\(col["date"].map { f[$0] } ?? "")"
            // Bookings of a day without tickets: nobody came, and the day is not in the records.
            guard let k = index[key] else { continue }
            days[k].bookings!.append(BookingRecord(block: b, slot: slot, booked: booked))
        }
    }

    /// Reads who served each ticket from windows.csv (busy rows carry the ticket and the clerk).
    public static func attachClerks(_ text: String, file: String, base: Scenario, to days: inout [ObservedDay]) throws {
        let staff = Dictionary(
            base.catalogue.staff.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        var lines = text.split(separator: "\n").map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard !lines.isEmpty else { return }
        let head = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let ci = head.firstIndex(of: "replication"), let si = head.firstIndex(of: "state"),
            let ti = head.firstIndex(of: "ticket"), let fi = head.firstIndex(of: "staff")
        else { throw RecordsError(file: file, line: 1, message: "expected the windows.csv header") }
        let di = head.firstIndex(of: "date")
        let index = dayIndex(days)
        for (n, raw) in lines.enumerated() {
            let f = raw.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == head.count else {
                throw RecordsError(file: file, line: n + 2, message: "\(f.count) fields, expected \(head.count)")
            }
            guard f[si] == "busy", let t = Int32(f[ti]), let c = staff[String(f[fi])] else { continue }
            let key = "\(f[ci])/\(di.map { String(f[$0]) } ?? "")"
            if let k = index[key] { days[k].clerk[t] = c }
        }
    }

    /// Days of a tickets.csv text.
    public static func parse(_ text: String, file: String, label: String, base: Scenario) throws -> [ObservedDay] {
        let c = base.catalogue
        func index(_ names: [String]) -> [String: Int32] {
            Dictionary(names.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        }
        let items = index(c.items)
        let departments = index(c.departments)
        let windows = index(c.windows)
        let profiles = index(c.profiles)
        // Records of a real hall (hallops export) name the ticket kind as the source, not the scenario's
        // arrival profile: a walk-in's profile is then the first walk-in profile whose target has its item.
        var itemProfile: [Int32: Int32] = [:]
        for (p, a) in base.arrivals.enumerated() {
            let covered: [String]
            switch a.target {
            case .item(let i): covered = [i]
            case .department(_, let shares): covered = shares.map(\.item)
            }
            for i in covered { if let k = items[i], itemProfile[k] == nil { itemProfile[k] = Int32(p) } }
        }
        // A ticket that names only its department (a kiosk's department button) is a walk-in of the first
        // profile that brings one of the department's items; it counts in arrival rates and behaviour, not
        // in item shares or intake times.
        var departmentProfile: [Int32: Int32] = [:]
        for (i, item) in base.items.enumerated() {
            guard let p = itemProfile[Int32(i)], let d = departments[item.department] else { continue }
            if departmentProfile[d].map({ p < $0 }) ?? true { departmentProfile[d] = p }
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let head = lines.first else { throw RecordsError(file: file, line: 1, message: "empty file") }
        let columns = head.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var col: [String: Int] = [:]
        for (i, name) in columns.enumerated() { col[name] = i }
        let required = [
            "replication", "ticket", "source", "channel", "item", "department", "priority", "arrival_min",
            "call_min", "service_start_min", "service_end_min", "end_min", "window", "outcome",
        ]
        for r in required where col[r] == nil {
            throw RecordsError(
                file: file, line: 1, field: r, message: "missing column (expected the tickets.csv header)")
        }
        var byDay: [String: (rep: Int, date: CivilDate?, tickets: [TicketRecord])] = [:]
        var order: [String] = []
        for (ln, raw) in lines.enumerated().dropFirst() {
            let lineNo = ln + 1
            let f = raw.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == columns.count else {
                throw RecordsError(
                    file: file, line: lineNo, message: "\(f.count) fields, expected \(columns.count) as in the header")
            }
            func s(_ k: String) -> String { col[k].map { String(f[$0]) } ?? "" }
            func num(_ k: String) throws -> Double? {
                let v = s(k)
                if v.isEmpty { return nil }
                guard let x = Double(v), x.isFinite else {
                    throw RecordsError(file: file, line: lineNo, field: k, message: "expected a number, found \"\(v)\"")
                }
                return x
            }
            func lookup(_ k: String, _ table: [String: Int32]) throws -> Int32 {
                guard let i = table[s(k)] else {
                    throw RecordsError(
                        file: file, line: lineNo, field: k,
                        message:
                            "\"\(s(k))\" is not in the base scenario (calibrate against the scenario the hall runs)")
                }
                return i
            }
            guard let rep = Int(s("replication")) else {
                throw RecordsError(file: file, line: lineNo, field: "replication", message: "expected an integer")
            }
            var date: CivilDate?
            if col["date"] != nil {
                guard let d = CivilDate(parsing: s("date")) else {
                    throw RecordsError(file: file, line: lineNo, field: "date", message: "expected YYYY-MM-DD")
                }
                date = d
            }
            guard let outcome = TicketOutcome(rawValue: s("outcome")) else {
                throw RecordsError(
                    file: file, line: lineNo, field: "outcome", message: "unknown outcome \"\(s("outcome"))\"")
            }
            guard let channel = Channel(rawValue: s("channel")) else {
                throw RecordsError(
                    file: file, line: lineNo, field: "channel", message: "unknown channel \"\(s("channel"))\"")
            }
            guard let arrival = try num("arrival_min"), let end = try num("end_min") else {
                throw RecordsError(
                    file: file, line: lineNo, field: "arrival_min", message: "arrival and end are required")
            }
            let window = s("window").isEmpty ? nil : try lookup("window", windows)
            let visit = VisitKind(rawValue: s("visit")) ?? .first
            let item = s("item").isEmpty ? -1 : try lookup("item", items)
            let department = try lookup("department", departments)
            let inferred: Int32 =
                channel == .walkIn && visit == .first
                ? (item >= 0 ? itemProfile[item] : departmentProfile[department]) ?? -1 : -1
            let rec = TicketRecord(
                ticket: Int32(s("ticket")) ?? 0, source: profiles[s("source")] ?? inferred,
                item: item, department: department,
                channel: channel, priority: s("priority") == "1", arrival: arrival, call: try num("call_min"),
                serviceStart: try num("service_start_min"), serviceEnd: try num("service_end_min"),
                window: window, outcome: outcome, end: end, visit: visit, caseNumber: Int32(s("case")),
                slot: try num("slot_min"))
            let key = "\(rep)/\(date.map { "\($0)" } ?? "")"
            if byDay[key] == nil {
                byDay[key] = (rep, date, [])
                order.append(key)
            }
            byDay[key]!.tickets.append(rec)
        }
        return try order.map { key in
            let d = byDay[key]!
            var periods = base.day.periods
            var demand = 1.0
            if let date = d.date, let p = base.period {
                let day: HallDay?
                do { day = try p.hallDay(date, regular: base.day.periods) } catch {
                    throw RecordsError(file: file, field: "date", message: "\(date): \(error)")
                }
                if let hd = day {
                    periods = hd.periods
                    demand = hd.demand
                } else {
                    throw RecordsError(
                        file: file, field: "date",
                        message:
                            "\(date) has tickets but the base scenario's calendar has the hall closed or unknown then")
                }
            }
            return ObservedDay(
                label: "\(label)#\(d.rep)" + (d.date.map { "/\($0)" } ?? ""), date: d.date, periods: periods,
                demand: demand, tickets: d.tickets)
        }
    }
}
