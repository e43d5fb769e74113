/// What the staffing planner is asked for, read from a plan file (docs/planner.md): the base hall,
/// the days and their demand, the shift types and costs, the targets, and the layouts to try.

/// A shift type the planner may use: when it starts and ends, its unpaid breaks, and how many clerks
/// (over all staff groups) may or must work it.
public struct ShiftType: Sendable, Hashable, Codable {
    public var id: String
    public var start: ClockTime
    public var end: ClockTime
    public var breaks: [TimeInterval]
    public var minStaff: Int
    public var maxStaff: Int?

    public init(
        id: String, start: ClockTime, end: ClockTime, breaks: [TimeInterval] = [], minStaff: Int = 0,
        maxStaff: Int? = nil
    ) {
        self.id = id
        self.start = start
        self.end = end
        self.breaks = breaks
        self.minStaff = minStaff
        self.maxStaff = maxStaff
    }

    /// The shift as the simulator knows it.
    public var shift: Shift { Shift(id: id, start: start, end: end, breaks: breaks) }
    /// Paid hours: time on duty (breaks unpaid).
    public var paidHours: Double { shift.duty.reduce(0) { $0 + $1.lengthMinutes } / 60 }
    /// Whether a clerk of this shift is on duty during the whole interval.
    public func onDuty(during interval: TimeInterval) -> Bool { shift.duty.contains { $0.covers(interval) } }
}

/// Layouts the planner can build from a hall's departments.
public enum LayoutKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// One window group per department.
    case dedicated
    /// The hall's domain windows (分领域综合窗口) each serve their domain; other departments dedicated.
    case domain
    /// One universal group (全科) for every department that does not keep its own windows.
    case universal
    /// Partial cross-training: clerk group i serves departments i and i+1 of a ring (a chain; Jordan &
    /// Graves 1995), fast on the first, at the generalist slowdown on the second.
    case chain
}

/// One planned day: a name and a factor on every walk-in rate of the base hall.
public struct PlanDay: Sendable, Hashable, Codable {
    public var name: String
    public var demandScale: Double
    public init(name: String, demandScale: Double = 1) {
        self.name = name
        self.demandScale = demandScale
    }
}

/// Service targets for the plan.
public struct PlanTargets: Sendable, Hashable, Codable {
    /// A ticket is within target when called within this many minutes.
    public var waitMinutes: Double
    /// Share of arrivals (of each staff group, in each interval) to call within the target.
    public var serviceLevel: Double
    /// Most share of a group's arrivals in a day that may leave without service (nil: no cap).
    public var abandonCap: Double?
    /// Back office of a multi-day base: the share of each department's decided cases decided on time
    /// (按时办结率) to reach over the period (nil: the back office is not planned).
    public var onTimeRate: Double? = nil
    public init(waitMinutes: Double = 15, serviceLevel: Double = 0.8, abandonCap: Double? = nil) {
        self.waitMinutes = waitMinutes
        self.serviceLevel = serviceLevel
        self.abandonCap = abandonCap
    }
}

public struct PlanningSpec: Sendable, Hashable, Codable {
    public var days: [PlanDay]
    /// Length of a planning interval (minutes).
    public var intervalMinutes: Double
    /// When set, the hall stays open through the gaps between periods (中午不打烊) with walk-in rates
    /// this share of the mean of the rates just before and after the gap.
    public var middayDemandShare: Double?
    public var targets: PlanTargets
    public var shiftTypes: [ShiftType]
    /// Cost of a specialist's paid hour, and of a cross-trained clerk's (universal, domain, chain).
    public var costPerHour: Double
    public var generalistCostPerHour: Double
    /// Service-time factor of a generalist on a department (nil: the hall's universal proficiency).
    public var generalistSlowdown: Double?
    public var layouts: [LayoutKind]
    /// Most the week's staff may cost (nil: no budget).
    public var budget: Double?
    /// Most clerks one staff group may have (nil: no limit).
    public var maxStaffPerGroup: Int?
    public var seed: UInt64
    /// Replications the requirement is corrected on, and fresh ones it is confirmed on.
    public var replications: Int
    public var confirmReplications: Int
    /// Most simulate-and-add rounds per day and layout.
    public var maxRounds: Int
    /// Bounds and costs of back-office staffing (used with `targets.onTimeRate`).
    public var backOffice = BackOfficePlanSpec()
    /// Tune the base hall's tidal rules with the staff (nil: the rules come into the planned halls as
    /// they are).
    public var tidalTuning: TidalTuningSpec? = nil
    /// Compare every layout with this many clerks a day (nil: no comparison).
    public var compareAtHeadcount: Int? = nil

    public init(
        days: [PlanDay] = [PlanDay(name: "day")], intervalMinutes: Double = 30, middayDemandShare: Double? = nil,
        targets: PlanTargets = PlanTargets(), shiftTypes: [ShiftType] = [], costPerHour: Double = 60,
        generalistCostPerHour: Double? = nil, generalistSlowdown: Double? = nil,
        layouts: [LayoutKind] = LayoutKind.allCases,
        budget: Double? = nil, maxStaffPerGroup: Int? = nil, seed: UInt64 = 1, replications: Int = 10,
        confirmReplications: Int = 20, maxRounds: Int = 8
    ) {
        self.days = days
        self.intervalMinutes = intervalMinutes
        self.middayDemandShare = middayDemandShare
        self.targets = targets
        self.shiftTypes = shiftTypes
        self.costPerHour = costPerHour
        self.generalistCostPerHour = generalistCostPerHour ?? costPerHour
        self.generalistSlowdown = generalistSlowdown
        self.layouts = layouts
        self.budget = budget
        self.maxStaffPerGroup = maxStaffPerGroup
        self.seed = seed
        self.replications = replications
        self.confirmReplications = confirmReplications
        self.maxRounds = maxRounds
    }
}
