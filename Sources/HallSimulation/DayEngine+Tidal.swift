import HallDomain

/// Tidal windows (潮汐窗口, 001 art. 18), evaluated on events — whenever the waiting count of a watched
/// department changes, when a window opens, and at the instants a rule asked to be checked — never by
/// polling the clock.
extension DayEngine {
    /// The rule's measure now; `oldest` is `oldestArrival(r)` for an oldest-wait rule (nil otherwise).
    func tidalMeasure(_ r: Int, oldest: Double?) -> Double {
        var queue: Int32 = 0
        for d in hall.tidal[r].departments { queue += waiting[Int(d)] }
        switch hall.tidal[r].measure {
        case .queueLength:
            return Double(queue)
        case .oldestWait:
            guard let oldest else { return 0 }
            return calendar.now - oldest
        case .estimatedWait:
            var windows = 0
            for w in clerkAt.indices
            where clerkAt[w] != WindowClerk.none
                && hall.tidal[r].departments.contains(where: { board.canServe(window: w, department: $0) })
            { windows += 1 }
            return Double(queue) * hall.tidal[r].meanWork / Double(max(windows, 1))
        }
    }

    func oldestArrival(_ r: Int) -> Double? {
        var oldest = Double.infinity
        for d in hall.tidal[r].departments {
            for c in 0..<TicketClass.count {
                oldest = min(oldest, headArrival[QueueID(department: d, classIndex: c).index])
            }
        }
        return oldest.isFinite ? oldest : nil
    }

    /// Opens a window when the measure reaches the open threshold (one walk-over at a time); starts
    /// the close countdown when it drops below the close threshold, cancels it when it rises again.
    func tidalEvaluate(_ r: Int) {
        guard open else { return }
        // The queues do not change while a rule is evaluated: the oldest ticket is looked up once.
        let oldest = hall.tidal[r].measure == .oldestWait ? oldestArrival(r) : nil
        let m = tidalMeasure(r, oldest: oldest)
        // The oldest-wait threshold is reached at the instant oldest + openAt exactly (the wake-up is
        // scheduled there; now − oldest may round just below openAt).
        let reached = m >= hall.tidal[r].openAt || oldest.map { calendar.now >= $0 + hall.tidal[r].openAt } == true
        if reached {
            if closePending[r] {
                closePending[r] = false
                closeGeneration[r].invalidate()
            }
            // No walk-over that could not give the window its minimum open time before the period closes.
            guard calendar.now + hall.tidal[r].walkOver + hall.tidal[r].minOpen <= periodCloses, tidalWalking[r] == 0,
                tidalOpen[r].count < hall.tidal[r].maxOpen, let c = tidalFree[r].last,
                let w = hall.tidal[r].windows.first(where: {
                    clerkAt[Int($0)] == WindowClerk.none && waitingToSit[Int($0)] < 0
                }
                )
            else { return }
            tidalFree[r].removeLast()
            tidalWalking[r] += 1
            waitingToSit[Int(w)] = WindowClerk.reservedForWalkOver
            emit(StaffRecord(time: calendar.now, staff: c, state: .walking, window: w))
            schedule(.tidalWindowOpens(window: Int(w), clerk: c), at: calendar.now + hall.tidal[r].walkOver)
            return
        }
        if m < hall.tidal[r].closeBelow, !tidalOpen[r].isEmpty {
            if !closePending[r] {
                closePending[r] = true
                closeGeneration[r].invalidate()
                schedule(
                    .tidalCloseDue(rule: r, stamp: closeGeneration[r].stamp),
                    at: calendar.now + hall.tidal[r].closeAfter)
            }
        } else if closePending[r] {
            closePending[r] = false
            closeGeneration[r].invalidate()
        }
        // The oldest ticket ages without any event: ask to be woken when it reaches the threshold.
        if let oldest {
            let at = oldest + hall.tidal[r].openAt
            if at != ageCheckAt[r] {
                ageCheckAt[r] = at
                schedule(.tidalAgeCheck(rule: r), at: at)
            }
        }
    }

    func tidalWindowOpens(window w: Int, clerk c: Int32) {
        let r = Int(hall.tidalRuleOfWindow[w])
        tidalWalking[r] -= 1
        tidalOpen[r].append(Int32(w))
        openedAt[w] = calendar.now
        waitingToSit[w] = -1
        seat(clerk: c, window: w)
        tidalEvaluate(r)
    }

    /// A close countdown ended: close the last window opened, if the countdown is still current.
    func tidalCloseDue(rule r: Int, stamp: Int32) {
        guard closeGeneration[r].isCurrent(stamp), closePending[r], let w = tidalOpen[r].last else { return }
        closePending[r] = false
        // Compare with the instant the re-check is scheduled at, not a difference that can round below.
        let openUntil = openedAt[Int(w)] + hall.tidal[r].minOpen
        if calendar.now < openUntil {
            // Not open long enough yet: check again when it will have been.
            closePending[r] = true
            closeGeneration[r].invalidate()
            schedule(.tidalCloseDue(rule: r, stamp: closeGeneration[r].stamp), at: openUntil)
            return
        }
        tidalOpen[r].removeLast()
        leaving[Int(w)] = true
        if isFree(Int(w)) { callNext(window: Int(w)) }
        tidalEvaluate(r)
    }

    func tidalClerkReturns(_ c: Int32, rule r: Int, window w: Int32) {
        tidalFree[r].append(c)
        if let k = tidalOpen[r].firstIndex(of: w) { tidalOpen[r].remove(at: k) }
        tidalEvaluate(r)
    }
}
