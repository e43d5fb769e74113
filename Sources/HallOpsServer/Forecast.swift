import Foundation
import HallDomain
import HallOps
import HallRunner
import HallSimulation

/// The now-cast of the hall (`NowCast`, issue 12) for `GET /api/forecast` and the kiosk's estimated
/// wait: computed from the store's state with today's hours and demand from the scenario's calendar (the
/// regular day without one, or on a date the calendar has closed), off the server's threads. The
/// API's forecast is always of the state now; the kiosk reuses one younger than `maxAgeMinutes` on the
/// hall's clock, so that a burst of tickets costs one forecast.
final class ForecastCache: @unchecked Sendable {
    let store: OpsStore
    /// The front desk of the regular day, and of the last date asked about.
    let regular: CompiledHall
    private var today: (date: CivilDate, hall: CompiledHall)?
    let replications: Int
    let maxAgeMinutes: Double
    private let queue = DispatchQueue(label: "hallops.forecast")
    private var last: (stamp: Stamp, state: HallState, cast: NowCast)?

    init(store: OpsStore, replications: Int = 200, maxAgeMinutes: Double = 1) {
        self.store = store
        regular = CompiledHall(store.scenario)
        self.replications = replications
        self.maxAgeMinutes = maxAgeMinutes
    }

    /// The forecast. `exact`: of the store's state now (recomputed when anything changed); otherwise any
    /// forecast younger than the maximum age will do (the kiosk, in a burst of tickets).
    func current(exact: Bool) async throws -> NowCast {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.refresh(exact: exact) })
            }
        }
    }

    /// The front desk of `date` (on the cache's serial queue).
    private func hall(on date: CivilDate) -> CompiledHall {
        if let today, today.date == date { return today.hall }
        let s = store.scenario
        var hall = regular
        if let p = s.period, let day = try? p.hallDay(date, regular: s.day.periods),
            day.periods != s.day.periods || day.demand != 1
        {
            hall = CompiledHall(s.forHallDay(periods: day.periods, demand: day.demand))
        }
        today = (date, hall)
        return hall
    }

    /// On the cache's serial queue.
    private func refresh(exact: Bool) throws -> NowCast {
        let now = store.clock.now()
        let fresh = last.map { $0.stamp.date == now.date && now.minute >= $0.stamp.minute } ?? false
        // The kiosk: any forecast of the last minute will do, without reading the store.
        if !exact, fresh, let last, now.minute - last.stamp.minute < maxAgeMinutes { return last.cast }
        let state = try store.hallState()
        if exact, fresh, let last, last.state == state { return last.cast }
        let cast = try NowCast.forecast(hall: hall(on: now.date), state: state, replications: replications, seed: 1)
        last = (now, state, cast)
        return cast
    }
}
