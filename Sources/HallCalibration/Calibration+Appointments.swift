import Foundation
import HallDomain
import HallRandom

extension Calibration {
    /// Appointments, per block. A checked-in appointment belongs to the block whose item and slot it has
    /// (`TicketRecord.slot`; first segments only).
    /// - show-up (`show_probability`): check-ins over bookings (bookings.csv), over the slots the bookings
    ///   list, with the Wilson interval; without bookings the base is kept.
    /// - punctuality (`punctuality_min`, arrival − slot): a normal by maximum likelihood. An arrival
    ///   recorded within `openingRushMinutes` of an opening may have come earlier and waited at the door
    ///   (the simulator records the opening, a kiosk the moment it got to it): it is censored between the
    ///   previous closing (or -∞) and the opening plus that rush.
    static func appointments(base: Scenario, days: [ObservedDay], options o: CalibrationOptions)
        -> (fields: [EstimatedField], blocks: [AppointmentBlock], notes: [String])
    {
        var blocks = base.appointments
        guard !blocks.isEmpty else { return ([], blocks, []) }
        let items = base.catalogue.items
        var checkedIn = [Int](repeating: 0, count: blocks.count)
        var booked = [Int](repeating: 0, count: blocks.count)
        var unbooked = [Int](repeating: 0, count: blocks.count)
        var afterClosing = [Int](repeating: 0, count: blocks.count)
        var exact = [[Double]](repeating: [], count: blocks.count)
        var censored = [[(lower: Double, upper: Double)]](repeating: [], count: blocks.count)
        var withBookings = 0
        let rush = max(o.openingRushMinutes, 1e-6)
        for d in days {
            // Per block and slot (the slot's index on the block's grid): check-ins, for the show-up over
            // the booked slots.
            var came: [Int: [Int: Int]] = [:]
            for t in d.tickets where t.channel == .appointment && t.visit == .first {
                guard let slot = t.slot, items.indices.contains(Int(t.item)),
                    let b = base.appointmentBlock(item: items[Int(t.item)], slot: slot),
                    let index = blocks[b].slotIndex(slot)
                else { continue }
                came[b, default: [:]][index, default: 0] += 1
                let x = t.arrival - slot
                if let k = d.periods.firstIndex(where: {
                    t.arrival >= $0.start.minutes - 1e-6 && t.arrival <= $0.start.minutes + rush
                }) {
                    // Recorded in an opening's rush: came after the previous closing and before the rush
                    // ended (early ones wait at the door), censored to that one interval.
                    let lower = k > 0 ? d.periods[k - 1].end.minutes - slot : -Double.infinity
                    censored[b].append((lower, d.periods[k].start.minutes + rush - slot))
                } else {
                    exact[b].append(x)
                }
            }
            guard let bookings = d.bookings else { continue }
            withBookings += 1
            var listed: [Int: Set<Int>] = [:]
            let close = d.periods.map(\.end.minutes).max() ?? -Double.infinity
            for r in bookings {
                let b = Int(r.block)
                guard blocks.indices.contains(b), let key = blocks[b].slotIndex(r.slot) else { continue }
                // A slot at or after the day's last closing cannot be kept: not counted (as the simulator).
                guard AppointmentBlock.isBookable(r.slot, lastClosing: close) else {
                    afterClosing[b] += Int(r.booked)
                    continue
                }
                booked[b] += Int(r.booked)
                // A slot listed twice (a hand-made file) counts its bookings twice, its check-ins once.
                if listed[b, default: []].insert(key).inserted { checkedIn[b] += came[b]?[key] ?? 0 }
            }
            for (b, slots) in came {
                for (key, n) in slots where !(listed[b]?.contains(key) ?? false) { unbooked[b] += n }
            }
        }
        // Show-up fields of every block, then punctuality (the report groups consecutive fields).
        var fields: [EstimatedField] = []
        var punctuality: [EstimatedField] = []
        var notes: [String] = []
        for (b, block) in blocks.enumerated() {
            let field = "appointments[\(block.id)]"
            // Show-up.
            if withBookings == 0 {
                fields.append(
                    EstimatedField(
                        field: "\(field).show_probability", group: "appointment show-up", estimate: nil, lower: nil,
                        upper: nil, sampleSize: 0, method: "check-ins over bookings (bookings.csv)",
                        base: block.showProbability, value: block.showProbability, estimated: false,
                        note: "no bookings in the records: base kept"))
            } else if checkedIn[b] > booked[b] {
                fields.append(
                    EstimatedField(
                        field: "\(field).show_probability", group: "appointment show-up", estimate: nil, lower: nil,
                        upper: nil, sampleSize: booked[b], method: "check-ins over bookings (bookings.csv)",
                        base: block.showProbability, value: block.showProbability, estimated: false,
                        note:
                            "\(checkedIn[b]) check-ins for \(booked[b]) bookings (are the bookings complete?): base kept"
                    ))
            } else {
                var f = proportion(
                    "\(field).show_probability", group: "appointment show-up", successes: checkedIn[b],
                    trials: booked[b], base: block.showProbability,
                    method: "check-ins over bookings of the booked slots, Wilson interval", unit: "bookings",
                    options: o)
                if unbooked[b] > 0 {
                    f.note = [f.note, "\(unbooked[b]) check-ins for slots without bookings left out"].compactMap { $0 }
                        .joined(separator: "; ")
                }
                if afterClosing[b] > 0 {
                    f.note = [f.note, "\(afterClosing[b]) bookings at or after a day's last closing left out"]
                        .compactMap { $0 }.joined(separator: "; ")
                }
                if f.estimated { blocks[b].showProbability = f.value! }
                fields.append(f)
            }
            // Punctuality.
            let (baseMean, baseSD) = (block.punctuality.mean, block.punctuality.variance.squareRoot())
            let n = exact[b].count + censored[b].count
            let fit =
                n >= o.minServices ? Estimation.fitNormal(exact: exact[b], censored: censored[b], level: o.level) : nil
            let note: String? =
                n < o.minServices
                ? "fewer than \(o.minServices) check-ins with their slot: base kept"
                : (fit == nil ? "no normal fits these check-ins (no spread?): base kept" : nil)
            let method =
                (fit?.method ?? "normal by maximum likelihood")
                + (censored[b].isEmpty ? "" : "; \(censored[b].count) arrivals in an opening's rush censored")
            for (name, est, interval, baseValue) in [
                ("mean", fit?.mean, fit?.meanInterval, baseMean), ("sd", fit?.sd, fit?.sdInterval, baseSD),
            ] {
                punctuality.append(
                    EstimatedField(
                        field: "\(field).punctuality_min.\(name)", group: "appointment punctuality", estimate: est,
                        lower: interval?[0], upper: interval?[1], sampleSize: n, method: method, base: baseValue,
                        value: est ?? baseValue, estimated: fit != nil, note: note))
            }
            if let fit { blocks[b].punctuality = .normal(mean: fit.mean, sd: fit.sd) }
        }
        if withBookings == 0 {
            notes.append("appointments' show-up (no bookings.csv in the records; base kept)")
        }
        return (fields + punctuality, blocks, notes)
    }
}
