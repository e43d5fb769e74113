import HallDomain
import HallScenarioYAML
import XCTest

let calendarPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("calendars/china.yaml").path

/// The valid hall over a month, with a back office for tax.
let monthHall =
    validHall + """

        calendar:
          file: \(calendarPath)
          start: "2025-09-29"
          end: "2025-10-31"
          overrides:
            - {weekday: sat, hours: [{open: "09:00", close: "12:00"}], demand: 0.4}
        back_office:
          departments:
            - {department: tax, reviewers: 2, review_min: 30}
        notice_return: {probability: 0.8, after_working_days: {min: 1, max: 3}}
        """

final class BackOfficeErrorTests: XCTestCase {
    func line(_ yaml: String, _ text: String) -> Int {
        yaml.components(separatedBy: "\n").firstIndex { $0.contains(text) }! + 1
    }

    func testMonthHallLoadsWithItsCalendar() throws {
        let s = try ScenarioLoader.parse(yaml: monthHall, file: "hall.yaml")
        let p = try XCTUnwrap(s.period)
        XCTAssertEqual(p.calendar.name, "china")
        // October 2025: 1–8 off, Saturday 11 a make-up working day (full hours); other Saturdays open
        // in the morning; holiday Saturday 4 October stays closed.
        let open = try p.dates.compactMap { try p.hallDay($0, regular: s.day.periods) }
        XCTAssertFalse(open.contains { $0.date == CivilDate(2025, 10, 4) })
        XCTAssertEqual(open.first { $0.date == CivilDate(2025, 10, 11) }?.periods, s.day.periods)
        XCTAssertEqual(open.first { $0.date == CivilDate(2025, 10, 18) }?.periods.map(\.start.minutes), [540])
        XCTAssertEqual(open.first { $0.date == CivilDate(2025, 10, 18) }?.demand, 0.4)
        XCTAssertEqual(open.count, 2 + 3 + 5 + 6 + 6 - 1 + 1)  // weekdays and Saturdays, 11 Oct full
    }

    func testDaysInsteadOfEnd() throws {
        let s = try ScenarioLoader.parse(
            yaml: monthHall.replacingOccurrences(of: "end: \"2025-10-31\"", with: "days: 3")
                .replacingOccurrences(
                    of: "    - {weekday: sat, hours: [{open: \"09:00\", close: \"12:00\"}], demand: 0.4}\n",
                    with: "    - {date: \"2025-10-20\", closed: true}\n"),
            file: "hall.yaml")
        XCTAssertEqual(s.period?.end, CivilDate(2025, 10, 9), "29 and 30 September, then 9 October after the holiday")
    }

    func testUnknownDepartmentInAJointCase() {
        let yaml = monthHall.replacingOccurrences(
            of: "    committed_limit_days: 5\n", with: "    committed_limit_days: 5\n    joint: [tx]\n")
        assertScenarioError(
            yaml, line: line(yaml, "joint: [tx]"), path: "items[1].joint[0]",
            contains: "unknown department 'tx' (did you mean 'tax'?)")
    }

    func testCommittedLimitLongerThanLegal() {
        let yaml = monthHall.replacingOccurrences(of: "committed_limit_days: 5", with: "committed_limit_days: 25")
        assertScenarioError(
            yaml, line: line(yaml, "committed_limit_days: 25"), path: "items[1].committed_limit_days",
            contains: "no longer than the legal limit (20 working days), got 25")
    }

    func testDatesOutsideTheCalendar() {
        let yaml = monthHall.replacingOccurrences(of: "end: \"2025-10-31\"", with: "end: \"2027-01-15\"")
        assertScenarioError(
            yaml, line: line(yaml, "end: \"2027-01-15\""), path: "calendar.end",
            contains: "inside the calendar's data (2024–2026), got 2027-01-15")
        // The last day's deadlines must be countable too.
        let late = monthHall.replacingOccurrences(of: "start: \"2025-09-29\"", with: "start: \"2026-12-01\"")
            .replacingOccurrences(of: "end: \"2025-10-31\"", with: "end: \"2026-12-28\"")
        assertScenarioError(
            late, line: line(late, "end: \"2026-12-28\""), path: "calendar.end",
            contains: "go past its data (2024–2026)")
        let bad = monthHall.replacingOccurrences(of: "start: \"2025-09-29\"", with: "start: \"2025-02-30\"")
        assertScenarioError(
            bad, line: line(bad, "2025-02-30"), path: "calendar.start", contains: "expected a date \"YYYY-MM-DD\"")
    }

    func testCalendarFileThatCannotBeRead() {
        let yaml = monthHall.replacingOccurrences(of: calendarPath, with: "/nowhere/china.yaml")
        assertScenarioError(
            yaml, line: line(yaml, "/nowhere/china.yaml"), path: "calendar.file",
            contains: "a readable working-day calendar")
    }

    func testBackOfficeProblems() {
        // A committed item whose department has no back office.
        let noOffice = monthHall.replacingOccurrences(
            of: "    - {department: tax, reviewers: 2, review_min: 30}",
            with: "    - {department: ps, reviewers: 2, review_min: 30}")
        assertScenarioError(
            noOffice, line: line(noOffice, "  - id: register") + 1, path: "items[1].department",
            contains: "a back office for 'tax'")
        // Approval steps without approvers.
        let noApprovers = monthHall.replacingOccurrences(
            of: "    committed_limit_days: 5\n",
            with: "    committed_limit_days: 5\n    review_depth: review_approval\n")
        assertScenarioError(
            noApprovers, line: line(noApprovers, "review_depth: review_approval"), path: "items[1].review_depth",
            contains: "approvers in the back office of 'tax'")
        // An unknown discipline, with the choices.
        let edf = monthHall.replacingOccurrences(of: "review_min: 30}", with: "review_min: 30, discipline: earliest}")
        assertScenarioError(
            edf, line: line(edf, "discipline: earliest"), path: "back_office.departments[0].discipline",
            contains: "expected one of fifo, edf")
        // A back office without a calendar.
        let oneDay =
            validHall + "\nback_office:\n  departments:\n    - {department: tax, reviewers: 1, review_min: 30}\n"
        assertScenarioError(
            oneDay, line: line(oneDay, "back_office:") + 1, path: "back_office", contains: "add a calendar section")
        // Special procedure missing for depth special.
        let special = monthHall.replacingOccurrences(
            of: "    committed_limit_days: 5\n", with: "    committed_limit_days: 5\n    review_depth: special\n")
        assertScenarioError(
            special, line: line(special, "  - id: register"), path: "items[1].special", contains: "needs its procedure")
        // Returns at least one working day later.
        let soon = monthHall.replacingOccurrences(
            of: "after_working_days: {min: 1, max: 3}", with: "after_working_days: {min: 0, max: 3}")
        assertScenarioError(
            soon, line: line(soon, "notice_return:"), path: "notice_return.after_working_days.min",
            contains: "at least 1 working day")
    }
}
