import Foundation
import HallTestSupport
import XCTest

/// Replays every input the fuzzer (scripts/fuzz.py) ever found failing, and every seed of its corpus,
/// through the hallsim binary: each must end with a status in {0, 1, 2, 3}, within a minute, without a
/// runtime backtrace.
final class FuzzRegressionTests: XCTestCase {
    var binary: URL { hallsimBinary }
    let crashText = [
        "Fatal error", "Stack dump", "Illegal instruction", "Segmentation fault", "Program crashed",
        "Precondition failed", "Assertion failed", "Current stack trace",
    ]

    struct Case {
        var name: String
        var data: Data
        var args: [String]
        var file: String
        var seed = false
    }

    func cases() throws -> [Case] {
        let fm = FileManager.default
        let regressions = repoRoot.appendingPathComponent("Tests/fuzz/regressions")
        let corpus = repoRoot.appendingPathComponent("Tests/fuzz/corpus")
        var out: [Case] = []
        for n in ((try? fm.contentsOfDirectory(atPath: regressions.path)) ?? []).sorted() where n.hasSuffix(".json") {
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: regressions.appendingPathComponent(n)))
            let m = try XCTUnwrap(meta as? [String: Any], n)
            let data = try Data(
                contentsOf: regressions.appendingPathComponent(String(n.dropLast(5)) + ".yaml"))
            out.append(
                Case(
                    name: n, data: data, args: try XCTUnwrap(m["args"] as? [String], n),
                    file: m["file"] as? String ?? "fuzz-input.yaml"))
        }
        for n in try fm.contentsOfDirectory(atPath: corpus.path).sorted() where n != "china.yaml" {
            out.append(
                Case(
                    name: n, data: try Data(contentsOf: corpus.appendingPathComponent(n)), args: ["validate", "{F}"],
                    file: "fuzz-input.yaml", seed: true))
        }
        return out
    }

    func testEveryFuzzRegressionEndsWithASentence() throws {
        let fm = FileManager.default
        let corpus = repoRoot.appendingPathComponent("Tests/fuzz/corpus")
        let all = try cases()
        XCTAssertGreaterThan(all.count, 5)
        for c in all {
            let work = fm.temporaryDirectory.appendingPathComponent("hallsim-fuzz-\(UUID().uuidString)")
            try fm.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? fm.removeItem(at: work) }
            for n in try fm.contentsOfDirectory(atPath: corpus.path) {
                try fm.copyItem(at: corpus.appendingPathComponent(n), to: work.appendingPathComponent(n))
            }
            let target = work.appendingPathComponent(c.file)
            try? fm.removeItem(at: target)
            try c.data.write(to: target)
            let p = Process()
            p.executableURL = binary
            p.currentDirectoryURL = work
            p.arguments = c.args.map {
                $0.replacingOccurrences(of: "{F}", with: "fuzz-input.yaml")
                    .replacingOccurrences(of: "{O}", with: work.appendingPathComponent("out").path)
            }
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let killer = DispatchWorkItem { p.terminate() }
            DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: killer)
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            killer.cancel()
            XCTAssertEqual(p.terminationReason, .exit, "\(c.name): killed (signal or 60 s timeout)")
            XCTAssert(
                (0...3).contains(p.terminationStatus), "\(c.name): exit \(p.terminationStatus)\n\(text.suffix(500))")
            for t in crashText { XCTAssertFalse(text.contains(t), "\(c.name): \(t)\n\(text.suffix(500))") }
            if c.seed {
                XCTAssertEqual(p.terminationStatus, 0, "corpus seed \(c.name) must be valid: \(text.suffix(500))")
            }
        }
    }
}
