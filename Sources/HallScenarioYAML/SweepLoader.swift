import Foundation
import HallDomain
import Yams

/// Reads sweep files (YAML), documented in docs/batches.md.
public enum SweepLoader {
    /// Most points of a sweep and replications of a point (docs/batches.md).
    public static let maxPoints = 100_000
    public static let maxReplications = 1_000_000

    public static func load(path: String) throws -> Sweep {
        let text = try SourceText.read(path: path, what: "sweep")
        return try parse(yaml: text, file: path)
    }

    public static func parse(yaml: String, file: String) throws -> Sweep {
        try NodeReader.decodeFile(
            yaml: yaml, file: file, expected: "a sweep mapping (base, replications, factors)", decode)
    }

    static func decode(_ root: Node, _ r: NodeReader) -> Sweep? {
        if let e = FileKind.mismatch(root, file: r.file, expected: .sweep) {
            r.fail("", e.message, at: root.mark)
            return nil
        }
        guard
            let f = r.mapping(
                root, "",
                allowed: [
                    "base", "seed", "replications", "common_random_numbers", "factors", "design", "points", "fixed",
                ])
        else { return nil }
        let base = f.required("base", "the base scenario file, relative to this sweep file", r.string)
        let seed = f.optional("seed", r.int) ?? 1
        if seed < 0 { r.fail(f.path("seed"), "a seed ≥ 0") }
        let replications = f.required("replications", "replications per point", r.int)
        if let n = replications, n < 1 { r.fail(f.path("replications"), "at least 1 replication per point, got \(n)") }
        let crn = f.optional("common_random_numbers", r.bool) ?? true
        var factors: [Sweep.Factor] = []
        var lines: [String: Int] = [:]
        if let n = f.required("factors", "a list of {name, path, values}") {
            for (node, p) in r.sequence(n, f.path("factors")) {
                guard let ff = r.mapping(node, p, allowed: ["name", "path", "values"]) else { continue }
                guard let name = ff.required("name", "a column name", r.string),
                    let path = ff.required("path", "a scenario field path", r.string),
                    let vn = ff.required("values", "a list of values")
                else { continue }
                if case .failure(let problem) = ScenarioOverride.segments(path), path != Sweep.demandScale {
                    r.fail(ff.path("path"), "a path such as windows[id=universal].count: \(problem.why)")
                }
                lines["factors.\(name)"] = node.mark?.line
                let valueNodes = r.sequence(vn, ff.path("values"))
                let values = valueNodes.compactMap { r.string($0.node, $0.path) }
                if path == Sweep.demandScale {
                    for (v, (vnode, vp)) in zip(values, valueNodes)
                    where !((Double(v) ?? .nan) > 0 && (Double(v) ?? .nan) <= ScenarioBounds.maxFactor) {
                        r.fail(
                            vp, "a demand factor > 0 and at most \(Int(ScenarioBounds.maxFactor)), got '\(v)'",
                            at: vnode.mark)
                    }
                }
                if values.isEmpty { r.fail(ff.path("values"), "at least one value") }
                if factors.contains(where: { $0.name == name }) {
                    r.fail(ff.path("name"), "a unique name; '\(name)' is used twice")
                }
                factors.append(Sweep.Factor(name: name, path: path, values: values))
            }
            if factors.isEmpty { r.fail(f.path("factors"), "at least one factor") }
        }
        let design = f.optional("design", r.string) ?? "grid"
        var points: [[String]] = []
        switch design {
        case "grid":
            if f["points"] != nil {
                r.fail(f.path("points"), "points only with design: list (a grid is every combination of the factors)")
            }
            var size = 1
            for fc in factors {
                let (m, over) = size.multipliedReportingOverflow(by: max(fc.values.count, 1))
                size = over ? Int.max : m
            }
            if size > maxPoints {
                r.fail(
                    f.path("factors"),
                    "a grid of at most \(maxPoints) points, got \(size == Int.max ? "more" : "\(size)")")
            } else {
                points = Sweep.grid(factors)
            }
        case "list":
            guard let pn = f.required("points", "a list of points, each {factor name: value}") else { break }
            for (node, p) in r.sequence(pn, f.path("points")) {
                guard let pf = r.mapping(node, p, allowed: factors.map(\.name)) else { continue }
                var point: [String] = []
                for factor in factors {
                    if let v = pf.required(factor.name, "a value for factor '\(factor.name)'", r.string) {
                        point.append(v)
                    }
                }
                if point.count == factors.count { points.append(point) }
            }
            if points.isEmpty { r.fail(f.path("points"), "at least one point") }
        default:
            r.fail(f.path("design"), "expected grid or list, got '\(design)'")
        }
        var fixed: [(path: String, value: String)] = []
        if let n = f["fixed"] {
            for (key, v, p) in r.entries(n, f.path("fixed")) {
                if case .failure(let problem) = ScenarioOverride.segments(key) {
                    r.fail(p, "a path such as calendar.end: \(problem.why)")
                    continue
                }
                if let value = r.string(v, p) { fixed.append((key, value)) }
                lines["fixed.\(key)"] = v.mark?.line
            }
        }
        if let n = replications, n > maxReplications {
            r.fail(f.path("replications"), "at most \(maxReplications) replications per point, got \(n)")
        }
        guard let base, let replications else { return nil }
        var sweep = Sweep(
            base: base, seed: UInt64(max(seed, 0)), replications: replications, commonRandomNumbers: crn,
            factors: factors, points: points,
            fixed: fixed)
        sweep.lines = lines
        return sweep
    }
}
