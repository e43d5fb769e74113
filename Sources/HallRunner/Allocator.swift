import CMalloc

/// Process-wide allocator settings for the command-line tools, which run many replications.
public enum Allocator {
    /// Keeps freed memory in the process rather than handing it back to the system at once. Each
    /// replication builds and frees arrays of hundreds of kilobytes (a month's case records, a day's
    /// records): glibc maps blocks above 128 kB afresh and trims its heaps when they are freed, so every
    /// replication paid page faults on fresh pages (1.2–1.4 s of system time in an 11 s county-week
    /// plan, 0.1 s with these settings). With a 32 MB mapping threshold and a 1 GB trim threshold the
    /// replications reuse the same pages. Not for a long-running server (the process keeps what it
    /// once used); nothing happens outside glibc. Returns whether the settings took.
    @discardableResult public static func keepFreedMemory() -> Bool {
        hallsim_keep_freed_memory(32 << 20, 1 << 30) == 1
    }
}
