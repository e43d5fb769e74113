import Foundation
import HallDomain
import HallRandom
import HallSimulation

extension Calibration {
    /// Back-office step times per department (`back_office.departments[d].review_min` and `approval_min`;
    /// second approvals are approvers' work too) from the runs' steps (steps.csv): the working minutes
    /// from a step's start to its end on the clock the simulator's reviewers (approvers) work on — the back
    /// office's hours of statutory working days, within their shift's duty when their groups share one
    /// shift; a department whose groups work different shifts keeps its base —, fitted like intake times (AIC among the families). A reviewer does
    /// one step at a time, so these are the steps' work. Steps with no working minutes between start and
    /// end (recorded without being taken) are left out and counted. Nil without a back office, a calendar
    /// or steps.
    static func backOfficeSteps(base: Scenario, days: [ObservedDay], options o: CalibrationOptions)
        -> (fields: [EstimatedField], backOffice: BackOfficeRules, fits: [ServiceFit], untimed: Int)?
    {
        guard var bo = base.backOffice, base.period != nil else { return nil }
        let steps = days.flatMap(\.steps)
        guard let first = steps.compactMap(\.start?.date).min(), let last = steps.compactMap(\.end?.date).max() else {
            return nil
        }
        // The working clock over the steps' dates.
        var s = base
        s.period!.start = first
        s.period!.end = last
        let period = CompiledPeriod(s)
        let index = Dictionary(
            base.catalogue.departments.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        // The clock of a department's reviewers (or approvers): their groups' one shift ("": every
        // back-office hour); nil where groups on different shifts put the steps on no one clock.
        func shift(_ groups: [BackOfficeStaff]) -> String? {
            let shifts = Set(groups.filter { $0.count > 0 }.map { $0.shift ?? "" })
            return shifts.count == 1 ? shifts.first : nil
        }
        var clock: [Int32: (review: String?, approval: String?)] = [:]
        for dep in bo.departments {
            guard let d = index[dep.department] else { continue }
            clock[d] = (shift(dep.reviewers), shift(dep.approvers))
        }
        var work: [Int32: (review: [Double], approval: [Double])] = [:]
        var untimed = 0
        for r in steps where r.step != .special && r.step != .referral {
            guard let a = r.start, let b = r.end, let c = clock[r.department],
                let shift = r.step == .review ? c.review : c.approval,
                let w = period.workingMinutes(from: a, to: b, shift: shift.isEmpty ? nil : shift)
            else { continue }
            guard w > 1e-9 else {
                untimed += 1
                continue
            }
            if r.step == .review {
                work[r.department, default: ([], [])].review.append(w)
            } else {
                work[r.department, default: ([], [])].approval.append(w)
            }
        }
        var fields: [EstimatedField] = []
        var fits: [ServiceFit] = []
        for (k, dep) in bo.departments.enumerated() {
            guard let d = index[dep.department] else { continue }
            for approval in [false, true] {
                if approval && dep.approvers.allSatisfy({ $0.count == 0 }) { continue }
                let groups = approval ? dep.approvers : dep.reviewers
                let mixed = shift(groups) == nil && groups.contains { $0.count > 0 }
                let sample = (approval ? work[d]?.approval : work[d]?.review) ?? []
                let baseDist = approval ? dep.approvalTime : dep.reviewTime
                let (best, tried) = fitDurations(sample, options: o)
                let enough = sample.count >= o.minServices && best != nil
                var (fm, fc) = durationFields(
                    "back_office.departments[\(dep.department)].\(approval ? "approval_min" : "review_min")",
                    what: "back-office step time", best: best, sampleSize: sample.count, base: baseDist,
                    source: "working minutes from start to end", enough: enough, options: o)
                if enough, let best {
                    if approval {
                        bo.departments[k].approvalTime = distribution(best)
                    } else {
                        bo.departments[k].reviewTime = distribution(best)
                    }
                } else if mixed {
                    fm.note = "groups on different shifts (no one working clock for their steps): base kept"
                    fc.note = fm.note
                } else {
                    fm.note = "fewer than \(o.minServices) timed steps: base kept"
                    fc.note = fm.note
                }
                fields.append(fm)
                if fc.base != nil || fc.estimated { fields.append(fc) }
                if !sample.isEmpty {
                    fits.append(
                        ServiceFit(
                            item: "\(dep.department) \(approval ? "approval" : "review")", sampleSize: sample.count,
                            chosen: best?.family ?? "–", fits: tried, source: "back-office steps"))
                }
            }
        }
        // Means first, then cvs (the report groups consecutive fields).
        let ordered = fields.filter { $0.group.hasSuffix("mean") } + fields.filter { !$0.group.hasSuffix("mean") }
        return (ordered, bo, fits, untimed)
    }
}
