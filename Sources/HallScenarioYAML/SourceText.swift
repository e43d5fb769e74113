import Foundation
import HallDomain
import Yams

#if SWIFT_PACKAGE
    import CYaml
#endif

/// Reads an input file (scenario, plan, sweep, calendar) as UTF-8 text, or says in one sentence why
/// not: a folder, a missing file, a file too large, UTF-16, GBK or a stray byte (with line and byte).
public enum SourceText {
    /// Input files are at most this many bytes (the largest shipped file is a few kB).
    public static let maxBytes = 16 << 20

    static func failure(_ file: String, _ line: Int?, _ column: Int?, _ message: String) -> ScenarioLoadError {
        ScenarioLoadError([ScenarioError(file: file, line: line, column: column, path: "", message: message)])
    }

    static func failure(_ file: String, _ message: String) -> ScenarioLoadError { failure(file, nil, nil, message) }

    /// The text of `path`; `what` names the expected kind ("scenario", "plan", "sweep", "calendar").
    public static func read(path: String, what: String) throws -> String {
        let shown = path.isEmpty ? "\"\"" : path
        guard !path.isEmpty else { throw failure(shown, "no file name given; expected a \(what) file (YAML)") }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw failure(shown, "no such file; expected a \(what) file (YAML)")
        }
        if isDir.boolValue { throw failure(shown, "this is a folder; expected a \(what) file (YAML)") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw failure(shown, "cannot open the file for reading (permissions?)")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maxBytes + 1) ?? Data() } catch {
            throw failure(shown, "cannot read the file: \(error.localizedDescription)")
        }
        if data.count > maxBytes {
            throw failure(shown, "the file is larger than \(maxBytes >> 20) MB; a \(what) file is at most that")
        }
        return try decode(data, file: shown)
    }

    static let convertHint = "save it as UTF-8 (in Notepad: Save as… → Encoding: UTF-8), or convert it with"

    /// UTF-8 text from bytes (a UTF-8 byte-order mark is dropped), else a positioned sentence.
    public static func decode(_ data: Data, file: String) throws -> String {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let le = bytes[0] == 0xFF
            throw failure(
                file, 1, 1,
                "the file is UTF-16 (\(le ? "little" : "big")-endian, with a byte-order mark), not UTF-8; "
                    + "\(convertHint) `iconv -f UTF-16 -t UTF-8 '\(file)' > new.yaml`")
        }
        // UTF-16 without a mark: ASCII text has a zero byte in every other position.
        if bytes.count >= 2, bytes[0] == 0 || bytes[1] == 0 {
            let le = bytes[1] == 0
            throw failure(
                file, 1, 1,
                "the file looks like UTF-16 (\(le ? "little" : "big")-endian, zero bytes between characters), "
                    + "not UTF-8; \(convertHint) `iconv -f UTF-16\(le ? "LE" : "BE") -t UTF-8 '\(file)' > new.yaml`")
        }
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if let bad = firstInvalidUTF8(bytes, from: start) {
            var line = 1
            var lineStart = 0
            for i in 0..<bad where bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            let b = bytes[bad]
            let hex = String(format: "0x%02X", b)
            let gbk =
                b >= 0x81 && b <= 0xFE && bad + 1 < bytes.count && bytes[bad + 1] >= 0x40 && bytes[bad + 1] != 0x7F
            let guess =
                gbk
                ? "; Chinese text saved as GBK/GB18030 (the usual Windows default) looks like this. "
                    + "The file must be UTF-8: "
                    + "\(convertHint) `iconv -f GB18030 -t UTF-8 '\(file)' > new.yaml`"
                : ". The file must be UTF-8: remove the byte or \(convertHint) "
                    + "`iconv -f GB18030 -t UTF-8` if it was saved as GBK"
            throw failure(
                file, line, bad - lineStart + 1,
                "byte \(hex) at line \(line), byte \(bad - lineStart + 1) of the line is not valid UTF-8\(guess)")
        }
        if let nul = bytes.firstIndex(of: 0) {
            let line = 1 + bytes[..<nul].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw failure(file, line, nil, "the file holds a zero byte at line \(line); a YAML file is plain text")
        }
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    /// The offset of the first byte that breaks UTF-8, or nil.
    static func firstInvalidUTF8(_ b: [UInt8], from start: Int) -> Int? {
        var i = start
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            var need = 0
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0:
                need = 2
                lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED:
                need = 2
                hi = 0x9F
            case 0xF0:
                need = 3
                lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4:
                need = 3
                hi = 0x8F
            default: return i
            }
            guard i + need < n else { return i }
            if !(b[i + 1] >= lo && b[i + 1] <= hi) { return i }
            for k in 2..<(need + 1) where !(b[i + k] >= 0x80 && b[i + k] <= 0xBF) { return i }
            i += need + 1
        }
        return nil
    }
}

/// Bounds the work of composing a YAML text before Yams builds its tree: anchors and aliases are
/// expanded by copying, so nested aliases grow the tree (and the loader's time) geometrically.
enum YAMLBudget {
    /// Most nodes a file may expand to, aliases counted at their full size.
    static let maxNodes = 1_000_000
    /// Most nesting depth of mappings and lists.
    static let maxDepth = 200

    /// Nil if the text is within bounds (or is not valid YAML: Yams then reports the syntax error),
    /// else a positioned error.
    static func check(_ yaml: String, file: String) -> ScenarioError? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(yaml.utf8)
        return bytes.withUnsafeMutableBufferPointer { buf -> ScenarioError? in
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var sizes: [String: Int] = [:]
            // Per open collection: node count so far, its anchor, whether the next entry is a key.
            var stack: [(count: Int, anchor: String?, mapping: Bool, keyNext: Bool, start: yaml_mark_t)] = [
                (0, nil, false, false, yaml_mark_t())
            ]
            var total = 0
            func err(_ mark: yaml_mark_t, _ message: String) -> ScenarioError {
                ScenarioError(
                    file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1, path: "", message: message)
            }
            func text(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? { p.map { String(cString: $0) } }
            // Adds a node of `size` to the open collection; true if it sits in key position.
            func add(_ size: Int, counted: Bool = false) -> Bool {
                var top = stack[stack.count - 1]
                let isKey = top.mapping && top.keyNext
                if top.mapping { top.keyNext.toggle() }
                top.count += size
                stack[stack.count - 1] = top
                if !counted { total += size }
                return isKey
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                switch event.type {
                case YAML_STREAM_END_EVENT: return nil
                case YAML_SCALAR_EVENT:
                    _ = add(1)
                    if let a = text(event.data.scalar.anchor) { sizes[a] = 1 }
                case YAML_ALIAS_EVENT:
                    guard let a = text(event.data.alias.anchor), let size = sizes[a] else { return nil }
                    if add(size) && size > 1 {
                        return err(
                            mark,
                            "the alias *\(a) stands for a mapping or list used as a mapping key; "
                                + "keys must be plain words"
                        )
                    }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let isMap = event.type == YAML_MAPPING_START_EVENT
                    let anchor =
                        isMap ? text(event.data.mapping_start.anchor) : text(event.data.sequence_start.anchor)
                    stack.append((1, anchor, isMap, true, mark))
                    total += 1
                    if stack.count > maxDepth {
                        return err(
                            mark, "mappings and lists nested more than \(maxDepth) deep; a hall is not that deep")
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    let done = stack.removeLast()
                    if let a = done.anchor { sizes[a] = done.count }
                    if add(done.count, counted: true) {
                        return err(done.start, "a mapping or list used as a mapping key; keys must be plain words")
                    }
                default: break
                }
                if total > maxNodes {
                    return err(
                        mark,
                        "the file expands to more than \(maxNodes) YAML nodes "
                            + "(anchors and aliases counted at full size); "
                            + "a hall is far smaller, so aliases nested like this are refused")
                }
            }
        }
    }
}

/// Tells a scenario, a plan and a sweep file apart by their top-level keys, so that a file given to
/// the wrong command gets one sentence naming the right command instead of a list of unknown keys.
enum FileKind: String {
    case scenario, plan, sweep, calendar

    static func of(_ root: Node) -> FileKind? {
        guard case .mapping(let m) = root else { return nil }
        let keys = Set(m.keys.compactMap { $0.scalar?.string })
        if keys.contains("scenario") && !keys.contains("departments") { return .plan }
        if keys.contains("base") && (keys.contains("factors") || keys.contains("points")) { return .sweep }
        if keys.contains("years") && !keys.contains("departments") { return .calendar }
        if keys.contains("departments") || keys.contains("windows") || keys.contains("day") { return .scenario }
        return nil
    }

    var command: String {
        switch self {
        case .scenario: "`hallsim run` (or validate, compare)"
        case .plan: "`hallsim plan`"
        case .sweep: "`hallsim batch`"
        case .calendar: "a scenario's `calendar: file:` entry"
        }
    }

    /// An error when `root` is clearly another kind of file than `expected` (a plan file also accepts
    /// a plain scenario).
    static func mismatch(_ root: Node, file: String, expected: FileKind) -> ScenarioError? {
        guard let kind = of(root), kind != expected, !(expected == .plan && kind == .scenario) else { return nil }
        return ScenarioError(
            file: file, line: root.mark?.line ?? 1, column: root.mark?.column ?? 1, path: "",
            message: "this is a \(kind.rawValue) file, not a \(expected.rawValue) file: use it with \(kind.command)")
    }
}

/// What kind of input file a path holds, by its top-level keys (for `hallsim validate`).
public enum InputKind: String, Sendable {
    case scenario, plan, sweep, calendar

    /// The kind of the file at `path`; a file that cannot be read or parsed, or whose keys match no kind,
    /// counts as a scenario (its loader then reports the problems).
    public static func of(path: String) -> InputKind {
        guard let text = try? SourceText.read(path: path, what: "scenario"),
            YAMLBudget.check(text, file: path) == nil,
            let root = try? Yams.compose(yaml: text), let kind = FileKind.of(root)
        else { return .scenario }
        return InputKind(rawValue: kind.rawValue) ?? .scenario
    }
}
