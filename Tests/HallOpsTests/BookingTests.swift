import Foundation
import HallDomain
import HallOps
import HallTestSupport
import XCTest

/// A day's appointment bookings: set whole, refused with the field at fault, exported beside the
/// check-ins (whose booked slot the tickets keep) for calibration.
final class BookingTests: XCTestCase {
    func testBookingsAreCheckedStoredAndExportedWithTheCheckIns() throws {
        let date = CivilDate(2025, 10, 9)
        let clock = ManualClock(Stamp(date, 535))
        let store = try OpsStore(path: try temporaryDatabase(self), scenario: try countyHall(), clock: clock)
        func refused(_ field: String, _ bookings: [Booking], file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try store.setBookings(date, bookings, actor: manager), file: file, line: line) {
                let e = $0 as? OpsError
                XCTAssertEqual(e?.kind, .invalid, file: file, line: line)
                XCTAssertEqual(e?.field, field, "\(String(describing: e))", file: file, line: line)
            }
        }
        refused("bookings[0].block", [Booking(block: "nope", slot: 540, booked: 2)])
        refused(
            "bookings[1].slot",
            [
                Booking(block: "re-transfer-am", slot: 540, booked: 2),
                Booking(block: "re-transfer-am", slot: 545, booked: 2),
            ])
        refused("bookings[0].booked", [Booking(block: "re-transfer-am", slot: 540, booked: -1)])
        refused(
            "bookings[1].slot",
            [
                Booking(block: "re-transfer-am", slot: 540, booked: 2),
                Booking(block: "re-transfer-am", slot: 540, booked: 1),
            ])
        // The same slot to within a second is the same slot (the store keeps the grid's slot).
        refused(
            "bookings[1].slot",
            [
                Booking(block: "re-transfer-am", slot: 540, booked: 2),
                Booking(block: "re-transfer-am", slot: 540.01, booked: 1),
            ])
        XCTAssertEqual(try store.bookings(date), [], "a refused list writes nothing")
        XCTAssertEqual(
            try store.setBookings(date, [Booking(block: "re-transfer-am", slot: 569.995, booked: 4)], actor: manager), 4
        )
        XCTAssertEqual(try store.bookings(date), [Booking(block: "re-transfer-am", slot: 570, booked: 4)])

        let booked = [
            Booking(block: "re-transfer-am", slot: 540, booked: 2),
            Booking(block: "re-transfer-am", slot: 570, booked: 1),
        ]
        XCTAssertEqual(try store.setBookings(date, booked, actor: manager), 3)
        XCTAssertEqual(try store.bookings(date), booked)
        // Setting again replaces the day whole.
        XCTAssertEqual(try store.setBookings(date, [booked[0]], actor: manager), 2)
        XCTAssertEqual(try store.bookings(date), [booked[0]])

        // A check-in at 08:55 for the 09:00 slot keeps its slot; a walk-in has none.
        let appointment = try store.issueTicket(
            IssueRequest(kind: .appointment, item: "re-transfer", appointmentSlot: 540), idempotencyKey: nil,
            actor: manager)
        _ = try store.issueTicket(IssueRequest(item: "re-transfer"), idempotencyKey: nil, actor: manager)
        clock.set(minute: 1_080)
        XCTAssertEqual(try store.closeDay(date, actor: manager), 2)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookings-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try store.export(from: date, to: date, directory: dir)
        let bookings = try String(contentsOf: dir.appendingPathComponent("bookings.csv"), encoding: .utf8)
        XCTAssertEqual(
            bookings,
            "replication,date,block,item,slot_min,slot_clock,booked\n"
                + "0,2025-10-09,re-transfer-am,re-transfer,540.0000,09:00:00,2\n")
        let tickets = try String(contentsOf: dir.appendingPathComponent("tickets.csv"), encoding: .utf8)
            .split(separator: "\n")
        XCTAssertTrue(tickets[0].hasSuffix(",visit,case,slot_min"), String(tickets[0]))
        let slots = tickets.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).last! }
        XCTAssertEqual(slots, ["540.0000", ""])
        XCTAssertEqual(appointment.sequence, 1)
    }
}
