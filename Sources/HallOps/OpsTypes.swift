import Foundation
import HallDomain

/// Where the operations module reads the time: the wall clock in the hall's zone, or a clock a test
/// (or a replay of a simulated day) sets. Times are the event log's: a date and minutes after midnight.
public protocol OpsClock: Sendable {
    func now() -> Stamp
}

/// The wall clock, read in a fixed offset from UTC (China Standard Time: +8 h, no daylight saving).
public struct SystemClock: OpsClock {
    public var utcOffsetMinutes: Int
    public init(utcOffsetMinutes: Int = 480) { self.utcOffsetMinutes = utcOffsetMinutes }
    public func now() -> Stamp {
        let seconds = Date().timeIntervalSince1970 + Double(utcOffsetMinutes) * 60
        let days = Int((seconds / 86_400).rounded(.down))
        return Stamp(CivilDate(ordinal: days), (seconds - Double(days) * 86_400) / 60)
    }
}

/// A clock that stands still until told otherwise (tests, replays). Thread-safe.
public final class ManualClock: OpsClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Stamp
    public init(_ start: Stamp) { current = start }
    public func now() -> Stamp { lock.withLock { current } }
    public func set(_ s: Stamp) { lock.withLock { current = s } }
    public func set(minute: Double) { lock.withLock { current.minute = minute } }
    public func advance(minutes: Double) { lock.withLock { current.minute += minutes } }
}

/// Who acts: every write names its actor, and the audit trail says who did what when.
public struct OpsActor: Sendable, Hashable, Codable {
    /// The user's id (nil for the system itself, e.g. closing the day from a timer).
    public var userID: Int64?
    /// The user's login name or device name ("system" for the system).
    public var name: String
    public var role: Role

    public init(userID: Int64?, name: String, role: Role) {
        self.userID = userID
        self.name = name
        self.role = role
    }
    public static let system = OpsActor(userID: nil, name: "system", role: .admin)
}

public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case manager
    case clerk
    case backOffice = "back_office"
    /// A kiosk, display or rating pad (authenticated by a device token).
    case device
}

/// Where a ticket is in its life. Terminal: finished, noShow, cancelled, unserved, transferred (its
/// new segment lives on as another row with the same display number).
public enum TicketState: String, Sendable, Hashable, Codable, CaseIterable {
    case waiting
    case called
    case started
    case finished
    case noShow = "no_show"
    case transferred
    case cancelled
    case unserved

    public var isTerminal: Bool { ![.waiting, .called, .started].contains(self) }
}

/// What the clerk records at the end of intake.
public enum FinishOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// 受理: materials complete; a committed item opens a case.
    case accepted
    /// 即办: decided at the window (immediate item).
    case immediate
    /// 一次性告知: materials incomplete; the applicant must come back.
    case notice
    /// 不予受理: rejected with written reasons.
    case rejected
}

/// Why the applicant came to the ticket machine.
public enum TicketKind: String, Sendable, Hashable, Codable, CaseIterable {
    case walkIn = "walk_in"
    /// Appointment check-in (on time when within the scenario's tolerance of its slot).
    case appointment
    /// Back with the missing materials after a one-time notice (names the case).
    case returnVisit = "return"
    /// Collecting a result at the window (names the case).
    case collection
    /// The green channel (elderly, disabled, urgent): called first, within the scenario's guard.
    case greenChannel = "green_channel"
}

/// A request for a ticket (kiosk, guide desk or appointment check-in).
public struct IssueRequest: Sendable, Hashable, Codable {
    public var kind: TicketKind
    /// The department id (a walk-in by department) — or give `item`.
    public var department: String?
    /// The item id; its department is the queue.
    public var item: String?
    /// Appointment slot start, minutes after midnight (appointment check-in).
    public var appointmentSlot: Double?
    /// The case (return visit, collection).
    public var caseNumber: Int64?

    public init(
        kind: TicketKind = .walkIn, department: String? = nil, item: String? = nil, appointmentSlot: Double? = nil,
        caseNumber: Int64? = nil
    ) {
        self.kind = kind
        self.department = department
        self.item = item
        self.appointmentSlot = appointmentSlot
        self.caseNumber = caseNumber
    }
}

/// One queue segment of a ticket (a transfer ends a segment and opens another with the same display number).
public struct OpsTicket: Sendable, Hashable, Codable {
    public var id: Int64
    public var date: CivilDate
    /// Per-day sequence over all departments (the event log's ticket number; calling order).
    public var sequence: Int32
    /// Display number, e.g. "A001" (prefix + per-day, per-prefix counter).
    public var display: String
    public var kind: TicketKind
    public var department: String
    public var item: String?
    public var priority: Bool
    /// Whether this ticket is called in the appointment class (on-time appointment with appointments_first).
    public var appointmentClass: Bool
    public var state: TicketState
    /// Minutes after midnight.
    public var issuedAt: Double
    /// When this segment entered its queue (issue, or transfer / requeue).
    public var queuedAt: Double
    /// The first call (a recall keeps it).
    public var calledAt: Double?
    public var calls: Int
    public var startedAt: Double?
    public var endedAt: Double?
    public var window: String?
    public var clerk: String?
    public var outcome: FinishOutcome?
    public var caseNumber: Int64?
    /// The segment this one continues (transfer), nil for the first.
    public var previousSegment: Int64?
    /// Window or clerk a transfer sent it to (only they may call it), nil: the department's queue.
    public var targetWindow: String?
    public var targetClerk: String?

    public init(
        id: Int64, date: CivilDate, sequence: Int32, display: String, kind: TicketKind, department: String,
        item: String?, priority: Bool, appointmentClass: Bool, state: TicketState, issuedAt: Double,
        queuedAt: Double, calledAt: Double?, calls: Int, startedAt: Double?, endedAt: Double?, window: String?,
        clerk: String?, outcome: FinishOutcome?, caseNumber: Int64?, previousSegment: Int64?,
        targetWindow: String?, targetClerk: String?
    ) {
        self.id = id
        self.date = date
        self.sequence = sequence
        self.display = display
        self.kind = kind
        self.department = department
        self.item = item
        self.priority = priority
        self.appointmentClass = appointmentClass
        self.state = state
        self.issuedAt = issuedAt
        self.queuedAt = queuedAt
        self.calledAt = calledAt
        self.calls = calls
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.window = window
        self.clerk = clerk
        self.outcome = outcome
        self.caseNumber = caseNumber
        self.previousSegment = previousSegment
        self.targetWindow = targetWindow
        self.targetClerk = targetClerk
    }
}

/// Where a transfer sends a ticket.
public enum TransferTarget: Sendable, Hashable, Codable {
    case department(String)
    case window(String)
    case clerk(String)
}

public enum WindowStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nobody signed in.
    case closed
    /// A clerk signed in, not calling yet (or closed for calling).
    case signedIn = "signed_in"
    /// Open: may call.
    case open
    /// Paused (break): may not call; the applicant at the desk is finished first.
    case paused
}

public struct OpsWindow: Sendable, Hashable, Codable {
    public var id: String
    public var group: String
    public var kind: WindowKind
    public var departments: [String]
    public var status: WindowStatus
    public var clerk: String?
    /// The ticket at the window (called or started).
    public var ticket: Int64?
    public init(
        id: String, group: String, kind: WindowKind, departments: [String], status: WindowStatus, clerk: String?,
        ticket: Int64?
    ) {
        self.id = id
        self.group = group
        self.kind = kind
        self.departments = departments
        self.status = status
        self.clerk = clerk
        self.ticket = ticket
    }
}

/// Electronic supervision (电子监察) of a case on a date.
public enum SupervisionLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case green
    /// One working day or less left (the deadline is today or the next working day).
    case yellow
    /// Past its deadline, not decided.
    case red
}

public enum CaseState: String, Sendable, Hashable, Codable, CaseIterable {
    /// In the back office.
    case inReview = "in_review"
    /// Suspended by a special procedure (the clock stops).
    case suspended
    case decided
    /// Result handed over (collected or mailed).
    case delivered
    case archived
    /// Decided at the window (immediate item).
    case doneAtWindow = "done_at_window"
    /// One-time notice given; waiting for the applicant to return.
    case awaitingReturn = "awaiting_return"
}

public struct Suspension: Sendable, Hashable, Codable {
    public var procedure: String
    public var from: CivilDate
    /// nil while still suspended.
    public var to: CivilDate?
    public init(procedure: String, from: CivilDate, to: CivilDate?) {
        self.procedure = procedure
        self.from = from
        self.to = to
    }
}

public struct OpsCase: Sendable, Hashable, Codable {
    public var number: Int64
    public var item: String
    public var department: String
    public var state: CaseState
    public var firstVisit: Stamp?
    public var visits: Int
    public var accepted: Stamp?
    /// Committed deadline (working days from acceptance, acceptance day excluded, suspensions excluded).
    public var committedDeadline: CivilDate?
    public var legalDeadline: CivilDate?
    public var suspensions: [Suspension]
    public var decided: Stamp?
    public var delivery: DeliveryMode?
    public var delivered: Stamp?
    public var archived: CivilDate?
    public init(
        number: Int64, item: String, department: String, state: CaseState, firstVisit: Stamp?, visits: Int,
        accepted: Stamp?, committedDeadline: CivilDate?, legalDeadline: CivilDate?, suspensions: [Suspension],
        decided: Stamp?, delivery: DeliveryMode?, delivered: Stamp?, archived: CivilDate?
    ) {
        self.number = number
        self.item = item
        self.department = department
        self.state = state
        self.firstVisit = firstVisit
        self.visits = visits
        self.accepted = accepted
        self.committedDeadline = committedDeadline
        self.legalDeadline = legalDeadline
        self.suspensions = suspensions
        self.decided = decided
        self.delivery = delivery
        self.delivered = delivered
        self.archived = archived
    }
}

public struct SupervisionEntry: Sendable, Hashable, Codable {
    public var caseNumber: Int64
    public var item: String
    public var department: String
    public var deadline: CivilDate
    /// Working days left after `date` up to the deadline (negative: working days overdue).
    public var workingDaysLeft: Int
    public var level: SupervisionLevel
    public init(
        caseNumber: Int64, item: String, department: String, deadline: CivilDate, workingDaysLeft: Int,
        level: SupervisionLevel
    ) {
        self.caseNumber = caseNumber
        self.item = item
        self.department = department
        self.deadline = deadline
        self.workingDaysLeft = workingDaysLeft
        self.level = level
    }
}

public struct OpsRating: Sendable, Hashable, Codable {
    public var id: Int64
    public var ticket: Int64
    /// 1 (very dissatisfied) … 5 (very satisfied).
    public var level: Int
    public var comment: String
    public var at: Stamp
    /// Bad ratings (level ≤ 2): rectify by this working day.
    public var rectifyBy: CivilDate?
    public var rectified: Stamp?
    public var rectification: String?
    public init(
        id: Int64, ticket: Int64, level: Int, comment: String, at: Stamp, rectifyBy: CivilDate?, rectified: Stamp?,
        rectification: String?
    ) {
        self.id = id
        self.ticket = ticket
        self.level = level
        self.comment = comment
        self.at = at
        self.rectifyBy = rectifyBy
        self.rectified = rectified
        self.rectification = rectification
    }
}

public struct OpsUser: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var role: Role
    /// The scenario's staff id for clerks and back-office staff (their skills), nil otherwise.
    public var staffID: String?
    /// The bcrypt hash (computed by the server); never shown.
    public var passwordHash: String
    public var active: Bool
    public init(id: Int64, name: String, role: Role, staffID: String?, passwordHash: String, active: Bool) {
        self.id = id
        self.name = name
        self.role = role
        self.staffID = staffID
        self.passwordHash = passwordHash
        self.active = active
    }
}

public struct OpsDevice: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    /// "kiosk", "display", "rating_pad".
    public var kind: String
    /// A hash of the token (the server hashes; the token itself is never stored).
    public var tokenHash: String
    public var active: Bool
    public init(id: Int64, name: String, kind: String, tokenHash: String, active: Bool) {
        self.id = id
        self.name = name
        self.kind = kind
        self.tokenHash = tokenHash
        self.active = active
    }
}

public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    /// Wall-clock instant of the hall (the store's clock).
    public var at: Stamp
    public var actor: String
    public var role: Role
    /// "ticket.issue", "ticket.call", "window.open", "case.decide", "user.create"…
    public var action: String
    /// What it acted on ("ticket:12", "window:U-1", "case:3").
    public var subject: String
    /// Details as JSON text.
    public var detail: String
    public init(id: Int64, at: Stamp, actor: String, role: Role, action: String, subject: String, detail: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.role = role
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}

/// Settings of the hall's operation (beyond the scenario).
public struct OpsSettings: Sendable, Hashable, Codable {
    /// Display prefix of each department id ("A", "B"…); departments not named get letters in scenario order.
    public var prefixes: [String: String]
    /// Calls of one ticket (first call + recalls) before it must be marked no-show.
    public var maxCalls: Int
    /// Working days to rectify a bad rating.
    public var rectificationWorkingDays: Int
    /// Ratings at or below this level are bad.
    public var badRatingAtMost: Int
    public init(
        prefixes: [String: String] = [:], maxCalls: Int = 3, rectificationWorkingDays: Int = 5,
        badRatingAtMost: Int = 2
    ) {
        self.prefixes = prefixes
        self.maxCalls = maxCalls
        self.rectificationWorkingDays = rectificationWorkingDays
        self.badRatingAtMost = badRatingAtMost
    }
}

/// Every refusal of the operations module, with a sentence saying why. The server maps `kind`:
/// notFound → 404, illegalTransition / conflict → 409, invalid → 400, forbidden → 403.
public struct OpsError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case notFound = "not_found"
        case illegalTransition = "illegal_transition"
        case conflict
        case invalid
        case forbidden
    }
    public var kind: Kind
    /// The field at fault (invalid input), else nil.
    public var field: String?
    public var message: String
    public init(_ kind: Kind, _ message: String, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
    }
    public var description: String { message }
}

/// Appointments booked for one slot of one of the scenario's appointment blocks (from the hall's booking
/// system, given for a day before it opens): show-up is the day's check-ins over these.
public struct Booking: Sendable, Hashable, Codable {
    /// The scenario's appointment block id.
    public var block: String
    /// Slot start, minutes after midnight (one of the block's slots).
    public var slot: Double
    public var booked: Int

    public init(block: String, slot: Double, booked: Int) {
        self.block = block
        self.slot = slot
        self.booked = booked
    }
}
