/// The event-log schema shared by the simulator and (later) the operations module: a simulated day and
/// a real day are measured by the same code. Records carry indices into a `Catalogue`; files carry ids.
/// Times are minutes after midnight. Column meanings are documented in docs/event-log.md.

public enum TicketOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// Intake done, materials complete (accepted, or decided on the spot for an immediate item).
    case served
    /// Intake done, materials incomplete: one-time notice (一次性告知), the applicant must come back.
    case notice
    /// Left while waiting (patience ran out).
    case reneged
    /// Did not take a ticket: the visible queue was too long.
    case balked
    /// Called and absent (过号): the window waited the grace time and moved on.
    case noShow = "no_show"
    /// Still waiting when the day ended with nobody left on duty to call it (a staffing gap).
    case unserved
    /// Intake done, application refused (不予受理) — real days only (the operations module).
    case rejected
    /// A queue segment that ended when the clerk sent the applicant to another department, window or
    /// clerk (real days only); the applicant's next segment is its own record.
    case transferred

    /// The applicant reached a window and was served (served, notice or rejected).
    public var isServed: Bool { self == .served || self == .notice || self == .rejected }
    /// The visit failed: left before intake (reneged, balked, absent when called), a one-time notice, or
    /// not accepted — what sends an applicant to the complaints window (办不成事).
    public var failedVisit: Bool {
        self == .reneged || self == .balked || self == .noShow || self == .notice || self == .rejected
    }
    /// The ticket was called (served, notice, rejected, transferred, or absent at the call).
    public var wasCalled: Bool { isServed || self == .noShow || self == .transferred }
}

/// Why the applicant came.
public enum VisitKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A new application.
    case first
    /// Back with the missing materials after a one-time notice.
    case `return`
    /// Collecting a result at the window (出件).
    case collection
    /// Coming back after leaving before intake (balked, reneged, absent when called, or still waiting at
    /// closing) on an earlier day (scenario `come_back`).
    case retry
    /// Back with the materials the back office asked for (补正, 004 art. 5(4)2).
    case correction
}

public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
    case walkIn = "walk_in"
    case appointment
}

/// One row per ticket (per applicant that came, balked ones included).
public struct TicketRecord: Sendable, Hashable {
    public var ticket: Int32
    /// Where the applicant came from: a walk-in profile, an appointment block, or the planned visits
    /// (in that order; the `source` column of tickets.csv names it).
    public var source: Int32
    public var item: Int32
    public var department: Int32
    public var channel: Channel
    public var priority: Bool
    /// Arrival = ticket time.
    public var arrival: Double
    /// Call time (nil when never called).
    public var call: Double?
    public var serviceStart: Double?
    public var serviceEnd: Double?
    /// Window index (nil when never called).
    public var window: Int32?
    public var outcome: TicketOutcome
    /// When the ticket left the system (service end, renege, balk, end of no-show grace).
    public var end: Double
    public var visit: VisitKind
    /// The case this visit belongs to (multi-day runs; nil for a first visit until a case is opened).
    public var caseNumber: Int32?
    /// An appointment's booked slot (minutes after midnight; nil for walk-ins and where unknown):
    /// arrival − slot is the applicant's punctuality.
    public var slot: Double?

    public init(
        ticket: Int32, source: Int32, item: Int32, department: Int32, channel: Channel, priority: Bool,
        arrival: Double, call: Double?, serviceStart: Double?, serviceEnd: Double?, window: Int32?,
        outcome: TicketOutcome, end: Double, visit: VisitKind = .first, caseNumber: Int32? = nil,
        slot: Double? = nil
    ) {
        self.ticket = ticket
        self.source = source
        self.item = item
        self.department = department
        self.channel = channel
        self.priority = priority
        self.arrival = arrival
        self.call = call
        self.serviceStart = serviceStart
        self.serviceEnd = serviceEnd
        self.window = window
        self.outcome = outcome
        self.end = end
        self.visit = visit
        self.caseNumber = caseNumber
        self.slot = slot
    }

    /// Time from ticket to call, or to leaving for those never called (balked: 0).
    public var wait: Double { (call ?? end) - arrival }
}

/// Appointments booked for one slot of a block, as the hall's booking system had them at the day's start
/// (a simulated hall books every slot full). Show-up is the checked-in appointments over these.
public struct BookingRecord: Sendable, Hashable, Codable {
    /// Index into the scenario's appointment blocks.
    public var block: Int32
    /// Slot start, minutes after midnight.
    public var slot: Double
    public var booked: Int32

    public init(block: Int32, slot: Double, booked: Int32) {
        self.block = block
        self.slot = slot
        self.booked = booked
    }
}

public enum WindowState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not staffed / not open.
    case closed
    /// Open, nobody at the desk.
    case idle
    /// Serving an applicant.
    case busy
    /// Called a ticket whose holder is absent; waiting out the grace time.
    case calling
}

/// A window changed state.
public struct WindowRecord: Sendable, Hashable {
    public var time: Double
    public var window: Int32
    public var state: WindowState
    /// The ticket being served or called (busy, calling).
    public var ticket: Int32?
    /// The clerk at the window (index into `Catalogue.staff`), nil without a roster or when closed.
    public var staff: Int32?

    public init(time: Double, window: Int32, state: WindowState, ticket: Int32? = nil, staff: Int32? = nil) {
        self.time = time
        self.window = window
        self.state = state
        self.ticket = ticket
        self.staff = staff
    }
}

public enum StaffState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Absent today (drawn at the start of the day).
    case absent
    /// Walking over to a tidal window (already away from the pool or back office).
    case walking
    /// On duty at a window.
    case atWindow = "at_window"
    /// Off the front desk: before or after the shift, on a break, or back in the pool / back office.
    case off
}

/// A clerk changed state.
public struct StaffRecord: Sendable, Hashable {
    public var time: Double
    public var staff: Int32
    public var state: StaffState
    public var window: Int32?

    public init(time: Double, staff: Int32, state: StaffState, window: Int32? = nil) {
        self.time = time
        self.staff = staff
        self.state = state
        self.window = window
    }
}

/// The number of tickets waiting for a department changed.
public struct QueueRecord: Sendable, Hashable {
    public var time: Double
    public var department: Int32
    public var waiting: Int32

    public init(time: Double, department: Int32, waiting: Int32) {
        self.time = time
        self.department = department
        self.waiting = waiting
    }
}

/// A stage before the ticket.
public enum StageKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The guide and consultation desk (咨询/导引).
    case guide
    /// A self-service terminal (自助).
    case terminal
}

/// How a stage visit ended.
public enum StageOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// Went on to take a ticket (a row in tickets.csv with arrival = this visit's end).
    case ticket
    /// Only consulted at the guide desk and left.
    case consulted
    /// Only consulted; the question went to the department behind (后援式答疑).
    case referred
    /// Finished at the terminal.
    case selfServed = "self_served"
}

/// One visit to a stage before the ticket (guide desk or terminal).
public struct StageRecord: Sendable, Hashable {
    public var stage: StageKind
    public var item: Int32
    public var department: Int32
    /// Arrival at the stage, start and end of its service.
    public var arrival: Double
    public var start: Double
    public var end: Double
    public var outcome: StageOutcome
    /// Back-office minutes a referred question costs (0 otherwise).
    public var referralMinutes: Double

    public init(
        stage: StageKind, item: Int32, department: Int32, arrival: Double, start: Double, end: Double,
        outcome: StageOutcome, referralMinutes: Double = 0
    ) {
        self.stage = stage
        self.item = item
        self.department = department
        self.arrival = arrival
        self.start = start
        self.end = end
        self.outcome = outcome
        self.referralMinutes = referralMinutes
    }

    public var wait: Double { start - arrival }
}

/// Where records go: a streaming statistic, a buffer, a file writer.
public protocol RecordSink: AnyObject {
    func record(_ r: TicketRecord)
    func record(_ r: WindowRecord)
    func record(_ r: QueueRecord)
    func record(_ r: StaffRecord)
    func record(_ r: CaseRecord)
    func record(_ r: CaseStepRecord)
    func record(_ r: StageRecord)
}

extension RecordSink {
    /// Sinks of front-desk records ignore the back office unless they say otherwise.
    public func record(_ r: CaseRecord) {}
    public func record(_ r: CaseStepRecord) {}
    /// And the stages before the ticket.
    public func record(_ r: StageRecord) {}
}

/// Keeps every record (for files and tests).
public final class RecordBuffer: RecordSink {
    public private(set) var tickets: [TicketRecord] = []
    public private(set) var windows: [WindowRecord] = []
    public private(set) var queues: [QueueRecord] = []
    public private(set) var staff: [StaffRecord] = []
    public private(set) var cases: [CaseRecord] = []
    public private(set) var steps: [CaseStepRecord] = []
    public private(set) var stages: [StageRecord] = []
    public init() {}
    public func record(_ r: StageRecord) { stages.append(r) }
    public func record(_ r: CaseRecord) { cases.append(r) }
    public func record(_ r: CaseStepRecord) { steps.append(r) }
    public func record(_ r: TicketRecord) { tickets.append(r) }
    public func record(_ r: WindowRecord) { windows.append(r) }
    public func record(_ r: QueueRecord) { queues.append(r) }
    public func record(_ r: StaffRecord) { staff.append(r) }
}

/// Sends every record to several sinks.
public final class TeeSink: RecordSink {
    public let sinks: [RecordSink]
    public init(_ sinks: [RecordSink]) { self.sinks = sinks }
    public func record(_ r: TicketRecord) { for s in sinks { s.record(r) } }
    public func record(_ r: WindowRecord) { for s in sinks { s.record(r) } }
    public func record(_ r: QueueRecord) { for s in sinks { s.record(r) } }
    public func record(_ r: StaffRecord) { for s in sinks { s.record(r) } }
    public func record(_ r: CaseRecord) { for s in sinks { s.record(r) } }
    public func record(_ r: CaseStepRecord) { for s in sinks { s.record(r) } }
    public func record(_ r: StageRecord) { for s in sinks { s.record(r) } }
}
