import Foundation
import HallDomain
import HallMetrics
import HallRandom
import HallScenarioYAML

/// Part K of N of a batch (0-based K): the work items whose index ≡ K (mod N).
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    public var index: Int
    public var count: Int
    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }
    public var description: String { "\(index)/\(count)" }
}

/// What a batch is, written beside its results so that shards can be checked and merged.
public struct BatchDescription: Sendable, Hashable, Codable {
    /// FNV-1a of the sweep file and the base scenario file: shards of different sweeps do not merge.
    public var fingerprint: String
    /// The sweep file's name (not its path).
    public var sweepFile: String
    public var base: String
    public var seed: UInt64
    public var replications: Int
    public var commonRandomNumbers: Bool
    public var factors: [String]
    public var points: [[String]]
    public var shard: Shard?

    public init(
        fingerprint: String, sweepFile: String, base: String, seed: UInt64, replications: Int,
        commonRandomNumbers: Bool, factors: [String], points: [[String]], shard: Shard?
    ) {
        self.fingerprint = fingerprint
        self.sweepFile = sweepFile
        self.base = base
        self.seed = seed
        self.replications = replications
        self.commonRandomNumbers = commonRandomNumbers
        self.factors = factors
        self.points = points
        self.shard = shard
    }

    enum CodingKeys: String, CodingKey {
        case fingerprint, base, seed, replications, factors, points, shard
        case sweepFile = "sweep_file"
        case commonRandomNumbers = "common_random_numbers"
    }

    func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}

/// One KPI of one replication of one point.
public struct TidyRow: Sendable, Hashable {
    public var point: Int
    public var replication: Int
    public var kpi: KPI
    public var value: Double?
    public init(point: Int, replication: Int, kpi: KPI, value: Double?) {
        self.point = point
        self.replication = replication
        self.kpi = kpi
        self.value = value
    }
}

/// A sweep ready to run: one validated scenario per point.
public struct BatchPlan: Sendable {
    public let sweep: Sweep
    public let description: BatchDescription
    public let scenarios: [Scenario]

    /// Loads the sweep and, for every point, the base scenario with the point's values set. Any
    /// problem is reported with the sweep file, the point and the factor.
    public static func prepare(sweepFile: String) throws -> BatchPlan {
        let sweep = try SweepLoader.load(path: sweepFile)
        let baseURL = URL(
            fileURLWithPath: sweep.base, relativeTo: URL(fileURLWithPath: sweepFile).deletingLastPathComponent())
        let baseText = try SourceText.read(path: baseURL.path, what: "scenario")
        var scenarios: [Scenario] = []
        for (p, values) in sweep.points.enumerated() {
            let pairs = zip(sweep.factors, values)
            let overrides =
                sweep.fixed.map { ScenarioOverride(path: $0.path, value: $0.value) }
                + pairs.filter { $0.0.path != Sweep.demandScale }.map { ScenarioOverride(path: $0.0.path, value: $0.1) }
            do {
                var s = try ScenarioLoader.parse(yaml: baseText, file: baseURL.path, overrides: overrides)
                for (factor, value) in pairs where factor.path == Sweep.demandScale {
                    guard let k = Double(value), k > 0, k.isFinite else {
                        throw ScenarioLoadError([
                            ScenarioError(
                                file: sweepFile, line: sweep.lines["factors.\(factor.name)"], column: nil,
                                path: "factors.\(factor.name)",
                                message: "demand_scale needs a number > 0, got '\(value)'")
                        ])
                    }
                    s = s.scalingDemand(by: k)
                }
                scenarios.append(s)
            } catch let e as ScenarioLoadError {
                let point = pairs.map { "\($0.0.name)=\($0.1)" }.joined(separator: ", ")
                throw ScenarioLoadError(
                    e.errors.map { err in
                        var err = err
                        // A field the sweep sets that the base cannot take: point at the sweep's line.
                        if err.line == nil, err.file == baseURL.path {
                            let key =
                                sweep.factors.first { $0.path == err.path }.map { "factors.\($0.name)" }
                                ?? sweep.fixed.first { $0.path == err.path }.map { "fixed.\($0.path)" }
                            if let key {
                                err.message = "\(err.path): \(err.message)"
                                err.file = sweepFile
                                err.line = sweep.lines[key]
                                err.path = key
                            }
                        }
                        err.message = "\(err.message) [sweep \(sweepFile), point \(p) (\(point))]"
                        return err
                    })
            }
        }
        let fingerprint = String(
            StreamSeed.fnv1a((try String(contentsOfFile: sweepFile, encoding: .utf8)) + "\u{0}" + baseText), radix: 16)
        // The file's name only: the same sweep run from another directory writes the same bytes.
        let d = BatchDescription(
            fingerprint: fingerprint, sweepFile: URL(fileURLWithPath: sweepFile).lastPathComponent, base: sweep.base,
            seed: sweep.seed,
            replications: sweep.replications, commonRandomNumbers: sweep.commonRandomNumbers,
            factors: sweep.factors.map(\.name), points: sweep.points, shard: nil)
        return BatchPlan(sweep: sweep, description: d, scenarios: scenarios)
    }

    /// Work items in their fixed order: points, then replications.
    public var items: [(point: Int, replication: Int)] {
        scenarios.indices.flatMap { p in (0..<sweep.replications).map { (p, $0) } }
    }

    /// Seed of a point's runs: the sweep seed with common random numbers, else derived from (seed, point).
    public func seed(point: Int) -> UInt64 {
        sweep.commonRandomNumbers
            ? sweep.seed : StreamSeed.derive(seed: sweep.seed, replication: point, stream: "sweep/point")
    }

    /// Runs the shard's items (all without a shard). `progress(done, total)` is called after each point.
    public func run(shard: Shard?, threads: Int? = nil, progress: ((Int, Int) -> Void)? = nil) -> [TidyRow] {
        let mine = items.enumerated().filter { shard == nil || $0.offset % shard!.count == shard!.index }.map(\.element)
        var rows: [TidyRow] = []
        var done = 0
        for p in scenarios.indices {
            let reps = mine.filter { $0.point == p }.map(\.replication)
            guard !reps.isEmpty else { continue }
            let result = Experiment.run(scenarios[p], seed: seed(point: p), replications: reps, threads: threads)
            for (r, day) in zip(reps, result.days) {
                for kpi in KPI.allCases {
                    rows.append(TidyRow(point: p, replication: r, kpi: kpi, value: day.overall[kpi] ?? nil))
                }
            }
            done += reps.count
            progress?(done, mine.count)
        }
        return rows
    }
}

/// The files of a batch: tidy.csv (one row per point, replication and KPI), aggregate.csv (means and
/// 95 % half-widths per point and KPI), batch.json and report.html; a shard writes tidy.csv and
/// shard.json only.
public enum BatchFiles {
    public static func complete(_ d: BatchDescription, rows: [TidyRow], lang: ReportLanguage = .zh) throws -> [(
        name: String, data: Data
    )] {
        var whole = d
        whole.shard = nil
        let sorted = sort(rows)
        return [
            ("tidy.csv", Data(tidy(whole, sorted).utf8)), ("aggregate.csv", Data(aggregate(whole, sorted).utf8)),
            ("batch.json", try whole.json()),
            ("report.html", Data(HTMLReport.batch(whole, rows: sorted, lang: lang).utf8)),
        ]
    }

    public static func shard(_ d: BatchDescription, shard: Shard, rows: [TidyRow]) throws -> [(
        name: String, data: Data
    )] {
        var part = d
        part.shard = shard
        return [("tidy.csv", Data(tidy(part, sort(rows)).utf8)), ("shard.json", try part.json())]
    }

    static func sort(_ rows: [TidyRow]) -> [TidyRow] {
        let order = Dictionary(uniqueKeysWithValues: KPI.allCases.enumerated().map { ($1, $0) })
        return rows.sorted { ($0.point, $0.replication, order[$0.kpi]!) < ($1.point, $1.replication, order[$1.kpi]!) }
    }

    /// Shortest text that reads back as the same double.
    static func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func tidy(_ d: BatchDescription, _ rows: [TidyRow]) -> String {
        var out = (["point"] + d.factors.map(csvField) + ["replication", "kpi", "value"]).joined(separator: ",") + "\n"
        for r in rows {
            out +=
                ([String(r.point)] + d.points[r.point].map(csvField) + [
                    String(r.replication), r.kpi.rawValue, number(r.value),
                ])
                .joined(separator: ",") + "\n"
        }
        return out
    }

    static func aggregate(_ d: BatchDescription, _ rows: [TidyRow]) -> String {
        var out =
            (["point"] + d.factors.map(csvField) + ["kpi", "mean", "half_width", "n"]).joined(separator: ",") + "\n"
        var groups: [Int: [KPI: [Double?]]] = [:]
        for r in rows { groups[r.point, default: [:]][r.kpi, default: []].append(r.value) }
        for p in groups.keys.sorted() {
            for kpi in KPI.allCases {
                guard let values = groups[p]?[kpi] else { continue }
                let e = Estimate(values)
                out +=
                    ([String(p)] + d.points[p].map(csvField) + [
                        kpi.rawValue, number(e.mean), number(e.halfWidth), String(e.count),
                    ])
                    .joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// Reads a tidy.csv written by `tidy` (the factor columns are skipped).
    static func readTidy(_ text: String, factors: Int, file: String) throws -> [TidyRow] {
        var rows: [TidyRow] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated().dropFirst() {
            let f = splitCSV(String(line))
            guard f.count == factors + 4, let p = Int(f[0]), let r = Int(f[factors + 1]),
                let kpi = KPI(rawValue: f[factors + 2])
            else {
                throw MergeError("\(file):\(i + 1): expected point, \(factors) factor columns, replication, kpi, value")
            }
            let v = f[factors + 3]
            guard v.isEmpty || Double(v) != nil else {
                throw MergeError("\(file):\(i + 1): value: expected a number, got '\(v)'")
            }
            rows.append(TidyRow(point: p, replication: r, kpi: kpi, value: v.isEmpty ? nil : Double(v)))
        }
        return rows
    }

    static func splitCSV(_ line: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" {
                            cur.append("\"")
                        } else {
                            quoted = false
                            if n == "," {
                                out.append(cur)
                                cur = ""
                            } else {
                                cur.append(n)
                            }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    cur.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                out.append(cur)
                cur = ""
            } else {
                cur.append(c)
            }
        }
        out.append(cur)
        return out
    }
}

public struct MergeError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

/// Joins shard outputs into the files a one-process run writes (byte for byte).
public enum BatchMerge {
    public static func merge(_ dirs: [URL], lang: ReportLanguage = .zh) throws -> [(name: String, data: Data)] {
        guard !dirs.isEmpty else { throw MergeError("no shard directories given") }
        var description: BatchDescription?
        var seen: [Int: URL] = [:]
        var rows: [TidyRow] = []
        for dir in dirs {
            let meta = dir.appendingPathComponent("shard.json")
            let d: BatchDescription
            do {
                d = try JSONDecoder().decode(BatchDescription.self, from: Data(contentsOf: meta))
            } catch {
                throw MergeError(
                    "\(meta.path): not a shard of a batch (\(error.localizedDescription)); run `hallsim batch SWEEP --shard K/N --out DIR` to make one"
                )
            }
            guard let shard = d.shard else { throw MergeError("\(meta.path): has no shard") }
            if let first = description {
                guard first.fingerprint == d.fingerprint else {
                    throw MergeError(
                        "\(dir.path) is from another sweep (fingerprint \(d.fingerprint), \(d.sweepFile)) than \(dirs[0].path) (\(first.fingerprint), \(first.sweepFile))"
                    )
                }
                guard first.shard!.count == shard.count else {
                    throw MergeError(
                        "\(dir.path) is shard \(shard) but \(dirs[0].path) is shard \(first.shard!): the shard counts differ"
                    )
                }
            } else {
                description = d
            }
            if let other = seen[shard.index] {
                throw MergeError("shard \(shard) given twice: \(other.path) and \(dir.path)")
            }
            seen[shard.index] = dir
            let tidy = dir.appendingPathComponent("tidy.csv")
            let text: String
            do { text = try String(contentsOf: tidy, encoding: .utf8) } catch {
                throw MergeError("\(tidy.path): cannot read it")
            }
            rows += try BatchFiles.readTidy(text, factors: d.factors.count, file: tidy.path)
        }
        let d = description!
        let missing = (0..<d.shard!.count).filter { seen[$0] == nil }
        guard missing.isEmpty else {
            throw MergeError("shards missing: \(missing.map { "\($0)/\(d.shard!.count)" }.joined(separator: ", "))")
        }
        return try BatchFiles.complete(d, rows: rows, lang: lang)
    }
}
