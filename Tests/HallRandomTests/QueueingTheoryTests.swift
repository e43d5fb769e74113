import HallRandom
import XCTest

final class QueueingTheoryTests: XCTestCase {
    func testErlangCKnownValues() {
        // c = 3, ρ = 0.9: P(wait) = 0.8171, Wq = 2.7235 service times (textbook values).
        XCTAssertEqual(QueueingTheory.erlangC(servers: 3, load: 2.7), 0.81706, accuracy: 1e-5)
        XCTAssertEqual(
            QueueingTheory.mmcMeanWait(servers: 3, arrivalRate: 2.7, serviceRate: 1), 2.72354, accuracy: 1e-5)
        // M/M/1: P(wait) = ρ.
        XCTAssertEqual(QueueingTheory.erlangC(servers: 1, load: 0.8), 0.8, accuracy: 1e-12)
        // Erlang B recursion B(c) = a B(c−1) / (c + a B(c−1)), checked against the GSL ratio form.
        var b = 1.0
        for c in 1...60 {
            b = 45 * b / (Double(c) + 45 * b)
            XCTAssertEqual(QueueingTheory.erlangB(servers: c, load: 45), b, accuracy: 1e-10 * max(1, b), "c = \(c)")
        }
    }

    func testErlangCLargeServerCountsStayFinite() {
        // 500 servers at ρ = 0.98: no overflow, a probability strictly inside (0, 1).
        let p = QueueingTheory.erlangC(servers: 500, load: 490)
        XCTAssert(p > 0 && p < 1, "\(p)")
    }

    func testErlangAReducesToErlangCForVeryPatientApplicants() {
        let a = QueueingTheory.erlangA(servers: 3, arrivalRate: 2.7, serviceRate: 1, abandonRate: 1e-4)
        XCTAssertEqual(a.probabilityWait, 0.81706, accuracy: 2e-3)
        XCTAssertLessThan(a.abandonFraction, 1e-3)
    }

    func testErlangAMatchesIndependentRecursion() {
        // M/M/1+M with λ = μ = θ = 1: p_k ∝ 1/k! (death rate k), so P(wait) = 1 − e^{-1}.
        let a = QueueingTheory.erlangA(servers: 1, arrivalRate: 1, serviceRate: 1, abandonRate: 1)
        XCTAssertEqual(a.probabilityWait, 1 - exp(-1), accuracy: 1e-12)
        // E[Q] = Σ (k−1) p_k = E[N] − P(N ≥ 1) = 1 − (1 − e^{-1}) = e^{-1}; abandon fraction θE[Q]/λ.
        XCTAssertEqual(a.abandonFraction, exp(-1), accuracy: 1e-12)
    }

    func testPollaczekKhinchine() {
        // M/M/1 as a special case (cv² = 1): Wq = ρ/(μ − λ).
        XCTAssertEqual(
            QueueingTheory.mg1MeanWait(arrivalRate: 8, serviceMean: 0.1, serviceCV2: 1), 0.4, accuracy: 1e-12)
        // M/D/1 waits half as long.
        XCTAssertEqual(
            QueueingTheory.mg1MeanWait(arrivalRate: 8, serviceMean: 0.1, serviceCV2: 0), 0.2, accuracy: 1e-12)
    }

    func testStudentTQuantilesAndEstimate() {
        XCTAssertEqual(Statistics.tQuantile(p: 0.975, dof: 9), 2.262157, accuracy: 1e-6)
        let e = Estimate([1, 2, 3, 4, 5, nil])
        XCTAssertEqual(e.count, 5)
        XCTAssertEqual(e.mean, 3)
        XCTAssertEqual(e.halfWidth!, 2.776445 * (2.5).squareRoot() / (5).squareRoot(), accuracy: 1e-6)
        XCTAssertNil(Estimate([7]).halfWidth)
        XCTAssertNil(Estimate([nil, nil]).mean)
        XCTAssertEqual(Statistics.quantile([4, 1, 3, 2, 5], 0.9)!, 4.6, accuracy: 1e-12)
    }
}

final class RandomStreamTests: XCTestCase {
    func testSeedsDependOnEveryPartAndAreStable() {
        let a = StreamSeed.derive(seed: 1, replication: 0, stream: "arrivals/x")
        XCTAssertEqual(a, StreamSeed.derive(seed: 1, replication: 0, stream: "arrivals/x"))
        XCTAssertNotEqual(a, StreamSeed.derive(seed: 2, replication: 0, stream: "arrivals/x"))
        XCTAssertNotEqual(a, StreamSeed.derive(seed: 1, replication: 1, stream: "arrivals/x"))
        XCTAssertNotEqual(a, StreamSeed.derive(seed: 1, replication: 0, stream: "arrivals/y"))
        // FNV-1a test vector.
        XCTAssertEqual(StreamSeed.fnv1a("a"), 0xaf63_dc4c_8601_ec8c)
    }

    func testSameSeedSameNumbersDifferentStreamsDiffer() {
        let s1 = RandomStream(seed: 7, replication: 3, name: "service/x")
        let s2 = RandomStream(seed: 7, replication: 3, name: "service/x")
        let s3 = RandomStream(seed: 7, replication: 3, name: "service/y")
        let a = (0..<100).map { _ in s1.uniform() }
        XCTAssertEqual(a, (0..<100).map { _ in s2.uniform() })
        XCTAssertNotEqual(a, (0..<100).map { _ in s3.uniform() })
        XCTAssert(a.allSatisfy { $0 > 0 && $0 < 1 })
    }
}

final class QuantileTests: XCTestCase {
    func testSelectionQuantileEqualsSortedQuantile() {
        let s = RandomStream(seed: 5)
        for n in [1, 2, 3, 10, 101, 1000] {
            let xs = (0..<n).map { _ in s.exponential(mean: 3) }
            for f in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
                XCTAssertEqual(
                    Statistics.quantile(xs, f)!, Statistics.quantile(sorted: xs.sorted(), f)!, accuracy: 1e-12,
                    "n \(n) f \(f)")
            }
        }
        XCTAssertNil(Statistics.quantile([], 0.9))
    }
}

/// The normal fit behind appointment punctuality: arrivals recorded at the opening are censored.
final class NormalFitTests: XCTestCase {
    func testCensoredValuesAreNotTakenAtFaceValue() throws {
        // Offsets N(-6, 7) for a slot at the opening: those before it are recorded at the opening (0).
        let s = RandomStream(seed: 7, replication: 0, name: "punctuality")
        var exact: [Double] = []
        var censored: [(lower: Double, upper: Double)] = []
        var naive: [Double] = []
        for _ in 0..<2_000 {
            let x = s.handle.gaussian(mean: -6, sd: 7)
            if x < 0 {
                censored.append((-.infinity, 0))
                naive.append(0)
            } else {
                exact.append(x)
                naive.append(x)
            }
        }
        let fit = try XCTUnwrap(Estimation.fitNormal(exact: exact, censored: censored))
        XCTAssertTrue(fit.meanInterval[0] <= -6 && -6 <= fit.meanInterval[1], "\(fit)")
        XCTAssertTrue(fit.sdInterval[0] <= 7 && 7 <= fit.sdInterval[1], "\(fit)")
        // Taking the recorded values at face value misses both.
        let plain = try XCTUnwrap(Estimation.fitNormal(exact: naive))
        XCTAssertFalse(plain.meanInterval[0] <= -6 && -6 <= plain.meanInterval[1], "\(plain)")
        XCTAssertFalse(plain.sdInterval[0] <= 7 && 7 <= plain.sdInterval[1], "\(plain)")
    }

    func testUncensoredIntervalsCoverAtTheirLevel() {
        // 400 samples of 30: the t interval of the mean covers about 95 % of them (binomial 0.1 % bounds).
        var covered = 0
        for k in 0..<400 {
            let s = RandomStream(seed: 11, replication: k, name: "normal")
            let xs = (0..<30).map { _ in s.handle.gaussian(mean: 2, sd: 3) }
            if let f = Estimation.fitNormal(exact: xs), f.meanInterval[0] <= 2, 2 <= f.meanInterval[1] { covered += 1 }
        }
        XCTAssertGreaterThanOrEqual(covered, 366)
        XCTAssertLessThanOrEqual(covered, 393)
    }
}
