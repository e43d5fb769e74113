import HallDomain
import HallRandom
import HeapModule

/// Counts from one simulated run over dates.
public struct PeriodStats: Sendable, Equatable {
    public var openDays: Int
    public var tickets: Int
    public var cases: Int
    public var steps: Int
    public var events: Int
}

/// Simulates a hall over the dates of its period: each open day's front desk (with the visits planned
/// by earlier days), then the back office up to the end of that day, so that backlog, returns after a
/// one-time notice and result collection carry from day to day. Front-desk records go to the sink
/// `daySink` returns for each open day; case and step records go to `caseSink`.
public func simulatePeriod(
    _ period: CompiledPeriod, seed: UInt64, replication: Int,
    daySink: (Int, HallDay) -> RecordSink, caseSink: RecordSink
) -> PeriodStats {
    PeriodEngine(period: period, seed: seed, replication: replication, caseSink: caseSink).run(daySink: daySink)
}

/// The same-instant order in the back office: a finished step frees its clerk first; clerks come back
/// from, then leave for, tidal windows; then new work becomes visible and is picked up.
enum BackOfficeTier: UInt8, EventTiers {
    case stepEnd = 0
    case lendEnd = 1
    case lendStart = 2
    case visible = 3
}

/// State of a multi-day run. Cases are here; the back office's queues are in PeriodEngine+BackOffice.
final class PeriodEngine {
    let period: CompiledPeriod
    let seed: UInt64
    let replication: Int
    let caseSink: RecordSink

    struct CaseState {
        var item: Int32
        var department: Int32
        var firstVisit: Stamp?
        var visits = 0
        var accepted: Stamp?
        var deadline: CivilDate?
        var suspensions: [ClosedRange<CivilDate>] = []
        var suspendedDays = 0
        /// Working days of special procedure this case needs after review (0: none).
        var specialDays = 0
        var pendingDepartments = 0
        var decided: Stamp?
        var delivery: DeliveryMode?
        var collected: Stamp?
        var status: CaseStatus
        var fromBacklog = false
    }
    var cases: [CaseState] = []
    /// Visits planned for each date of the run.
    var planned: [[PlannedVisit]]

    // Back office.
    var backOffice = EventCalendar<BackOfficeTier>()
    struct Job {
        var caseNumber: Int32
        var department: Int32
        /// Which of the item's reviewing departments (0 = lead) and which of its steps.
        var review: Int
        var stepIndex: Int
        var step: ReviewStep
        var arrived: Double
        var visible: Double = .infinity
        var firstStart: Double = .infinity
        var resumedAt: Double = .infinity
        var work: Double
        var remaining: Double
        var server: Int32 = -1
        /// Invalidates the step-end event scheduled for this job when its clerk is taken away.
        var generation = Generation()
        var done = false
    }
    var jobs: [Job] = []
    struct Server {
        var department: Int32
        var pool: Int
        var clock: Int
        var job: Int32 = -1
        var away = false
    }
    var servers: [Server] = []
    /// Servers and waiting jobs per (department, pool): index department * 2 + pool.
    var serversOf: [[Int32]]
    var queues: [Heap<QueueKey>]
    /// Per department: lent clerks for whom no reviewer was present, and reviewers away at tidal windows.
    var unmatchedLends: [Int]
    var away: [[Int32]]
    var stepRecords = 0
    var events = 0

    // Streams (owned here; one per purpose).
    let special: RandomStream
    let delivery: RandomStream
    let returns: RandomStream
    let visitTime: RandomStream
    var reviewStreams: [RandomStream?]
    var approvalStreams: [RandomStream?]

    init(period: CompiledPeriod, seed: UInt64, replication: Int, caseSink: RecordSink) {
        self.period = period
        self.seed = seed
        self.replication = replication
        self.caseSink = caseSink
        planned = Array(repeating: [], count: period.dates.count)
        let nd = period.scenario.departments.count
        serversOf = Array(repeating: [], count: nd * 2)
        queues = Array(repeating: Heap(), count: nd * 2)
        unmatchedLends = Array(repeating: 0, count: nd)
        away = Array(repeating: [], count: nd)
        func stream(_ name: String) -> RandomStream { RandomStream(seed: seed, replication: replication, name: name) }
        special = stream("cases/special")
        delivery = stream("cases/delivery")
        returns = stream("cases/returns")
        visitTime = stream("cases/visit_time")
        let ids = period.scenario.departments.map(\.id)
        reviewStreams = period.departments.map { $0.map { stream("back_office/\(ids[Int($0.index)])/review") } }
        approvalStreams = period.departments.map { $0.map { stream("back_office/\(ids[Int($0.index)])/approval") } }
        for d in period.departments.compactMap({ $0 }) {
            for (pool, clock) in d.servers {
                serversOf[Int(d.index) * 2 + pool].append(Int32(servers.count))
                servers.append(Server(department: d.index, pool: pool, clock: clock))
            }
        }
    }

    func run(daySink: (Int, HallDay) -> RecordSink) -> PeriodStats {
        seedBacklog()
        var tickets = 0
        var openDays = 0
        for (k, date) in period.dates.enumerated() {
            if let day = period.hallDays[k] {
                openDays += 1
                let hall = period.halls[period.hallOfDay[k]]
                let desk = DeskHooks(engine: self, day: k, date: date, hall: hall)
                let daySeed = StreamSeed.derive(seed: seed, replication: replication, stream: "day/\(date)")
                let stats = simulateDay(
                    hall, seed: daySeed, replication: replication, sink: daySink(k, day), calling: nil, routing: nil,
                    planned: planned[k], hooks: desk, checkInvariants: false)
                tickets += stats.tickets
                events += stats.events
                desk.finish()
            }
            runBackOffice(until: Double(k + 1) * 1440)
        }
        finish()
        return PeriodStats(openDays: openDays, tickets: tickets, cases: cases.count, steps: stepRecords, events: events)
    }

    // MARK: Cases

    func newCase(item: Int32, firstVisit: Stamp?, fromBacklog: Bool) -> Int32 {
        var c = CaseState(
            item: item, department: period.itemRules[Int(item)].department, firstVisit: firstVisit, status: .inReview)
        c.fromBacklog = fromBacklog
        cases.append(c)
        return Int32(cases.count - 1)
    }

    /// A front-desk ticket of day k has ended. First visits that reached a window open a case (the
    /// record then carries its number).
    func ticket(_ r: inout TicketRecord, day k: Int, date: CivilDate) {
        switch r.visit {
        case .first:
            guard r.outcome.isServed else { return }
            let c = newCase(item: r.item, firstVisit: Stamp(date, r.arrival), fromBacklog: false)
            r.caseNumber = c
            cases[Int(c)].visits = 1
            intake(c, r, day: k, date: date)
        case .return:
            let c = r.caseNumber!
            cases[Int(c)].visits += 1
            if r.outcome.isServed {
                intake(c, r, day: k, date: date)
            } else {
                planReturn(c, after: date, workingDays: 0, visit: .return)
            }
        case .collection:
            let c = r.caseNumber!
            cases[Int(c)].visits += 1
            if r.outcome.isServed {
                cases[Int(c)].collected = Stamp(date, r.end)
            } else {
                planReturn(c, after: date, workingDays: 0, visit: .collection)
            }
        }
    }

    /// Intake done at a window: a one-time notice, a decision on the spot, or acceptance.
    func intake(_ c: Int32, _ r: TicketRecord, day k: Int, date: CivilDate) {
        let rule = period.itemRules[Int(r.item)]
        if r.outcome == .notice {
            guard let nr = period.scenario.noticeReturn, returns.uniform() < nr.probability else {
                cases[Int(c)].status = .gaveUp
                return
            }
            let n = nr.after.min + returns.uniformInt(nr.after.max - nr.after.min + 1)
            planReturn(c, after: date, workingDays: n, visit: .return)
            return
        }
        let stamp = Stamp(date, r.end)
        guard rule.committed else {
            cases[Int(c)].status = .doneAtWindow
            cases[Int(c)].decided = stamp
            return
        }
        accept(c, at: stamp, handOff: period.handOffInstant(date, r.end), firstStep: nil)
    }

    /// Plans the next visit of a case on the first open day `n` working days after `date` (n = 0: the
    /// next open day). Past the run's end the case waits (awaiting return, or result not collected).
    func planReturn(_ c: Int32, after date: CivilDate, workingDays n: Int, visit: VisitKind) {
        if visit == .return { cases[Int(c)].status = .awaitingReturn }
        if visit == .return, n == 0, let nr = period.scenario.noticeReturn, returns.uniform() >= nr.probability {
            cases[Int(c)].status = .gaveUp
            return
        }
        guard let k = period.hallDay(workingDaysAfter: date, n) else { return }
        let item = visit == .collection ? (period.collectItem ?? cases[Int(c)].item) : cases[Int(c)].item
        let incomplete = visit == .collection ? 0 : period.itemRules[Int(item)].incompleteProbability
        planned[k].append(
            PlannedVisit(
                time: period.visitTime(day: k, u: visitTime.uniform()), item: item, visit: visit,
                caseNumber: c, incompleteProbability: incomplete))
    }

    /// Acceptance (受理): the deadline starts, and the case goes to every reviewing department.
    func accept(_ c: Int32, at stamp: Stamp, handOff t: Double, firstStep: ReviewStep?, visibleAtOnce: Bool = false) {
        let rule = period.itemRules[Int(cases[Int(c)].item)]
        cases[Int(c)].status = .inReview
        cases[Int(c)].accepted = stamp
        cases[Int(c)].deadline = period.deadline(stamp.date, limit: rule.limit, suspensions: [])
        if let sp = rule.special, firstStep == nil || firstStep == .review, special.uniform() < sp.probability {
            cases[Int(c)].specialDays = sp.minDays + special.uniformInt(sp.maxDays - sp.minDays + 1)
        }
        cases[Int(c)].pendingDepartments = rule.reviews.count
        for (k, review) in rule.reviews.enumerated() {
            let first = firstStep.flatMap { review.steps.firstIndex(of: $0) } ?? 0
            arrive(
                newJob(c, review: k, department: review.department, stepIndex: first, step: review.steps[first], at: t),
                at: t,
                atOnce: visibleAtOnce)
        }
    }

    /// Every department has finished: the decision (办结), then delivery.
    func decide(_ c: Int32, at t: Double) {
        let stamp = period.stamp(t)
        cases[Int(c)].decided = stamp
        cases[Int(c)].status = .decided
        let d = period.scenario.delivery
        if delivery.uniform() < d.collectShare {
            cases[Int(c)].delivery = .collect
            let n = d.collectAfter.min + delivery.uniformInt(d.collectAfter.max - d.collectAfter.min + 1)
            planReturn(c, after: stamp.date, workingDays: n, visit: .collection)
        } else {
            cases[Int(c)].delivery = .mail
        }
    }

    func seedBacklog() {
        for entry in period.backlog {
            for _ in 0..<entry.count {
                let c = newCase(item: entry.item, firstVisit: nil, fromBacklog: true)
                let opens = period.scenario.day.opens.minutes
                // Work already in review is visible from the start.
                accept(c, at: Stamp(entry.accepted, opens), handOff: 0, firstStep: entry.step, visibleAtOnce: true)
            }
        }
    }

    /// Records every case, and the steps still unfinished, at the end of the run.
    func finish() {
        for j in jobs.indices where !jobs[j].done && jobs[j].arrived < period.horizon { recordStep(j, end: nil) }
        for (i, c) in cases.enumerated() {
            var deadline = c.deadline
            if let accepted = c.accepted, !c.suspensions.isEmpty {
                deadline = period.deadline(
                    accepted.date, limit: period.itemRules[Int(c.item)].limit, suspensions: c.suspensions)
            }
            var lead: Int?
            if c.status == .decided, let a = c.accepted, let d = c.decided {
                lead = period.workingDays(after: a.date, through: d.date) - c.suspendedDays
            }
            var archived: CivilDate?
            let delivered =
                c.delivery == .mail
                ? c.decided : (c.delivery == .collect ? c.collected : (c.status == .doneAtWindow ? c.decided : nil))
            if let delivered, period.scenario.delivery.archiveWithin >= 0 {
                archived = try? period.calendar.deadline(
                    acceptance: delivered.date, workingDays: period.scenario.delivery.archiveWithin)
            }
            caseSink.record(
                CaseRecord(
                    caseNumber: Int32(i), item: c.item, department: c.department, firstVisit: c.firstVisit,
                    visits: c.visits, accepted: c.accepted, deadline: deadline, suspendedDays: c.suspendedDays,
                    decided: c.decided, leadTimeWorkingDays: lead, delivery: c.delivery, collected: c.collected,
                    archived: archived, status: c.status, fromBacklog: c.fromBacklog))
        }
    }
}

/// The hooks of one front-desk day of a run over dates: a first visit that reached a window opens a case
/// (its ticket record then carries the case number), and the back office's clerks lent to tidal windows
/// become absences of its reviewers.
final class DeskHooks: DayHooks {
    unowned let engine: PeriodEngine
    let day: Int
    let date: CivilDate
    /// Department index lending each clerk (back-office sources), or -1.
    let lender: [Int32]
    var lentSince: [Double]
    /// Time of the latest ticket end or staff change.
    var last = 0.0

    init(engine: PeriodEngine, day: Int, date: CivilDate, hall: CompiledHall) {
        self.engine = engine
        self.day = day
        self.date = date
        var lender = [Int32](repeating: -1, count: hall.clerks.count)
        let ids = hall.scenario.departments.map(\.id)
        for (ri, rule) in hall.scenario.tidal.enumerated() {
            if case .backOffice(let d, _) = rule.source, let di = ids.firstIndex(of: d) {
                for c in hall.tidal[ri].clerks { lender[Int(c)] = Int32(di) }
            }
        }
        self.lender = lender
        lentSince = Array(repeating: .nan, count: hall.clerks.count)
    }

    func ticketEnded(_ r: inout TicketRecord) {
        last = max(last, r.end)
        engine.ticket(&r, day: day, date: date)
    }

    func staffChanged(_ r: StaffRecord) {
        last = max(last, r.time)
        let s = Int(r.staff)
        let d = lender[s]
        guard d >= 0 else { return }
        let atDesk = r.state == .walking || r.state == .atWindow
        let t = Double(day) * 1440 + r.time
        if atDesk, lentSince[s].isNaN {
            lentSince[s] = r.time
            engine.backOffice.schedule(.lendStart, at: t, index: d)
        } else if !atDesk, !lentSince[s].isNaN {
            lentSince[s] = .nan
            engine.backOffice.schedule(.lendEnd, at: t, index: d)
        }
    }

    /// Clerks still lent when the day's records end come back then.
    func finish() {
        for (s, since) in lentSince.enumerated() where !since.isNaN {
            engine.backOffice.schedule(.lendEnd, at: Double(day) * 1440 + last, index: lender[s])
        }
    }
}
