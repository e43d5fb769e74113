import HallDomain
import HallScenarioYAML
import XCTest

let staffedHall =
    validHall + """

        shifts:
          - {id: day, start: "08:30", end: "17:30", breaks: [{from: "12:00", to: "14:00"}]}
        staff:
          - {id: zhang, skills: {tax: 1.0}, shift: day, post: tax-1, backup: li}
          - {id: li, skills: {tax: 1.0, ps: 1.2}, shift: day, post: tax-2}
          - {id: wang, skills: {ps: 1.0}, shift: day, post: ps}
          - {id: uni, count: 2, skills: {tax: 1.3}, shift: day, posts: [all-1, all-2]}
        tidal:
          - id: tide
            group: extra
            open_when: {queue_length: 10}
            close_when: {below: 3, for_min: 10}
            walk_over_min: 2
            staff_from: {back_office: tax, max: 1}
        """

final class StaffErrorTests: XCTestCase {
    func line(_ text: String) -> Int { base.components(separatedBy: "\n").firstIndex { $0.contains(text) }! + 1 }

    /// The staffed hall with a tidal group `extra` added to the windows.
    var base: String {
        staffedHall.replacingOccurrences(
            of: "  - {id: all, kind: universal, count: 2}",
            with:
                "  - {id: all, kind: universal, count: 2}\n  - {id: extra, kind: department, departments: [tax], count: 1}"
        )
    }

    func testStaffedHallLoads() throws {
        let s = try ScenarioLoader.parse(yaml: base, file: "hall.yaml")
        XCTAssertEqual(s.staff.flatMap(\.memberIDs), ["zhang", "li", "wang", "uni-1", "uni-2"])
        XCTAssertEqual(s.shifts[0].duty.map { "\($0.start)–\($0.end)" }, ["08:30–12:00", "14:00–17:30"])
        XCTAssertEqual(s.tidal[0].source, .backOffice(department: "tax", max: 1))
        XCTAssertEqual(s.catalogue.staff.last, "tide#1")
    }

    func testShiftOutsideOpeningHours() {
        let yaml = base.replacingOccurrences(
            of: "{id: day, start: \"08:30\", end: \"17:30\"", with: "{id: day, start: \"07:30\", end: \"17:30\"")
        let es = scenarioErrors(yaml)
        let e = es.first { $0.path == "shifts[0]" }
        XCTAssertEqual(e?.line, line("{id: day, start"))
        XCTAssert(
            e?.message.contains("a shift inside opening hours (08:30–17:30), got 07:30–17:30") == true, es.description)
    }

    func testSkillNamingAnUnknownDepartment() {
        let yaml = base.replacingOccurrences(
            of: "{id: wang, skills: {ps: 1.0}", with: "{id: wang, skills: {police: 1.0}")
        let es = scenarioErrors(yaml)
        let e = es.first { $0.path == "staff[2].skills.police" }
        XCTAssertEqual(e?.line, line("{id: wang"))
        XCTAssert(e?.message.contains("unknown department 'police'") == true, es.description)
    }

    func testBPostPointingToItself() {
        let yaml = base.replacingOccurrences(of: "post: tax-1, backup: li}", with: "post: tax-1, backup: zhang}")
        let es = scenarioErrors(yaml)
        let e = es.first { $0.path == "staff[0].backup" }
        XCTAssertEqual(e?.line, line("{id: zhang"))
        XCTAssert(e?.message.contains("another clerk as B post: 'zhang' is this clerk") == true, es.description)
    }

    func testCloseThresholdAboveOpenThreshold() {
        let yaml = base.replacingOccurrences(
            of: "close_when: {below: 3, for_min: 10}", with: "close_when: {below: 12, for_min: 10}")
        let es = scenarioErrors(yaml)
        let e = es.first { $0.path == "tidal[0].close_when.below" }
        XCTAssertEqual(e?.line, line("close_when:"))
        XCTAssert(
            e?.message.contains("a close threshold below the open threshold (10.0) so windows do not flap, got 12.0")
                == true, es.description)
    }

    func testOtherRosterMistakes() {
        let twice = base.replacingOccurrences(of: "post: tax-2}", with: "post: tax-1}")
        XCTAssert(
            scenarioErrors(twice).contains { $0.path == "staff[1].post" && $0.message.contains("already zhang's post") }
        )
        let unknownWindow = base.replacingOccurrences(of: "post: tax-2}", with: "post: tax-9}")
        XCTAssert(
            scenarioErrors(unknownWindow).contains {
                $0.path == "staff[1].post" && $0.message.contains("unknown window 'tax-9'")
            })
        let posts = base.replacingOccurrences(of: "posts: [all-1, all-2]", with: "posts: [all-1]")
        XCTAssert(
            scenarioErrors(posts).contains {
                $0.path == "staff[3].posts" && $0.message.contains("one post per clerk of the group (2), got 1")
            })
        let tidalPost = base.replacingOccurrences(of: "post: tax-2}", with: "post: extra}")
        XCTAssert(scenarioErrors(tidalPost).contains { $0.path == "staff[1].post" && $0.message.contains("not tidal") })
        let unknownShift = base.replacingOccurrences(of: "shift: day, post: ps}", with: "shift: night, post: ps}")
        XCTAssert(
            scenarioErrors(unknownShift).contains {
                $0.path == "staff[2].shift" && $0.message.contains("unknown shift 'night'")
            })
        let wrongBackOffice = base.replacingOccurrences(of: "back_office: tax", with: "back_office: ps")
        XCTAssert(
            scenarioErrors(wrongBackOffice).contains {
                $0.path == "tidal[0].staff_from.back_office"
                    && $0.message.contains("a department the tidal windows serve")
            })
        let noSkill = base.replacingOccurrences(
            of: "{id: wang, skills: {ps: 1.0}", with: "{id: wang, skills: {tax: 1.0}"
        )
        .replacingOccurrences(of: "skills: {tax: 1.0, ps: 1.2}", with: "skills: {tax: 1.0}")
        XCTAssert(
            scenarioErrors(noSkill).contains {
                $0.path == "arrivals[1]" && $0.message.contains("a clerk with skill 'ps'")
            })
        let breakOutside = base.replacingOccurrences(
            of: "breaks: [{from: \"12:00\", to: \"14:00\"}]", with: "breaks: [{from: \"17:00\", to: \"18:00\"}]")
        XCTAssert(
            scenarioErrors(breakOutside).contains {
                $0.path == "shifts[0].breaks[0]" && $0.message.contains("a break inside the shift")
            })
        let cannotCover = base.replacingOccurrences(of: "post: tax-1, backup: li}", with: "post: tax-1, backup: wang}")
        XCTAssert(
            scenarioErrors(cannotCover).contains {
                $0.path == "staff[0].backup"
                    && $0.message.contains("a B who can serve the post 'tax-1' (tax); 'wang' has skills ps")
            })
        let wrongPost =
            base
            .replacingOccurrences(
                of: "{id: li, skills: {tax: 1.0, ps: 1.2}, shift: day, post: tax-2}",
                with: "{id: li, skills: {tax: 1.0, ps: 1.2}, shift: day, post: ps}"
            )
            .replacingOccurrences(
                of: "{id: wang, skills: {ps: 1.0}, shift: day, post: ps}",
                with: "{id: wang, skills: {ps: 1.0}, shift: day, post: tax-2}")
        XCTAssert(
            scenarioErrors(wrongPost).contains {
                $0.path == "staff[2].post" && $0.message.contains("a window the clerk can serve: 'tax-2' serves tax")
            })
        let measure = base.replacingOccurrences(of: "open_when: {queue_length: 10}", with: "open_when: {queue: 10}")
        XCTAssert(
            scenarioErrors(measure).contains {
                $0.path == "tidal[0].open_when.queue"
                    && $0.message.contains("queue_length, oldest_wait_min, estimated_wait_min")
            })
    }
}
