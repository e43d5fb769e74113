import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why an output folder cannot be used or written; `description` is one sentence.
public struct OutputFolderError: Error, CustomStringConvertible {
    public var description: String
}

/// An output folder replaced whole or not at all. The files go into a staging folder beside the target
/// (`.NAME.staging-PID`), then the old folder is renamed away (`.NAME.old-PID`), the staging folder is
/// renamed into place and the old one deleted. A reader sees the old folder or the new one, never a mix;
/// a run killed midway leaves only hidden staging folders, which the next write beside them removes.
public enum AtomicOutput {
    /// Every file name a hallsim command writes into an output folder. A folder holding anything else
    /// is not replaced (it may be the user's own folder); `planned-*.yaml` files are the planner's.
    public static let knownNames: Set<String> = [
        "summary.json", "report.md", "report.html", "replications.csv", "daily.csv", "tickets.csv", "windows.csv",
        "queues.csv", "staff.csv", "cases.csv", "steps.csv", "compare.json", "compare.md", "tidy.csv",
        "aggregate.csv", "batch.json", "shard.json", "plan.md", "plan.json", "requirements.csv", "shifts.csv",
        "back_office.csv", "tidal.csv", "calibrated.yaml", "calibration.md", "calibration.json", "backtest.md",
        "backtest.json", "backtest.csv", "bookings.csv",
    ]

    /// The main file of each command's output: a folder holding one was written by hallsim.
    static let anchors: Set<String> = [
        "summary.json", "compare.json", "batch.json", "shard.json", "plan.json", "calibration.json", "backtest.json",
    ]

    static func isKnown(_ name: String) -> Bool {
        knownNames.contains(name) || (name.hasPrefix("planned") && name.hasSuffix(".yaml"))
    }

    /// Checks before any work that `path` can become an output folder: not empty, not a file, its parent
    /// creatable and writable, and, if it exists, holding only files hallsim writes. Creates the parent.
    @discardableResult
    public static func check(_ path: String, option: String = "--out") throws -> URL {
        guard !path.isEmpty else {
            throw OutputFolderError(description: "\(option) is empty; give a folder name, e.g. outputs/run1")
        }
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: path).standardizedFileURL
        guard dir.path != "/" else { throw OutputFolderError(description: "\(option) cannot be the root folder /") }
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dir.path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw OutputFolderError(
                    description: "\(option) \(path) is a file, not a folder; give a folder for the results")
            }
            let entries = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            var foreign = entries.filter { !isKnown($0) }.sorted()
            // A folder a hallsim command wrote (it holds one of their main files) may also hold result files
            // of a newer version: regular files with the extensions hallsim writes.
            if !Set(entries).isDisjoint(with: anchors) {
                foreign = foreign.filter { name in
                    var d: ObjCBool = false
                    let ext = (name as NSString).pathExtension
                    return name.hasPrefix(".")
                        || !["csv", "json", "md", "yaml", "html"].contains(ext)
                        || !fm.fileExists(atPath: dir.appendingPathComponent(name).path, isDirectory: &d) || d.boolValue
                }
            }
            if !foreign.isEmpty {
                throw OutputFolderError(
                    description:
                        "\(option) \(path) holds files hallsim did not write "
                        + "(\(foreign.prefix(3).joined(separator: ", "))"
                        + "\(foreign.count > 3 ? ", …" : "")); "
                        + "results replace the whole folder, so give a new or empty one"
                )
            }
        }
        let parent = dir.deletingLastPathComponent()
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw OutputFolderError(
                description: "cannot create the folder \(parent.path) for \(option) \(path): \(reason(error))")
        }
        guard access(parent.path, W_OK | X_OK) == 0 else {
            throw OutputFolderError(
                description:
                    "\(option) \(path): the folder \(parent.path) is not writable (\(String(cString: strerror(errno))))"
            )
        }
        return dir
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let u = e.underlying as? POSIXError {
            return String(cString: strerror(u.code.rawValue))
        }
        if let e = error as? POSIXError { return String(cString: strerror(e.code.rawValue)) }
        return error.localizedDescription
    }

    /// Removes staging and old folders of `dir` left by processes that no longer run.
    static func cleanStale(_ dir: URL) {
        let fm = FileManager.default
        let parent = dir.deletingLastPathComponent()
        let name = dir.lastPathComponent
        for e in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? [] {
            for tag in [".staging-", ".old-"] where e.hasPrefix(".\(name)\(tag)") {
                guard let pid = Int32(e.dropFirst(name.count + 1 + tag.count)) else { continue }
                if pid == getpid() || kill(pid, 0) != 0 && errno == ESRCH {
                    try? fm.removeItem(at: parent.appendingPathComponent(e))
                }
            }
        }
    }

    /// Writes `files` as the whole content of `dir`, replacing what was there.
    public static func write(_ files: [(name: String, data: Data)], to target: URL) throws {
        let fm = FileManager.default
        let dir = try check(target.path, option: "the output folder")
        var seen = Set<String>()
        for f in files {
            guard !f.name.isEmpty, !f.name.contains("/"), f.name != ".", f.name != ".." else {
                throw OutputFolderError(description: "'\(f.name)' is not a file name")
            }
            guard seen.insert(f.name).inserted else {
                throw OutputFolderError(description: "two results would both be written as \(f.name)")
            }
        }
        cleanStale(dir)
        let parent = dir.deletingLastPathComponent()
        let pid = getpid()
        let staging = parent.appendingPathComponent(".\(dir.lastPathComponent).staging-\(pid)")
        let old = parent.appendingPathComponent(".\(dir.lastPathComponent).old-\(pid)")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            for f in files { try f.data.write(to: staging.appendingPathComponent(f.name)) }
        } catch {
            try? fm.removeItem(at: staging)
            throw OutputFolderError(description: "cannot write results to \(dir.path): \(reason(error))")
        }
        var exists: ObjCBool = false
        let hadOld = fm.fileExists(atPath: dir.path, isDirectory: &exists)
        if hadOld, rename(dir.path, old.path) != 0 {
            let why = String(cString: strerror(errno))
            try? fm.removeItem(at: staging)
            throw OutputFolderError(description: "cannot replace \(dir.path): \(why)")
        }
        if rename(staging.path, dir.path) != 0 {
            let why = String(cString: strerror(errno))
            if hadOld { _ = rename(old.path, dir.path) }
            try? fm.removeItem(at: staging)
            throw OutputFolderError(description: "cannot move the results into \(dir.path): \(why)")
        }
        if hadOld { try? fm.removeItem(at: old) }
    }
}
