/// The back office (后台分类审批, 000 art. 9): accepted cases are reviewed by their department within a
/// committed limit in working days. See docs/back-office.md.

/// A group of back-office staff: `count` people working all back-office hours, or a shift's duty.
public struct BackOfficeStaff: Sendable, Hashable, Codable {
    public var count: Int
    /// A shift id from the scenario's `shifts` (nil: every back-office hour).
    public var shift: String?

    public init(count: Int, shift: String? = nil) {
        self.count = count
        self.shift = shift
    }
}

/// Which case a free reviewer takes next.
public enum BackOfficeDiscipline: String, Sendable, Hashable, Codable, CaseIterable {
    /// Oldest first (by the time the case reached this step).
    case fifo
    /// Earliest deadline first (ties: oldest first).
    case earliestDeadlineFirst = "edf"
}

/// A step of review in a department (001 art. 21).
public enum ReviewStep: String, Sendable, Hashable, Codable, CaseIterable {
    /// 审核: done by reviewers.
    case review
    /// 核 / 批: done by approvers.
    case approval
    /// The second approval of 一审两核, also by approvers.
    case secondApproval = "second_approval"

    /// The steps a department performs for an item of this depth. A special procedure (suspending the
    /// clock) sits between review and approval.
    public static func steps(for depth: ReviewDepth) -> [ReviewStep] {
        switch depth {
        case .oneStep: [.review]
        case .reviewApproval, .special: [.review, .approval]
        case .reviewTwoApprovals: [.review, .approval, .secondApproval]
        }
    }

    public var byApprovers: Bool { self != .review }
}

/// One department's back office.
public struct DepartmentBackOffice: Sendable, Hashable, Codable {
    public var department: String
    public var reviewers: [BackOfficeStaff]
    public var approvers: [BackOfficeStaff]
    /// Working minutes a review step takes, and an approval step.
    public var reviewTime: Distribution
    public var approvalTime: Distribution
    public var discipline: BackOfficeDiscipline

    public init(
        department: String, reviewers: [BackOfficeStaff], approvers: [BackOfficeStaff] = [],
        reviewTime: Distribution, approvalTime: Distribution = .deterministic(value: 0),
        discipline: BackOfficeDiscipline = .fifo
    ) {
        self.department = department
        self.reviewers = reviewers
        self.approvers = approvers
        self.reviewTime = reviewTime
        self.approvalTime = approvalTime
        self.discipline = discipline
    }
}

/// How cases accepted at the front desk reach the back office (004 art. 4(二)5).
public enum HandOff: Sendable, Hashable, Codable {
    /// At once (electronic hand-off, for studies of the back office as a queue).
    case immediate
    /// Cases accepted before `split` arrive at `sameDayAt` that working day; later ones at `nextDayAt`
    /// on the next working day. 004: split 12:00, 15:30 the same day, 09:00 the next working day.
    case cutOff(split: ClockTime, sameDayAt: ClockTime, nextDayAt: ClockTime)
}

/// When back-office staff look at the system for new work (004 art. 6(5): at least 11:00 and 17:00).
public enum PickUp: Sendable, Hashable, Codable {
    /// New work is seen as soon as it arrives.
    case continuous
    /// New work waits in the inbox until the next check time of a working day.
    case checkTimes([ClockTime])
}

/// Cases already in review when a run starts.
public struct BacklogEntry: Sendable, Hashable, Codable {
    public var item: String
    public var count: Int
    /// The acceptance date of these cases (their deadline counts from it).
    public var accepted: CivilDate
    /// The step they wait for (the first of the item's steps by default).
    public var step: ReviewStep?

    public init(item: String, count: Int, accepted: CivilDate, step: ReviewStep? = nil) {
        self.item = item
        self.count = count
        self.accepted = accepted
        self.step = step
    }
}

/// The hall's back office.
public struct BackOfficeRules: Sendable, Hashable, Codable {
    /// Working periods of a back-office day (nil: the hall's opening periods).
    public var hours: [TimeInterval]?
    public var handOff: HandOff
    public var pickUp: PickUp
    public var departments: [DepartmentBackOffice]
    public var backlog: [BacklogEntry]

    public init(
        hours: [TimeInterval]? = nil,
        handOff: HandOff = .cutOff(
            split: ClockTime(minutes: 720), sameDayAt: ClockTime(minutes: 930), nextDayAt: ClockTime(minutes: 540)),
        pickUp: PickUp = .checkTimes([ClockTime(minutes: 660), ClockTime(minutes: 1020)]),
        departments: [DepartmentBackOffice], backlog: [BacklogEntry] = []
    ) {
        self.hours = hours
        self.handOff = handOff
        self.pickUp = pickUp
        self.departments = departments
        self.backlog = backlog
    }
}

/// A special procedure (公告, 现场勘验, 听证, 专家评审, 004 art. 5(5)): the case is suspended for a whole
/// number of working days, which do not count towards its deadline (行政许可法 art. 45).
public struct SpecialProcedure: Sendable, Hashable, Codable {
    public var name: String
    /// Share of the item's cases that need it.
    public var probability: Double
    /// Working days it takes, uniform on min...max.
    public var minDays: Int
    public var maxDays: Int

    public init(name: String, probability: Double = 1, minDays: Int, maxDays: Int) {
        self.name = name
        self.probability = probability
        self.minDays = minDays
        self.maxDays = maxDays
    }
}

/// A whole number of working days, uniform on min...max.
public struct WorkingDayRange: Sendable, Hashable, Codable {
    public var min: Int
    public var max: Int
    public init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }
    public init(_ n: Int) {
        min = n
        max = n
    }
    /// min…max (validated scenarios have min ≤ max).
    public var range: ClosedRange<Int> { min...max }
}

/// Result delivery (出证, 004 art. 5(6)): collected at the hall (a return visit with a ticket) or mailed.
public struct Delivery: Sendable, Hashable, Codable {
    /// Share of results collected at the hall; the rest are mailed (EMS).
    public var collectShare: Double
    /// The item a collecting applicant takes a ticket for (an immediate item, e.g. 综合窗口出件).
    public var collectItem: String?
    /// Working days after the decision when the applicant comes (at least 1).
    public var collectAfter: WorkingDayRange
    /// Archiving (归档) within this many working days of delivery (004 art. 5(9): 5).
    public var archiveWithin: Int

    public init(
        collectShare: Double = 0, collectItem: String? = nil,
        collectAfter: WorkingDayRange = WorkingDayRange(min: 1, max: 3),
        archiveWithin: Int = 5
    ) {
        self.collectShare = collectShare
        self.collectItem = collectItem
        self.collectAfter = collectAfter
        self.archiveWithin = archiveWithin
    }
}

/// After a one-time notice (一次性告知) the applicant comes back with the missing materials.
public struct NoticeReturn: Sendable, Hashable, Codable {
    /// Probability of coming back (otherwise the applicant gives up).
    public var probability: Double
    /// Working days later (at least 1).
    public var after: WorkingDayRange
    /// Probability that materials are incomplete again on a return visit (nil: the item's probability).
    public var incompleteAgain: Double?

    public init(probability: Double, after: WorkingDayRange, incompleteAgain: Double? = nil) {
        self.probability = probability
        self.after = after
        self.incompleteAgain = incompleteAgain
    }
}

/// Accepting with a deferred document (容缺受理, 004 art. 5(3)): of an item's incomplete applications,
/// a share is accepted at the window with a list of what follows instead of a one-time notice. The
/// case's clock runs from that acceptance.
public struct DeferredDocuments: Sendable, Hashable, Codable {
    /// Share of incomplete applications accepted this way (the others get a one-time notice).
    public var share: Double
    /// The document follows online or by mail this many working days after acceptance, and the
    /// decision waits for it; nil: it is handed over when the result is collected (004 art. 5(6)2),
    /// so the decision does not wait.
    public var suppliedAfter: WorkingDayRange?
    /// Share of these cases whose document never comes: the case ends without a decision (终结) when
    /// the back office is done and the document is overdue.
    public var neverSupplied: Double

    public init(share: Double, suppliedAfter: WorkingDayRange?, neverSupplied: Double = 0) {
        self.share = share
        self.suppliedAfter = suppliedAfter
        self.neverSupplied = neverSupplied
    }
}

/// How a correction's wait for the applicant counts against the deadline.
public enum CorrectionClock: String, Sendable, Hashable, Codable, CaseIterable {
    /// The working days from the request to the applicant's return do not count (like a special procedure).
    case suspended
    /// The deadline is counted again from the return with the complete materials.
    case restarts
    /// The wait counts: the deadline does not move.
    case runs
}

/// A correction requested by the back office (补正, 004 art. 5(4)2; 000 art. 11): the first review of the
/// lead department finds the materials deficient; the applicant is told at once and comes back to a
/// window with them (a `correction` visit), and the review starts again. An applicant who never comes
/// back gets a refusal (不予批准, 000 art. 11) when the time to return is over.
public struct Correction: Sendable, Hashable, Codable {
    /// Share of cases whose first review asks for a correction.
    public var probability: Double
    /// Working days from the request to the return visit.
    public var returnAfter: WorkingDayRange
    /// Share of those applicants who never come back.
    public var neverReturns: Double
    public var clock: CorrectionClock

    public init(probability: Double, returnAfter: WorkingDayRange, neverReturns: Double = 0, clock: CorrectionClock) {
        self.probability = probability
        self.returnAfter = returnAfter
        self.neverReturns = neverReturns
        self.clock = clock
    }
}

/// Coming back after leaving before intake: an applicant who balked, reneged, was absent when called or
/// was still waiting at closing comes back on a later open day with this probability (and again after a
/// further failed visit), so visits per case count the failed visits.
public struct ComeBack: Sendable, Hashable, Codable {
    public var probability: Double
    /// Working days later (at least 1).
    public var after: WorkingDayRange

    public init(probability: Double, after: WorkingDayRange) {
        self.probability = probability
        self.after = after
    }
}
