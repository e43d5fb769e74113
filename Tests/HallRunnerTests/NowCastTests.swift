import HallDomain
import HallRunner
import HallScenarioYAML
import HallSimulation
import HallTestSupport
import XCTest

/// The now-cast (issue 12): a day run on from a state, judged against what then happened on simulated
/// days whose states are taken from their own records, as an operations store would see them.
final class NowCastTests: XCTestCase {
    /// Every record of a day as CSV text, for byte comparisons.
    func csv(_ b: RecordBuffer, _ c: Catalogue) -> String {
        EventLogCSV.tickets([(0, b.tickets)], catalogue: c) + EventLogCSV.windows([(0, b.windows)], catalogue: c)
            + EventLogCSV.staff([(0, b.staff)], catalogue: c) + EventLogCSV.queues([(0, b.queues)], catalogue: c)
            + EventLogCSV.stages([(0, b.stages)], catalogue: c)
    }

    func testFromTheStateBeforeOpeningIsThePlainRunByteForByte() throws {
        let county = try countyHall()
        var halls = [
            try validationScenario("nowcast-hall"), try validationScenario("tidal-arrivals"),
            try validationScenario("pooling-universal"),
        ]
        halls.append(county.forHallDay(periods: county.day.periods, demand: 1))
        for s in halls {
            let hall = CompiledHall(s)
            for r in 0..<3 {
                let plain = RecordBuffer()
                let a = simulateDay(hall, seed: 5, replication: r, sink: plain)
                let fromState = RecordBuffer()
                let b = simulateDay(hall, from: .beforeOpening(hall), seed: 5, replication: r, sink: fromState)
                XCTAssertEqual(a, b, s.name)
                XCTAssertFalse(plain.tickets.isEmpty)
                XCTAssertEqual(
                    csv(plain, hall.catalogue), csv(fromState, hall.catalogue), "\(s.name), replication \(r)")
            }
        }
    }

    /// One clerk at deterministic 10-minute intakes, no more arrivals: the calls follow by hand.
    func testHandTrace() throws {
        let s = try ScenarioLoader.parse(
            yaml: """
                name: hand
                day: {periods: [{open: "09:00", close: "12:00"}]}
                departments: [{id: d}]
                items: [{id: i, department: d, kind: immediate, service_min: {dist: deterministic, value: 10}}]
                arrivals: [{id: p, item: i, rates: [{from: "09:00", to: "09:01", per_hour: 0.0001}]}]
                windows: [{id: w, kind: department, departments: [d], count: 1}]
                shifts: [{id: s, start: "09:00", end: "12:00"}]
                staff: [{id: c, skills: {d: 1.0}, shift: s, post: w}]
                """, file: "hand.yaml")
        let hall = CompiledHall(s)
        let now = 10 * 60.0
        // Ticket 4 at the window since 09:56 (6 minutes to go); 5, 6 and 7 waiting.
        let state = HallState(
            minute: now,
            waiting: [5, 6, 7].map {
                HallState.Waiting(number: $0, department: 0, item: 0, ticketClass: .normal, arrival: 570)
            },
            serving: [HallState.Serving(window: 0, number: 4, department: 0, item: 0, arrival: 560, since: now - 4)],
            staffed: [HallState.Staffed(window: 0, clerk: 0)])
        let cast = try NowCast.forecast(hall: hall, state: state, replications: 20, horizon: 30, step: 10, seed: 3)
        XCTAssertEqual(cast.calls.map(\.median), [606, 616, 626])
        XCTAssertEqual(cast.calls.map(\.low), [606, 616, 626])
        XCTAssertEqual(cast.calls.map(\.calledShare), [1, 1, 1])
        // Queue: 3 at 10:00, 2 at 10:10 (5 called at 10:06), 1 at 10:20, 0 at 10:30.
        XCTAssertEqual(cast.queues[0].median, [3, 2, 1, 0])
        // The records of the rest of the day: ticket 4 ends at 10:06 after its 10 minutes.
        let b = RecordBuffer()
        _ = simulateDay(hall, from: state, seed: 1, replication: 0, sink: b)
        let four = try XCTUnwrap(b.tickets.first { $0.ticket == 4 })
        XCTAssertEqual(four.serviceStart, 596)
        XCTAssertEqual(four.end, 606)
        XCTAssertEqual(b.tickets.first { $0.ticket == 7 }?.call, 626)
        // A state that does not fit the hall is refused with a sentence.
        var bad = state
        bad.serving[0].window = 9
        XCTAssertThrowsError(try NowCast.forecast(hall: hall, state: bad)) { e in
            XCTAssertEqual("\(e)", "ticket 4: no window 9")
        }
    }

    /// The states of simulated days, every half-hour, with what then happened to each waiting ticket.
    struct Snapshot {
        var state: HallState
        var truth: [Double?]
    }

    func snapshots(_ hall: CompiledHall, days: Range<Int>) -> [Snapshot] {
        var out: [Snapshot] = []
        let morning: [Double] = Array(stride(from: 540.0, through: 705, by: 15))
        let afternoon: [Double] = Array(stride(from: 855.0, through: 1035, by: 15))
        let instants = morning + afternoon
        for r in days {
            let b = RecordBuffer()
            _ = simulateDay(hall, seed: 11, replication: r, sink: b)
            let calls = Dictionary(uniqueKeysWithValues: b.tickets.map { ($0.ticket, $0.call) })
            for t in instants {
                let state = HallState(minute: t, tickets: b.tickets, staff: b.staff, hall: hall)
                guard !state.waiting.isEmpty else { continue }
                out.append(Snapshot(state: state, truth: state.waiting.map { calls[$0.number]! }))
            }
        }
        return out
    }

    func testEightyPercentIntervalsCoverTheActualCallsAndBeatTheNaiveEstimate() throws {
        let s = try validationScenario("nowcast-hall")
        let hall = CompiledHall(s)
        let windows = s.physicalWindows
        let departments = s.departments.map(\.id)
        var covered = 0
        var total = 0
        var errorCast = 0.0
        var errorNaive = 0.0
        var called = 0
        var predictedCalled = 0.0
        var actuallyCalled = 0
        var waiting = 0
        var below = 0
        var above = 0
        for snap in snapshots(hall, days: 0..<40) {
            // Forecast seeds the truth never used.
            let cast = try NowCast.forecast(hall: hall, state: snap.state, replications: 200, horizon: 0, seed: 901)
            let open = Set(snap.state.staffed.map(\.window))
            for (k, call) in cast.calls.enumerated() {
                predictedCalled += call.calledShare
                waiting += 1
                // The interval is the call's if it comes; whether it comes is the called share.
                if snap.truth[k] != nil { actuallyCalled += 1 }
                guard let actual = snap.truth[k], let low = call.low, let high = call.high, let median = call.median
                else { continue }
                total += 1
                if low <= actual && actual <= high { covered += 1 }
                if actual < low { below += 1 }
                if actual > high { above += 1 }
                // The naive estimate: people ahead in the department × mean intake ÷ open windows.
                let w = snap.state.waiting[k]
                let ahead = snap.state.waiting.filter { $0.department == w.department && $0.number < w.number }.count
                let d = departments[Int(w.department)]
                let items = s.items.filter { $0.department == d }
                let mean = items.map(\.service.mean).reduce(0, +) / Double(items.count)
                let serving = windows.indices.filter { open.contains(Int32($0)) && windows[$0].departments.contains(d) }
                guard let naive = NowCast.naiveWait(ahead: ahead, meanService: mean, openWindows: serving.count) else {
                    continue
                }
                called += 1
                errorCast += abs(median - actual)
                errorNaive += abs(snap.state.minute + naive - actual)
            }
        }
        let coverage = Double(covered) / Double(total)
        print(
            "now-cast: \(total) called tickets, 80 % intervals cover \(coverage); MAE \(errorCast / Double(called)) min against the naive \(errorNaive / Double(called)) min over \(called) called"
        )
        print("now-cast: actual call before the interval \(below), after it \(above)")
        print("now-cast: called \(actuallyCalled) of \(waiting), forecast \(predictedCalled)")
        XCTAssertGreaterThan(total, 1500)
        // Whether a ticket is called at all (its holder may leave): the forecast shares add up to the
        // tickets actually called, within 2 %.
        XCTAssertEqual(predictedCalled / Double(actuallyCalled), 1, accuracy: 0.02)
        XCTAssertEqual(coverage, 0.80, accuracy: 0.03)
        XCTAssertLessThan(errorCast, errorNaive)
    }

    func testSameForecastWhateverTheThreadsAndTheQueueStartsAtTheState() throws {
        let hall = CompiledHall(try validationScenario("nowcast-hall"))
        let snap = try XCTUnwrap(snapshots(hall, days: 0..<3).max { $0.state.waiting.count < $1.state.waiting.count })
        let one = try NowCast.forecast(hall: hall, state: snap.state, replications: 50, seed: 4, threads: 1)
        let two = try NowCast.forecast(hall: hall, state: snap.state, replications: 50, seed: 4, threads: 2)
        XCTAssertEqual(one, two)
        for (d, q) in one.queues.enumerated() {
            let now = Double(snap.state.waiting.filter { $0.department == Int32(d) }.count)
            XCTAssertEqual([q.low[0], q.median[0], q.high[0]], [now, now, now], q.department)
            XCTAssertEqual(q.minutes.count, 13)
        }
        // A ticket taken now waits at least as long, in the median, as nothing: and someone comes.
        XCTAssertTrue(one.newTicket.contains { $0.replications > 0 && ($0.median ?? 0) >= 0 })
    }

    /// A tidal window open in the state keeps its minimum open time from when its clerk sat down, and
    /// the rule looks at the (empty) queue at once: the window closes at 10:20 (sat down at 09:50, 30
    /// minutes at least), not 30 minutes after the state, nor at the day's end for want of an event.
    func testATidalWindowOpenInTheStateClosesOnItsOwnClock() throws {
        let s = try ScenarioLoader.parse(
            yaml: """
                name: tidal state
                day: {periods: [{open: "09:00", close: "12:00"}]}
                departments: [{id: d}]
                items: [{id: i, department: d, kind: immediate, service_min: {dist: deterministic, value: 10}}]
                arrivals: [{id: p, item: i, rates: [{from: "09:00", to: "09:01", per_hour: 0.0001}]}]
                windows:
                  - {id: w, kind: department, departments: [d], count: 1}
                  - {id: tide, kind: department, departments: [d], count: 1}
                shifts: [{id: s, start: "09:00", end: "12:00"}]
                staff: [{id: c, skills: {d: 1.0}, shift: s, post: w}]
                tidal:
                  - {id: t, group: tide, open_when: {queue_length: 5}, close_when: {below: 1, for_min: 5}, min_open_min: 30, staff_from: {pool: 1}}
                """, file: "tidal-state.yaml")
        let hall = CompiledHall(s)
        let now = 10 * 60.0
        let state = HallState(
            minute: now,
            staffed: [HallState.Staffed(window: 0, clerk: 0), HallState.Staffed(window: 1, clerk: 1, since: now - 10)])
        let b = RecordBuffer()
        _ = simulateDay(hall, from: state, seed: 1, replication: 0, sink: b)
        let off = try XCTUnwrap(b.staff.first { $0.staff == 1 && $0.state == .off && $0.time >= now })
        XCTAssertEqual(off.time, now + 20, accuracy: 1e-9)
        // Without the sitting time the window keeps its minimum from the state's instant.
        var unknown = state
        unknown.staffed[1].since = nil
        let c = RecordBuffer()
        _ = simulateDay(hall, from: unknown, seed: 1, replication: 0, sink: c)
        XCTAssertEqual(
            c.staff.first { $0.staff == 1 && $0.state == .off && $0.time >= now }?.time ?? 0, now + 30, accuracy: 1e-9)
        // A state taken from a day's records carries the sitting time.
        let records = HallState(
            minute: now, tickets: [], staff: [StaffRecord(time: 590, staff: 1, state: .atWindow, window: 1)], hall: hall
        )
        XCTAssertEqual(records.staffed.first { $0.clerk == 1 }?.since, 590)
    }
}
