import HallDomain
import HallRandom
import HallSimulation
import XCTest

/// Each distribution's sample mean and variance against its formula. The mean is checked with a
/// 4-sigma CLT bound; the variance with a batch-means interval (its own sampling error depends on
/// the fourth moment, so it is estimated from the data).
final class DistributionTests: XCTestCase {
    let cases: [Distribution] = [
        .exponential(mean: 8),
        .lognormal(mean: 8, cv: 0.6),
        .lognormal(mean: 2, cv: 1.5),
        .gamma(mean: 8, cv: 0.5),
        .gamma(mean: 3, cv: 2),
        .deterministic(value: 4.5),
        .uniform(min: 2, max: 9),
        .triangular(min: 1, mode: 2, max: 10),
        .triangular(min: 0, mode: 5, max: 5),
        .normal(mean: -3, sd: 5),
        .empirical(values: [1, 2, 2, 3, 10]),
    ]

    func testSampleMomentsMatchFormulas() {
        let n = 400_000
        let batches = 40
        for (i, d) in cases.enumerated() {
            let stream = RandomStream(seed: 11, replication: i, name: "distribution-test")
            let sampler = Sampler(d)
            let xs = (0..<n).map { _ in sampler.sample(stream) }
            let m = Statistics.mean(xs)
            let v = Statistics.sampleVariance(xs, mean: m)
            let what = "\(d)"
            XCTAssertEqual(m, d.mean, accuracy: 4 * (d.variance / Double(n)).squareRoot() + 1e-12, "mean of \(what)")
            if d.variance == 0 {
                XCTAssertEqual(v, 0, accuracy: 1e-12, what)
                continue
            }
            let size = n / batches
            let batchVariances = (0..<batches).map { b -> Double in
                let slice = Array(xs[b * size..<(b + 1) * size])
                return Statistics.sampleVariance(slice, mean: Statistics.mean(slice))
            }
            let e = Estimate(batchVariances.map { Optional($0) }, confidence: 0.999)
            XCTAssert(e.contains(d.variance), "variance of \(what): \(d.variance) outside \(e.mean!) ± \(e.halfWidth!)")
            XCTAssertLessThan(e.halfWidth!, 0.1 * d.variance, "variance interval too wide for \(what)")
            if d.isNonNegative { XCTAssert(xs.allSatisfy { $0 >= 0 }, what) }
        }
    }

    func testSupportOfBoundedDistributions() {
        let s = RandomStream(seed: 3)
        for _ in 0..<10_000 {
            let t = Sampler(.triangular(min: 1, mode: 2, max: 10)).sample(s)
            XCTAssert(t >= 1 && t <= 10)
            let u = Sampler(.uniform(min: 2, max: 9)).sample(s)
            XCTAssert(u >= 2 && u < 9)
            XCTAssert([1, 2, 3, 10].contains(Sampler(.empirical(values: [1, 2, 2, 3, 10])).sample(s)))
        }
    }
}
