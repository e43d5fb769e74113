import HallDomain

/// Invariants of the day's state, checked after every event in debug builds (and in release when a test
/// asks): a broken one stops the run at the event that broke it, naming what disagrees.
extension DayEngine {
    func checkInvariants() {
        let now = ClockTime.format(calendar.now, seconds: true)
        // Queue counts agree with the queues.
        var perClass = [Int32](repeating: 0, count: TicketClass.count)
        var perDepartment = [Int32](repeating: 0, count: departmentCount)
        for q in queues.indices {
            let id = QueueID(index: q)
            var n: Int32 = 0
            var previous = Int32.min
            for slot in queues[q] {
                let t = tickets[Int(slot)]
                precondition(t.queue == id, "\(now): queue \(q) holds a ticket of queue \(t.queue.index)")
                precondition(t.number > previous, "\(now): queue \(q) out of ticket order")
                previous = t.number
                if t.state == .waiting { n += 1 }
            }
            precondition(board.count[q] == n, "\(now): board count \(board.count[q]) ≠ \(n) waiting in queue \(q)")
            let head = queues[q].first.map { tickets[Int($0)] }
            precondition(
                head.map { $0.state != .gone } ?? true, "\(now): queue \(q) has a reneged ticket at its head")
            precondition(
                board.head[q] == (head?.number ?? .max), "\(now): board head of queue \(q) is not the queue's head")
            perClass[q % TicketClass.count] += n
            perDepartment[Int(id.department)] += n
        }
        precondition(classWaiting == perClass, "\(now): waiting per class \(classWaiting) ≠ queues \(perClass)")
        precondition(waiting == perDepartment, "\(now): waiting per department \(waiting) ≠ queues \(perDepartment)")
        // Clerk ↔ window maps agree.
        for (w, c) in clerkAt.enumerated() where c >= 0 {
            precondition(clerkWindow[Int(c)] == Int32(w), "\(now): window \(w) has clerk \(c), who is elsewhere")
        }
        for (c, w) in clerkWindow.enumerated() where w >= 0 {
            precondition(clerkAt[Int(w)] == Int32(c), "\(now): clerk \(c) is at window \(w), which has another")
        }
        // A window's ticket matches its state.
        for w in windowState.indices {
            let busy = windowState[w] == .busy || windowState[w] == .calling
            precondition(
                busy == (windowTicket[w] >= 0), "\(now): window \(w) is \(windowState[w]) with slot \(windowTicket[w])")
            if busy {
                precondition(
                    tickets[Int(windowTicket[w])].state == .called, "\(now): window \(w)'s ticket is not called")
                precondition(clerkAt[w] != WindowClerk.none, "\(now): window \(w) serves without a clerk")
            }
            precondition(board.idle[w] == (windowState[w] == .idle), "\(now): board idle flag of window \(w) is stale")
        }
    }
}
