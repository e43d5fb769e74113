import Foundation
import HallDomain
import HallOps
import HallRunner
import HallSimulation

/// The now-cast of the hall (`NowCast`, issue 12) for `GET /api/forecast` and the kiosk's estimated
/// wait: computed from the store's state with the scenario's regular day, off the server's threads. The
/// API's forecast is always of the state now; the kiosk reuses one younger than `maxAgeMinutes` on the
/// hall's clock, so that a burst of tickets costs one forecast.
final class ForecastCache: @unchecked Sendable {
    let store: OpsStore
    let hall: CompiledHall
    let replications: Int
    let maxAgeMinutes: Double
    private let queue = DispatchQueue(label: "hallops.forecast")
    private var last: (stamp: Stamp, state: HallState, cast: NowCast)?

    init(store: OpsStore, replications: Int = 200, maxAgeMinutes: Double = 1) {
        self.store = store
        hall = CompiledHall(store.scenario)
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

    /// On the cache's serial queue.
    private func refresh(exact: Bool) throws -> NowCast {
        let now = store.clock.now()
        let state = try store.hallState()
        if let last, last.stamp.date == now.date, now.minute >= last.stamp.minute,
            exact ? last.state == state : now.minute - last.stamp.minute < maxAgeMinutes
        {
            return last.cast
        }
        let cast = try NowCast.forecast(hall: hall, state: state, replications: replications, seed: 1)
        last = (now, state, cast)
        return cast
    }
}
