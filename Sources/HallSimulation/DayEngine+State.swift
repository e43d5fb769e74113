import HallDomain
import HallRandom

/// What a forecast watches while a day runs from a state: the waiting count per department at fixed
/// instants, and when the run may stop (after the horizon, once `done` says the tickets it follows have
/// ended). A plain run watches nothing.
struct ForecastWatch {
    var probes: [Double] = []
    var next = 0
    /// The waiting count per department at each probe taken so far.
    var queues: [[Int32]] = []
    var stopAfter = Double.infinity
    var done: (() -> Bool)?
}

/// Which loop a day runs: `DayEngine.run(_:)` is compiled once per kind.
protocol LoopKind { static var watches: Bool { get } }
/// A plain day, or a day from a state whose records are the result.
enum PlainLoop: LoopKind { static var watches: Bool { false } }
/// A forecast: probes and the early stop of `ForecastWatch`.
enum ForecastLoop: LoopKind { static var watches: Bool { true } }

/// Starting a day from a state (`HallState`) instead of from the opening, and the forecast's watch.
extension DayEngine {
    /// Puts the day where the state says it is, then schedules what is still to come: the rest of the
    /// opening periods, duties and arrivals. From a state before the opening with nothing in it, this
    /// schedules exactly what a plain run does, in the same order.
    func start(from s: HallState) {
        calendar.advance(to: s.minute)
        let now = s.minute
        let last = hall.periods.count - 1
        for (k, p) in hall.periods.enumerated() {
            if p.close < now {
                // Over already: as `periodClose` left it.
                open = false
                periodCloses = p.close
                callingAllowed = k == last || !hall.holdAtBreak
                continue
            }
            if p.open < now {
                open = true
                periodCloses = p.close
                callingAllowed = true
            } else {
                schedule(.periodOpens(period: k), at: p.open)
            }
            schedule(.periodCloses(period: k), at: p.close)
        }

        // Clerks at windows now: they stay there for the rest of their current duty (rostered), until a
        // tidal rule closes the window (lent), or until the last closing (unnamed).
        var here = [Int32](repeating: -1, count: hall.clerks.count)
        for st in s.staffed {
            let w = Int(st.window)
            guard let c = st.clerk else {
                if clerkAt[w] == WindowClerk.none { seatUnnamed(w) }
                continue
            }
            here[Int(c)] = st.window
            if hall.clerks[Int(c)].kind == .rostered {
                assigned[Int(c)] = st.window
            } else {
                let r = Int(hall.tidalRuleOfWindow[w])
                if r >= 0 {
                    if let k = tidalFree[r].firstIndex(of: c) { tidalFree[r].remove(at: k) }
                    tidalOpen[r].append(st.window)
                    openedAt[w] = min(st.since ?? now, now)
                }
            }
            seat(clerk: c, window: w, callIfFree: false)
        }
        for (c, clerk) in hall.clerks.enumerated() where assigned[c] >= 0 {
            // Not at a window in the middle of a duty: away for the rest of the day.
            if here[c] < 0, clerk.duty.contains(where: { $0.start < now && now < $0.end }) { continue }
            // At a window now: the current duty ends as rostered. Outside the roster's hours the clerk
            // leaves after the applicant at the desk (a duty that has just ended; one signed in early
            // comes back when the duty starts).
            let current = here[c] >= 0 ? clerk.duty.firstIndex { $0.start <= now && now < $0.end } : nil
            if here[c] >= 0, current == nil { schedule(.dutyEnds(clerk: c), at: now) }
            for (k, d) in clerk.duty.enumerated() {
                if k == current {
                    schedule(.dutyEnds(clerk: c), at: d.end)
                } else if d.start >= now, current.map({ k > $0 }) ?? true {
                    schedule(.dutyStarts(clerk: c), at: d.start)
                    schedule(.dutyEnds(clerk: c), at: d.end)
                }
            }
        }
        if !hall.hasRoster {
            for sv in s.serving where clerkAt[Int(sv.window)] == WindowClerk.none { seatUnnamed(Int(sv.window)) }
        }

        // What the state does not say is drawn from one stream of its own, ticket by ticket in number
        // order, a fixed count of uniforms each, so that the day's own streams see what a plain run's do.
        let stream = RandomStream(seed: seed, replication: replication, name: "state")
        let mix = departmentItemMix()
        func item(_ given: Int32?, department d: Int32) -> Int32 {
            let u = stream.uniform()
            if let given { return given }
            let m = mix[Int(d)]
            return m.items[m.cumulative.firstIndex { u < $0 } ?? (m.items.count - 1)]
        }
        func work(_ i: Int32, elapsed: Double) -> (work: Double, notice: Bool) {
            let spec = items[Int(i)]
            let notice = stream.uniform() < spec.incompleteProbability
            let sampler = notice ? (spec.notice ?? spec.service) : spec.service
            return (sampler.remaining(after: elapsed, stream), notice)
        }
        for sv in s.serving.sorted(by: { $0.number < $1.number }) {
            let w = Int(sv.window)
            let i = item(sv.item, department: sv.department)
            // (A clerk without the skill cannot have been serving; take the speed as 1 then.)
            let f =
                factorNow[w * departmentCount + Int(sv.department)] > 0
                ? factorNow[w * departmentCount + Int(sv.department)] : 1
            var (rest, notice) = work(i, elapsed: (now - sv.since) / f)
            if sv.noShow { rest = max(0, sv.since + noShowGrace - now) / f }
            var t = stateTicket(number: sv.number, item: i, ticketClass: .normal, arrival: sv.arrival)
            t.state = .called
            t.call = sv.since
            t.notice = notice
            t.noShow = sv.noShow
            t.work = rest
            let slot = allocate(t)
            windowTicket[w] = slot
            setWindow(w, sv.noShow ? .calling : .busy, ticket: sv.number)
            schedule(.serviceEnds(window: w), at: now + rest * f)
        }
        for wt in s.waiting.sorted(by: { $0.number < $1.number }) {
            let i = item(wt.item, department: wt.department)
            let (w, notice) = work(i, elapsed: 0)
            let age = now - wt.arrival
            let patience = self.patience.map { $0.remaining(after: age, stream) }
            let noShow = stream.uniform() < noShowProbability
            var t = stateTicket(number: wt.number, item: i, ticketClass: wt.ticketClass, arrival: wt.arrival)
            t.notice = notice
            t.work = w
            t.noShow = noShow
            let slot = allocate(t)
            enqueue(slot)
            if let patience { schedule(.patienceEnds(slot: Int(slot), ticket: wt.number), at: now + patience) }
        }
        nextNumber = max(nextNumber, s.nextNumber)
        for w in clerkAt.indices where clerkAt[w] != WindowClerk.none && isFree(w) { callNext(window: w) }
        // The duty manager looks at the display now: a queue above a rule's threshold opens a window, one
        // below its close threshold starts the countdown (before opening this does nothing).
        for r in hall.tidal.indices { tidalEvaluate(r) }
        scheduleFirstArrivals(from: now)
    }

    /// A ticket of the state (its numbers filled in by the caller).
    private func stateTicket(number: Int32, item i: Int32, ticketClass: TicketClass, arrival: Double) -> Ticket {
        let source = profileItems.firstIndex { $0.contains(i) } ?? 0
        return Ticket(
            number: number, source: Int32(source), item: i, department: items[Int(i)].department,
            channel: ticketClass == .appointment ? .appointment : .walkIn, ticketClass: UInt8(ticketClass.rawValue),
            notice: false, noShow: false, state: .waiting, arrival: arrival, work: 0, call: .nan, visit: .first,
            caseNumber: -1)
    }

    /// Each department's walk-in items with cumulative shares, weighted by the day's expected walk-ins
    /// (for tickets that name only their department). Items nobody walks in for share the rest equally.
    func departmentItemMix() -> [(items: [Int32], cumulative: [Double])] {
        var weight = [Double](repeating: 0, count: items.count)
        for (p, profile) in hall.profiles.enumerated() {
            let expected = profile.pieces.reduce(0) { $0 + ($1.end - $1.start) * $1.perMinute }
            var previous = 0.0
            for (k, i) in profileItems[p].enumerated() {
                weight[Int(i)] += expected * (profileCumulative[p][k] - previous)
                previous = profileCumulative[p][k]
            }
        }
        return (0..<departmentCount).map { d in
            let own = items.indices.filter { items[$0].department == Int32(d) }
            let total = own.reduce(0) { $0 + weight[$1] }
            var sum = 0.0
            let cumulative = own.map { i -> Double in
                sum += total > 0 ? weight[i] / total : 1 / Double(own.count)
                return sum
            }
            return (own.map { Int32($0) }, cumulative)
        }
    }

    /// Takes the probes due at or before `t`, before the events at `t` (a probe at the state's instant sees
    /// the state itself), and says whether the run may stop.
    func watch(before t: Double) -> Bool {
        while watch.next < watch.probes.count, watch.probes[watch.next] <= t {
            watch.queues.append(waiting)
            watch.next += 1
        }
        watchFrom = min(watch.next < watch.probes.count ? watch.probes[watch.next] : .infinity, watch.stopAfter)
        return t > watch.stopAfter && (watch.done?() ?? true)
    }

    /// The probes after the last event see the empty hall.
    func watchToEnd() {
        while watch.next < watch.probes.count {
            watch.queues.append(waiting)
            watch.next += 1
        }
    }
}
