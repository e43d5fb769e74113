import Foundation
import HallDomain
import HallMetrics
import HallRandom
import HallRunner
import HallScenarioYAML
import HallSimulation
import HallTestSupport
import XCTest

/// The stages before the ticket (docs/engine.md, "Stages before the ticket"): the guide desk, self-service
/// terminals and the online share, on traces derived by hand and on common random numbers.
final class StageTests: XCTestCase {
    /// Three booked applicants at 09:00, one window, a 10-minute intake; `extra` adds the stages.
    func day(_ extra: String, item: String = "") throws -> (RecordBuffer, DayKPIs) {
        let s = try ScenarioLoader.parse(
            yaml: """
                name: stages
                day: {periods: [{open: "08:30", close: "17:30"}]}
                departments: [{id: d}]
                items: [{id: x, department: d, kind: immediate, service_min: 10\(item)}]
                arrivals: []
                appointments:
                  - {id: am, item: x, first: "09:00", last: "09:00", every_min: 60, per_slot: 3}
                windows: [{id: w, kind: department, departments: [d], count: 1}]
                \(extra)
                """, file: "stages.yaml")
        let hall = CompiledHall(s)
        let buffer = RecordBuffer()
        let metrics = DayMetrics(catalogue: hall.catalogue, day: s.day, waitTargetMinutes: 15)
        _ = simulateDay(hall, seed: 1, replication: 0, sink: TeeSink([buffer, metrics]), checkInvariants: true)
        return (buffer, metrics.result())
    }

    func clock(_ t: Double) -> String { ClockTime.format(t) }

    /// One guide clerk, 5 minutes each, nobody only consults: the three are seen 09:00, 09:05 and 09:10,
    /// take their tickets at 09:05, 09:10 and 09:15, and the window serves them 09:05–09:15, 09:15–09:25
    /// and 09:25–09:35 (ticket waits 0, 5 and 10 min; waits at the desk 0, 5 and 10 min).
    func testGuideDeskTrace() throws {
        let (log, k) = try day("guide_desk: {staff: 1, share: 1, service_min: 5, consult_only: 0}")
        XCTAssertEqual(log.stages.map { clock($0.start) }, ["09:00", "09:05", "09:10"])
        XCTAssertEqual(log.stages.map(\.wait), [0, 5, 10])
        XCTAssertTrue(log.stages.allSatisfy { $0.stage == .guide && $0.outcome == .ticket })
        let tickets = log.tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(tickets.map { clock($0.arrival) }, ["09:05", "09:10", "09:15"])
        XCTAssertEqual(tickets.map { clock($0.call!) }, ["09:05", "09:15", "09:25"])
        XCTAssertEqual(tickets.map(\.wait), [0, 5, 10])
        XCTAssertEqual(k.overall[.guideVisits] ?? nil, 3)
        XCTAssertEqual(k.overall[.guideWaitMean] ?? nil, 5)
        XCTAssertEqual(k.overall[.consultOnly] ?? nil, 0)
        // Everyone only consults, a question each referred at 15 back-office minutes: no ticket.
        let (consult, ck) = try day(
            "guide_desk: {staff: 1, share: 1, service_min: 5, consult_only: 1, referred: 1, referral_back_office_min: 15}"
        )
        XCTAssertTrue(consult.tickets.isEmpty)
        XCTAssertEqual(consult.stages.map(\.outcome), [.referred, .referred, .referred])
        XCTAssertEqual(ck.overall[.referralMinutes] ?? nil, 45)
        XCTAssertEqual(ck.overall[.consultOnly] ?? nil, 3)
    }

    /// Two terminals, 4 minutes each: two start at 09:00, the third at 09:04. All finish there; with a
    /// fall-back share of 1 they take tickets at 09:04, 09:04 and 09:08 and the window serves them in turn.
    func testTerminalsTrace() throws {
        let terminals = "self_service: {terminals: 2, items: {x: 1}, service_min: 4, fall_back: "
        let (done, k) = try day(terminals + "0}")
        XCTAssertTrue(done.tickets.isEmpty)
        XCTAssertEqual(done.stages.map { clock($0.start) }, ["09:00", "09:00", "09:04"])
        XCTAssertEqual(done.stages.map(\.outcome), [.selfServed, .selfServed, .selfServed])
        XCTAssertEqual(k.overall[.selfServed] ?? nil, 3)
        XCTAssertEqual(try XCTUnwrap(k.overall[.terminalWaitMean] ?? nil), 4.0 / 3, accuracy: 1e-12)
        let (back, _) = try day(terminals + "1}")
        let tickets = back.tickets.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(tickets.map { clock($0.arrival) }, ["09:04", "09:04", "09:08"])
        XCTAssertEqual(tickets.map { clock($0.call!) }, ["09:04", "09:14", "09:24"])
        // The guide desk first, then the terminal, then the ticket.
        let (both, _) = try day(
            "guide_desk: {staff: 3, share: 1, service_min: 5, consult_only: 0}\n" + terminals + "1}")
        XCTAssertEqual(both.stages.map(\.stage), [.guide, .guide, .guide, .terminal, .terminal, .terminal])
        XCTAssertEqual(both.tickets.map { clock($0.arrival) }.sorted(), ["09:09", "09:09", "09:13"])
        // Everyone applies online: nobody comes.
        let (online, _) = try day("", item: ", online_share: 1")
        XCTAssertTrue(online.tickets.isEmpty && online.stages.isEmpty)
    }

    /// The complaints window: every failed visit goes on to it at once. The three booked applicants all
    /// get a one-time notice (10 minutes each at the one window: 09:00–09:10, 09:10–09:20, 09:20–09:30)
    /// and take a complaints ticket at those ends, served 5 minutes each at the complaints window.
    func testComplaintsWindowTrace() throws {
        let s = try ScenarioLoader.parse(
            yaml: """
                name: complaints
                day: {periods: [{open: "08:30", close: "17:30"}]}
                departments: [{id: d}, {id: c, own_windows_only: true}]
                items:
                  - {id: x, department: d, kind: immediate, service_min: 10, incomplete_probability: 1}
                  - {id: complaint, department: c, kind: immediate, service_min: 5}
                arrivals: []
                appointments:
                  - {id: am, item: x, first: "09:00", last: "09:00", every_min: 60, per_slot: 3}
                windows:
                  - {id: w, kind: department, departments: [d], count: 1}
                  - {id: cw, kind: department, departments: [c], count: 1}
                complaints: {item: complaint, after_failed_visit: 1}
                """, file: "complaints.yaml")
        let hall = CompiledHall(s)
        let log = RecordBuffer()
        _ = simulateDay(hall, seed: 1, replication: 0, sink: log, checkInvariants: true)
        let complaints = log.tickets.filter { $0.item == 1 }.sorted { $0.ticket < $1.ticket }
        XCTAssertEqual(complaints.map { clock($0.arrival) }, ["09:10", "09:20", "09:30"])
        XCTAssertEqual(complaints.map { clock($0.serviceEnd!) }, ["09:15", "09:25", "09:35"])
        XCTAssertTrue(complaints.allSatisfy { hall.catalogue.profiles[Int($0.source)] == Complaints.source })
        XCTAssertEqual(log.tickets.filter { $0.item == 0 }.map(\.outcome), [.notice, .notice, .notice])
    }

    /// A walk-in hall with and without terminals for one of its items, on common random numbers.
    func walkIns(_ extra: String) throws -> ExperimentResult {
        let s = try ScenarioLoader.parse(
            yaml: """
                name: crn
                day: {periods: [{open: "08:30", close: "17:30"}]}
                departments: [{id: tax}]
                items:
                  - {id: invoice, department: tax, kind: immediate, service_min: {dist: exponential, mean: 6}}
                  - {id: register, department: tax, kind: immediate, service_min: {dist: exponential, mean: 12}}
                arrivals:
                  - {id: a, department: tax, shares: {invoice: 0.6, register: 0.4}, rates: [{from: "08:30", to: "17:30", per_hour: 40}]}
                windows: [{id: w, kind: department, departments: [tax], count: 7}]
                \(extra)
                """, file: "crn.yaml")
        return Experiment.run(s, seed: 99, replications: 0..<20, records: .all)
    }

    func testTerminalsLowerWindowWaitsOnCommonRandomNumbers() throws {
        let base = try walkIns("")
        // Terminals nobody is sent to change nothing at all: the same applicants, the same tickets.
        let idle = try walkIns("self_service: {terminals: 2, items: {invoice: 0}, service_min: 3, fall_back: 0.2}")
        XCTAssertEqual(base.logs.map { $0!.tickets }, idle.logs.map { $0!.tickets })
        // Half the invoices to terminals (a fifth fall back to a window): window waits fall.
        let half = try walkIns("self_service: {terminals: 4, items: {invoice: 0.5}, service_min: 3, fall_back: 0.2}")
        let diff = Estimate(
            zip(base.days, half.days).map { a, b in
                guard let x = a.overall[.waitMean] ?? nil, let y = b.overall[.waitMean] ?? nil else { return nil }
                return y - x
            })
        XCTAssertLessThan(diff.upper!, 0, "terminals lower the window wait: \(diff)")
        let selfServed = Estimate(half.days.map { $0.overall[.selfServed] ?? nil })
        // 40/h × 9 h × 0.6 × 0.5 × 0.8 = 86.4 finished at a terminal a day.
        XCTAssertEqual(selfServed.mean!, 86.4, accuracy: 3 * selfServed.halfWidth! + 1)
    }

    /// The guide desk on common random numbers: with half its visitors only consulting, fewer take a
    /// ticket and the windows' waits fall; nobody's intake draws move (those who go on keep theirs).
    func testGuideDeskLowersTicketsAndWaitsOnCommonRandomNumbers() throws {
        let base = try walkIns("")
        let guide = try walkIns("guide_desk: {staff: 3, share: 0.4, service_min: 2, consult_only: 0.5}")
        func paired(_ k: KPI) -> Estimate {
            Estimate(
                zip(base.days, guide.days).map { a, b in
                    guard let x = a.overall[k] ?? nil, let y = b.overall[k] ?? nil else { return nil }
                    return y - x
                })
        }
        XCTAssertLessThan(paired(.arrivals).upper!, 0, "fewer tickets: \(paired(.arrivals))")
        XCTAssertLessThan(paired(.waitMean).upper!, 0, "shorter waits: \(paired(.waitMean))")
        // 40/h × 9 h × 0.4 × 0.5 = 72 only consult a day.
        let consult = Estimate(guide.days.map { $0.overall[.consultOnly] ?? nil })
        XCTAssertEqual(consult.mean!, 72, accuracy: 3 * consult.halfWidth! + 1)
        // Those who went on drew their intake on arrival: the multiset of intake times of tickets that
        // both halls served is the same draw for the same applicant, so the guided hall's intake times
        // are a subset of the plain hall's.
        let plain = Set(base.logs[0]!.tickets.compactMap { t in t.serviceStart.map { t.serviceEnd! - $0 } })
        let guided = guide.logs[0]!.tickets.compactMap { t in t.serviceStart.map { t.serviceEnd! - $0 } }
        XCTAssertGreaterThan(guided.count, 100)
        XCTAssertTrue(guided.allSatisfy { x in plain.contains { abs($0 - x) < 1e-6 } })
    }
}
