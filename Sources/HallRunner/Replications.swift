import Foundation

/// The one parallel replication runner: runs, runs over dates, the planner's interval tally and its
/// back-office runs all go through it. Each replication has its own random streams, so every result
/// depends only on its replication number; results come back in list order, so the outcome is the same
/// whatever the number of threads.
public enum Replications {
    /// `body(r)` for every replication r of `list`, on up to `threads` threads (default: all cores),
    /// results in list order.
    public static func map<T>(_ list: [Int], threads: Int? = nil, _ body: (Int) -> T) -> [T] {
        let n = list.count
        guard n > 0 else { return [] }
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, n))
        if workers == 1 { return list.map(body) }
        let work = Work<T>(count: n)
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedBody(body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = work.take() { work.set(i, shared.body(list[i])) }
            }
        }
        return work.values()
    }
}

/// The next replication to run and the results so far, shared by the worker threads under a lock.
private final class Work<T>: @unchecked Sendable {
    private var items: [T?]
    private var next = 0
    private let lock = NSLock()

    init(count: Int) { items = Array(repeating: nil, count: count) }

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < items.count else { return nil }
        next += 1
        return next - 1
    }

    func set(_ i: Int, _ v: T) {
        lock.lock()
        items[i] = v
        lock.unlock()
    }

    func values() -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return items.map { $0! }
    }
}

/// The body runs on several threads at once; each call touches only its own replication's state (the
/// compiled hall and scenario it reads are immutable).
private struct UncheckedBody<T>: @unchecked Sendable {
    let body: (Int) -> T
    init(_ body: @escaping (Int) -> T) { self.body = body }
}
