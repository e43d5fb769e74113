import Foundation
import HallDomain
import HallMetrics
import HallOps
import HallSimulation
import HallTestSupport
import XCTest

/// Keeps every record in the order the engine emitted it.
final class OrderedSink: RecordSink {
    enum Rec {
        case ticket(TicketRecord)
        case window(WindowRecord)
        case queue(QueueRecord)
        case staff(StaffRecord)
    }
    var records: [Rec] = []
    func record(_ r: TicketRecord) { records.append(.ticket(r)) }
    func record(_ r: WindowRecord) { records.append(.window(r)) }
    func record(_ r: QueueRecord) { records.append(.queue(r)) }
    func record(_ r: StaffRecord) { records.append(.staff(r)) }
}

/// The proof that one domain serves both: a seeded simulated county-hall day, replayed through HallOps
/// action by action on an injected clock (the windows call with the store's own calling, which must pick
/// the ticket the simulator picked), gives records whose KPIs equal the simulator's.
final class RoundTripTests: XCTestCase {
    func testSimulatedDayReplayedThroughOpsGivesTheSameKPIs() throws {
        try replay(rule: nil, seed: 11)
    }

    /// The other calling policies (the longest-queue rule reads queue counts, the own-department rule the
    /// window's home department): the store still calls the simulator's ticket every time.
    func testEveryCallingPolicyReplaysCallForCall() throws {
        try replay(rule: .longestQueueFirst, seed: 12)
        try replay(rule: .ownDepartmentFirst, seed: 13)
    }

    func replay(rule: CallingRule?, seed: UInt64) throws {
        var scenario = try countyHall()
        if let rule { scenario.calling.rule = rule }
        // The operations module cannot see an applicant who turns away without a ticket (balking), and
        // the event log does not carry an appointment's slot (needed for the on-time class): both off.
        scenario.behaviour.balking = []
        scenario.calling.appointmentsFirst = false
        // Nor, yet, visits to the guide desk and the self-service terminals before the ticket (docs/event-log.md).
        scenario.guideDesk = nil
        scenario.selfService = nil
        let date = CivilDate(2025, 10, 9)  // a Thursday after the National Day holiday
        let hallDay = try XCTUnwrap(try scenario.period!.hallDay(date, regular: scenario.day.periods))
        XCTAssertEqual(hallDay.periods, scenario.day.periods, "the replay date must have the scenario's hours")

        let hall = CompiledHall(scenario)
        let sink = OrderedSink()
        let metrics = DayMetrics(
            catalogue: hall.catalogue, day: scenario.day, waitTargetMinutes: scenario.waitTargetMinutes,
            warmupMinutes: scenario.warmupMinutes)
        let stats = simulateDay(hall, seed: seed, replication: 0, sink: TeeSink([sink, metrics]))
        let simulated = metrics.result()
        XCTAssertGreaterThan(stats.tickets, 500)

        let clock = ManualClock(Stamp(date, 0))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: scenario, clock: clock)
        let c = hall.catalogue
        var issued: [Int32: Int64] = [:]  // simulator's ticket number → ops ticket id
        var outcomes: [Int32: TicketRecord] = [:]
        for case .ticket(let t) in sink.records { outcomes[t.ticket] = t }
        var nextNumber: Int32 = 1
        var lastWaiting = [Int32](repeating: 0, count: c.departments.count)
        var calls = 0
        var skipStaffOff = Set<Int>()
        let recs = sink.records
        for (k, rec) in recs.enumerated() {
            switch rec {
            case .queue(let q):
                clock.set(minute: q.time)
                defer { lastWaiting[Int(q.department)] = q.waiting }
                guard q.waiting > lastWaiting[Int(q.department)] else { continue }
                // An arrival: the next ticket number (balking is off, so every number queues).
                let t = try XCTUnwrap(outcomes[nextNumber])
                XCTAssertEqual(t.department, q.department)
                XCTAssertEqual(t.arrival, q.time)
                let kind: TicketKind = t.priority ? .greenChannel : (t.channel == .appointment ? .appointment : .walkIn)
                let ticket = try store.issueTicket(
                    IssueRequest(
                        kind: kind, item: c.items[Int(t.item)],
                        appointmentSlot: kind == .appointment ? t.arrival : nil),
                    idempotencyKey: "sim-\(nextNumber)", actor: manager)
                XCTAssertEqual(ticket.sequence, nextNumber)
                issued[nextNumber] = ticket.id
                nextNumber += 1
            case .staff(let s):
                clock.set(minute: s.time)
                let name = c.staff[Int(s.staff)]
                switch s.state {
                case .atWindow: _ = try store.signIn(window: c.windows[Int(s.window!)], staff: name, actor: manager)
                case .walking: try store.dispatch(staff: name, toward: c.windows[Int(s.window!)], actor: manager)
                case .off: XCTAssertTrue(skipStaffOff.contains(k), "a clerk went off without the window closing")
                case .absent: break
                }
            case .window(let w):
                clock.set(minute: w.time)
                let id = c.windows[Int(w.window)]
                let status = try store.windows().first { $0.id == id }!.status
                switch w.state {
                case .idle:
                    if status == .signedIn || status == .paused { _ = try store.openWindow(id, actor: manager) }
                case .closed:
                    if k + 1 < recs.count, case .staff(let s) = recs[k + 1], s.state == .off, s.window == w.window {
                        _ = try store.closeWindow(id, actor: manager)
                        skipStaffOff.insert(k + 1)
                    } else if status == .open {
                        _ = try store.pauseWindow(id, actor: manager)
                    }
                case .busy, .calling:
                    if status != .open { _ = try store.openWindow(id, actor: manager) }
                    let called = try XCTUnwrap(
                        try store.callNext(window: id, actor: manager), "window \(id) found nothing at \(w.time)")
                    XCTAssertEqual(called.sequence, w.ticket, "window \(id) at \(w.time) called another ticket")
                    calls += 1
                    if w.state == .busy { _ = try store.start(ticket: called.id, actor: manager) }
                }
            case .ticket(let t):
                clock.set(minute: t.end)
                guard let id = issued[t.ticket] else { return XCTFail("ticket \(t.ticket) ended before it was issued") }
                switch t.outcome {
                case .served:
                    let immediate = scenario.items[Int(t.item)].kind == .immediate
                    _ = try store.finish(ticket: id, outcome: immediate ? .immediate : .accepted, actor: manager)
                case .notice: _ = try store.finish(ticket: id, outcome: .notice, actor: manager)
                case .noShow: _ = try store.noShow(ticket: id, actor: manager)
                case .reneged: _ = try store.cancel(ticket: id, actor: manager)
                case .unserved: break  // closed below
                case .balked, .rejected, .transferred: XCTFail("unexpected outcome \(t.outcome)")
                }
            }
        }
        clock.set(minute: stats.end)
        try store.closeDay(date, actor: manager)
        XCTAssertEqual(Int(nextNumber) - 1, stats.tickets)
        XCTAssertGreaterThan(calls, 500)

        let real = try store.dayKPIs(date)
        func same(_ a: [KPI: Double?], _ b: [KPI: Double?], _ what: String) {
            XCTAssertEqual(Set(a.keys), Set(b.keys), what)
            for (k, x) in a {
                let y = b[k] ?? nil
                switch (x, y) {
                case (nil, nil): break
                case (let x?, let y?): XCTAssertEqual(x, y, accuracy: 1e-9, "\(what) \(k.rawValue)")
                default: XCTFail("\(what) \(k.rawValue): \(String(describing: x)) vs \(String(describing: y))")
                }
            }
        }
        same(real.overall, simulated.overall, "overall")
        XCTAssertEqual(Set(real.departments.keys), Set(simulated.departments.keys))
        for (d, k) in simulated.departments { same(real.departments[d]!, k, "department \(d)") }
        XCTAssertEqual(Set(real.hours.keys), Set(simulated.hours.keys))
        for (h, k) in simulated.hours { same(real.hours[h]!, k, "hour \(h)") }
        for (w, u) in simulated.windowUtilisation {
            switch (u, real.windowUtilisation[w] ?? nil) {
            case (nil, nil): break
            case (let x?, let y?): XCTAssertEqual(x, y, accuracy: 1e-9, "utilisation of \(w)")
            default: XCTFail("utilisation of \(w) defined on one side only")
            }
        }
        // Little's law on the real day's records: at zero.
        XCTAssertEqual(relGap(real.queueArea, real.waitSum), 0, accuracy: 1e-9)
        XCTAssertEqual(relGap(real.busyArea, real.serviceSum), 0, accuracy: 1e-9)
        // summary.json of the real day has hallsim's shape.
        let json = try JSONSerialization.jsonObject(with: try store.summary(date).json()) as! [String: Any]
        XCTAssertNotNil(json["overall"] as? [String: Any])
        XCTAssertNotNil(json["checks"] as? [String: Double])
    }
}
