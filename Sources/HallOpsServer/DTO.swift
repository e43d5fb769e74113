import Foundation
import HallDomain
import HallOps

// The API's JSON shapes: dates as "YYYY-MM-DD", stamps as "YYYY-MM-DD HH:MM:SS", times of day as minutes
// after midnight (the event log's unit) beside an "HH:MM" clock string for screens.

func clock(_ minute: Double?) -> String? {
    guard let m = minute, m.isFinite else { return nil }
    let s = Int((m * 60).rounded())
    return String(format: "%02d:%02d", s / 3600, (s / 60) % 60)
}

public struct TicketDTO: Codable, Sendable, Hashable {
    var id: Int64
    var date: String
    var sequence: Int32
    var display: String
    var kind: String
    var department: String
    var item: String?
    var priority: Bool
    var appointmentClass: Bool
    var state: String
    var issuedAt: Double
    var issuedClock: String?
    var queuedAt: Double
    var calledAt: Double?
    var calls: Int
    var startedAt: Double?
    var endedAt: Double?
    var window: String?
    var clerk: String?
    var outcome: String?
    var caseNumber: Int64?
    var previousSegment: Int64?
    var targetWindow: String?
    var targetClerk: String?

    init(_ t: OpsTicket) {
        id = t.id
        date = t.date.description
        sequence = t.sequence
        display = t.display
        kind = t.kind.rawValue
        department = t.department
        item = t.item
        priority = t.priority
        appointmentClass = t.appointmentClass
        state = t.state.rawValue
        issuedAt = t.issuedAt
        issuedClock = clock(t.issuedAt)
        queuedAt = t.queuedAt
        calledAt = t.calledAt
        calls = t.calls
        startedAt = t.startedAt
        endedAt = t.endedAt
        window = t.window
        clerk = t.clerk
        outcome = t.outcome?.rawValue
        caseNumber = t.caseNumber
        previousSegment = t.previousSegment
        targetWindow = t.targetWindow
        targetClerk = t.targetClerk
    }
}

/// A newly issued ticket with what the kiosk prints: people ahead and an estimated wait.
struct IssuedDTO: Codable, Sendable {
    var ticket: TicketDTO
    var ahead: Int
    /// Minutes: the now-cast's median wait for a ticket taken now in the department (`estimate`
    /// "forecast", with its 80 % interval), or the naive estimate (people ahead × mean intake ÷ open
    /// windows) when there is no forecast.
    var estimatedWaitMinutes: Double?
    var estimatedWaitLowMinutes: Double? = nil
    var estimatedWaitHighMinutes: Double? = nil
    var estimate: String
}

struct WindowDTO: Codable, Sendable, Hashable {
    var id: String
    var group: String
    var kind: String
    var departments: [String]
    var status: String
    var clerk: String?
    var ticket: Int64?

    init(_ w: OpsWindow) {
        id = w.id
        group = w.group
        kind = "\(w.kind)"
        departments = w.departments
        status = w.status.rawValue
        clerk = w.clerk
        ticket = w.ticket
    }
}

struct CaseDTO: Codable, Sendable {
    struct SuspensionDTO: Codable, Sendable {
        var procedure: String
        var from: String
        var to: String?
    }
    var number: Int64
    var item: String
    var department: String
    var state: String
    var firstVisit: String?
    var visits: Int
    var accepted: String?
    var committedDeadline: String?
    var legalDeadline: String?
    var suspensions: [SuspensionDTO]
    var decided: String?
    var delivery: String?
    var delivered: String?
    var archived: String?

    init(_ c: OpsCase) {
        number = c.number
        item = c.item
        department = c.department
        state = c.state.rawValue
        firstVisit = c.firstVisit?.description
        visits = c.visits
        accepted = c.accepted?.description
        committedDeadline = c.committedDeadline?.description
        legalDeadline = c.legalDeadline?.description
        suspensions = c.suspensions.map {
            .init(procedure: $0.procedure, from: $0.from.description, to: $0.to?.description)
        }
        decided = c.decided?.description
        delivery = c.delivery?.rawValue
        delivered = c.delivered?.description
        archived = c.archived?.description
    }
}

struct SupervisionDTO: Codable, Sendable {
    var caseNumber: Int64
    var item: String
    var department: String
    var deadline: String
    var workingDaysLeft: Int
    var level: String

    init(_ s: SupervisionEntry) {
        caseNumber = s.caseNumber
        item = s.item
        department = s.department
        deadline = s.deadline.description
        workingDaysLeft = s.workingDaysLeft
        level = s.level.rawValue
    }
}

struct RatingDTO: Codable, Sendable {
    var id: Int64
    var ticket: Int64
    var level: Int
    var comment: String
    var at: String
    var rectifyBy: String?
    var rectified: String?
    var rectification: String?

    init(_ r: OpsRating) {
        id = r.id
        ticket = r.ticket
        level = r.level
        comment = r.comment
        at = r.at.description
        rectifyBy = r.rectifyBy?.description
        rectified = r.rectified?.description
        rectification = r.rectification
    }
}

struct UserDTO: Codable, Sendable {
    var id: Int64
    var name: String
    var role: String
    var staffID: String?
    var active: Bool

    init(_ u: OpsUser) {
        id = u.id
        name = u.name
        role = u.role.rawValue
        staffID = u.staffID
        active = u.active
    }
}

struct AuditDTO: Codable, Sendable {
    var id: Int64
    var at: String
    var actor: String
    var role: String
    var action: String
    var subject: String
    var detail: String

    init(_ a: AuditEntry) {
        id = a.id
        at = a.at.description
        actor = a.actor
        role = a.role.rawValue
        action = a.action
        subject = a.subject
        detail = a.detail
    }
}

/// The hall as the screens need it: departments with their ticket prefix, items, windows, the waiting target.
struct ReferenceDTO: Codable, Sendable {
    struct Department: Codable, Sendable {
        var id: String
        var name: String
        var prefix: String
    }
    struct Item: Codable, Sendable {
        var id: String
        var name: String
        var department: String
        var kind: String
    }
    var hall: String
    var waitTargetMinutes: Double
    var departments: [Department]
    var items: [Item]
    var windows: [WindowDTO]
    var staff: [String]
}

// Request bodies.
struct LoginBody: Codable {
    var name: String
    var password: String
}
struct IssueBody: Codable {
    var kind: TicketKind
    var department: String?
    var item: String?
    var appointmentSlot: Double?
    var caseNumber: Int64?
}
struct FinishBody: Codable { var outcome: FinishOutcome }
struct TransferBody: Codable {
    var department: String?
    var window: String?
    var clerk: String?
}
struct SignInBody: Codable { var staff: String? }
struct StepBody: Codable {
    var step: StepKind
    var staff: String
}
struct SuspendBody: Codable { var procedure: String }
struct DeliverBody: Codable { var mode: DeliveryMode }
struct RateBody: Codable {
    var ticket: Int64
    var level: Int
    var comment: String?
}
struct RectifyBody: Codable { var note: String }
struct NewUserBody: Codable {
    var name: String
    var role: Role
    var password: String
    var staffID: String?
}
/// A day's appointment bookings (PUT body and GET answer; the date is the path's, echoed in answers).
struct BookingsBody: Codable {
    var date: String?
    var bookings: [Booking]
}
struct NewDeviceBody: Codable {
    var name: String
    var kind: String
}
struct ClockBody: Codable {
    var date: String
    var minute: Double
}
struct PasswordBody: Codable { var password: String }

struct MeDTO: Codable, Sendable {
    var signedIn: Bool
    var kind: String
    var name: String
    var role: String
    var staffID: String?
    var deviceKind: String?
}
