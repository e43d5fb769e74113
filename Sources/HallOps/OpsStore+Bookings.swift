import Foundation
import GRDB
import HallDomain

/// The day's appointment bookings: what show-up is measured against (calibration reads them from the
/// export's bookings.csv).
extension OpsStore {
    /// The most a slot can hold: a guard against typing errors, far above any hall's slot.
    public static let maxBookedPerSlot = 10_000

    /// Replaces the bookings of `date` with `bookings` (whole, in one transaction). Every block must be
    /// one of the scenario's appointment blocks, every slot one of its slots, each (block, slot) once.
    @discardableResult
    public func setBookings(_ date: CivilDate, _ bookings: [Booking], actor: OpsActor) throws -> Int {
        var seen = Set<String>()
        for (i, b) in bookings.enumerated() {
            guard let block = scenario.appointments.first(where: { $0.id == b.block }) else {
                let known = scenario.appointments.map(\.id).joined(separator: ", ")
                throw OpsError(
                    .invalid,
                    "there is no appointment block \(b.block) in the hall (blocks: \(known.isEmpty ? "none" : known))",
                    field: "bookings[\(i)].block")
            }
            guard let index = block.slotIndex(b.slot) else {
                let slots = block.slotTimes.map(\.description).joined(separator: ", ")
                throw OpsError(
                    .invalid,
                    "slot \(b.slot) is not one of block \(b.block)'s slots (minutes after midnight of \(slots))",
                    field: "bookings[\(i)].slot")
            }
            guard (0...Self.maxBookedPerSlot).contains(b.booked) else {
                throw OpsError(
                    .invalid, "booked is a count from 0 to \(Self.maxBookedPerSlot)", field: "bookings[\(i)].booked")
            }
            let key = "\(b.block)@\(index)"
            guard seen.insert(key).inserted else {
                throw OpsError(
                    .invalid, "block \(b.block)'s slot \(b.slot) is given twice", field: "bookings[\(i)].slot")
            }
        }
        return try db.write { db in
            try db.execute(sql: "DELETE FROM bookings WHERE date = ?", arguments: [date.description])
            for b in bookings {
                // The slot as the block's grid has it (a slot given to within a second is that slot;
                // validated above).
                guard let slot = scenario.appointments.first(where: { $0.id == b.block })?.slot(near: b.slot)
                else { continue }
                try db.cachedStatement(sql: "INSERT INTO bookings (date, block, slot, booked) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [date.description, b.block, slot, b.booked])
            }
            let total = bookings.reduce(0) { $0 + $1.booked }
            try audit(db, actor, "bookings.set", "date:\(date)", ["slots": "\(bookings.count)", "booked": "\(total)"])
            return total
        }
    }

    /// The bookings of `date`, by block then slot.
    public func bookings(_ date: CivilDate) throws -> [Booking] {
        try db.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM bookings WHERE date = ? ORDER BY block, slot", arguments: [date.description]
            ).map { Booking(block: $0["block"], slot: $0["slot"], booked: $0["booked"]) }
        }
    }

    /// The bookings of `date` as event-log records (indices into the scenario's appointment blocks).
    func bookingRecords(_ date: CivilDate) throws -> [BookingRecord] {
        try bookings(date).compactMap { b in
            scenario.appointments.firstIndex { $0.id == b.block }.map {
                BookingRecord(block: Int32($0), slot: b.slot, booked: Int32(b.booked))
            }
        }
    }
}
