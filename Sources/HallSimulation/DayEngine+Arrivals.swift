import HallDomain
import HallRandom

/// Arrivals: walk-ins (piecewise-constant Poisson rates per profile), booked appointments and visits
/// planned by earlier days all take a ticket here.
extension DayEngine {
    /// The first events of each source: every profile's first walk-in (after `start`), every appointment,
    /// every planned visit.
    func scheduleFirstArrivals(from start: Double = -.infinity) {
        for p in 0..<profileCount {
            if let t = nextWalkIn(p, from: start) { schedule(.walkIn(profile: p), at: t) }
        }
        let order = appointmentArrivals.indices.sorted {
            (appointmentArrivals[$0].time, $0) < (appointmentArrivals[$1].time, $1)
        }
        for k in order { schedule(.appointment(k), at: appointmentArrivals[k].time) }
        for (k, v) in planned.enumerated() {
            if let t = DayEngine.nextOpenInstant(v.time, periods: hall.periods) { schedule(.plannedVisit(k), at: t) }
        }
    }

    /// Next walk-in of profile p after `t` (piecewise-constant rate; exact by memorylessness).
    func nextWalkIn(_ p: Int, from t0: Double) -> Double? {
        let range = profilePieces[p]
        let stream = streams.sources[p].interarrival!
        var t = t0
        var i = range.lowerBound + pieceIndex[p]
        while i < range.upperBound {
            if t < pieceStart[i] { t = pieceStart[i] }
            let x = t + stream.exponential(mean: pieceMean[i])
            if x < pieceEnd[i] {
                pieceIndex[p] = i - range.lowerBound
                return x
            }
            // (From a state, `t0` may lie beyond whole pieces: never go back before it.)
            t = max(t, pieceEnd[i])
            i += 1
        }
        pieceIndex[p] = range.count
        return nil
    }

    /// The first instant at or after t when the hall is open (nil after the last closing).
    static func nextOpenInstant(_ t: Double, periods: [(open: Double, close: Double)]) -> Double? {
        for period in periods {
            if t < period.open { return period.open }
            if t < period.close { return t }
        }
        return nil
    }

    func walkIn(profile p: Int) {
        let now = calendar.now
        let item: Int32
        if let s = streams.sources[p].item {
            let u = s.uniform()
            let cumulative = profileCumulative[p]
            item = profileItems[p][cumulative.firstIndex { u < $0 } ?? (cumulative.count - 1)]
        } else {
            item = profileItems[p][0]
        }
        if let t = nextWalkIn(p, from: now) { schedule(.walkIn(profile: p), at: t) }
        arrives(source: p, item: item, channel: .walkIn, onTime: false, now: now)
    }

    func appointmentArrives(_ k: Int) {
        let now = calendar.now
        let a = appointmentArrivals[k]
        arrives(
            source: profileCount + Int(a.block), item: appointmentItem[Int(a.block)], channel: .appointment,
            onTime: now <= a.slot + onTimeTolerance, slot: a.slot, now: now)
    }

    func plannedVisitArrives(_ k: Int) {
        let v = planned[k]
        let draws = drawApplicant(source: plannedSource, item: v.item, planned: v)
        issueTicket(
            source: plannedSource, item: v.item, channel: .walkIn, onTime: false, now: calendar.now, draws: draws,
            planned: v)
    }

    /// The numbers an applicant draws for the ticket. Every applicant draws the same numbers whatever
    /// happens to them (common random numbers).
    func drawApplicant(source s: Int, item i: Int32, planned: PlannedVisit?) -> ApplicantDraws {
        let sourceStreams = streams.sources[s]
        let itemStreams = streams.items[Int(i)]
        let priority = sourceStreams.priority.map { $0.uniform() < profilePriority[s] } ?? false
        let service = items[Int(i)].service.sample(itemStreams.service)
        let noticeWork = itemStreams.notice.map { items[Int(i)].notice!.sample($0) }
        let notice: Bool
        if let planned {
            // Planned visits draw their materials from their own stream, with their own probability.
            notice = streams.plannedMaterials!.uniform() < planned.incompleteProbability
        } else {
            notice = itemStreams.materials.map { $0.uniform() < items[Int(i)].incompleteProbability } ?? false
        }
        let patience = sourceStreams.patience.map { self.patience!.sample($0) }
        let balkU = sourceStreams.balking.map { $0.uniform() }
        let noShow = sourceStreams.noShow.map { $0.uniform() < noShowProbability } ?? false
        return ApplicantDraws(
            priority: priority, work: notice ? (noticeWork ?? service) : service, notice: notice, patience: patience,
            balkU: balkU, noShow: noShow)
    }

    func issueTicket(
        source s: Int, item i: Int32, channel: Channel, onTime: Bool, slot: Double = .nan, now: Double,
        draws: ApplicantDraws, planned: PlannedVisit? = nil
    ) {
        let number = nextNumber
        nextNumber += 1
        if !slot.isNaN { appointmentSlots[number] = slot }
        let d = items[Int(i)].department
        let cls: TicketClass = draws.priority ? .priority : (appointmentsFirst && onTime ? .appointment : .normal)
        let ticket = Ticket(
            number: number, source: Int32(s), item: i, department: d, channel: channel,
            ticketClass: UInt8(cls.rawValue), notice: draws.notice, noShow: draws.noShow, state: .waiting,
            arrival: now, work: draws.work, call: .nan,
            visit: planned?.visit ?? .first, caseNumber: planned?.caseNumber ?? -1)
        if let u = draws.balkU, u < balkProbability(Int(waiting[Int(d)])) {
            emit(ticket, outcome: .balked, window: nil, start: nil, end: now)
            return
        }
        let slot = allocate(ticket)
        enqueue(slot)
        if let w = routing.choose(department: d, eligible: eligible[Int(d)], breadth: breadth, board: board) {
            callNext(window: Int(w))
        }
        if let patience = draws.patience, tickets[Int(slot)].state == .waiting {
            schedule(.patienceEnds(slot: Int(slot), ticket: number), at: now + patience)
        }
    }

    func balkProbability(_ q: Int) -> Double {
        var p = 0.0
        for step in balking where q >= step.queueAtLeast { p = step.probability }
        return p
    }
}
