import HallDomain

/// Clerks: who works which post today (AB cover), coming on and going off duty, sitting at and
/// leaving windows.
extension DayEngine {
    /// Decides today's posts. Present clerks work their own post. For an absent clerk A with a post,
    /// A's designated B covers it if B is present and not already covering someone (AB岗, 003 §4(1));
    /// B then leaves B's own post, which stays empty. Nobody covers: the window stays closed.
    func planStaff(absent: [Bool], record: Bool = true) {
        if !hall.hasRoster {
            for w in clerkAt.indices where hall.alwaysStaffed[w] { seatUnnamed(w) }
            return
        }
        let clerks = hall.clerks
        for c in clerks.indices where clerks[c].kind == .rostered && !absent[c] { assigned[c] = clerks[c].post }
        var covering = Set<Int32>()
        for c in clerks.indices where clerks[c].kind == .rostered && absent[c] && clerks[c].post >= 0 {
            let b = clerks[c].backup
            guard b >= 0, !absent[Int(b)], !covering.contains(b) else { continue }
            covering.insert(b)
            assigned[Int(b)] = clerks[c].post
        }
        let dayStart = hall.periods.first?.open ?? 0
        for c in clerks.indices where absent[c] && record {
            emit(StaffRecord(time: dayStart, staff: Int32(c), state: .absent))
        }
    }

    func scheduleStaff() {
        for (c, clerk) in hall.clerks.enumerated() where assigned[c] >= 0 {
            for d in clerk.duty {
                schedule(.dutyStarts(clerk: c), at: d.start)
                schedule(.dutyEnds(clerk: c), at: d.end)
            }
        }
    }

    func dutyStarts(clerk c: Int) { seat(clerk: Int32(c), window: Int(assigned[c])) }

    func dutyEnds(clerk c: Int) {
        let w = Int(clerkWindow[c])
        guard w >= 0 else {
            // Still waiting for the previous clerk to finish: no longer coming.
            if let k = waitingToSit.firstIndex(of: Int32(c)) { waitingToSit[k] = -1 }
            return
        }
        // Finish the applicant at the desk, then go (or, after closing, serve the tickets issued).
        leaving[w] = true
        if isFree(w) { callNext(window: w) }
    }

    /// A clerk sits at a window (or waits for its clerk to finish) and the window starts calling (unless
    /// `callIfFree` is false: a day started from a state calls once everyone is in place).
    func seat(clerk c: Int32, window w: Int, callIfFree: Bool = true) {
        guard clerkAt[w] == WindowClerk.none else {
            waitingToSit[w] = c
            return
        }
        clerkAt[w] = c
        clerkWindow[Int(c)] = Int32(w)
        let nd = departmentCount
        let clerk = hall.clerks[Int(c)]
        let tidal = clerk.kind != .rostered
        for d in 0..<nd {
            let serves = hall.windowServes[w * nd + d] && (tidal || clerk.skill[d] > 0)
            board.serves[w * nd + d] = serves
            // Lent (tidal) clerks work at the window kind's speed; rostered clerks at their own.
            factorNow[w * nd + d] = tidal ? hall.factor[w * nd + d] : clerk.skill[d]
        }
        emit(StaffRecord(time: calendar.now, staff: c, state: .atWindow, window: Int32(w)))
        if callIfFree, isFree(w) { callNext(window: w) }
    }

    /// Windows of halls without a roster are staffed all day by unnamed clerks at the kind's speed.
    func seatUnnamed(_ w: Int) {
        clerkAt[w] = WindowClerk.unnamed
        let nd = departmentCount
        for d in 0..<nd { board.serves[w * nd + d] = hall.windowServes[w * nd + d] }
    }

    /// The clerk leaves window w, which closes; a clerk waiting to sit takes over.
    func release(window w: Int) {
        let c = clerkAt[w]
        clerkAt[w] = WindowClerk.none
        leaving[w] = false
        owedNormal[w] = 0
        let nd = departmentCount
        for d in 0..<nd { board.serves[w * nd + d] = false }
        setWindow(w, .closed)
        if c >= 0 {
            clerkWindow[Int(c)] = -1
            emit(StaffRecord(time: calendar.now, staff: c, state: .off, window: Int32(w)))
            let r = Int(hall.tidalRuleOfWindow[w])
            if r >= 0, hall.clerks[Int(c)].kind != .rostered { tidalClerkReturns(c, rule: r, window: Int32(w)) }
        }
        let next = waitingToSit[w]
        if next >= 0 {
            waitingToSit[w] = -1
            seat(clerk: next, window: w)
        }
    }
}
