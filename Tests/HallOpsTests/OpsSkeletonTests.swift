import HallDomain
import HallOps
import XCTest

final class OpsSkeletonTests: XCTestCase {
    func testManualClockAdvances() {
        let c = ManualClock(Stamp(CivilDate(2025, 10, 9), 510))
        c.advance(minutes: 1.5)
        XCTAssertEqual(c.now(), Stamp(CivilDate(2025, 10, 9), 511.5))
    }
}
