import Foundation
import GRDB
import HallDomain
import HallOps
import HallTestSupport
import XCTest

/// kill -9 in the middle of issuing tickets: every ticket acknowledged before the kill is in the
/// reopened database, `PRAGMA integrity_check` is ok, and numbering continues without a gap.
final class CrashTests: XCTestCase {
    static let pathVariable = "HALLOPS_CRASH_CHILD_DB"

    /// The child: issues tickets from 4 threads, printing each acknowledged sequence number, until killed.
    func testCrashChildIssuesUntilKilled() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.pathVariable] else {
            throw XCTSkip("runs only as the child of testAcknowledgedTicketsSurviveKill9")
        }
        let store = try OpsStore(
            path: path, scenario: try countyHall(), clock: ManualClock(Stamp(CivilDate(2025, 10, 9), 540)))
        let departments = store.scenario.departments.map(\.id)
        let out = FileHandle.standardOutput
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 4) { k in
            var i = 0
            while true {
                let t = try! store.issueTicket(
                    IssueRequest(department: departments[(k + i) % departments.count]), idempotencyKey: nil,
                    actor: manager)
                lock.withLock { out.write(Data("ack \(t.sequence) \(t.display)\n".utf8)) }
                i += 1
            }
        }
    }

    func testAcknowledgedTicketsSurviveKill9() throws {
        let path = try temporaryDatabase(self)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["HallOpsTests.CrashTests/testCrashChildIssuesUntilKilled"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.pathVariable: path]) { _, b in b }
        let pipe = Pipe()
        child.standardOutput = pipe
        child.standardError = FileHandle.nullDevice
        try child.run()
        var acknowledged: [Int32: String] = [:]
        var buffer = Data()
        let reader = pipe.fileHandleForReading
        while acknowledged.count < 400 {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                let p = line.split(separator: " ")
                if p.count == 3, p[0] == "ack", let n = Int32(p[1]) { acknowledged[n] = String(p[2]) }
            }
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        XCTAssertGreaterThanOrEqual(acknowledged.count, 400, "the child stopped early")

        let raw = try DatabaseQueue(path: path)
        XCTAssertEqual(try raw.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
        try raw.close()
        let clock = ManualClock(Stamp(CivilDate(2025, 10, 9), 600))
        let store = try OpsStore(path: path, scenario: try countyHall(), clock: clock)
        let stored = try store.tickets(on: CivilDate(2025, 10, 9))
        let bySequence = Dictionary(uniqueKeysWithValues: stored.map { ($0.sequence, $0.display) })
        for (n, display) in acknowledged { XCTAssertEqual(bySequence[n], display, "acknowledged ticket \(n) lost") }
        // Gapless after the crash, and numbering continues.
        XCTAssertEqual(stored.map(\.sequence), Array(1...Int32(stored.count)))
        let next = try store.issueTicket(
            IssueRequest(department: stored[0].department), idempotencyKey: nil, actor: manager)
        XCTAssertEqual(next.sequence, Int32(stored.count + 1))
        let prefix = String(stored[0].display.prefix(1))
        let sameprefix = stored.filter { $0.display.hasPrefix(prefix) }.count
        XCTAssertEqual(Int(next.display.dropFirst()), sameprefix + 1)
    }
}
