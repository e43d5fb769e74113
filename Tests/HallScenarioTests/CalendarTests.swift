import HallDomain
import HallScenarioYAML
import XCTest

final class CalendarTests: XCTestCase {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var china: WorkingCalendar {
        get throws { try CalendarLoader.load(path: repo.appendingPathComponent("calendars/china.yaml").path) }
    }

    func d(_ s: String) -> CivilDate { CivilDate(parsing: s)! }

    func testCivilDates() {
        XCTAssertEqual(d("1970-01-01").ordinal, 0)
        XCTAssertEqual(d("2025-01-01").weekday, 3)  // Wednesday
        XCTAssertEqual(d("2026-02-14").weekday, 6)  // Saturday
        XCTAssertEqual(d("2024-02-28").adding(days: 2), d("2024-03-01"))  // leap year
        for o in stride(from: -1000, through: 30000, by: 37) { XCTAssertEqual(CivilDate(ordinal: o).ordinal, o) }
        XCTAssertNil(CivilDate(parsing: "2025-02-29"))
        XCTAssertNil(CivilDate(parsing: "2025-1-05"))
    }

    /// Deadlines and working-day counts are table lookups; they must agree with counting day by day.
    func testLookupsAgreeWithCountingDayByDay() throws {
        let c = try china
        func counted(_ a: CivilDate, _ n: Int) throws -> CivilDate {
            var d = a
            var k = 0
            while k < n {
                d = d.adding(days: 1)
                if try c.isWorkingDay(d) { k += 1 }
            }
            return d
        }
        for o in stride(from: d("2024-01-01").ordinal, through: d("2026-10-31").ordinal, by: 3) {
            let a = CivilDate(ordinal: o)
            for n in [0, 1, 2, 5, 7, 20] {
                let due = try c.deadline(acceptance: a, workingDays: n)
                XCTAssertEqual(due, try counted(a, n), "\(a) + \(n)")
                XCTAssertEqual(try c.workingDays(after: a, through: due), n, "\(a) → \(due)")
            }
        }
        XCTAssertThrowsError(try c.deadline(acceptance: d("2026-12-30"), workingDays: 5))
    }

    func testKnownHolidaysAndMakeUpDays() throws {
        let c = try china
        XCTAssertEqual(c.years, 2024...2026)
        // 2025: Spring Festival 28 Jan – 4 Feb, make-up Sunday 26 Jan and Saturday 8 Feb; National Day and
        // Mid-Autumn 1–8 Oct, make-up Sunday 28 Sep and Saturday 11 Oct.
        for off in ["2025-01-28", "2025-02-04", "2025-05-02", "2025-10-08", "2025-10-04"] {
            XCTAssertFalse(try c.isWorkingDay(d(off)), off)
        }
        for on in ["2025-01-26", "2025-02-08", "2025-09-28", "2025-10-11", "2025-10-09"] {
            XCTAssertTrue(try c.isWorkingDay(d(on)), on)
        }
        // 2026: New Year 1–3 Jan with Sunday 4 Jan worked; Spring Festival 15–23 Feb, Saturdays 14 and 28 Feb worked.
        for off in ["2026-01-02", "2026-02-23", "2026-06-19", "2026-09-25", "2026-10-07"] {
            XCTAssertFalse(try c.isWorkingDay(d(off)), off)
        }
        for on in ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"] {
            XCTAssertTrue(try c.isWorkingDay(d(on)), on)
        }
        // An ordinary weekend and weekday.
        XCTAssertFalse(try c.isWorkingDay(d("2025-03-08")))
        XCTAssertTrue(try c.isWorkingDay(d("2025-03-10")))
    }

    func testDeadlines() throws {
        let c = try china
        // Accepted Friday 26 Sep 2025, 5 working days: Sun 28 Sep (make-up) 1, 29 Sep 2, 30 Sep 3, the
        // holiday 1–8 Oct, Thu 9 Oct 4, Fri 10 Oct 5.
        XCTAssertEqual(try c.deadline(acceptance: d("2025-09-26"), workingDays: 5), d("2025-10-10"))
        // The acceptance day does not count; weekends do not either.
        XCTAssertEqual(try c.deadline(acceptance: d("2025-03-07"), workingDays: 1), d("2025-03-10"))
        XCTAssertEqual(try c.deadline(acceptance: d("2025-03-07"), workingDays: 0), d("2025-03-07"))
        // Across the year boundary: 1–3 Jan 2026 off, Sunday 4 Jan worked.
        XCTAssertEqual(try c.deadline(acceptance: d("2025-12-31"), workingDays: 1), d("2026-01-04"))
        // A hearing suspends the clock (行政许可法 art. 45): 5 and 6 March do not count.
        XCTAssertEqual(try c.deadline(acceptance: d("2025-03-03"), workingDays: 5), d("2025-03-10"))
        XCTAssertEqual(
            try c.deadline(
                acceptance: d("2025-03-03"), workingDays: 5, suspensions: [d("2025-03-05")...d("2025-03-06")]),
            d("2025-03-12"))
        // An extension of 10 working days (art. 42).
        XCTAssertEqual(try c.deadline(acceptance: d("2025-03-03"), workingDays: 5, extension: 10), d("2025-03-24"))
        XCTAssertEqual(try c.workingDays(after: d("2025-09-26"), through: d("2025-10-10")), 5)
    }

    func testOutsideTheDataIsAnError() throws {
        let c = try china
        XCTAssertThrowsError(try c.deadline(acceptance: d("2026-12-30"), workingDays: 3)) { e in
            XCTAssert("\(e)".contains("2027-01-01 is outside the calendar's data (2024–2026)"), "\(e)")
        }
    }

    func testBadCalendarFiles() {
        func errors(_ yaml: String) -> String {
            do {
                _ = try CalendarLoader.parse(yaml: yaml, file: "cal.yaml")
                XCTFail("expected errors")
                return ""
            } catch { return "\(error)" }
        }
        let base = """
            name: test
            years:
              2025:
                source: notice
                holidays: [{name: 元旦, from: "2025-01-01", to: "2025-01-01"}]
                make_up_days: ["2025-01-26"]
            """
        XCTAssert(
            errors(base.replacingOccurrences(of: "\"2025-01-26\"", with: "\"2025-01-27\"")).contains(
                "cal.yaml:6:20: years.2025.make_up_days[0]: a make-up working day on a weekend"))
        XCTAssert(
            errors(base.replacingOccurrences(of: "to: \"2025-01-01\"", with: "to: \"2025-13-01\"")).contains(
                "expected a date \"YYYY-MM-DD\", got '2025-13-01'"))
        XCTAssert(
            errors(base.replacingOccurrences(of: "\"2025-01-26\"", with: "\"2024-01-27\"")).contains(
                "a date in 2025, got 2024-01-27"))
        XCTAssert(errors(base + "\n  2027:\n    source: x\n    holidays: []\n").contains("consecutive years"))
        XCTAssert(
            errors(base.replacingOccurrences(of: "    source: notice\n", with: "")).contains("missing field 'source'"))
    }
}
