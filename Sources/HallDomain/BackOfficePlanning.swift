/// What the planner may do with a multi-day base's back office (docs/planner.md, "Back office"):
/// bounds on each department's reviewers and approvers, and what they cost.
public struct BackOfficePlanSpec: Sendable, Hashable, Codable {
    /// Most reviewers, and approvers, one department may get (nil: no limit).
    public var maxReviewers: Int?
    public var maxApprovers: Int?
    /// Cost of a reviewer's, and an approver's, working hour (for the report).
    public var reviewerCostPerHour: Double
    public var approverCostPerHour: Double
    /// Most simulate-and-adjust rounds (each round simulates the whole period on the tuning replications).
    public var maxRounds: Int

    public init(
        maxReviewers: Int? = nil, maxApprovers: Int? = nil, reviewerCostPerHour: Double = 60,
        approverCostPerHour: Double? = nil, maxRounds: Int = 16
    ) {
        self.maxReviewers = maxReviewers
        self.maxApprovers = maxApprovers
        self.reviewerCostPerHour = reviewerCostPerHour
        self.approverCostPerHour = approverCostPerHour ?? reviewerCostPerHour
        self.maxRounds = maxRounds
    }
}

/// `tidal_tuning` in a plan file (docs/planner.md, "Tidal rules"): the base hall's tidal rules are tuned
/// together with the staff of the chosen layout. Every setting scales every rule's open threshold (and
/// its close threshold alike) by one of `openScales` and resizes every rule's source by one of
/// `sourceSteps` (at least one clerk); the days are planned again with each setting.
public struct TidalTuningSpec: Sendable, Hashable, Codable {
    public var openScales: [Double]
    public var sourceSteps: [Int]

    public init(openScales: [Double] = [0.5, 0.75, 1], sourceSteps: [Int] = [0, 1]) {
        self.openScales = openScales
        self.sourceSteps = sourceSteps
    }
}
