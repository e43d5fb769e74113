import DequeModule
import HallDomain
import HallRandom

/// The stages before the ticket, compiled: the guide desk (咨询/导引) and self-service terminals (自助),
/// and each item's share of applicants who apply online instead (channel shift).
struct CompiledStages: Sendable {
    var guideStaff = 0
    var guideShare = 0.0
    var guideService: Sampler?
    var consultOnly = 0.0
    var referred = 0.0
    var referral: Sampler?
    var terminals = 0
    /// Per item: share of its applicants who try a terminal first.
    var terminalShare: [Double]
    var terminalService: Sampler?
    var fallBack = 0.0
    /// Per item: share who apply online and never come.
    var onlineShare: [Double]

    init(_ s: Scenario) {
        if let g = s.guideDesk {
            guideStaff = g.staff
            guideShare = g.share
            guideService = Sampler(g.service)
            consultOnly = g.consultOnly
            referred = g.referred
            referral = g.referralMinutes.map(Sampler.init)
        }
        terminalShare = s.items.map { s.selfService?.shares[$0.id] ?? 0 }
        if let t = s.selfService {
            terminals = t.terminals
            terminalService = Sampler(t.service)
            fallBack = t.fallBack
        }
        onlineShare = s.items.map(\.onlineShare)
    }

    var hasGuide: Bool { guideService != nil }
    var hasTerminals: Bool { terminalService != nil }
    var hasOnline: Bool { onlineShare.contains { $0 > 0 } }
    var any: Bool { hasGuide || hasTerminals || hasOnline }
}

/// Streams of the stages (`guide/*`, `terminal/*`, `online`), created only for a hall that has them.
/// Every arriving applicant draws the same numbers from them whatever the shares, so that two halls
/// that differ in a share compare on common random numbers.
struct StageStreams {
    private var owners: [RandomStream] = []
    var guide: (route: RandomStream.Handle, service: RandomStream.Handle, outcome: RandomStream.Handle)?
    var referral: RandomStream.Handle?
    var terminal: (route: RandomStream.Handle, service: RandomStream.Handle, outcome: RandomStream.Handle)?
    var online: RandomStream.Handle?

    init(_ stages: CompiledStages, seed: UInt64, replication: Int) {
        var owners: [RandomStream] = []
        func stream(_ name: String) -> RandomStream.Handle {
            let s = RandomStream(seed: seed, replication: replication, name: name)
            owners.append(s)
            return s.handle
        }
        if stages.hasGuide {
            guide = (stream("guide/route"), stream("guide/service"), stream("guide/outcome"))
            if stages.referral != nil { referral = stream("guide/referral") }
        }
        if stages.hasTerminals {
            terminal = (stream("terminal/route"), stream("terminal/service"), stream("terminal/outcome"))
        }
        if stages.hasOnline { online = stream("online") }
        self.owners = owners
    }
}

/// The numbers an applicant draws on arrival for the ticket (drawn in arrival order whatever stages
/// come first, so that a stage does not shift anyone's draws).
struct ApplicantDraws {
    var priority: Bool
    var work: Double
    var notice: Bool
    var patience: Double?
    var balkU: Double?
    var noShow: Bool
}

/// An applicant at or on the way through the stages before the ticket.
struct Visitor {
    var source: Int32
    var item: Int32
    var channel: Channel
    var onTime: Bool
    /// An appointment's booked slot (NaN for walk-ins).
    var slot: Double
    var draws: ApplicantDraws
    /// Stage plan, drawn on arrival: the guide desk's service time and outcome (nil: does not stop
    /// there), the terminal's service time and whether it ends there (nil: does not try one).
    var guide: (service: Double, outcome: StageOutcome, referral: Double)?
    var terminal: (service: Double, selfServed: Bool)?
    var stage: StageKind = .guide
    var stageArrival = 0.0
    var stageStart = 0.0
}

extension DayEngine {
    /// An applicant arrives (a walk-in or an appointment): the ticket's numbers are drawn, then the
    /// online share, the guide desk and the terminals may come before the ticket.
    func arrives(source s: Int, item i: Int32, channel: Channel, onTime: Bool, slot: Double = .nan, now: Double) {
        let draws = drawApplicant(source: s, item: i, planned: nil)
        guard stages.any else {
            issueTicket(source: s, item: i, channel: channel, onTime: onTime, slot: slot, now: now, draws: draws)
            return
        }
        if let online = stageStreams.online, online.uniform() < stages.onlineShare[Int(i)] { return }
        var v = Visitor(source: Int32(s), item: i, channel: channel, onTime: onTime, slot: slot, draws: draws)
        if let g = stageStreams.guide {
            let route = g.route.uniform()
            let service = stages.guideService!.sample(g.service)
            let u = g.outcome.uniform()
            let referral = stageStreams.referral.map { stages.referral!.sample($0) } ?? 0
            if route < stages.guideShare {
                let outcome: StageOutcome =
                    u < stages.consultOnly * stages.referred
                    ? .referred : (u < stages.consultOnly ? .consulted : .ticket)
                v.guide = (service, outcome, outcome == .referred ? referral : 0)
            }
        }
        if let t = stageStreams.terminal {
            let route = t.route.uniform()
            let service = stages.terminalService!.sample(t.service)
            let u = t.outcome.uniform()
            if route < stages.terminalShare[Int(i)] { v.terminal = (service, u >= stages.fallBack) }
        }
        if v.guide != nil {
            enterStage(&v, .guide, now: now)
        } else if v.terminal != nil {
            enterStage(&v, .terminal, now: now)
        } else {
            issueTicket(source: s, item: i, channel: channel, onTime: onTime, slot: slot, now: now, draws: draws)
        }
    }

    func capacity(_ stage: StageKind) -> Int { stage == .guide ? stages.guideStaff : stages.terminals }

    /// Joins a stage: served at once when a clerk or terminal is free, else in its FIFO queue.
    func enterStage(_ v: inout Visitor, _ stage: StageKind, now: Double) {
        v.stage = stage
        v.stageArrival = now
        let k = Int32(visitors.count)
        visitors.append(v)
        let s = stage == .guide ? 0 : 1
        if stageBusy[s] < capacity(stage) {
            startStage(k, now: now)
        } else {
            stageQueue[s].append(k)
        }
    }

    func startStage(_ k: Int32, now: Double) {
        let v = visitors[Int(k)]
        stageBusy[v.stage == .guide ? 0 : 1] += 1
        visitors[Int(k)].stageStart = now
        let service = v.stage == .guide ? v.guide!.service : v.terminal!.service
        schedule(.stageEnds(visitor: Int(k)), at: now + service)
    }

    /// A stage visit ends: the record, the next in that stage's queue, then the applicant goes on.
    func stageEnd(visitor k: Int) {
        let now = calendar.now
        var v = visitors[k]
        let s = v.stage == .guide ? 0 : 1
        stageBusy[s] -= 1
        if let next = stageQueue[s].popFirst() { startStage(next, now: now) }
        let outcome: StageOutcome
        var referral = 0.0
        if v.stage == .guide {
            outcome = v.guide!.outcome
            referral = v.guide!.referral
        } else {
            outcome = v.terminal!.selfServed ? .selfServed : .ticket
        }
        let record = StageRecord(
            stage: v.stage, item: v.item, department: items[Int(v.item)].department, arrival: v.stageArrival,
            start: v.stageStart, end: now, outcome: outcome, referralMinutes: referral)
        sink.record(record)
        hooks?.stageEnded(record)
        guard outcome == .ticket else { return }
        if v.stage == .guide, v.terminal != nil {
            enterStage(&v, .terminal, now: now)
        } else {
            issueTicket(
                source: Int(v.source), item: v.item, channel: v.channel, onTime: v.onTime, slot: v.slot, now: now,
                draws: v.draws)
        }
    }
}
