import Foundation

/// Chart.js from Debian's libjs-chart.js (scripts/setup.sh installs it): inlined into report.html, and
/// served to the hall's screens by the operations server.
public enum ChartJS {
    /// Where Debian's package puts the browser build, newest layout first.
    public static let paths = [
        "/usr/share/javascript/chart.js/chart.umd.js", "/usr/share/javascript/chart.js/chart.min.js",
        "/usr/share/javascript/chart.js/Chart.min.js",
    ]

    /// The first of `paths` that exists; nil when the package is not installed.
    public static var path: String? { paths.first(where: FileManager.default.fileExists(atPath:)) }

    /// The library's text, nil when it is not installed.
    public static func source() -> String? {
        path.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
    }
}
