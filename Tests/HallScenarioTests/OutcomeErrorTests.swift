import HallDomain
import HallScenarioYAML
import XCTest

/// The outcome policies' keys (docs/back-office.md, "Outcomes"): every bad value is reported at its
/// line with its path and what was expected.
final class OutcomeErrorTests: XCTestCase {
    func line(_ yaml: String, _ text: String) -> Int {
        yaml.components(separatedBy: "\n").firstIndex { $0.contains(text) }! + 1
    }

    /// monthHall with these lines added to the committed item `register`.
    func register(_ lines: String) -> String {
        monthHall.replacingOccurrences(
            of: "    committed_limit_days: 5\n", with: "    committed_limit_days: 5\n" + lines)
    }

    func testGoodOutcomesLoadAndRoundTrip() throws {
        let yaml =
            register(
                """
                    incomplete_probability: 0.2
                    rejected_share: 0.02
                    refused_share: 0.05
                    deferred_documents: {share: 0.6, supplied_after_working_days: {min: 1, max: 3}, never_supplied: 0.1}
                    correction: {probability: 0.1, return_after_working_days: {min: 2, max: 5}, never_returns: 0.2, clock: restarts}

                """) + "\ncome_back: {probability: 0.5, after_working_days: {min: 1, max: 2}}\n"
        let s = try ScenarioLoader.parse(yaml: yaml, file: "hall.yaml")
        let item = s.items[1]
        XCTAssertEqual(item.rejectedShare, 0.02)
        XCTAssertEqual(item.refusedShare, 0.05)
        XCTAssertEqual(
            item.deferred, DeferredDocuments(share: 0.6, suppliedAfter: .init(min: 1, max: 3), neverSupplied: 0.1))
        XCTAssertEqual(
            item.correction,
            Correction(probability: 0.1, returnAfter: .init(min: 2, max: 5), neverReturns: 0.2, clock: .restarts))
        XCTAssertEqual(s.comeBack, ComeBack(probability: 0.5, after: .init(min: 1, max: 2)))
        // The writer's YAML reads back as the same scenario.
        let again = try ScenarioLoader.parse(yaml: ScenarioWriter.yaml(s), file: "again.yaml")
        XCTAssertEqual(again.items, s.items)
        XCTAssertEqual(again.comeBack, s.comeBack)
        // Handed over at collection.
        let collection = register(
            "    incomplete_probability: 0.2\n    deferred_documents: {share: 1, supplied_at_collection: true}\n")
        XCTAssertNil(try ScenarioLoader.parse(yaml: collection, file: "hall.yaml").items[1].deferred?.suppliedAfter)
    }

    func testBadOutcomeValuesArePositioned() {
        let share = register("    rejected_share: 1.5\n")
        assertScenarioError(
            share, line: line(share, "rejected_share"), path: "items[1].rejected_share", contains: "between 0 and 1")
        // Refusals are back-office decisions: not for an immediate item.
        let immediate = monthHall.replacingOccurrences(
            of: "    kind: immediate\n    service_min: {dist: lognormal, mean: 6, cv: 0.5}\n",
            with: "    kind: immediate\n    service_min: {dist: lognormal, mean: 6, cv: 0.5}\n    refused_share: 0.1\n")
        assertScenarioError(
            immediate, line: line(immediate, "refused_share"), path: "items[0].refused_share",
            contains: "committed items only")
        // A deferred document needs incomplete applications, and says when it follows.
        let nothing = register("    deferred_documents: {share: 0.5, supplied_after_working_days: 2}\n")
        assertScenarioError(
            nothing, line: line(nothing, "deferred_documents"), path: "items[1].deferred_documents",
            contains: "set incomplete_probability above 0")
        let when = register("    incomplete_probability: 0.2\n    deferred_documents: {share: 0.5}\n")
        assertScenarioError(
            when, line: line(when, "deferred_documents"), path: "items[1].deferred_documents",
            contains: "supplied_after_working_days")
        let both = register(
            "    incomplete_probability: 0.2\n    deferred_documents: {share: 0.5, supplied_after_working_days: 2, supplied_at_collection: true}\n"
        )
        assertScenarioError(
            both, line: line(both, "deferred_documents"), path: "items[1].deferred_documents", contains: "one of them")
        let soon = register(
            "    incomplete_probability: 0.2\n    deferred_documents: {share: 0.5, supplied_after_working_days: 0}\n")
        assertScenarioError(
            soon, line: line(soon, "deferred_documents"),
            path: "items[1].deferred_documents.supplied_after_working_days.min", contains: "at least 1 working day")
        // A correction's clock is one of three, its return at least a working day later.
        let clock = register("    correction: {probability: 0.1, return_after_working_days: 2, clock: paused}\n")
        assertScenarioError(
            clock, line: line(clock, "correction"), path: "items[1].correction.clock",
            contains: "expected one of suspended, restarts, runs")
        let never = register("    correction: {probability: 0.1, return_after_working_days: 2, never_returns: -0.1}\n")
        assertScenarioError(
            never, line: line(never, "correction"), path: "items[1].correction.never_returns",
            contains: "between 0 and 1")
        let missing = register("    correction: {probability: 0.1}\n")
        assertScenarioError(
            missing, line: line(missing, "correction"), path: "items[1].correction.return_after_working_days",
            contains: "working days until the applicant comes back")
        // Coming back needs days to come back on; a typo gets a hint.
        let oneDay = validHall + "\ncome_back: {probability: 0.5, after_working_days: 1}\n"
        assertScenarioError(
            oneDay, line: line(oneDay, "come_back"), path: "come_back", contains: "add a calendar section")
        let typo = monthHall + "\ncome_back: {probabilty: 0.5, after_working_days: 1}\n"
        assertScenarioError(typo, line: line(typo, "come_back"), path: "come_back.probabilty", contains: "probability")
        let odds = monthHall + "\ncome_back: {probability: 2, after_working_days: 1}\n"
        assertScenarioError(
            odds, line: line(odds, "come_back"), path: "come_back.probability", contains: "between 0 and 1")
        // The stages before the ticket.
        let terminals =
            validHall + "\nself_service: {terminals: 0, items: {invoce: 0.3}, service_min: 3, fall_back: 1.2}\n"
        assertScenarioError(
            terminals, line: line(terminals, "self_service"), path: "self_service.terminals", contains: "at least 1")
        assertScenarioError(
            terminals, line: line(terminals, "self_service"), path: "self_service.items.invoce",
            contains: "did you mean 'invoice'")
        assertScenarioError(
            terminals, line: line(terminals, "self_service"), path: "self_service.fall_back",
            contains: "between 0 and 1")
        let guide = validHall + "\nguide_desk:\n  staff: 1\n  share: 0.2\n  service_min: 2\n"
        assertScenarioError(
            guide, line: line(guide, "guide_desk") + 1, path: "guide_desk.consult_only",
            contains: "who only consult and leave")
        let complaints = validHall + "\ncomplaints: {item: complain, after_failed_visit: 0.1}\n"
        assertScenarioError(
            complaints, line: line(complaints, "complaints:"), path: "complaints.item", contains: "unknown item")
        let online = validHall.replacingOccurrences(
            of: "    committed_limit_days: 5\n", with: "    committed_limit_days: 5\n    online_share: 2\n")
        assertScenarioError(
            online, line: line(online, "online_share"), path: "items[1].online_share", contains: "between 0 and 1")
        let oneDayItem = validHall.replacingOccurrences(
            of: "    committed_limit_days: 5\n", with: "    committed_limit_days: 5\n    rejected_share: 0.1\n")
        assertScenarioError(
            oneDayItem, line: line(oneDayItem, "rejected_share"), path: "items[1].rejected_share",
            contains: "add a calendar section")
    }
}
