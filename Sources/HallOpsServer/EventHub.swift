import Foundation
import ServiceLifecycle

/// Live events for screens (calling display, consoles, dashboard) over server-sent events.
///
/// Every change the API makes is published with an id that only grows, also across restarts (the first id
/// of a run is the store's audit-row count, which every earlier event's write added to). A client that
/// reconnects with `Last-Event-ID` gets every event it missed from the ring of recent events; when its id is
/// older than the ring (or from before a restart) it gets a `snapshot` event telling it to re-read the state.
public actor EventHub: Service {
    public struct Event: Sendable, Hashable {
        public var id: Int64
        public var name: String
        /// JSON text.
        public var data: String

        /// The event as the SSE wire format.
        var wire: String { "id: \(id)\nevent: \(name)\ndata: \(data)\n\n" }
    }

    private var lastID: Int64
    private let firstID: Int64
    private var ring: [Event] = []
    private let ringSize: Int
    private var subscribers: [Int: AsyncStream<String>.Continuation] = [:]
    private var nextSubscriber = 0
    private var closed = false

    public init(startID: Int64, ringSize: Int = 4096) {
        self.lastID = startID
        self.firstID = startID
        self.ringSize = ringSize
    }

    /// Publishes an event to every open stream.
    @discardableResult
    public func publish(_ name: String, _ data: some Encodable & Sendable) -> Int64 {
        let json = (try? JSONEncoder().encode(data)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        lastID += 1
        let e = Event(id: lastID, name: name, data: json)
        ring.append(e)
        if ring.count > ringSize { ring.removeFirst(ring.count - ringSize) }
        for c in subscribers.values { c.yield(e.wire) }
        return e.id
    }

    /// Opens a stream: what the client missed after `lastEventID` first (or a snapshot event when that
    /// cannot be told), then live events. Nil once the server is shutting down.
    public func subscribe(after lastEventID: Int64?) -> (token: Int, stream: AsyncStream<String>)? {
        guard !closed else { return nil }
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        continuation.yield("retry: 2000\n\n")
        if let last = lastEventID {
            let oldest = ring.first?.id ?? (lastID + 1)
            if last < lastID && (last < firstID || last + 1 < oldest) || last > lastID {
                continuation.yield(
                    "id: \(lastID)\nevent: snapshot\ndata: {\"reason\":\"missed events; re-read the state\"}\n\n")
            } else {
                for e in ring where e.id > last { continuation.yield(e.wire) }
            }
        }
        let token = nextSubscriber
        nextSubscriber += 1
        subscribers[token] = continuation
        return (token, stream)
    }

    public func unsubscribe(_ token: Int) {
        subscribers.removeValue(forKey: token)?.finish()
    }

    public var openStreams: Int { subscribers.count }

    /// Ends every stream (the server is stopping): open SSE responses finish, so the HTTP server can stop.
    public func close() {
        closed = true
        for c in subscribers.values { c.finish() }
        subscribers.removeAll()
    }

    private func ping() {
        for c in subscribers.values { c.yield(": ping\n\n") }
    }

    /// As a service: pings every 15 s (so dead connections are noticed), and closes every stream on
    /// graceful shutdown, before the HTTP server stops (it is listed after the server in the service group).
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(15))
                await self.ping()
            }
        }
        close()
    }
}
