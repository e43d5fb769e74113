import Crypto
import Foundation
import HTTPTypes
import HallOps
import Hummingbird
import HummingbirdAuth

/// Who is calling: a signed-in user (session cookie) or a device (kiosk, display, rating pad) by its token.
public struct Principal: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case user, device }
    public var kind: Kind
    public var id: Int64
    public var name: String
    public var role: Role
    /// The scenario's staff id of a clerk or back-office user.
    public var staffID: String?
    /// kiosk, display or rating (devices only).
    public var deviceKind: String?

    /// The store's actor for the audit trail.
    public var actor: OpsActor {
        OpsActor(userID: kind == .user ? id : nil, name: kind == .device ? "device:\(name)" : name, role: role)
    }
}

/// What the session cookie carries: the user's id only; the user is read from the store on every request,
/// so a deactivated user or a changed role takes effect at once.
public struct OpsSession: Codable, Sendable, Hashable {
    public var userID: Int64
}

/// The request context: the authenticated principal and the session.
public struct OpsRequestContext: AuthRequestContext, SessionRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Principal?
    public let sessions: SessionContext<OpsSession>

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.sessions = .init()
    }

    /// Request bodies are small JSON documents; anything larger is refused with 413.
    public var maxUploadSize: Int { OpsServer.maxBodyBytes }
}

/// A device token is stored as its SHA-256 (hex): a leaked database does not leak usable tokens, and a
/// token can still be looked up (a bcrypt hash could not be).
public func deviceTokenHash(_ token: String) -> String {
    SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
}

/// A new random device token (32 bytes, URL-safe base64).
public func newDeviceToken() -> String {
    var g = SystemRandomNumberGenerator()
    let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
    return Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// Sessions in the operations database (a key–value table with expiry), so they survive a restart.
public struct StorePersistDriver: PersistDriver {
    let store: OpsStore
    public init(store: OpsStore) { self.store = store }

    private func now() -> Double { Date().timeIntervalSince1970 }
    private func expiry(_ d: Duration?) -> Double? {
        d.map { now() + Double($0.components.seconds) + Double($0.components.attoseconds) * 1e-18 }
    }

    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        do {
            try store.persistCreate(
                key: key, value: try JSONEncoder().encode(value), expires: expiry(expires), now: now())
        } catch let e as OpsError where e.kind == .conflict {
            throw PersistError.duplicate
        }
    }

    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        try store.persistSet(key: key, value: try JSONEncoder().encode(value), expires: expiry(expires))
    }

    public func get<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> Object? {
        guard let data = try store.persistGet(key: key, now: now()) else { return nil }
        do { return try JSONDecoder().decode(Object.self, from: data) } catch { throw PersistError.invalidConversion }
    }

    public func remove(key: String) async throws { try store.persistRemove(key: key) }
}

/// Authenticates a device by `Authorization: Bearer <token>` or, for pages whose EventSource cannot set
/// headers, a `token` query parameter.
struct DeviceAuthenticator: AuthenticatorMiddleware {
    typealias Context = OpsRequestContext
    let store: OpsStore

    func authenticate(request: Request, context: OpsRequestContext) async throws -> Principal? {
        if context.identity != nil { return context.identity }
        var token: String?
        if let h = request.headers[.authorization], h.lowercased().hasPrefix("bearer ") {
            token = String(h.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if let q = request.uri.queryParameters["token"] {
            token = String(q)
        }
        guard let token, !token.isEmpty, token.count <= 200 else { return nil }
        guard let d = try store.device(tokenHash: deviceTokenHash(token)), d.active else { return nil }
        return Principal(kind: .device, id: d.id, name: d.name, role: .device, staffID: nil, deviceKind: d.kind)
    }
}

/// Authenticates the user of the session cookie (active users only).
func sessionAuthenticator(store: OpsStore) -> SessionAuthenticator<
    OpsRequestContext, UserSessionClosureRepository<OpsSession, Principal>
> {
    SessionAuthenticator(context: OpsRequestContext.self) { (session: OpsSession, _) in
        guard let u = try store.user(id: session.userID), u.active else { return nil }
        return Principal(kind: .user, id: u.id, name: u.name, role: u.role, staffID: u.staffID, deviceKind: nil)
    }
}

/// Role checks with hummingbird-auth's policy middleware: 401 without an identity, 403 with another role.
func allow(_ roles: Set<Role>) -> AuthorizationPolicyMiddleware<
    ClosureAuthorizationPolicy<Principal>, OpsRequestContext, APIError
> {
    let names = roles.map(\.rawValue).sorted().joined(separator: ", ")
    return AuthorizationPolicyMiddleware(
        ClosureAuthorizationPolicy { (p: Principal, _) in roles.contains(p.role) },
        deniedError: APIError(.forbidden, "this needs one of the roles: \(names)"),
        context: OpsRequestContext.self)
}
