/// Opening periods of a day and what happens at a break.
public struct DaySchedule: Sendable, Hashable, Codable {
    /// Sorted, non-overlapping opening periods (e.g. 08:30–12:00, 14:00–17:30).
    public var periods: [TimeInterval]
    /// What windows do with waiting tickets when a period closes before another opens.
    /// At the end of the day every ticket already issued is served.
    public var atBreak: BreakRule

    public init(periods: [TimeInterval], atBreak: BreakRule = .serveIssued) {
        self.periods = periods
        self.atBreak = atBreak
    }

    public var opens: ClockTime { periods.first?.start ?? ClockTime(minutes: 0) }
    public var closes: ClockTime { periods.last?.end ?? ClockTime(minutes: 0) }
    public func isOpen(at t: Double) -> Bool { periods.contains { $0.contains(t) } }
    public var openMinutes: Double { periods.reduce(0) { $0 + $1.lengthMinutes } }
}

public enum BreakRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// Windows keep calling until every ticket issued before the break is served (then close).
    case serveIssued = "serve_issued"
    /// Windows stop calling at the break (finishing the applicant at the desk); tickets wait for the next period.
    case hold
}

/// Which waiting ticket an idle window calls.
public enum CallingRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// Green channel first, then the oldest ticket among all departments the window serves.
    case fifo
    /// Green channel first, then the oldest ticket of the window's first (home) department, then the
    /// oldest of the others.
    case ownDepartmentFirst = "own_department_first"
    /// Green channel first, then the oldest ticket of the department with the most tickets waiting.
    case longestQueueFirst = "longest_queue_first"
}

/// Which idle window calls a ticket that arrives when several could take it.
public enum RoutingRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// The most specialised window (fewest departments) first, keeping broad windows free; among
    /// equally specialised windows the one idle the longest.
    case specialistFirst = "specialist_first"
    /// The window idle the longest.
    case longestIdle = "longest_idle"
}

/// A hall described in one file.
public struct Scenario: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    /// Service-level target: a ticket is "within target" when called within this many minutes.
    public var waitTargetMinutes: Double
    /// Tickets issued in the first minutes after opening are left out of the statistics (for
    /// steady-state studies; 0 for a hall day).
    public var warmupMinutes: Double
    public var day: DaySchedule
    public var departments: [Department]
    public var items: [ServiceItem]
    public var arrivals: [ArrivalProfile]
    public var appointments: [AppointmentBlock]
    public var windows: [WindowGroup]
    public var proficiency: [Proficiency]
    public var behaviour: Behaviour
    public var calling: CallingSpec
    public var routing: RoutingRule
    /// Shifts, clerks and the roster. Empty: every window is staffed whenever the hall is open.
    public var shifts: [Shift]
    public var staff: [StaffMember]
    public var tidal: [TidalRule]
    /// A run over dates (nil: one day).
    public var period: Period?
    public var backOffice: BackOfficeRules?
    public var delivery: Delivery
    public var noticeReturn: NoticeReturn?
    /// Applicants who left before intake come back on a later day (nil: they do not).
    public var comeBack: ComeBack?
    /// Stages before the ticket: the guide desk and self-service terminals (nil: none).
    public var guideDesk: GuideDesk?
    public var selfService: SelfService?
    /// The complaints window's redirection of failed visits (nil: none).
    public var complaints: Complaints?

    public init(
        name: String, description: String = "", waitTargetMinutes: Double = 15, warmupMinutes: Double = 0,
        day: DaySchedule, departments: [Department], items: [ServiceItem], arrivals: [ArrivalProfile],
        appointments: [AppointmentBlock] = [], windows: [WindowGroup], proficiency: [Proficiency] = [],
        behaviour: Behaviour = Behaviour(), calling: CallingSpec = CallingSpec(),
        routing: RoutingRule = .specialistFirst,
        shifts: [Shift] = [], staff: [StaffMember] = [], tidal: [TidalRule] = [],
        period: Period? = nil, backOffice: BackOfficeRules? = nil, delivery: Delivery = Delivery(),
        noticeReturn: NoticeReturn? = nil, comeBack: ComeBack? = nil, guideDesk: GuideDesk? = nil,
        selfService: SelfService? = nil, complaints: Complaints? = nil
    ) {
        self.name = name
        self.description = description
        self.waitTargetMinutes = waitTargetMinutes
        self.warmupMinutes = warmupMinutes
        self.day = day
        self.departments = departments
        self.items = items
        self.arrivals = arrivals
        self.appointments = appointments
        self.windows = windows
        self.proficiency = proficiency
        self.behaviour = behaviour
        self.calling = calling
        self.routing = routing
        self.shifts = shifts
        self.staff = staff
        self.tidal = tidal
        self.period = period
        self.backOffice = backOffice
        self.delivery = delivery
        self.noticeReturn = noticeReturn
        self.comeBack = comeBack
        self.guideDesk = guideDesk
        self.selfService = selfService
        self.complaints = complaints
    }

    /// Whether applicants may pass a stage before the ticket (the guide desk or self-service terminals).
    public var hasStages: Bool { guideDesk != nil || selfService != nil }

    /// Whether windows are staffed by named clerks (a `staff` section) rather than always open.
    public var hasRoster: Bool { !staff.isEmpty }

    /// Service-time factor at a window of this kind for this department (1 when not given).
    public func proficiencyFactor(_ kind: WindowKind, department: String) -> Double {
        proficiency.first { $0.windowKind == kind }?.factor(for: department) ?? 1
    }

    /// Departments a window group serves (universal: all that do not keep their own windows).
    public func servedDepartments(_ group: WindowGroup) -> [String] {
        switch group.kind {
        case .universal: departments.filter { !$0.ownWindowsOnly }.map(\.id)
        case .department, .domain: group.departments
        }
    }

    /// The physical windows, group by group, in file order.
    public var physicalWindows: [PhysicalWindow] {
        windows.enumerated().flatMap { gi, g in
            g.windowNames.map { PhysicalWindow(name: $0, group: gi, kind: g.kind, departments: servedDepartments(g)) }
        }
    }

    /// Names of the ids the event log refers to by index.
    public var catalogue: Catalogue {
        let windows = physicalWindows
        let tidalGroups = Set(tidal.map(\.group))
        let posts = Set(staff.flatMap(\.posts))
        let rostered = windows.map { w in
            hasRoster ? posts.contains(w.name) : !tidalGroups.contains(self.windows[w.group].id)
        }
        var names = staff.flatMap(\.memberIDs)
        var kinds = names.map { _ in StaffKind.rostered }
        for rule in tidal {
            for k in 1...max(rule.sourceSize, 1) {
                names.append("\(rule.id)#\(k)")
                if case .backOffice = rule.source { kinds.append(.backOffice) } else { kinds.append(.pool) }
            }
        }
        return Catalogue(
            departments: departments.map(\.id), items: items.map(\.id), windows: windows.map(\.name),
            profiles: arrivals.map(\.id) + appointments.map(\.id)
                + (period != nil || complaints != nil ? [Catalogue.plannedVisits] : [])
                + (complaints != nil ? [Complaints.source] : []),
            staff: names, staffKind: kinds,
            rosteredWindows: rostered)
    }
}

public enum StaffKind: String, Sendable, Hashable, Codable {
    case rostered
    case pool
    case backOffice = "back_office"
}

/// One window of a group.
public struct PhysicalWindow: Sendable, Hashable {
    public var name: String
    public var group: Int
    public var kind: WindowKind
    public var departments: [String]
}

/// Index → id tables for the event log (records carry indices; files carry ids).
public struct Catalogue: Sendable, Hashable {
    public var departments: [String]
    public var items: [String]
    public var windows: [String]
    /// Walk-in profiles, then appointment blocks, then (multi-day runs) planned visits.
    public var profiles: [String]
    /// The profile name of visits planned by earlier days (returns after a notice, collections).
    public static let plannedVisits = "planned_visits"
    /// Rostered clerks, then the tidal sources' clerks ("rule#k").
    public var staff: [String]
    /// Where each clerk comes from.
    public var staffKind: [StaffKind]
    /// Windows expected open whenever the hall is: rostered posts, or every non-tidal window without a
    /// roster. Closed minutes of these during opening hours are a staffing gap.
    public var rosteredWindows: [Bool]

    public init(
        departments: [String], items: [String], windows: [String], profiles: [String], staff: [String] = [],
        staffKind: [StaffKind] = [], rosteredWindows: [Bool]? = nil
    ) {
        self.departments = departments
        self.items = items
        self.staff = staff
        self.staffKind = staffKind
        self.rosteredWindows = rosteredWindows ?? windows.map { _ in true }
        self.windows = windows
        self.profiles = profiles
    }
}
