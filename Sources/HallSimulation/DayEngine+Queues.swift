import HallDomain

enum TicketState: UInt8 { case waiting, called, gone }

/// An applicant's ticket while the day runs (the record it becomes is `TicketRecord`).
struct Ticket {
    var number: Int32
    /// Walk-in profile, appointment block or planned visits (as `TicketRecord.source`).
    var source: Int32
    var item: Int32
    var department: Int32
    var channel: Channel
    var ticketClass: UInt8
    var notice: Bool
    var noShow: Bool
    var state: TicketState
    var arrival: Double
    /// Intake time at a specialist's window (before the clerk's or window's factor).
    var work: Double
    var call: Double
    var visit: VisitKind
    /// The case of a planned visit, or -1.
    var caseNumber: Int32

    var queue: QueueID { QueueID(department: department, classIndex: Int(ticketClass)) }
}

/// Queues: tickets live in reusable slots; each (department, class) queue holds slots in ticket order.
/// A reneged ticket is marked gone and left in its queue until it reaches the head (lazy removal); the
/// counts on the board are kept exact at every step.
extension DayEngine {
    func allocate(_ t: Ticket) -> Int32 {
        if let slot = freeSlots.popLast() {
            tickets[Int(slot)] = t
            return slot
        }
        tickets.append(t)
        return Int32(tickets.count - 1)
    }

    func enqueue(_ slot: Int32) {
        let t = tickets[Int(slot)]
        let q = t.queue.index
        if queues[q].isEmpty {
            board.head[q] = t.number
            headArrival[q] = t.arrival
        }
        queues[q].append(slot)
        board.count[q] += 1
        classWaiting[Int(t.ticketClass)] += 1
        changeWaiting(t.department, by: 1)
    }

    func changeWaiting(_ d: Int32, by delta: Int32) {
        waiting[Int(d)] += delta
        sink.record(QueueRecord(time: calendar.now, department: d, waiting: waiting[Int(d)]))
        for r in rulesWatching[Int(d)] { tidalEvaluate(Int(r)) }
    }

    /// Removes the head of queue q and any reneged tickets behind it; keeps the board current.
    func popHead(_ q: QueueID) -> Int32 {
        let slot = queues[q.index].removeFirst()
        board.count[q.index] -= 1
        classWaiting[q.index % TicketClass.count] -= 1
        pruneHead(q.index)
        return slot
    }

    func pruneHead(_ q: Int) {
        while let first = queues[q].first, tickets[Int(first)].state == .gone {
            queues[q].removeFirst()
            freeSlots.append(first)
        }
        if let first = queues[q].first {
            board.head[q] = tickets[Int(first)].number
            headArrival[q] = tickets[Int(first)].arrival
        } else {
            board.head[q] = .max
            headArrival[q] = .infinity
        }
    }

    /// Patience ran out: the applicant leaves, unless the slot was reused or the ticket was called.
    func renege(slot: Int, number: Int32) {
        guard tickets[slot].number == number, tickets[slot].state == .waiting else { return }
        tickets[slot].state = .gone
        let t = tickets[slot]
        let q = t.queue.index
        board.count[q] -= 1
        classWaiting[Int(t.ticketClass)] -= 1
        if board.head[q] == number { pruneHead(q) }
        changeWaiting(t.department, by: -1)
        emit(t, outcome: .reneged, window: nil, start: nil, end: calendar.now)
    }
}
