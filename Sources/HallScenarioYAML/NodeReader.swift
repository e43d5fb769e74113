import HallDomain
import Yams

/// Reads a composed YAML tree field by field, remembering the position of every path it visits and
/// collecting errors instead of stopping at the first.
final class NodeReader {
    let file: String
    private(set) var errors: [ScenarioError] = []
    private var marks: [String: Mark] = [:]

    init(file: String) { self.file = file }

    // MARK: Errors and positions

    func fail(_ path: String, _ message: String, at mark: Mark? = nil) {
        let m = mark ?? position(of: path)
        errors.append(ScenarioError(file: file, line: m?.line, column: m?.column, path: path, message: message))
    }

    func remember(_ path: String, _ node: Node) {
        if let m = node.mark, marks[path] == nil { marks[path] = m }
    }

    /// The position of a path, or of its nearest visited ancestor.
    func position(of path: String) -> Mark? {
        var p = path
        while true {
            if let m = marks[p] { return m }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return marks[""] }
            p = String(p[..<cut])
        }
    }

    // MARK: Structure

    /// A mapping with only the allowed keys (an unknown key is reported with the nearest allowed one).
    func mapping(_ node: Node, _ path: String, allowed: [String]) -> Fields? {
        remember(path, node)
        guard case .mapping(let m) = node else {
            fail(
                path, "expected a mapping with keys \(allowed.joined(separator: ", ")), got \(describe(node))",
                at: node.mark)
            return nil
        }
        var fields: [(String, Node)] = []
        for (k, v) in m {
            guard let key = k.scalar?.string else {
                fail(path, "keys must be plain words", at: k.mark)
                continue
            }
            let child = join(path, key)
            remember(child, v)
            if !allowed.contains(key) {
                let near = allowed.min { editDistance($0, key) < editDistance($1, key) }
                let hint = near.flatMap { editDistance($0, key) <= 3 ? " (did you mean '\($0)'?)" : nil } ?? ""
                fail(
                    child, "unknown key '\(key)'\(hint); expected one of: \(allowed.joined(separator: ", "))",
                    at: k.mark)
                continue
            }
            fields.append((key, v))
        }
        return Fields(reader: self, path: path, mark: node.mark, pairs: fields)
    }

    /// A mapping whose keys are free (ids), values read by the caller, in file order.
    func entries(_ node: Node, _ path: String) -> [(key: String, node: Node, path: String)] {
        remember(path, node)
        guard case .mapping(let m) = node else {
            fail(path, "expected a mapping, got \(describe(node))", at: node.mark)
            return []
        }
        return m.compactMap { k, v in
            guard let key = k.scalar?.string else {
                fail(path, "keys must be plain words", at: k.mark)
                return nil
            }
            remember(join(path, key), v)
            return (key, v, join(path, key))
        }
    }

    func sequence(_ node: Node, _ path: String) -> [(node: Node, path: String)] {
        remember(path, node)
        guard case .sequence(let s) = node else {
            fail(path, "expected a list, got \(describe(node))", at: node.mark)
            return []
        }
        return s.enumerated().map { i, n in
            let p = "\(path)[\(i)]"
            remember(p, n)
            return (n, p)
        }
    }

    // MARK: Scalars

    func string(_ node: Node, _ path: String) -> String? {
        remember(path, node)
        guard case .scalar(let s) = node else {
            fail(path, "expected text, got \(describe(node))", at: node.mark)
            return nil
        }
        return s.string
    }

    func double(_ node: Node, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        let t = text.replacingOccurrences(of: "_", with: "")
        if let v = Double(t), v.isFinite { return v }
        fail(path, "expected a number, got '\(text)'", at: node.mark)
        return nil
    }

    func int(_ node: Node, _ path: String) -> Int? {
        guard let text = string(node, path) else { return nil }
        if let v = Int(text.replacingOccurrences(of: "_", with: "")) { return v }
        fail(path, "expected a whole number, got '\(text)'", at: node.mark)
        return nil
    }

    func bool(_ node: Node, _ path: String) -> Bool? {
        guard let text = string(node, path) else { return nil }
        switch text.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            fail(path, "expected true or false, got '\(text)'", at: node.mark)
            return nil
        }
    }

    func clock(_ node: Node, _ path: String) -> ClockTime? {
        guard let text = string(node, path) else { return nil }
        if let t = ClockTime(parsing: text) { return t }
        fail(path, "expected a time of day \"HH:MM\" between 00:00 and 24:00 (quote it), got '\(text)'", at: node.mark)
        return nil
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, path) else { return nil }
        if let v = T(rawValue: text) { return v }
        fail(
            path, "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'", at: node.mark)
        return nil
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): "'\(s.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

extension NodeReader {
    /// The root node of a YAML text, or a positioned error: syntax problems, or an empty file (with
    /// what the file should have held).
    static func root(yaml: String, file: String, expected: String) throws -> Node {
        if let e = YAMLBudget.check(yaml, file: file) { throw ScenarioLoadError([e]) }
        let composed: Node?
        do { composed = try Yams.compose(yaml: yaml) } catch let e as YamlError {
            throw ScenarioLoadError([ScenarioLoader.yamlSyntaxError(e, file: file)])
        }
        guard let root = composed else {
            throw ScenarioLoadError([
                ScenarioError(
                    file: file, line: 1, column: 1, path: "", message: "the file is empty; expected \(expected)")
            ])
        }
        return root
    }

    /// Decodes a YAML text with `decode`, throwing every problem it reported.
    static func decodeFile<T>(yaml: String, file: String, expected: String, _ decode: (Node, NodeReader) -> T?) throws
        -> T
    {
        let root = try root(yaml: yaml, file: file, expected: expected)
        let r = NodeReader(file: file)
        let value = decode(root, r)
        guard r.errors.isEmpty, let value else { throw ScenarioLoadError(r.errors) }
        return value
    }
}

/// The fields of one mapping, read by key.
struct Fields {
    let reader: NodeReader
    let path: String
    let mark: Mark?
    let pairs: [(String, Node)]

    subscript(_ key: String) -> Node? { pairs.first { $0.0 == key }?.1 }
    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The node of a required key, or an error at the mapping's position.
    func required(_ key: String, _ expected: String) -> Node? {
        if let n = self[key] { return n }
        reader.fail(path(key), "missing field '\(key)': expected \(expected)", at: mark)
        return nil
    }

    func optional<T>(_ key: String, _ read: (Node, String) -> T?) -> T? { self[key].flatMap { read($0, path(key)) } }
    func required<T>(_ key: String, _ expected: String, _ read: (Node, String) -> T?) -> T? {
        required(key, expected).flatMap { read($0, path(key)) }
    }
}
