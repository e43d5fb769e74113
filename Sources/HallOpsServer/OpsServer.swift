import Foundation
import HallDomain
import HallOps
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import Logging
import ServiceLifecycle

/// The operations server: the JSON API under `/api`, sessions and roles, live events, and the hall's
/// static pages (when a folder of them is given). Build it with `OpsServer.application`, run it in a
/// service group after which the event hub (so live streams end before the HTTP server stops).
public enum OpsServer {
    /// Largest request body accepted (JSON documents are small).
    public static let maxBodyBytes = 64 * 1024
    /// bcrypt cost of stored passwords.
    public static let bcryptCost: UInt8 = 10

    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Folder of static pages served at `/` (nil: API only).
        public var publicDirectory: String?
        /// The store's clock is a `ManualClock` that an admin may set through `PUT /api/clock` (tests,
        /// demonstrations); nil in production.
        public var manualClock: ManualClock?
        public var sessionLifetime: Duration
        /// Where spoken announcements are cached (WAV files made by espeak-ng).
        public var audioCache: String

        public init(
            host: String = "127.0.0.1", port: Int = 8080, publicDirectory: String? = nil,
            manualClock: ManualClock? = nil, sessionLifetime: Duration = .seconds(12 * 3600),
            audioCache: String = NSTemporaryDirectory() + "hallops-audio"
        ) {
            self.audioCache = audioCache
            self.host = host
            self.port = port
            self.publicDirectory = publicDirectory
            self.manualClock = manualClock
            self.sessionLifetime = sessionLifetime
        }
    }

    /// The hub's first event id: the audit rows so far (every earlier event came with one).
    public static func eventHub(for store: OpsStore) throws -> EventHub {
        EventHub(startID: try store.audit(limit: 1).first?.id ?? 0)
    }

    public static func application(
        store: OpsStore, hub: EventHub, options: Options, logger: Logger = Logger(label: "hallops"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: OpsRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(
            middleware: SessionMiddleware(
                storage: StorePersistDriver(store: store),
                configuration: .init(
                    sessionCookieParameters: .init(name: "HALLOPS_SESSION", path: "/", sameSite: .strict),
                    defaultSessionExpiration: options.sessionLifetime)))
        router.add(middleware: sessionAuthenticator(store: store))
        router.add(middleware: DeviceAuthenticator(store: store))
        let announcer = Announcer(cacheDirectory: options.audioCache)
        let api = API(
            store: store, hub: hub, manualClock: options.manualClock, sessionLifetime: options.sessionLifetime,
            announcer: announcer, forecasts: ForecastCache(store: store))
        api.register(router.group("api"))
        if let dir = options.publicDirectory {
            Pages(directory: dir).register(router)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "hallops"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? options.port) },
            logger: logger)
    }

    /// Creates the first admin account when the database has no users; returns the password when one was
    /// generated (print it once).
    public static func ensureAdmin(store: OpsStore, name: String = "admin", password: String?) throws -> String? {
        guard try store.users().isEmpty else { return nil }
        let generated = password == nil ? newDeviceToken().prefix(16).description : nil
        let pw = password ?? generated!
        _ = try store.createUser(
            name: name, role: .admin, passwordHash: Bcrypt.hash(pw, cost: bcryptCost), staffID: nil,
            actor: .system)
        return generated
    }

    /// Runs the server until SIGTERM or SIGINT; open live streams are ended first, then the HTTP server
    /// stops accepting and finishes the requests in flight.
    public static func run(
        store: OpsStore, options: Options, logger: Logger = Logger(label: "hallops"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let hub = try eventHub(for: store)
        let app = application(
            store: store, hub: hub, options: options, logger: logger, onServerRunning: onServerRunning)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app), .init(service: hub)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
