import Foundation
import HallDomain
import HallRunner
import HallTestSupport
import XCTest

/// The event log's CSV is written digit by digit for speed; it must read exactly as `String(format:)`
/// and `ClockTime.format` would have written it, ties and negative zero included.
final class EventLogCSVTests: XCTestCase {
    func testNumbersAreWrittenAsPrintfWouldWriteThem() throws {
        let s = try validationScenario("mm1-rho08")
        var rng = SplitMix(state: 20_261_205)  // fixed: the test is the same every run
        var values: [Double] = [
            0, -0.0, 0.00005, 0.00015, 0.00025, -0.00005, 540.00005, 1e-9, -1e-9, 123456.78915, 9.99995, 0.99995,
            1439.999999, 1e12, -3.5,
        ]
        for _ in 0..<20_000 { values.append(Double.random(in: 0..<1440, using: &rng)) }
        for _ in 0..<2_000 { values.append((Double(Int.random(in: 0..<14_400_000, using: &rng)) + 0.5) / 10_000) }
        let records = values.enumerated().map { i, x in
            QueueRecord(time: x, department: 0, waiting: Int32(i % 7 == 0 ? -i : i))
        }
        let csv = EventLogCSV.queues([(3, records)], catalogue: s.catalogue)
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.first.map(String.init), EventLogCSV.queueHeader)
        let d = s.catalogue.departments[0]
        for (k, r) in records.enumerated() {
            let expected = "3,\(String(format: "%.4f", r.time)),\(d),\(r.waiting)"
            XCTAssertEqual(String(lines[k + 1]), expected, "value \(r.time)")
        }
    }

    func testClockColumnMatchesClockTime() throws {
        let s = try validationScenario("mm1-rho08")
        let arrivals: [Double] = [0, 59.999, 540, 540.0083, 1439.99, 600.5, 61.0 / 60]
        let tickets = arrivals.enumerated().map { i, a in
            TicketRecord(
                ticket: Int32(i + 1), source: 0, item: 0, department: 0, channel: .walkIn, priority: false, arrival: a,
                call: nil, serviceStart: nil, serviceEnd: nil, window: nil, outcome: .balked, end: a)
        }
        let rows = EventLogCSV.tickets([(0, tickets)], catalogue: s.catalogue).split(separator: "\n").dropFirst()
        for (row, a) in zip(rows, arrivals) {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(String(fields[8]), ClockTime.format(a, seconds: true))
            XCTAssertEqual(String(fields[7]), String(format: "%.4f", a))
            XCTAssertEqual(String(fields[9]), "", "no call")
        }
    }
}

/// A fixed-seed generator (SplitMix64) for the test's values.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
