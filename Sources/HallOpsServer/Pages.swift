import Foundation
import HTTPTypes
import HallDomain
import HallOps
import HallRunner
import Hummingbird
import NIOCore

/// The hall's screens: static pages from a folder (`web/`), Chart.js from Debian's libjs-chart.js, and the
/// spoken announcement made on the server with Debian's espeak-ng (headless browsers have no voices).
struct Pages: Sendable {
    let directory: String

    func register(_ router: Router<OpsRequestContext>) {
        for page in ["kiosk", "console", "display", "manager", "cases"] {
            router.get(RouterPath(stringLiteral: page)) { _, _ in try file("\(page).html") }
        }
        router.get("rate/{window}") { _, _ in try file("rate.html") }
        router.get("/") { _, _ in try file("index.html") }
        router.get("favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("assets/{name}") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard name.range(of: #"^[A-Za-z0-9_.-]+$"#, options: .regularExpression) != nil, !name.hasPrefix(".")
            else { throw APIError(.notFound, "no such asset") }
            return try file("assets/" + name)
        }
        router.get("vendor/chart.js") { _, _ in
            guard let path = ChartJS.path else {
                throw APIError(
                    .notFound, "Chart.js is missing: install Debian's libjs-chart.js (scripts/setup.sh does)")
            }
            return try Self.respond(path: path, type: "text/javascript; charset=utf-8")
        }
    }

    func file(_ name: String) throws -> Response {
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { throw APIError(.notFound, "no page \(name)") }
        let type =
            switch (name as NSString).pathExtension {
            case "html": "text/html; charset=utf-8"
            case "js": "text/javascript; charset=utf-8"
            case "css": "text/css; charset=utf-8"
            case "png": "image/png"
            case "wav": "audio/wav"
            default: "application/octet-stream"
            }
        return try Self.respond(path: path, type: type)
    }

    static func respond(path: String, type: String) throws -> Response {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Makes "请 A001 号到 ps-1 号窗口办理" as a WAV file with espeak-ng (Mandarin), cached by its text.
public final class Announcer: Sendable {
    let cache: String
    let executable: String?

    public init(cacheDirectory: String) {
        cache = cacheDirectory
        executable = ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].first(
            where: FileManager.default.isExecutableFile(atPath:))
    }

    public static func text(display: String, window: String, english: Bool) -> String {
        english
            ? "Number \(display.map(String.init).joined(separator: " ")), please go to window \(window)"
            : "请 \(display) 号到 \(window) 号窗口办理"
    }

    /// The WAV bytes of a sentence (made once, then read from the cache).
    func wav(_ text: String, english: Bool) throws -> Data {
        guard let executable else {
            throw APIError(.serviceUnavailable, "spoken announcements need Debian's espeak-ng (scripts/setup.sh)")
        }
        let key = text.utf8.reduce(into: UInt64(14_695_981_039_346_656_037)) { h, b in
            h = (h ^ UInt64(b)) &* 1_099_511_628_211
        }
        let path = "\(cache)/\(String(key, radix: 16))-\(english ? "en" : "zh").wav"
        if let d = FileManager.default.contents(atPath: path) { return d }
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let tmp = path + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["-v", english ? "en" : "cmn", "-s", "150", "-w", tmp, text]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let data = FileManager.default.contents(atPath: tmp), data.count > 44 else {
            try? FileManager.default.removeItem(atPath: tmp)
            throw APIError(.internalServerError, "espeak-ng could not speak the announcement")
        }
        _ = rename(tmp, path)  // atomic: a concurrent request reads a whole file or makes its own
        return data
    }
}

extension API {
    /// GET /api/announcements/{id}.wav?lang=en: the call of a ticket, spoken.
    @Sendable func announcement(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let raw = context.parameters.get("file") ?? ""
        guard raw.hasSuffix(".wav"), let n = Int64(raw.dropLast(4)), n > 0 else {
            throw APIError(.badRequest, "expected /api/announcements/<ticket id>.wav", field: "id")
        }
        let t = try store.ticket(n)
        guard let window = t.window else {
            throw APIError(.conflict, "ticket \(t.display) has not been called to a window")
        }
        let english = request.uri.queryParameters["lang"] == "en"
        let data = try announcer.wav(
            Announcer.text(display: t.display, window: window, english: english), english: english)
        return Response(
            status: .ok, headers: [.contentType: "audio/wav", .cacheControl: "max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
