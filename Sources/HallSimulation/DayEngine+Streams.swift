import HallDomain
import HallRandom

/// Streams of one source of applicants (a walk-in profile, an appointment block or the planned visits),
/// as non-owning handles: `DayStreams` keeps the owning `RandomStream`s alive for the day.
struct SourceStreams {
    var interarrival: RandomStream.Handle?
    var item: RandomStream.Handle?
    var priority: RandomStream.Handle?
    var patience: RandomStream.Handle?
    var balking: RandomStream.Handle?
    var noShow: RandomStream.Handle?
}

/// Streams of one service item.
struct ItemStreams {
    var service: RandomStream.Handle
    var notice: RandomStream.Handle?
    var materials: RandomStream.Handle?
}

/// Every random stream of one front-desk day, one per purpose, each seeded from (seed, replication,
/// name). **The names are part of every result**: renaming a stream, adding draws to it or drawing in
/// another order changes the outputs of every scenario that uses it (the determinism tests and the
/// byte-identical baselines catch it). A new random quantity gets a new stream with a new name, so that
/// scenarios not using it keep their outputs. The names (docs/engine.md lists them):
///
/// - `arrivals/<profile>`: walk-in interarrival times; `items/<profile>`: which item a walk-in comes for;
///   `priority/<profile>`: green channel or not; `patience/<source>`, `balking/<source>`,
///   `no_show/<source>`: the applicant's behaviour (sources: profiles, appointment blocks, planned visits).
/// - `appointments/<block>`: who of a block shows up and how punctually (drawn once, at the start).
/// - `service/<item>`, `notice_service/<item>`: intake times; `materials/<item>`: incomplete materials.
/// - `materials/<planned visits>`: incomplete materials of planned visits (returns, collections).
/// - `absence/<clerk>`: whether a rostered clerk is absent today.
/// - `complaints/redirect`: whether a failed visit goes on to the complaints window; the complaints
///   tickets' behaviour streams are those of the source `complaints`.
struct DayStreams {
    /// Owners of every stream (the handles below do not retain them).
    private(set) var owners: [RandomStream] = []
    private(set) var sources: [SourceStreams] = []
    private(set) var items: [ItemStreams] = []
    /// Materials of planned visits, drawn with each visit's own probability.
    private(set) var plannedMaterials: RandomStream.Handle?
    /// Whether a failed visit goes on to the complaints window (one draw per failed visit).
    private(set) var complaintsRedirect: RandomStream.Handle?

    init(hall: CompiledHall, seed: UInt64, replication: Int, hasPlannedVisits: Bool) {
        var owners: [RandomStream] = []
        func stream(_ name: String) -> RandomStream.Handle {
            let s = RandomStream(seed: seed, replication: replication, name: name)
            owners.append(s)
            return s.handle
        }
        let behaviour = hall.scenario.behaviour
        func streams(_ id: String, walkIn: Bool, choices: Int, priority: Bool) -> SourceStreams {
            SourceStreams(
                interarrival: walkIn ? stream("arrivals/\(id)") : nil,
                item: choices > 1 ? stream("items/\(id)") : nil,
                priority: priority ? stream("priority/\(id)") : nil,
                patience: behaviour.patience != nil ? stream("patience/\(id)") : nil,
                balking: behaviour.balking.isEmpty ? nil : stream("balking/\(id)"),
                noShow: behaviour.noShowProbability > 0 ? stream("no_show/\(id)") : nil)
        }
        sources =
            hall.profiles.map { streams($0.id, walkIn: true, choices: $0.items.count, priority: $0.priorityShare > 0) }
            + hall.appointments.map { streams($0.id, walkIn: false, choices: 1, priority: false) }
        let complaints = hall.scenario.complaints != nil
        if hasPlannedVisits || complaints {
            // Without planned visits today the source is still there (no draws), so that the complaints
            // source keeps its index.
            sources.append(streams(Catalogue.plannedVisits, walkIn: false, choices: 1, priority: false))
            plannedMaterials = stream("materials/\(Catalogue.plannedVisits)")
        }
        if complaints {
            sources.append(streams(Complaints.source, walkIn: false, choices: 1, priority: false))
            complaintsRedirect = stream("complaints/redirect")
        }
        items = zip(hall.scenario.items, hall.items).map { spec, item in
            ItemStreams(
                service: stream("service/\(spec.id)"),
                notice: item.notice != nil ? stream("notice_service/\(spec.id)") : nil,
                materials: item.incompleteProbability > 0 ? stream("materials/\(spec.id)") : nil)
        }
        self.owners = owners
    }

    /// Appointment arrivals of the day, drawn once at the start (`appointments/<block>`): (time, block,
    /// slot time), for those who show up, moved to the next open instant. A slot at or after the day's last
    /// closing is not booked (a half day books no afternoon slot; `Scenario.fullBookings(periods:)`): no
    /// draws, so the earlier slots draw as on a full day.
    func drawAppointments(_ hall: CompiledHall, seed: UInt64, replication: Int) -> [(
        time: Double, block: Int32, slot: Double
    )] {
        var out: [(time: Double, block: Int32, slot: Double)] = []
        let close = hall.periods.map(\.close).max() ?? -Double.infinity
        for (b, block) in hall.appointments.enumerated() {
            let s = RandomStream(seed: seed, replication: replication, name: "appointments/\(block.id)")
            for slot in block.slots where AppointmentBlock.isBookable(slot, lastClosing: close) {
                for _ in 0..<block.perSlot {
                    let shows = s.uniform() < block.show
                    let offset = block.punctuality.sample(s)
                    if shows, let t = DayEngine.nextOpenInstant(slot + offset, periods: hall.periods) {
                        out.append((t, Int32(b), slot))
                    }
                }
            }
        }
        return out
    }

    /// Who is absent today: one draw per rostered clerk (`absence/<clerk>`), whatever the roster.
    func drawAbsences(_ hall: CompiledHall, seed: UInt64, replication: Int) -> [Bool] {
        hall.clerks.map { c in
            c.kind == .rostered
                ? RandomStream(seed: seed, replication: replication, name: "absence/\(c.id)").uniform() < c.absence
                : false
        }
    }
}
