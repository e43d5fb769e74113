import HallDomain
import HallRandom
import HallRunner
import HallTestSupport
import XCTest

/// The engine against queueing theory. Each case runs a shipped scenario (scenarios/validation/) for
/// independent days with a fixed seed, and checks that the theory value lies in the 99 % Student-t
/// interval over days, and that the interval is narrow (a few per cent) so that a bug would show.
final class TheoryValidationTests: XCTestCase {
    /// P(wait > 0), mean wait, and share called within the target, per day.
    func waitStatistics(_ d: Day, target: Double) -> [String: Double] {
        let m = d.measured
        return [
            "pwait": Double(m.filter { $0.wait > 1e-12 }.count) / Double(m.count),
            "wq": mean(m.map(\.wait)),
            "sl": Double(m.filter { $0.wait <= target }.count) / Double(m.count),
        ]
    }

    func testErlangC_MM3_rho09() throws {
        let s = try validationScenario("mm3-rho09")
        let e = estimate(s, replications: 200) { waitStatistics($0, target: 0.5) }
        // c = 3, ρ = 0.9: P(wait) = 0.8171, Wq = 2.7235 service times of 0.1 min.
        let lambda = 27.0
        let mu = 10.0
        assertMatches(e["pwait"], QueueingTheory.erlangC(servers: 3, load: 2.7), relativeWidth: 0.01, "P(wait)")
        assertMatches(
            e["wq"], QueueingTheory.mmcMeanWait(servers: 3, arrivalRate: lambda, serviceRate: mu), relativeWidth: 0.05,
            "Wq")
        XCTAssertEqual(
            QueueingTheory.mmcMeanWait(servers: 3, arrivalRate: lambda, serviceRate: mu), 0.27235, accuracy: 1e-5)
        // P(W ≤ 0.5 min) = 1 − C·e^{−(cμ−λ)·0.5}.
        assertMatches(
            e["sl"], 1 - QueueingTheory.mmcWaitExceeds(0.5, servers: 3, arrivalRate: lambda, serviceRate: mu),
            relativeWidth: 0.015, "P(W ≤ 0.5)")
    }

    func testErlangC_MM1_rho08() throws {
        let s = try validationScenario("mm1-rho08")
        let e = estimate(s, replications: 200) { waitStatistics($0, target: 0.5) }
        assertMatches(e["pwait"], 0.8, relativeWidth: 0.02, "P(wait)")
        assertMatches(e["wq"], 0.4, relativeWidth: 0.05, "Wq")
    }

    func testErlangC_MM10_rho085() throws {
        let s = try validationScenario("mm10-rho085")
        let e = estimate(s, replications: 100) { waitStatistics($0, target: 0.1) }
        assertMatches(e["pwait"], QueueingTheory.erlangC(servers: 10, load: 8.5), relativeWidth: 0.03, "P(wait)")
        assertMatches(
            e["wq"], QueueingTheory.mmcMeanWait(servers: 10, arrivalRate: 42.5, serviceRate: 5), relativeWidth: 0.05,
            "Wq")
    }

    func testKPIPipelineAgreesWithTheory() throws {
        // The same M/M/3 through summary.json's figures (DayMetrics → Summary), not the test's own sums.
        let s = try validationScenario("mm3-rho09")
        let summary = Experiment.run(s, seed: 99, replications: 0..<30).summary
        let wait = summary.overall[.waitMean]!
        let sl = summary.overall[.serviceLevel]!
        let wq = QueueingTheory.mmcMeanWait(servers: 3, arrivalRate: 27, serviceRate: 10)
        XCTAssert(abs(wait.mean! - wq) <= 1.5 * wait.halfWidth!, "summary wait \(wait) vs \(wq)")
        let p = 1 - QueueingTheory.mmcWaitExceeds(0.5, servers: 3, arrivalRate: 27, serviceRate: 10)
        XCTAssert(abs(sl.mean! - p) <= 1.5 * sl.halfWidth!, "summary sl \(sl) vs \(p)")
        // Utilisation of each window = ρ = 0.9: identical windows share the work (ties go to the
        // window idle the longest).
        for (name, u) in summary.windows { XCTAssertEqual(u.utilisation.mean!, 0.9, accuracy: 0.01, name) }
        XCTAssertLessThan(summary.utilisationSpread.maxMinusMin.mean!, 0.02)
    }

    func testStateProbabilitiesOfBusyWindows() throws {
        // M/M/3 at ρ = 0.9: time-average P(k windows busy) from the window records.
        let s = try validationScenario("mm3-rho09")
        let p = QueueingTheory.mmcStateProbabilities(servers: 3, arrivalRate: 27, serviceRate: 10, maxState: 400)
        let theory = [p[0], p[1], p[2], 1 - p[0] - p[1] - p[2]]
        let e = estimate(s, replications: 30) { d in
            let dist = busyDistribution(d.windows, windows: 3, from: d.cutoff, to: d.close)
            return Dictionary(uniqueKeysWithValues: dist.enumerated().map { ("busy\($0)", $1) })
        }
        for k in 0...3 { assertMatches(e["busy\(k)"], theory[k], relativeWidth: k == 0 ? 0.12 : 0.05, "P(\(k) busy)") }
    }

    func testErlangA_abandonment() throws {
        let s = try validationScenario("erlang-a")
        let theory = QueueingTheory.erlangA(servers: 4, arrivalRate: 45, serviceRate: 10, abandonRate: 5)
        let e = estimate(s, replications: 20) { d in
            let m = d.measured
            return [
                "abandon": Double(m.filter { $0.outcome == .reneged }.count) / Double(m.count),
                "pwait": Double(m.filter { $0.wait > 1e-12 }.count) / Double(m.count),
                "wait": mean(m.map(\.wait)),
            ]
        }
        assertMatches(e["abandon"], theory.abandonFraction, relativeWidth: 0.03, "abandon fraction")
        assertMatches(e["pwait"], theory.probabilityWait, relativeWidth: 0.01, "P(wait)")
        assertMatches(e["wait"], theory.meanWaitAll, relativeWidth: 0.03, "mean wait (all)")
    }

    func testPollaczekKhinchine_lognormalService() throws {
        let s = try validationScenario("mg1-lognormal")
        let e = estimate(s, replications: 400) { d in ["wq": mean(d.measured.map(\.wait))] }
        let wq = QueueingTheory.mg1MeanWait(arrivalRate: 7, serviceMean: 0.1, serviceCV2: 2.25)
        XCTAssertEqual(wq, 0.379167, accuracy: 1e-6)
        assertMatches(e["wq"], wq, relativeWidth: 0.08, "Wq (P-K)")
    }

    func testNonPreemptivePriority_greenChannel() throws {
        // M/M/1, ρ = 0.8, a quarter of applicants on the green channel (ρ1 = 0.2). Cobham's formula:
        // W1 = R/(1−ρ1), W2 = R/((1−ρ1)(1−ρ)), R = λE[S²]/2 = 0.08 min.
        var s = try validationScenario("mm1-rho08")
        s.arrivals[0].priorityShare = 0.25
        let e = estimate(s, replications: 200) { d in
            let m = d.measured
            return ["w1": mean(m.filter(\.priority).map(\.wait)), "w2": mean(m.filter { !$0.priority }.map(\.wait))]
        }
        assertMatches(e["w1"], 0.1, relativeWidth: 0.04, "green channel wait")
        assertMatches(e["w2"], 0.5, relativeWidth: 0.05, "normal wait")
    }

    func testBalkingAtAFullQueueIsAFiniteQueue() throws {
        // Balk with certainty when 3 tickets wait: M/M/1/4. Blocking = π4 = ρ⁴(1−ρ)/(1−ρ⁵).
        var s = try validationScenario("mm1-rho08")
        s.arrivals[0].rates[0].perHour = 540  // ρ = 0.9
        s.behaviour.balking = [BalkStep(queueAtLeast: 3, probability: 1)]
        let e = estimate(s, replications: 100) { d in
            let m = d.measured
            return ["balk": Double(m.filter { $0.outcome == .balked }.count) / Double(m.count)]
        }
        let rho = 0.9
        assertMatches(e["balk"], pow(rho, 4) * (1 - rho) / (1 - pow(rho, 5)), relativeWidth: 0.02, "balking fraction")
    }

    func testArrivalCountsFollowThePiecewiseRate() throws {
        let s = try validationScenario("tidal-arrivals")
        let pieces = s.arrivals[0].rates
        let e = estimate(s, replications: 200) { d in
            var out: [String: Double] = [:]
            for (i, r) in pieces.enumerated() {
                out["n\(i)"] = Double(d.tickets.filter { r.interval.contains($0.arrival) }.count)
            }
            return out
        }
        for (i, r) in pieces.enumerated() {
            let expected = r.perHour * r.interval.lengthMinutes / 60
            let got = e["n\(i)"]!
            if expected == 0 {
                XCTAssertEqual(got.mean, 0)
                continue
            }
            XCTAssert(
                got.contains(expected), "interval \(i): expected \(expected), got \(got.mean!) ± \(got.halfWidth!)")
            // Poisson: the day-to-day variance equals the mean (half-width ≈ t·√(mean/n)).
            let sd = got.halfWidth! / Statistics.tQuantile(p: 0.995, dof: 199) * (200.0).squareRoot()
            XCTAssertEqual(sd * sd / expected, 1, accuracy: 0.35, "interval \(i): index of dispersion")
        }
    }

    func testUniversalWindowsBeatDedicatedWhenEquallyFast() throws {
        // Same applicants (common random numbers) at 3×2 dedicated vs 6 universal windows.
        let dedicated = try validationScenario("pooling-dedicated")
        let universal = try validationScenario("pooling-universal")
        let wait = { (s: Scenario) in
            Experiment.run(s, seed: 5, replications: 0..<100).days.map { $0.overall[.waitMean]!! }
        }
        let wd = wait(dedicated)
        let wu = wait(universal)
        let diff = Estimate(zip(wd, wu).map { $0 - $1 })
        XCTAssertGreaterThan(diff.lower!, 0, "universal must lower the wait: \(diff)")
        // Both near their Erlang C values (M/M/2 per department vs M/M/6; service 0.5 min).
        assertMatches(
            Estimate(wd, confidence: 0.99),
            0.5 * QueueingTheory.mmcMeanWait(servers: 2, arrivalRate: 1.6, serviceRate: 1),
            relativeWidth: 0.07, "dedicated Wq")
        assertMatches(
            Estimate(wu, confidence: 0.99),
            0.5 * QueueingTheory.mmcMeanWait(servers: 6, arrivalRate: 4.8, serviceRate: 1),
            relativeWidth: 0.07, "universal Wq")
        // With universal clerks 20 % slower the pooled hall runs at ρ = 0.96 and loses.
        var slow = universal
        slow.proficiency = [Proficiency(windowKind: .universal, defaultFactor: 1.2)]
        let ws = wait(slow)
        XCTAssertLessThan(Estimate(zip(wd, ws).map { $0 - $1 }).upper!, 0, "slow universal windows should be worse")
    }
}

extension Estimate {
    init(_ xs: [Double], confidence: Double = 0.95) { self.init(xs.map { Optional($0) }, confidence: confidence) }
}

/// Time-varying staffing against theory.
final class StaffingTheoryTests: XCTestCase {
    func testStepChangeInServersApproachesEachPhasesErlangC() throws {
        // Three clerks all day, a fourth from 14:00: before, M/M/3 at ρ = 0.9; after, M/M/4 at ρ = 0.675.
        // Tickets of 09:00–14:00 and 15:00–20:00 (an hour to settle after the change) match each
        // phase's Erlang C mean wait.
        let s = try validationScenario("step-change")
        let e = estimate(s, replications: 150) { d in
            let before = d.tickets.filter { $0.arrival >= 540 && $0.arrival < 840 }
            let after = d.tickets.filter { $0.arrival >= 900 && $0.arrival < 1200 }
            return ["before": mean(before.map(\.wait)), "after": mean(after.map(\.wait))]
        }
        assertMatches(
            e["before"], QueueingTheory.mmcMeanWait(servers: 3, arrivalRate: 27, serviceRate: 10), relativeWidth: 0.06,
            "Wq, 3 clerks")
        assertMatches(
            e["after"], QueueingTheory.mmcMeanWait(servers: 4, arrivalRate: 27, serviceRate: 10), relativeWidth: 0.06,
            "Wq, 4 clerks")
    }

    func testGreenChannelGuardServesNormalTickets() throws {
        // M/M/1 at ρ = 0.8 with half the applicants on the green channel. Strict priority (Cobham):
        // W_priority = R/(1−ρ1) = 0.08/0.6, W_normal = R/((1−ρ1)(1−ρ)) = 0.08/(0.6·0.2). With "serve 1
        // normal per priority ticket" the green channel loses part of its lead: its wait rises, the
        // normal wait falls, and the mean over everyone stays that of M/M/1 (work-conserving).
        var strict = try validationScenario("mm1-rho08")
        strict.arrivals[0].priorityShare = 0.5
        var guarded = strict
        guarded.calling.normalPerPriority = 1
        let measure = { (d: Day) -> [String: Double] in
            let m = d.measured
            return [
                "p": mean(m.filter(\.priority).map(\.wait)), "n": mean(m.filter { !$0.priority }.map(\.wait)),
                "all": mean(m.map(\.wait)),
            ]
        }
        let es = estimate(strict, replications: 100, measure)
        let eg = estimate(guarded, replications: 100, measure)
        assertMatches(es["p"], 0.08 / 0.6, relativeWidth: 0.05, "strict green channel")
        assertMatches(es["n"], 0.08 / 0.12, relativeWidth: 0.06, "strict normal")
        XCTAssertGreaterThan(eg["p"]!.lower!, es["p"]!.upper!)
        XCTAssertLessThan(eg["n"]!.upper!, es["n"]!.lower!)
        assertMatches(eg["all"], 0.4, relativeWidth: 0.06, "guarded mean wait (M/M/1)")
    }
}
