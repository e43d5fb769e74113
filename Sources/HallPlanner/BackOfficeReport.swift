import Foundation
import HallDomain

/// The back-office part of the planner's files: a section of plan.md, plan.json's `back_office`, and
/// back_office.csv.
struct BackOfficeJSON: Encodable {
    var on_time_target: Double, rounds: Int, hours_per_clerk: Double, cost: Double, base_cost: Double
    var departments: [BackOfficeDepartmentPlan], problems: [String]
    init(_ p: BackOfficePlan) {
        on_time_target = p.target
        rounds = p.rounds
        hours_per_clerk = p.hoursPerClerk
        cost = p.cost
        base_cost = p.baseCost
        departments = p.departments
        problems = p.problems
    }
}

extension PlanResult {
    /// One row per back-office department (nil when the back office was not planned).
    public var backOfficeCSV: String? {
        guard let bo = backOffice else { return nil }
        func v(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "" }
        var out =
            "department,reviewers,approvers,on_time_rate,half_width,lead_time_mean_wd,backlog_end,base_reviewers,base_approvers,base_on_time_rate,"
            + "on_time_difference,difference_half_width,meets_target\n"
        for d in bo.departments {
            out +=
                "\(d.department),\(d.reviewers),\(d.approvers),\(v(d.onTimeRate.mean)),\(v(d.onTimeRate.halfWidth)),\(v(d.leadTimeMean.mean)),"
                + "\(v(d.backlogEnd.mean)),\(d.baseReviewers),\(d.baseApprovers),\(v(d.baseOnTimeRate.mean)),"
                + "\(v(d.onTimeDifference.mean)),\(v(d.onTimeDifference.halfWidth)),\(d.meetsTarget)\n"
        }
        return out
    }

    var backOfficeMarkdown: String {
        guard let bo = backOffice else { return "" }
        let period = bo.scenario.period.map { " (\($0.start) – \($0.end))" } ?? ""
        var o = "## Back office\n\n"
        o +=
            String(
                format:
                    "Target: %.0f %% of each department's decided cases decided on time (按时办结率) over the base's period",
                bo.target * 100) + period + ". "
        o +=
            "Analytic seed: offered work per working day at utilisation below \(String(format: "%.2f", BackOfficeStaffing.seedUtilisation)); "
        o +=
            "then \(bo.rounds) rounds running the whole period's back office on \(spec.replications) tuning replications (seed \(spec.seed)) "
            + "over the front desk of the seed's simulation, replayed (a surrogate: the confirmation below is full runs), "
        o +=
            "adding a clerk where a department misses the target (to the pool where its late cases became late) and removing clerks where it passes, "
        o +=
            "never below the stability floor (offered utilisation below 1: a month's on-time rate does not see a queue that grows slowly). "
        o +=
            "Figures below are on \(spec.confirmReplications) fresh replications, the plan and the base staffing on the same ones (paired).\n\n"
        o += String(
            format: "Back-office cost over the period (%.0f working hours per clerk): %.0f planned, %.0f base.\n\n",
            bo.hoursPerClerk, bo.cost, bo.baseCost)
        o +=
            "| department | reviewers (base; seed) | approvers (base; seed) | work min/day review, approval (utilisation) | on-time % plan | on-time % base | plan − base (pp) | lead time wd plan \\| base | backlog at end plan \\| base | meets target (tuning) |\n"
        o += "|---|---|---|---|---|---|---|---|---|---|\n"
        for d in bo.departments {
            o +=
                "| \(d.department) | \(d.reviewers) (\(d.baseReviewers); \(d.seedReviewers)) | \(d.approvers) (\(d.baseApprovers); \(d.seedApprovers)) | "
            o +=
                String(format: "%.0f, %.0f", d.reviewWorkPerDay, d.approvalWorkPerDay)
                + " ("
                + [d.reviewUtilisation, d.approvalUtilisation].map { $0.map { String(format: "%.2f", $0) } ?? "–" }
                .joined(separator: ", ") + ")"
            o +=
                " | \(PlanResult.f(d.onTimeRate)) | \(PlanResult.f(d.baseOnTimeRate)) | \(PlanResult.f(d.onTimeDifference)) | "
            o += "\(PlanResult.f(d.leadTimeMean, scale: 1)) \\| \(PlanResult.f(d.baseLeadTimeMean, scale: 1)) | "
            o += "\(PlanResult.f(d.backlogEnd, scale: 1)) \\| \(PlanResult.f(d.baseBacklogEnd, scale: 1)) | "
            o +=
                (d.meetsTarget ? "yes" : "**no**")
                + (d.tuningOnTimeRate.map { String(format: " (%.1f %%)", $0 * 100) } ?? "") + " |\n"
        }
        let below = bo.departments.filter { ($0.onTimeRate.mean ?? 1) < bo.target }.map(\.department)
        if !below.isEmpty {
            o += "\nBelow target on the fresh replications (mean): \(below.joined(separator: ", ")).\n"
        }
        o += "\nThe base scenario with the planned back office is in planned-month.yaml.\n\n"
        return o
    }
}
