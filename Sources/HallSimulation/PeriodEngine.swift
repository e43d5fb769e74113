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
        /// 容缺受理: when the deferred document arrives (run minutes; .infinity: after the run), or nil.
        var documentDue: Double?
        /// The deferred document never comes: the case ends without a decision.
        var documentNever = false
        /// 补正: whether the first review's draw was made, and the date a correction was asked for while
        /// the applicant has not yet come back with it.
        var correctionDrawn = false
        var correctionAsked: CivilDate?
        /// The deadline counts from here instead of acceptance (a correction with `clock: restarts`).
        var clockStart: CivilDate?
    }
    var cases: [CaseState] = []
    /// Applicants due back after leaving before intake: their first visit and visits so far (a planned
    /// `retry` visit carries its index here in place of a case number).
    var retries: [(firstVisit: Stamp, visits: Int)] = []
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
        /// A referred question (no case, `caseNumber` -1): the date ordinal it is due by.
        var referralDue: Int?
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
    /// The front desk's calls per date index, when recording for a replay (`DeskLog`).
    var deskLog: [DeskLog.Day?]?

    // Streams (owned here; one per purpose).
    let special: RandomStream
    let delivery: RandomStream
    let returns: RandomStream
    let visitTime: RandomStream
    /// One stream per outcome policy, so that a scenario without it draws exactly as before and two
    /// scenarios that differ in one policy share every other draw (common random numbers).
    let comeBack: RandomStream
    let rejection: RandomStream
    let refusal: RandomStream
    let deferral: RandomStream
    let correction: RandomStream
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
        comeBack = stream("cases/come_back")
        rejection = stream("cases/rejection")
        refusal = stream("cases/refusal")
        deferral = stream("cases/deferred_documents")
        correction = stream("cases/correction")
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
                if deskLog != nil { deskLog![k] = DeskLog.Day() }
                let daySeed = StreamSeed.derive(seed: seed, replication: replication, stream: "day/\(date)")
                let stats = simulateDay(
                    hall, seed: daySeed, replication: replication, sink: daySink(k, day), calling: nil, routing: nil,
                    planned: planned[k], hooks: desk, checkInvariants: false)
                tickets += stats.tickets
                events += stats.events
                deskLog?[k]?.last = desk.last
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

    /// A front-desk ticket of day k has ended. First visits (and retries) that reached a window open a
    /// case (the record then carries its number), unless the application is not accepted (不予受理).
    func ticket(_ r: inout TicketRecord, day k: Int, date: CivilDate) {
        switch r.visit {
        case .first, .retry:
            var first = Stamp(date, r.arrival)
            var visits = 1
            if r.visit == .retry {
                let prior = retries[Int(r.caseNumber!)]
                r.caseNumber = nil
                first = prior.firstVisit
                visits = prior.visits + 1
            }
            guard r.outcome.isServed else {
                leftBeforeIntake(r, firstVisit: first, visits: visits, date: date)
                return
            }
            let share = period.scenario.items[Int(r.item)].rejectedShare
            if r.outcome == .served, share > 0, rejection.uniform() < share {
                r.outcome = .rejected
                return
            }
            let c = newCase(item: r.item, firstVisit: first, fromBacklog: false)
            r.caseNumber = c
            cases[Int(c)].visits = visits
            intake(c, &r, day: k, date: date)
        case .return:
            let c = r.caseNumber!
            cases[Int(c)].visits += 1
            if r.outcome.isServed {
                intake(c, &r, day: k, date: date)
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
        case .correction:
            let c = r.caseNumber!
            cases[Int(c)].visits += 1
            if r.outcome.isServed {
                corrected(c, at: r.end, date: date)
            } else {
                planReturn(c, after: date, workingDays: 0, visit: .correction, stream: correction)
            }
        }
    }

    /// An applicant left before intake (balked, reneged, absent when called, or unserved at closing):
    /// with `come_back`, they come again on a later open day.
    func leftBeforeIntake(_ r: TicketRecord, firstVisit: Stamp, visits: Int, date: CivilDate) {
        guard let cb = period.scenario.comeBack else { return }
        // Three draws for every leaver, whether or not they come back: halls that differ in the
        // probability keep every other leaver's numbers (common random numbers).
        let comes = comeBack.uniform() < cb.probability
        let n = comeBack.uniformInt(in: cb.after.range)
        let u = comeBack.uniform()
        guard comes, let k = period.hallDay(workingDaysAfter: date, n) else { return }
        retries.append((firstVisit, visits))
        planned[k].append(
            PlannedVisit(
                time: period.visitTime(day: k, u: u), item: r.item, visit: .retry,
                caseNumber: Int32(retries.count - 1),
                incompleteProbability: period.scenario.items[Int(r.item)].incompleteProbability))
    }

    /// Intake done at a window: a one-time notice (or, for an item that allows it, acceptance with a
    /// deferred document), a decision on the spot, or acceptance.
    func intake(_ c: Int32, _ r: inout TicketRecord, day k: Int, date: CivilDate) {
        let rule = period.itemRules[Int(r.item)]
        if r.outcome == .notice, let d = period.scenario.items[Int(r.item)].deferred {
            // Three draws for every incomplete application of the item, accepted or not (common random
            // numbers between shares).
            let accepted = deferral.uniform() < d.share
            let never = deferral.uniform() < d.neverSupplied
            let after = d.suppliedAfter ?? WorkingDayRange(1)
            let n = deferral.uniformInt(in: after.range)
            if accepted {
                // 容缺受理: accepted now; the document follows at the start of the n-th working day after
                // acceptance, or at collection (the decision does not wait).
                r.outcome = .served
                cases[Int(c)].documentNever = never
                cases[Int(c)].documentDue =
                    d.suppliedAfter == nil ? 0 : period.workdayStart(workingDaysAfter: date, n - 1)
            }
        }
        if r.outcome == .notice {
            guard let nr = period.scenario.noticeReturn, returns.uniform() < nr.probability else {
                cases[Int(c)].status = .gaveUp
                return
            }
            let n = returns.uniformInt(in: nr.after.range)
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
    func planReturn(
        _ c: Int32, after date: CivilDate, workingDays n: Int, visit: VisitKind, stream: RandomStream? = nil
    ) {
        if visit == .return { cases[Int(c)].status = .awaitingReturn }
        if visit == .return, n == 0, let nr = period.scenario.noticeReturn, returns.uniform() >= nr.probability {
            cases[Int(c)].status = .gaveUp
            return
        }
        guard let k = period.hallDay(workingDaysAfter: date, n) else { return }
        let item = visit == .collection ? (period.collectItem ?? cases[Int(c)].item) : cases[Int(c)].item
        let incomplete =
            visit == .collection || visit == .correction ? 0 : period.itemRules[Int(item)].incompleteProbability
        planned[k].append(
            PlannedVisit(
                time: period.visitTime(day: k, u: (stream ?? visitTime).uniform()), item: item, visit: visit,
                caseNumber: c, incompleteProbability: incomplete))
    }

    /// 补正: the first review of the lead department asks for a correction. The applicant comes back
    /// after some working days (the review then starts again), or never (a refusal when the time to
    /// return is over, 000 art. 11).
    func askCorrection(_ c: Int32, at t: Double, _ rule: Correction) {
        let today = period.stamp(t).date
        cases[Int(c)].correctionAsked = today
        let never = correction.uniform() < rule.neverReturns
        let n = correction.uniformInt(in: rule.returnAfter.range)
        if never {
            // The last day to come back is the max-th working day; the refusal comes the next morning.
            let end = period.workdayStart(workingDaysAfter: today, rule.returnAfter.max)
            if end < period.horizon { decide(c, at: end, refused: true) }
            return
        }
        planReturn(c, after: today, workingDays: n, visit: .correction, stream: correction)
    }

    /// Back with the corrected materials: the deadline is treated as the item says, and the lead
    /// department's review starts again.
    func corrected(_ c: Int32, at minute: Double, date: CivilDate) {
        guard let asked = cases[Int(c)].correctionAsked,
            let rule = period.scenario.items[Int(cases[Int(c)].item)].correction
        else { return }
        cases[Int(c)].correctionAsked = nil
        let item = period.itemRules[Int(cases[Int(c)].item)]
        switch rule.clock {
        case .suspended:
            suspendForCorrection(c, from: asked, through: date)
        case .restarts:
            cases[Int(c)].clockStart = date
        case .runs:
            break
        }
        cases[Int(c)].deadline = period.deadline(
            cases[Int(c)].clockStart ?? cases[Int(c)].accepted!.date, limit: item.limit,
            suspensions: cases[Int(c)].suspensions)
        let t = period.handOffInstant(date, minute)
        let review = item.reviews[0]
        arrive(newJob(c, review: 0, department: review.department, stepIndex: 0, step: review.steps[0], at: t), at: t)
    }

    /// The working days after the request through `last` do not count towards the deadline.
    func suspendForCorrection(_ c: Int32, from asked: CivilDate, through last: CivilDate) {
        guard last > asked else { return }
        let n = period.workingDays(after: asked, through: last)
        guard n > 0 else { return }
        cases[Int(c)].suspensions.append(asked.adding(days: 1)...last)
        cases[Int(c)].suspendedDays += n
    }

    /// A question the guide desk referred to the department behind (后援式答疑): reviewers' work of
    /// `minutes`, due within 2 working days (001 art. 17), belonging to no case. Departments without a
    /// back office only count the minutes (the stage KPI).
    func referral(department d: Int32, minutes: Double, at t: Double, date: CivilDate) {
        guard minutes > 0, period.departments[Int(d)] != nil else { return }
        var job = Job(
            caseNumber: -1, department: d, review: 0, stepIndex: 0, step: .review, arrived: t, work: minutes,
            remaining: minutes)
        job.referralDue = (try? period.calendar.deadline(acceptance: date, workingDays: 2))?.ordinal
        jobs.append(job)
        arrive(jobs.count - 1, at: t)
    }

    /// Acceptance (受理): the deadline starts, and the case goes to every reviewing department.
    func accept(_ c: Int32, at stamp: Stamp, handOff t: Double, firstStep: ReviewStep?, visibleAtOnce: Bool = false) {
        let rule = period.itemRules[Int(cases[Int(c)].item)]
        cases[Int(c)].status = .inReview
        cases[Int(c)].accepted = stamp
        cases[Int(c)].deadline = period.deadline(stamp.date, limit: rule.limit, suspensions: [])
        if let sp = rule.special, firstStep == nil || firstStep == .review, special.uniform() < sp.probability {
            cases[Int(c)].specialDays = special.uniformInt(in: sp.minDays...sp.maxDays)
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

    /// Every department has finished: the decision (办结), then delivery. A deferred document still
    /// to come holds the decision until it arrives; one that never comes ends the case (终结) then.
    func decide(_ c: Int32, at t0: Double, refused: Bool = false) {
        guard !cases[Int(c)].status.isClosedByBackOffice else { return }
        var t = t0
        if let due = cases[Int(c)].documentDue, !refused {
            t = max(t, due)
            guard t < period.horizon else { return }
            if cases[Int(c)].documentNever {
                cases[Int(c)].decided = period.stamp(t)
                cases[Int(c)].status = .terminated
                return
            }
        }
        let stamp = period.stamp(t)
        cases[Int(c)].decided = stamp
        let share = period.scenario.items[Int(cases[Int(c)].item)].refusedShare
        cases[Int(c)].status = refused || (share > 0 && refusal.uniform() < share) ? .refused : .decided
        let d = period.scenario.delivery
        if delivery.uniform() < d.collectShare {
            cases[Int(c)].delivery = .collect
            let n = delivery.uniformInt(in: d.collectAfter.range)
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
        let last = period.dates.last!
        for i in cases.indices {
            // A correction still awaited at the end: with a suspended clock, the rest of the run does not count.
            if let asked = cases[i].correctionAsked, !cases[i].status.isClosedByBackOffice,
                period.scenario.items[Int(cases[i].item)].correction?.clock == .suspended
            {
                suspendForCorrection(Int32(i), from: asked, through: last)
            }
        }
        for (i, c) in cases.enumerated() {
            var deadline = c.deadline
            if let accepted = c.accepted, !c.suspensions.isEmpty || c.clockStart != nil {
                deadline = period.deadline(
                    c.clockStart ?? accepted.date, limit: period.itemRules[Int(c.item)].limit,
                    suspensions: c.suspensions)
            }
            var lead: Int?
            if c.status.isDecision, let a = c.accepted, let d = c.decided {
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
        // Recorded for a replay, which serves collections and corrections itself.
        if r.visit != .collection && r.visit != .correction { engine.deskLog?[day]?.calls.append(.ticket(r)) }
        engine.ticket(&r, day: day, date: date)
    }

    func staffChanged(_ r: StaffRecord) {
        last = max(last, r.time)
        let s = Int(r.staff)
        let d = lender[s]
        guard d >= 0 else { return }
        engine.deskLog?[day]?.calls.append(.staff(r))
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

    func stageEnded(_ r: StageRecord) {
        guard r.outcome == .referred else { return }
        engine.deskLog?[day]?.calls.append(.stage(r))
        engine.referral(
            department: r.department, minutes: r.referralMinutes, at: Double(day) * 1440 + r.end, date: date)
    }

    /// Clerks still lent when the day's records end come back then.
    func finish() {
        for (s, since) in lentSince.enumerated() where !since.isNaN {
            engine.backOffice.schedule(.lendEnd, at: Double(day) * 1440 + last, index: lender[s])
        }
    }
}
