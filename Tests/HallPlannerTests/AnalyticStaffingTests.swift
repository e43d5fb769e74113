import HallRandom
import XCTest

/// The analytic seeds against the values quoted in issue #6 (100 arrivals/h, 8-min service, 90 % within
/// 15 min) and against the birth–death chain.
final class AnalyticStaffingTests: XCTestCase {
    let lambda = 100.0 / 60, mu = 1.0 / 8

    func testErlangCServiceLevelKnownValues() {
        XCTAssertEqual(
            QueueingTheory.erlangCServiceLevel(servers: 14, arrivalRate: lambda, serviceRate: mu, target: 15), 0.7699,
            accuracy: 5e-5)
        XCTAssertEqual(
            QueueingTheory.erlangCServiceLevel(servers: 15, arrivalRate: lambda, serviceRate: mu, target: 15), 0.97515,
            accuracy: 5e-6)
        // Unstable: 13 servers for a load of 13.3.
        XCTAssertEqual(
            QueueingTheory.erlangCServiceLevel(servers: 13, arrivalRate: lambda, serviceRate: mu, target: 15), 0)
    }

    func testErlangAServiceLevelKnownValues() {
        let r = QueueingTheory.erlangAServiceLevel(
            servers: 13, arrivalRate: lambda, serviceRate: mu, abandonRate: 1.0 / 30, target: 15)
        XCTAssertEqual(r.serviceLevel, 0.913, accuracy: 0.0005)
        XCTAssertEqual(r.abandonFraction, 0.086, accuracy: 0.0005)
        let r12 = QueueingTheory.erlangAServiceLevel(
            servers: 12, arrivalRate: lambda, serviceRate: mu, abandonRate: 1.0 / 30, target: 15)
        XCTAssertLessThan(r12.serviceLevel, 0.9, "12 staff must not reach the target, or 13 would not be minimal")
    }

    func testErlangAServiceLevelLimits() {
        // Target 0: only those who find a free server. Very patient applicants: close to Erlang C.
        let a0 = QueueingTheory.erlangAServiceLevel(
            servers: 13, arrivalRate: lambda, serviceRate: mu, abandonRate: 1.0 / 30, target: 0)
        XCTAssertEqual(a0.serviceLevel, 1 - a0.probabilityWait, accuracy: 1e-12)
        let patient = QueueingTheory.erlangAServiceLevel(
            servers: 15, arrivalRate: lambda, serviceRate: mu, abandonRate: 1e-4, target: 15)
        XCTAssertEqual(patient.serviceLevel, 0.97515, accuracy: 1e-3)
        // Monotone in the target.
        var last = 0.0
        for t in stride(from: 0.0, through: 60, by: 5) {
            let s = QueueingTheory.erlangAServiceLevel(
                servers: 12, arrivalRate: lambda, serviceRate: mu, abandonRate: 0.05, target: t
            ).serviceLevel
            XCTAssertGreaterThanOrEqual(s, last - 1e-12)
            last = s
        }
    }

    func testSurvivalFunctions() {
        XCTAssertEqual(QueueingTheory.lognormalSurvival(0, mean: 5, cv: 0.5), 1)
        XCTAssertEqual(QueueingTheory.gammaSurvival(8, mean: 8, cv: 1), exp(-1), accuracy: 1e-12)  // exponential
        // Median of a lognormal: exp(μ) = mean / sqrt(1 + cv²).
        XCTAssertEqual(
            QueueingTheory.lognormalSurvival(10 / (1 + 0.25).squareRoot(), mean: 10, cv: 0.5), 0.5, accuracy: 1e-12)
        XCTAssertEqual(QueueingTheory.squareRootStaffing(load: 100, beta: 1), 110)
    }
}
