import HallDomain

/// Windows: opening and closing periods, calling the next ticket, ending a service.
extension DayEngine {
    func setWindow(_ w: Int, _ state: WindowState, ticket: Int32? = nil) {
        windowState[w] = state
        board.idle[w] = state == .idle
        if state == .idle { board.idleSince[w] = calendar.now }
        let clerk = clerkAt[w]
        sink.record(
            WindowRecord(
                time: calendar.now, window: Int32(w), state: state, ticket: ticket, staff: clerk >= 0 ? clerk : nil))
    }

    /// The queue window w calls next: class by class (green channel, on-time appointments, others;
    /// the green channel last while the window owes normal calls), each chosen by the calling policy.
    func chooseQueue(_ w: Int) -> QueueID? {
        CallingGuard.chooseQueue(
            window: w, departments: windowDepartments[w], home: windowHome[w], owedNormal: owedNormal[w],
            classWaiting: classWaiting, policy: calling, board: board)
    }

    /// An available window calls the next ticket, goes idle (open) or closed, or lets its clerk go.
    func callNext(window w: Int) {
        guard clerkAt[w] != WindowClerk.none else {
            if windowState[w] != .closed { setWindow(w, .closed) }
            return
        }
        // A clerk due off leaves now, unless the hall has closed and tickets already issued remain.
        if leaving[w], open || !callingAllowed {
            release(window: w)
            return
        }
        guard callingAllowed, let q = chooseQueue(w) else {
            if leaving[w] || (!open && hall.tidalRuleOfWindow[w] >= 0) {
                release(window: w)
                return
            }
            let state: WindowState = open ? .idle : .closed
            if windowState[w] != state { setWindow(w, state) }
            return
        }
        let slot = popHead(q)
        let now = calendar.now
        tickets[Int(slot)].state = .called
        tickets[Int(slot)].call = now
        let t = tickets[Int(slot)]
        if normalPerPriority > 0 {
            owedNormal[w] = CallingGuard.owedAfterCall(
                calledClass: TicketClass(rawValue: Int(t.ticketClass))!, owed: owedNormal[w],
                normalPerPriority: normalPerPriority)
        }
        changeWaiting(t.department, by: -1)
        windowTicket[w] = slot
        if t.noShow {
            setWindow(w, .calling, ticket: t.number)
            schedule(.serviceEnds(window: w), at: now + noShowGrace)
        } else {
            setWindow(w, .busy, ticket: t.number)
            schedule(.serviceEnds(window: w), at: now + t.work * factorNow[w * departmentCount + Int(t.department)])
        }
    }

    func serviceEnd(window w: Int) {
        let slot = windowTicket[w]
        let t = tickets[Int(slot)]
        if t.noShow {
            emit(t, outcome: .noShow, window: Int32(w), start: nil, end: calendar.now)
        } else {
            emit(t, outcome: t.notice ? .notice : .served, window: Int32(w), start: t.call, end: calendar.now)
        }
        windowTicket[w] = -1
        freeSlots.append(slot)
        callNext(window: w)
    }

    /// Whether the window is between applicants (idle or closed), so that a change can act at once.
    func isFree(_ w: Int) -> Bool { windowState[w] == .idle || windowState[w] == .closed }

    func periodOpen(_ k: Int) {
        open = true
        periodCloses = hall.periods[k].close
        callingAllowed = true
        for w in windowState.indices where windowState[w] == .closed && clerkAt[w] != WindowClerk.none {
            callNext(window: w)
        }
    }

    func periodClose(_ k: Int) {
        open = false
        let last = k == hall.periods.count - 1
        // Tickets already issued are served: at the end of the day always, at a break unless held.
        callingAllowed = last || !hall.holdAtBreak
        for w in windowState.indices where windowState[w] == .idle { callNext(window: w) }
    }
}
