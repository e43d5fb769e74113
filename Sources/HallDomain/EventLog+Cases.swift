/// Case records of the event log: what happened to an application over days. A simulated month and a
/// real one (the operations module) write the same records, so the same metrics measure both.

/// A moment of a multi-day run: a date and minutes after midnight.
public struct Stamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var date: CivilDate
    public var minute: Double

    public init(_ date: CivilDate, _ minute: Double) {
        self.date = date
        self.minute = minute
    }

    public static func < (a: Stamp, b: Stamp) -> Bool { (a.date, a.minute) < (b.date, b.minute) }
    /// "YYYY-MM-DD HH:MM:SS" (always with seconds, so that files parse with one format).
    public var description: String { "\(date) \(ClockTime.format(minute, seconds: true))" }
}

/// Where a case stands at the end of the run (or of the real period measured).
public enum CaseStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// An immediate item (即办件) decided at the window.
    case doneAtWindow = "done_at_window"
    /// Decided by the back office.
    case decided
    /// Accepted and still in review (the backlog).
    case inReview = "in_review"
    /// Given a one-time notice; the applicant is due back after the run ends.
    case awaitingReturn = "awaiting_return"
    /// Given a one-time notice and never came back.
    case gaveUp = "gave_up"
    /// Decided by the back office with a refusal (不予许可, 004 art. 5(5)3; 不予批准 when a requested
    /// correction never came, 000 art. 11). A decision: it counts in the on-time rate and lead time.
    case refused
    /// Accepted with a deferred document that never came: ended without a decision (终结).
    case terminated

    /// A decision by the back office (granted or refused): counted in decided cases, on-time rate and
    /// lead time.
    public var isDecision: Bool { self == .decided || self == .refused }
    /// The case left the back office on its `decided` stamp (a decision or a termination).
    public var isClosedByBackOffice: Bool { isDecision || self == .terminated }
}

public enum DeliveryMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Collected at a window: a return visit.
    case collect
    /// Mailed (EMS).
    case mail
}

/// One row per case.
public struct CaseRecord: Sendable, Hashable {
    public var caseNumber: Int32
    public var item: Int32
    /// The lead department (the item's); joint departments review in parallel.
    public var department: Int32
    public var firstVisit: Stamp?
    /// Visits to the hall so far (first, returns after notices, collection).
    public var visits: Int
    /// Acceptance (受理) at the front desk, or the backlog's acceptance date.
    public var accepted: Stamp?
    /// The committed deadline (working days from acceptance, suspensions excluded).
    public var deadline: CivilDate?
    /// Working days suspended by special procedures.
    public var suspendedDays: Int
    /// The decision (办结): the last department's last step, or the window for an immediate item.
    public var decided: Stamp?
    /// Working days from acceptance to decision (acceptance day excluded, suspensions excluded).
    public var leadTimeWorkingDays: Int?
    public var delivery: DeliveryMode?
    /// When the applicant collected the result (collect mode).
    public var collected: Stamp?
    /// Archiving (归档) date.
    public var archived: CivilDate?
    public var status: CaseStatus
    /// Whether the case came from the initial backlog.
    public var fromBacklog: Bool

    public init(
        caseNumber: Int32, item: Int32, department: Int32, firstVisit: Stamp?, visits: Int, accepted: Stamp?,
        deadline: CivilDate?, suspendedDays: Int = 0, decided: Stamp?, leadTimeWorkingDays: Int?,
        delivery: DeliveryMode? = nil, collected: Stamp? = nil, archived: CivilDate? = nil, status: CaseStatus,
        fromBacklog: Bool = false
    ) {
        self.caseNumber = caseNumber
        self.item = item
        self.department = department
        self.firstVisit = firstVisit
        self.visits = visits
        self.accepted = accepted
        self.deadline = deadline
        self.suspendedDays = suspendedDays
        self.decided = decided
        self.leadTimeWorkingDays = leadTimeWorkingDays
        self.delivery = delivery
        self.collected = collected
        self.archived = archived
        self.status = status
        self.fromBacklog = fromBacklog
    }

    /// Decided (granted or refused) on or before the deadline (nil: not decided by the back office).
    public var onTime: Bool? {
        guard status.isDecision, let d = decided?.date, let deadline else { return nil }
        return d <= deadline
    }

    /// Past its deadline on `date`: decided late, or still in review after the deadline.
    public func isOverdue(on date: CivilDate) -> Bool {
        guard let deadline, accepted != nil else { return false }
        if let d = decided?.date, d <= date { return status != .terminated && d > deadline }
        return date > deadline && status != .doneAtWindow
    }
}

/// What a back-office step is.
public enum StepKind: String, Sendable, Hashable, Codable, CaseIterable {
    case review
    case approval
    case secondApproval = "second_approval"
    /// A special procedure (the clock is suspended).
    case special
    /// A question the guide desk referred to the department behind (后援式答疑, 004 art. 5(1); answered
    /// within 2 working days, 001 art. 17): reviewers' work that belongs to no case (case column empty).
    case referral

    public init(_ s: ReviewStep) {
        switch s {
        case .review: self = .review
        case .approval: self = .approval
        case .secondApproval: self = .secondApproval
        }
    }
}

/// One step of a case in one department.
public struct CaseStepRecord: Sendable, Hashable {
    public var caseNumber: Int32
    public var department: Int32
    public var step: StepKind
    /// When the case reached the department's inbox for this step.
    public var arrived: Stamp
    /// When staff could see it (the next check time, or at once with continuous pick-up).
    public var visible: Stamp
    public var start: Stamp?
    public var end: Stamp?
    /// Working minutes of work (special procedures: 0).
    public var work: Double

    public init(
        caseNumber: Int32, department: Int32, step: StepKind, arrived: Stamp, visible: Stamp, start: Stamp?,
        end: Stamp?, work: Double
    ) {
        self.caseNumber = caseNumber
        self.department = department
        self.step = step
        self.arrived = arrived
        self.visible = visible
        self.start = start
        self.end = end
        self.work = work
    }
}
