import HallDomain
import HallRandom
import HeapModule

/// A waiting step's place in its queue: FIFO by the time it became visible, or earliest deadline first.
struct QueueKey: Comparable {
    var primary: Double
    var secondary: Double
    var job: Int32
    static func < (a: QueueKey, b: QueueKey) -> Bool {
        (a.primary, a.secondary, a.job) < (b.primary, b.secondary, b.job)
    }
}

/// The back office as queues: per department, reviewers and approvers (each with a work clock: their
/// hours on statutory working days), steps that become visible at check times, preempt-resume when a
/// reviewer is lent to a tidal window.
extension PeriodEngine {
    func newJob(_ c: Int32, review: Int, department d: Int32, stepIndex: Int, step: ReviewStep, at t: Double) -> Int {
        let dept = period.departments[Int(d)]!
        let stream = step.byApprovers ? approvalStreams[Int(d)]! : reviewStreams[Int(d)]!
        let work = (step.byApprovers ? dept.approvalTime : dept.reviewTime).sample(stream)
        jobs.append(
            Job(
                caseNumber: c, department: d, review: review, stepIndex: stepIndex, step: step, arrived: t,
                work: work, remaining: work))
        return jobs.count - 1
    }

    /// A step reaches the department's inbox at t; staff see it at the next check time.
    func arrive(_ j: Int, at t: Double, atOnce: Bool = false) {
        guard t.isFinite else { return }
        let v = atOnce ? t : period.visible(t)
        guard v.isFinite else { return }
        backOffice.schedule(.visible, at: v, index: Int32(j))
    }

    func runBackOffice(until end: Double) {
        while let t = backOffice.nextTime, t < end, let e = backOffice.next() {
            events += 1
            switch e.tier {
            case .stepEnd: stepEnd(Int(e.index), stamp: e.tag)
            case .lendEnd: lendEnd(e.index)
            case .lendStart: lendStart(e.index)
            case .visible: becomesVisible(Int(e.index))
            }
        }
    }

    func queueIndex(_ j: Int) -> Int { Int(jobs[j].department) * 2 + (jobs[j].step.byApprovers ? 1 : 0) }

    func becomesVisible(_ j: Int) {
        jobs[j].visible = backOffice.now
        enqueue(j)
        dispatch(queueIndex(j))
    }

    func enqueue(_ j: Int) {
        let edf = period.departments[Int(jobs[j].department)]!.edf
        let c = jobs[j].caseNumber
        let due = c >= 0 ? cases[Int(c)].deadline?.ordinal : jobs[j].referralDue
        let key =
            edf
            ? QueueKey(primary: Double(due ?? .max), secondary: jobs[j].visible, job: Int32(j))
            : QueueKey(primary: jobs[j].visible, secondary: jobs[j].arrived, job: Int32(j))
        queues[queueIndex(j)].insert(key)
    }

    /// Free staff of a queue take its waiting steps; among free staff, the one who can start first.
    func dispatch(_ q: Int) {
        let now = backOffice.now
        while !queues[q].isEmpty {
            var best: Int32 = -1
            var bestStart = Double.infinity
            for s in serversOf[q] where servers[Int(s)].job < 0 && !servers[Int(s)].away {
                let start = period.clocks[servers[Int(s)].clock].nextWorking(now)
                if start < bestStart {
                    best = s
                    bestStart = start
                }
            }
            guard best >= 0, bestStart.isFinite else { return }
            let j = Int(queues[q].popMin()!.job)
            servers[Int(best)].job = Int32(j)
            jobs[j].server = best
            jobs[j].resumedAt = bestStart
            jobs[j].firstStart = min(jobs[j].firstStart, bestStart)
            jobs[j].generation.invalidate()
            let end = period.clocks[servers[Int(best)].clock].finish(from: bestStart, work: jobs[j].remaining)
            if end.isFinite { backOffice.schedule(.stepEnd, at: end, index: Int32(j), tag: jobs[j].generation.stamp) }
        }
    }

    func stepEnd(_ j: Int, stamp: Int32) {
        guard jobs[j].generation.isCurrent(stamp), jobs[j].server >= 0, !jobs[j].done else { return }
        let now = backOffice.now
        let q = queueIndex(j)
        servers[Int(jobs[j].server)].job = -1
        jobs[j].done = true
        jobs[j].remaining = 0
        recordStep(j, end: now)
        let c = jobs[j].caseNumber
        if c < 0 {  // a referred question: answered, nothing follows
            dispatch(q)
            return
        }
        // 补正: the lead department's first review may ask the applicant for a correction (once a case).
        if jobs[j].review == 0, jobs[j].stepIndex == 0, !cases[Int(c)].correctionDrawn,
            !cases[Int(c)].status.isClosedByBackOffice,
            let rule = period.scenario.items[Int(cases[Int(c)].item)].correction
        {
            cases[Int(c)].correctionDrawn = true
            if correction.uniform() < rule.probability {
                askCorrection(c, at: now, rule)
                dispatch(q)
                return
            }
        }
        let steps = period.itemRules[Int(cases[Int(c)].item)].reviews[jobs[j].review].steps
        let next = jobs[j].stepIndex + 1
        if next < steps.count {
            var at = now
            // A special procedure after review in the lead department suspends the case (and its clock).
            if jobs[j].review == 0, jobs[j].step == .review, cases[Int(c)].specialDays > 0 {
                at = suspend(c, after: now, job: j)
                cases[Int(c)].specialDays = 0  // once: a review started again after a correction is not suspended again
            }
            let n = newJob(
                c, review: jobs[j].review, department: jobs[j].department, stepIndex: next, step: steps[next], at: at)
            arrive(n, at: at)
        } else {
            cases[Int(c)].pendingDepartments -= 1
            if cases[Int(c)].pendingDepartments == 0 { decide(c, at: now) }
        }
        dispatch(q)
    }

    /// Suspends a case for its special procedure: the next `specialDays` working days do not count.
    /// Returns when the case comes back (the start of the following working day).
    func suspend(_ c: Int32, after t: Double, job: Int) -> Double {
        let n = cases[Int(c)].specialDays
        let today = period.stamp(t).date
        var days: [CivilDate] = []
        var d = today
        while days.count < n {
            d = d.adding(days: 1)
            // The scenario's validation covers the longest limit plus special procedures after the run.
            precondition(period.calendar.covers(d), "special procedure runs past the calendar's data at \(d)")
            if (try? period.calendar.isWorkingDay(d)) == true { days.append(d) }
        }
        cases[Int(c)].suspensions.append(days.first!...days.last!)
        cases[Int(c)].suspendedDays += n
        let back = period.workdayStart(workingDaysAfter: today, n)
        stepRecords += 1
        caseSink.record(
            CaseStepRecord(
                caseNumber: c, department: jobs[job].department, step: .special, arrived: period.stamp(t),
                visible: period.stamp(t), start: Stamp(days.first!, 0),
                end: back.isFinite ? period.stamp(back) : nil, work: 0))
        return back
    }

    func recordStep(_ j: Int, end: Double?) {
        stepRecords += 1
        let job = jobs[j]
        caseSink.record(
            CaseStepRecord(
                caseNumber: job.caseNumber, department: job.department,
                step: job.caseNumber < 0 ? .referral : StepKind(job.step),
                arrived: period.stamp(job.arrived),
                visible: period.stamp(job.visible.isFinite ? job.visible : job.arrived),
                start: job.firstStart.isFinite ? period.stamp(job.firstStart) : nil,
                end: end.map { period.stamp($0) }, work: job.work))
    }

    /// A back-office clerk of department d leaves for a tidal window: an idle reviewer if there is one,
    /// otherwise the one who started last, whose step goes back to the queue with the work left.
    func lendStart(_ d: Int32) {
        let q = Int(d) * 2
        let present = serversOf[q].filter { !servers[Int($0)].away }
        if let s = present.first(where: { servers[Int($0)].job < 0 }) {
            servers[Int(s)].away = true
            away[Int(d)].append(s)
        } else if let s = present.max(by: {
            jobs[Int(servers[Int($0)].job)].resumedAt < jobs[Int(servers[Int($1)].job)].resumedAt
        }) {
            let j = Int(servers[Int(s)].job)
            let clock = period.clocks[servers[Int(s)].clock]
            jobs[j].remaining = max(0, jobs[j].remaining - clock.work(from: jobs[j].resumedAt, to: backOffice.now))
            jobs[j].server = -1
            jobs[j].generation.invalidate()
            servers[Int(s)].job = -1
            servers[Int(s)].away = true
            away[Int(d)].append(s)
            enqueue(j)
        } else {
            unmatchedLends[Int(d)] += 1
        }
    }

    func lendEnd(_ d: Int32) {
        if unmatchedLends[Int(d)] > 0 {
            unmatchedLends[Int(d)] -= 1
            return
        }
        guard let s = away[Int(d)].popLast() else { return }
        servers[Int(s)].away = false
        dispatch(Int(d) * 2)
    }
}
