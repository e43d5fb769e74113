import Foundation
import HallCalibration
import HallDomain

extension OpsStore {
    /// The observed days of [from, to] as calibration reads them: the store's records exported as
    /// `hallops export` writes them (a temporary folder, removed after), read back with the same reader
    /// as `hallsim calibrate --records`. The ids are the store's scenario's, so `base` must share them.
    public func observedDays(from: CivilDate, to: CivilDate, base: Scenario) throws -> [ObservedDay] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hallops-calibrate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try export(from: from, to: to, directory: dir)
        return try CalibrationRecords.read(folder: dir.path, base: base)
    }

    /// Calibrates `base` from the store's records of [from, to] (`hallops calibrate`).
    public func calibrate(
        from: CivilDate, to: CivilDate, base: Scenario, options: CalibrationOptions = CalibrationOptions()
    ) throws -> (days: Int, result: CalibrationResult) {
        let days = try observedDays(from: from, to: to, base: base).filter { !$0.tickets.isEmpty }
        guard !days.isEmpty else {
            throw OpsError(.invalid, "no tickets from \(from) to \(to): nothing to calibrate from", field: "from")
        }
        return (days.count, Calibration.calibrate(base: base, days: days, options: options))
    }
}
