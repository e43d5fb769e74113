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
