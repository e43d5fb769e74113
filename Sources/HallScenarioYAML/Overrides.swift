import Foundation
import HallDomain
import Yams

/// Sets a field of a scenario file before it is decoded, so that an overridden value goes through the
/// same checks as a written one. Paths: `key.key`, `key[2]` (list index), `key[id=value]` (the list
/// entry whose `id` is value).
public struct ScenarioOverride: Sendable, Hashable {
    public var path: String
    public var value: String
    public init(path: String, value: String) {
        self.path = path
        self.value = value
    }
}

struct OverrideProblem: Error {
    var why: String
    init(_ why: String) { self.why = why }
}

enum PathSegment: Equatable {
    case key(String)
    case index(Int)
    case match(key: String, value: String)
}

extension ScenarioOverride {
    /// The path's segments, or a description of what is wrong with it.
    static func segments(_ path: String) -> Result<[PathSegment], OverrideProblem> {
        var out: [PathSegment] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let keyEnd = rest.firstIndex(of: "[") ?? rest.endIndex
            let key = String(rest[..<keyEnd])
            guard !key.isEmpty else { return .failure(OverrideProblem("an empty key in '\(path)'")) }
            out.append(.key(key))
            rest = rest[keyEnd...]
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else {
                    return .failure(OverrideProblem("an unclosed [ in '\(path)'"))
                }
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                if let eq = inner.firstIndex(of: "=") {
                    out.append(.match(key: String(inner[..<eq]), value: String(inner[inner.index(after: eq)...])))
                } else if let i = Int(inner), i >= 0 {
                    out.append(.index(i))
                } else {
                    return .failure(OverrideProblem("'[\(inner)]' in '\(path)': expected a list index or [key=value]"))
                }
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { return .failure(OverrideProblem("unexpected '\(rest)' in '\(path)'")) }
        }
        return .success(out)
    }

    /// The tree with this override applied, or what was not found.
    func apply(to node: Node) -> Result<Node, OverrideProblem> {
        switch ScenarioOverride.segments(path) {
        case .failure(let problem): return .failure(problem)
        case .success(let segs): return ScenarioOverride.set(node, segs[...], Node(value), walked: "")
        }
    }

    static func set(_ node: Node, _ segs: ArraySlice<PathSegment>, _ value: Node, walked: String) -> Result<
        Node, OverrideProblem
    > {
        guard let seg = segs.first else { return .success(value) }
        let rest = segs.dropFirst()
        switch seg {
        case .key(let k):
            guard case .mapping(var m) = node else {
                return .failure(OverrideProblem("'\(walked)' is not a mapping, so it has no key '\(k)'"))
            }
            let here = walked.isEmpty ? k : "\(walked).\(k)"
            if let child = m[k] {
                switch set(child, rest, value, walked: here) {
                case .success(let n):
                    m[k] = n
                    return .success(.mapping(m))
                case .failure(let e): return .failure(e)
                }
            }
            // A missing key is added, with missing sections made of plain keys below it (the decoder
            // still rejects unknown keys, so a typo is reported, not silently added).
            var built = value
            for seg in rest.reversed() {
                guard case .key(let inner) = seg else {
                    return .failure(OverrideProblem("the scenario has no '\(here)'"))
                }
                built = .mapping(Node.Mapping([(Node(inner), built)]))
            }
            m[k] = built
            return .success(.mapping(m))
        case .index(let i):
            guard case .sequence(var s) = node else { return .failure(OverrideProblem("'\(walked)' is not a list")) }
            guard i < s.count else { return .failure(OverrideProblem("'\(walked)' has \(s.count) entries, no [\(i)]")) }
            switch set(s[i], rest, value, walked: "\(walked)[\(i)]") {
            case .success(let n):
                s[i] = n
                return .success(.sequence(s))
            case .failure(let e): return .failure(e)
            }
        case .match(let k, let v):
            guard case .sequence(var s) = node else { return .failure(OverrideProblem("'\(walked)' is not a list")) }
            guard let i = s.firstIndex(where: { $0.mapping?[k]?.string == v }) else {
                let ids = s.compactMap { $0.mapping?[k]?.string }
                return .failure(
                    OverrideProblem(
                        "'\(walked)' has no entry with \(k) '\(v)' (entries: \(ids.joined(separator: ", ")))"))
            }
            switch set(s[i], rest, value, walked: "\(walked)[\(k)=\(v)]") {
            case .success(let n):
                s[i] = n
                return .success(.sequence(s))
            case .failure(let e): return .failure(e)
            }
        }
    }
}
