/// A department stationed in the hall (税务, 公安, 市场监管…).
public struct Department: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Departments with vertical IT systems keep their own windows (001 art. 18): their items are not
    /// taken at universal windows.
    public var ownWindowsOnly: Bool

    public init(id: String, name: String? = nil, ownWindowsOnly: Bool = false) {
        self.id = id
        self.name = name ?? id
        self.ownWindowsOnly = ownWindowsOnly
    }
}

/// 即办件 (decided at the window) or 承诺件 (accepted, decided by the back office within a committed limit).
public enum ItemKind: String, Sendable, Hashable, Codable, CaseIterable {
    case immediate
    case committed
}

/// Review depth in the back office (001 art. 21).
public enum ReviewDepth: String, Sendable, Hashable, Codable, CaseIterable {
    /// 审核合一: one step.
    case oneStep = "one_step"
    /// 一审一核: review + approval.
    case reviewApproval = "review_approval"
    /// 一审两核: review + two approvals.
    case reviewTwoApprovals = "review_two_approvals"
    /// Special procedures (hearing, inspection, expert review) on top, suspending the clock.
    case special
}

/// A service item (事项).
public struct ServiceItem: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var department: String
    public var kind: ItemKind
    /// Intake time at a specialist's window.
    public var service: Distribution
    /// Intake time when materials turn out incomplete (one-time notice); nil: same as `service`.
    public var noticeService: Distribution?
    /// Probability that the applicant's materials are incomplete (一次性告知: the visit ends unaccepted).
    public var incompleteProbability: Double
    /// Legal limit (法定时限) and committed limit (承诺时限), working days; committed items only.
    public var legalLimitDays: Int?
    public var committedLimitDays: Int?
    public var reviewDepth: ReviewDepth?
    /// Other departments that review the case in parallel (联审联批, 一件事一次办): one result when all are done.
    public var joint: [String]
    /// A special procedure suspending the clock (review depth `special`).
    public var special: SpecialProcedure?
    /// Share of complete intakes not accepted (不予受理, 004 art. 5(4)3): the visit ends with a written
    /// refusal at the window and no case (runs over dates).
    public var rejectedShare: Double
    /// Share of the back office's decisions that refuse (不予许可, 004 art. 5(5)3); committed items.
    public var refusedShare: Double
    /// 容缺受理 for this item's incomplete applications (committed items).
    public var deferred: DeferredDocuments?
    /// 补正 requested by the back office (committed items).
    public var correction: Correction?
    /// Channel shift (001 art. 19, 26): share of the item's applicants who apply online instead of
    /// coming to the hall (they take no ticket).
    public var onlineShare: Double

    public init(
        id: String, name: String? = nil, department: String, kind: ItemKind, service: Distribution,
        noticeService: Distribution? = nil, incompleteProbability: Double = 0,
        legalLimitDays: Int? = nil, committedLimitDays: Int? = nil, reviewDepth: ReviewDepth? = nil,
        joint: [String] = [], special: SpecialProcedure? = nil, rejectedShare: Double = 0, refusedShare: Double = 0,
        deferred: DeferredDocuments? = nil, correction: Correction? = nil, onlineShare: Double = 0
    ) {
        self.id = id
        self.name = name ?? id
        self.department = department
        self.kind = kind
        self.service = service
        self.noticeService = noticeService
        self.incompleteProbability = incompleteProbability
        self.legalLimitDays = legalLimitDays
        self.committedLimitDays = committedLimitDays
        self.reviewDepth = reviewDepth
        self.joint = joint
        self.special = special
        self.rejectedShare = rejectedShare
        self.refusedShare = refusedShare
        self.deferred = deferred
        self.correction = correction
        self.onlineShare = onlineShare
    }

    /// The limit a case is held to: the committed limit, or the legal one when none is committed.
    public var limitDays: Int? { committedLimitDays ?? legalLimitDays }
    /// Departments reviewing a case of this item: its own, then the joint ones.
    public var reviewingDepartments: [String] { [department] + joint }
}

/// Kinds of window (front desk).
public enum WindowKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 部门单设窗口: one department.
    case department
    /// 分领域综合窗口: a list of departments of one domain.
    case domain
    /// 全科无差别受理窗口: every department that does not keep its own windows.
    case universal
}

/// A group of identical windows.
public struct WindowGroup: Sendable, Hashable, Codable {
    public var id: String
    public var kind: WindowKind
    /// Departments served; for universal windows, derived from the hall (all but own-windows-only).
    public var departments: [String]
    public var count: Int

    public init(id: String, kind: WindowKind, departments: [String], count: Int) {
        self.id = id
        self.kind = kind
        self.departments = departments
        self.count = count
    }

    /// Names of the physical windows of this group: "id-1", "id-2"… (or "id" when there is one).
    public var windowNames: [String] { count == 1 ? [id] : (1...max(count, 1)).map { "\(id)-\($0)" } }
}

/// Service-time multiplier for a window kind and department: a universal clerk may be slower on an
/// item than a specialist (> 1), which can make pooling worse than dedicated windows.
public struct Proficiency: Sendable, Hashable, Codable {
    public var windowKind: WindowKind
    public var defaultFactor: Double
    public var byDepartment: [String: Double]

    public init(windowKind: WindowKind, defaultFactor: Double = 1, byDepartment: [String: Double] = [:]) {
        self.windowKind = windowKind
        self.defaultFactor = defaultFactor
        self.byDepartment = byDepartment
    }

    public func factor(for department: String) -> Double { byDepartment[department] ?? defaultFactor }
}
