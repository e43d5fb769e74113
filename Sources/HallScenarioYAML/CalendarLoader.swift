import Foundation
import HallDomain
import Yams

/// Reads a working-day calendar file (calendars/china.yaml), with positioned errors.
public enum CalendarLoader {
    public static func load(path: String) throws -> WorkingCalendar {
        let text = try SourceText.read(path: path, what: "calendar")
        return try parse(yaml: text, file: path)
    }

    public static func parse(yaml: String, file: String) throws -> WorkingCalendar {
        try NodeReader.decodeFile(yaml: yaml, file: file, expected: "name and years", decode)
    }

    static func decode(_ root: Node, _ r: NodeReader) -> WorkingCalendar? {
        guard let f = r.mapping(root, "", allowed: ["name", "years"]) else { return nil }
        let name = f.required("name", "the calendar's name", r.string)
        guard let yn = f.required("years", "a mapping of years to their holidays and make-up days") else { return nil }
        var holidays = Set<CivilDate>()
        var makeUp = Set<CivilDate>()
        var years: [Int] = []
        func date(_ n: Node, _ p: String, year: Int) -> CivilDate? {
            guard let s = r.string(n, p) else { return nil }
            guard let d = CivilDate(parsing: s) else {
                r.fail(p, "expected a date \"YYYY-MM-DD\", got '\(s)'", at: n.mark)
                return nil
            }
            if d.year != year {
                r.fail(p, "a date in \(year), got \(d)", at: n.mark)
                return nil
            }
            return d
        }
        for (key, node, path) in r.entries(yn, f.path("years")) {
            guard let year = Int(key), (1949...2200).contains(year) else {
                r.fail(path, "a year such as 2025, got '\(key)'")
                continue
            }
            if years.contains(year) { r.fail(path, "each year once") }
            years.append(year)
            guard let y = r.mapping(node, path, allowed: ["source", "holidays", "make_up_days"]) else { continue }
            _ = y.required("source", "the State Council notice the year's dates come from", r.string)
            if let hn = y.required("holidays", "the holiday periods of the notice") {
                for (h, hp) in r.sequence(hn, y.path("holidays")) {
                    guard let hf = r.mapping(h, hp, allowed: ["name", "from", "to"]) else { continue }
                    _ = hf.required("name", "the holiday's name", r.string)
                    guard let a = hf.required("from", "the first day off", { date($0, $1, year: year) }),
                        let b = hf.required("to", "the last day off", { date($0, $1, year: year) })
                    else { continue }
                    guard a <= b else {
                        r.fail(hf.path("to"), "a last day on or after \(a), got \(b)")
                        continue
                    }
                    for o in a.ordinal...b.ordinal { holidays.insert(CivilDate(ordinal: o)) }
                }
            }
            if let mn = y.optional("make_up_days", { n, p in Optional((n, p)) }) {
                for (m, mp) in r.sequence(mn.0, mn.1) {
                    guard let d = date(m, mp, year: year) else { continue }
                    if holidays.contains(d) { r.fail(mp, "a day that is not also a holiday: \(d) is both") }
                    if d.weekday <= 5 { r.fail(mp, "a make-up working day on a weekend: \(d) is a weekday already") }
                    makeUp.insert(d)
                }
            }
        }
        guard let name, let lo = years.min(), let hi = years.max() else { return nil }
        if years.count != hi - lo + 1 {
            r.fail(
                f.path("years"),
                "consecutive years (a gap would be read as having no holidays), got \(years.sorted().map(String.init).joined(separator: ", "))"
            )
        }
        return WorkingCalendar(name: name, years: lo...hi, holidays: holidays, makeUpDays: makeUp)
    }
}
