import Foundation
import HallDomain
import HallRandom
import HallScenarioYAML

extension CalibrationResult {
    /// Fields whose estimate replaced the base.
    public var estimatedFields: [EstimatedField] { fields.filter(\.estimated) }

    /// Share of estimated fields whose interval covers `truth(field)` (fields without a truth left out).
    public func coverage(truth: (EstimatedField) -> Double?) -> (covered: Int, total: Int) {
        var c = 0
        var n = 0
        for f in estimatedFields {
            guard let t = truth(f) else { continue }
            n += 1
            if f.covers(t) { c += 1 }
        }
        return (c, n)
    }

    public func json() throws -> Data {
        struct Doc: Encodable {
            var scenario: String
            var days: [String]
            var tickets: Int
            var level: Double
            var minimums: [String: Int]
            var fields: [EstimatedField]
            var tests: [CalibrationTest]
            var serviceFits: [ServiceFit]
            var notEstimated: [String]
        }
        let doc = Doc(
            scenario: base.name, days: days, tickets: tickets, level: options.level,
            minimums: [
                "days": options.minDays, "trials": options.minTrials, "services": options.minServices,
                "events": options.minEvents,
            ],
            fields: fields, tests: tests, serviceFits: serviceFits, notEstimated: notEstimated)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try e.encode(doc)
    }

    public func markdown() -> String {
        func g(_ x: Double?) -> String {
            guard let x else { return "–" }
            if !x.isFinite { return "∞" }
            return abs(x) >= 100 ? String(format: "%.1f", x) : String(format: "%.4g", x)
        }
        // One field's row in its group's table.
        func row(_ f: EstimatedField) -> String {
            let flag = f.estimated ? "" : " **base kept**" + (f.note.map { " (\($0))" } ?? "")
            let note = f.estimated ? (f.note.map { " (\($0))" } ?? "") : ""
            return "| `\(f.field)` | \(g(f.value))\(flag) | \(g(f.estimate)) | "
                + "\(f.lower == nil ? "–" : "\(g(f.lower)) – \(g(f.upper))") | \(f.sampleSize) | "
                + "\(g(f.base)) | \(f.method)\(note) |\n"
        }
        var out = "# Calibration of \(base.name)\n\n"
        out += "\(days.count) observed days, \(tickets) tickets. Intervals at \(Int(options.level * 100)) %. "
        out +=
            "Minimum samples: \(options.minDays) open days for an arrival rate, \(options.minTrials) applicants "
            + "for a share or a rate, \(options.minServices) services for a service-time fit, \(options.minEvents) "
            + "abandonments for patience; below them the base value is kept and the row is flagged **base kept**.\n\n"
        let kept = fields.filter { !$0.estimated }
        out += "\(estimatedFields.count) fields estimated, \(kept.count) kept from the base.\n\n"
        out += "## Where the records disagree with the base scenario\n\n"
        let off = estimatedFields.filter { f in f.lower != nil && (f.base.map { !f.covers($0) } ?? false) }
        if off.isEmpty {
            out += "Every estimated field's interval contains the base value.\n\n"
        } else {
            let expected = Double(estimatedFields.filter { $0.lower != nil }.count) * (1 - options.level)
            out +=
                "\(off.count) estimated fields have an interval that excludes the base value (about "
                + String(format: "%.0f", expected)
                + " would by chance alone if the base were right; more, or large gaps, mean the model and the hall "
                + "disagree there):\n\n"
            out += "| field | base | estimate | interval |\n|---|---:|---:|---|\n"
            for f in off {
                out += "| `\(f.field)` | \(g(f.base)) | \(g(f.estimate)) | \(g(f.lower)) – \(g(f.upper)) |\n"
            }
            out += "\n"
        }
        out += "## Tests\n\n"
        for t in tests {
            out +=
                "- \(t.name), `\(t.subject)`: dispersion \(String(format: "%.2f", t.statistic)) on "
                + "\(Int(t.dof)) degrees of freedom, p = \(String(format: "%.3g", t.pValue)): \(t.verdict).\n"
        }
        out += "\n## Service-time fits\n\n| item | n | source | chosen | lognormal AIC / KS | gamma AIC / KS |\n"
        out += "|---|---:|---|---|---|---|\n"
        for f in serviceFits {
            func cell(_ fam: String) -> String {
                guard let x = f.fits.first(where: { $0.family == fam }) else { return "–" }
                return String(format: "%.1f / %.3f", x.aic, x.ks)
            }
            out +=
                "| \(f.item) | \(f.sampleSize) | \(f.source) | \(f.chosen) | \(cell("lognormal")) | "
                + "\(cell("gamma")) |\n"
        }
        // One table per group, groups in the order they first appear.
        var groups: [String] = []
        var byGroup: [String: [EstimatedField]] = [:]
        for f in fields {
            if byGroup[f.group] == nil { groups.append(f.group) }
            byGroup[f.group, default: []].append(f)
        }
        for group in groups {
            out += "\n## \(group.prefix(1).uppercased() + group.dropFirst())\n\n"
            out += "| field | value | estimate | interval | n | base | method |\n|---|---:|---:|---|---:|---:|---|\n"
            for f in byGroup[group] ?? [] { out += row(f) }
        }
        out += "\n## Not estimated\n\n" + notEstimated.map { "- \($0)\n" }.joined()
        out += "\nDays: " + days.joined(separator: ", ") + "\n"
        return out
    }
}

extension CalibrationResult {
    /// The files a calibration writes into `folder` (calibrated.yaml with paths relative to the folder,
    /// calibration.md, calibration.json), after checking that the scenario reads back from there.
    public func files(folder: String) throws -> [(name: String, data: Data)] {
        let folder = URL(fileURLWithPath: folder).standardizedFileURL.path
        let yaml = ScenarioWriter.yaml(scenario, relativeTo: folder)
        do { _ = try ScenarioLoader.parse(yaml: yaml, file: folder + "/calibrated.yaml") } catch {
            throw RecordsError(
                file: folder + "/calibrated.yaml", message: "the calibrated scenario does not validate (\(error))")
        }
        return [
            ("calibrated.yaml", Data(yaml.utf8)), ("calibration.md", Data(markdown().utf8)),
            ("calibration.json", try json()),
        ]
    }
}
