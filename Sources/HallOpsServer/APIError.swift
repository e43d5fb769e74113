import Foundation
import HTTPTypes
import HallOps
import Hummingbird
import HummingbirdAuth
import NIOCore

/// Every error the API answers with: a status, the kind, the field (for 400) and a sentence.
/// Body: `{"error": {"status": 409, "kind": "illegal_transition", "field": null, "message": "…"}}`.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var kind: String
    public var field: String?
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String, kind: String? = nil, field: String? = nil) {
        self.status = status
        self.message = message
        self.field = field
        self.kind = kind ?? Self.kindName(status)
    }

    static func kindName(_ s: HTTPResponse.Status) -> String {
        switch s.code {
        case 400: "invalid"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 409: "conflict"
        case 413: "too_large"
        default: s.code >= 500 ? "internal" : "error"
        }
    }

    public init(_ e: OpsError) {
        let status: HTTPResponse.Status =
            switch e.kind {
            case .notFound: .notFound
            case .illegalTransition, .conflict: .conflict
            case .invalid: .badRequest
            case .forbidden: .forbidden
            }
        self.init(status, e.message, kind: e.kind.rawValue, field: e.field)
    }

    struct Body: Encodable {
        struct Inner: Encodable {
            var status: Int
            var kind: String
            var field: String?
            var message: String
        }
        var error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(status: status.code, kind: kind, field: field, message: message))
        let data = try JSONEncoder().encode(body)
        var r = Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        if status == .unauthorized { r.headers[.wwwAuthenticate] = "Bearer" }
        return r
    }
}

/// Turns the store's errors, decoding errors and Hummingbird's own errors into `APIError`s, so that every
/// error has the same JSON shape; anything unexpected is a 500 whose detail goes to the log only.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = OpsRequestContext

    func handle(
        _ request: Request, context: OpsRequestContext, next: (Request, OpsRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            throw e
        } catch let e as OpsError {
            throw APIError(e)
        } catch let e as HTTPError {
            switch e.status {
            case .unauthorized: throw APIError(.unauthorized, "sign in first (or give a device token)")
            case .forbidden: throw APIError(.forbidden, e.body ?? "your role may not do this")
            case .contentTooLarge:
                throw APIError(.contentTooLarge, "the request body is larger than \(OpsServer.maxBodyBytes) bytes")
            case .notFound: throw APIError(.notFound, e.body ?? "no such route: \(request.method) \(request.uri.path)")
            default: throw APIError(e.status, e.body ?? e.status.reasonPhrase)
            }
        } catch {
            context.logger.error("internal error on \(request.method) \(request.uri.path): \(error)")
            throw APIError(.internalServerError, "internal error; the request was not applied")
        }
    }
}

extension Request {
    /// Decodes a JSON body (at most `OpsServer.maxBodyBytes`), naming the field and what was expected on
    /// failure.
    func json<T: Decodable>(_ type: T.Type, context: OpsRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await self.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the request body is larger than \(context.maxUploadSize) bytes")
        }
        let data = Data(buffer: buffer)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let e as DecodingError {
            throw APIError(decoding: e)
        }
    }
}

extension APIError {
    init(decoding e: DecodingError) {
        func path(_ p: [any CodingKey], _ last: (any CodingKey)? = nil) -> String? {
            let keys = (p + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            let s = keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            return s.isEmpty ? nil : s
        }
        switch e {
        case .keyNotFound(let k, let c):
            self.init(
                .badRequest, "missing field '\(path(c.codingPath, k) ?? k.stringValue)'", field: path(c.codingPath, k))
        case .typeMismatch(let t, let c):
            self.init(
                .badRequest, "field '\(path(c.codingPath) ?? "(body)")': expected \(Self.describe(t))",
                field: path(c.codingPath))
        case .valueNotFound(let t, let c):
            self.init(
                .badRequest, "field '\(path(c.codingPath) ?? "(body)")': expected \(Self.describe(t)), got null",
                field: path(c.codingPath))
        case .dataCorrupted(let c):
            if c.codingPath.isEmpty {
                self.init(.badRequest, "the body is not valid JSON (expected a JSON object)")
            } else {
                self.init(
                    .badRequest, "field '\(path(c.codingPath)!)': \(c.debugDescription)", field: path(c.codingPath))
            }
        @unknown default:
            self.init(.badRequest, "the body does not match what was expected")
        }
    }

    static func describe(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(t)".contains("Dictionary") ? "an object" : (("\(t)".contains("Array")) ? "a list" : "a \(t)")
        }
    }
}
