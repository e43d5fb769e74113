import Foundation
import HTTPTypes
import HallDomain
import HallOps
import HallRunner
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt

/// The JSON API: every route, its roles, and the live event it publishes. See docs/operations.md and
/// docs/openapi.yaml.
struct API: Sendable {
    let store: OpsStore
    let hub: EventHub
    let manualClock: ManualClock?
    let sessionLifetime: Duration
    let announcer: Announcer
    let forecasts: ForecastCache

    typealias Group = RouterGroup<OpsRequestContext>

    static let staffRoles: Set<Role> = [.admin, .manager, .clerk]
    static let deskRoles: Set<Role> = [.admin, .manager, .clerk, .device]
    static let anyRole = Set(Role.allCases)
    static let caseReaders: Set<Role> = [.admin, .manager, .clerk, .backOffice]
    static let caseWriters: Set<Role> = [.admin, .manager, .backOffice]
    static let managers: Set<Role> = [.admin, .manager]

    func register(_ api: Group) {
        // Public: health, the hall's reference data (the kiosk's buttons), sign in and out.
        api.get("health") { _, _ in try json(["status": "ok"]) }
        api.get("reference") { _, _ in try json(reference()) }
        api.post("login", use: login)
        api.post("logout") { _, context in
            context.sessions.clearSession()
            return Response(status: .noContent)
        }
        // Who is calling; `{"signedIn": false}` for nobody (a page asks before it shows its sign-in form).
        api.get("me") { _, context in
            guard let p = context.identity else { return try json(["signedIn": false]) }
            return try json(
                MeDTO(
                    signedIn: true, kind: p.kind.rawValue, name: p.name, role: p.role.rawValue, staffID: p.staffID,
                    deviceKind: p.deviceKind))
        }

        // Tickets and live state: staff and devices.
        let desk = api.group().add(middleware: allow(Self.deskRoles))
        desk.post("tickets", use: issue)
        desk.get("queues") { _, _ in try json(try store.queueLengths()) }
        desk.get("forecast") { _, _ in try json(try await forecasts.current(exact: true)) }
        desk.get("windows") { _, _ in try json(try store.windows().map(WindowDTO.init)) }
        desk.get("tickets", use: listTickets)
        desk.get("tickets/{id}") { _, context in try json(TicketDTO(try store.ticket(try id(context)))) }
        desk.post("ratings", use: rate)

        // Everyone signed in, devices too: the live events.
        let live = api.group().add(middleware: allow(Self.anyRole))
        live.get("events", use: events)
        live.get("announcements/{file}", use: announcement)

        // Calling and the window: clerks (and managers standing in).
        let staff = api.group().add(middleware: allow(Self.staffRoles))
        staff.post("windows/{window}/call-next", use: callNext)
        staff.post("windows/{window}/sign-in", use: signIn)
        for action in ["open", "pause", "close"] {
            staff.post("windows/{window}/\(action)") { request, context in
                try await windowAction(action, request: request, context: context)
            }
        }
        for action in ["recall", "no-show", "start", "requeue", "cancel"] {
            staff.post("tickets/{id}/\(action)") { request, context in
                try await ticketAction(action, request: request, context: context)
            }
        }
        staff.post("tickets/{id}/finish", use: finish)
        staff.post("tickets/{id}/transfer", use: transfer)

        // Cases and supervision.
        let caseRead = api.group().add(middleware: allow(Self.caseReaders))
        caseRead.get("cases", use: listCases)
        caseRead.get("cases/{id}") { _, context in try json(CaseDTO(try store.caseInfo(try id(context)))) }
        caseRead.get("supervision", use: supervision)
        let caseWrite = api.group().add(middleware: allow(Self.caseWriters))
        caseWrite.post("cases/{id}/steps", use: recordStep)
        caseWrite.post("cases/{id}/steps/take", use: takeStep)
        caseWrite.post("cases/{id}/suspend", use: suspend)
        caseWrite.post("cases/{id}/resume") { _, context in
            try await publishCase(try store.resume(case: try id(context), actor: actor(context)))
        }
        caseWrite.post("cases/{id}/decide") { _, context in
            try await publishCase(try store.decide(case: try id(context), actor: actor(context)))
        }
        caseWrite.post("cases/{id}/deliver", use: deliver)
        caseWrite.post("cases/{id}/archive") { _, context in
            try await publishCase(try store.archive(case: try id(context), actor: actor(context)))
        }

        // The manager's: KPIs, rectifications, closing the day.
        let manager = api.group().add(middleware: allow(Self.managers))
        manager.get("kpi/day/{date}", use: kpiDay)
        manager.get("rectifications") { _, _ in try json(try store.openRectifications().map(RatingDTO.init)) }
        manager.post("ratings/{id}/rectify", use: rectify)
        manager.post("days/{date}/close", use: closeDay)
        manager.get("bookings/{date}") { _, context in
            let d = try date(context)
            return try json(BookingsBody(date: d.description, bookings: try store.bookings(d)))
        }
        manager.put("bookings/{date}", use: setBookings)
        manager.get("supervision/summary", use: supervisionSummary)

        // The admin's: accounts, devices, audit, the injected clock.
        let admin = api.group().add(middleware: allow([.admin]))
        admin.get("users") { _, _ in try json(try store.users().map(UserDTO.init)) }
        admin.post("users", use: createUser)
        admin.post("users/{id}/password", use: setPassword)
        admin.post("devices", use: createDevice)
        admin.get("audit", use: audit)
        admin.put("clock", use: setClock)
        api.get("clock") { _, context in
            _ = try context.requireIdentity()
            let now = store.clock.now()
            return try json(ClockBody(date: now.date.description, minute: now.minute))
        }
    }

    // MARK: Helpers

    func actor(_ context: OpsRequestContext) throws -> OpsActor { try context.requireIdentity().actor }

    func id(_ context: OpsRequestContext) throws -> Int64 {
        guard let s = context.parameters.get("id"), let v = Int64(s), v > 0 else {
            throw APIError(.badRequest, "the path's id must be a positive integer", field: "id")
        }
        return v
    }

    func date(_ context: OpsRequestContext) throws -> CivilDate {
        guard let s = context.parameters.get("date"), let d = CivilDate(parsing: s) else {
            throw APIError(.badRequest, "the path's date must be a real date as YYYY-MM-DD", field: "date")
        }
        return d
    }

    func window(_ context: OpsRequestContext) throws -> String {
        guard let w = context.parameters.get("window"), !w.isEmpty else {
            throw APIError(.badRequest, "the path names a window", field: "window")
        }
        return w
    }

    func queryDate(_ request: Request) throws -> CivilDate {
        guard let s = request.uri.queryParameters["date"] else { return store.clock.now().date }
        guard let d = CivilDate(parsing: String(s)) else {
            throw APIError(.badRequest, "query 'date' must be a real date as YYYY-MM-DD", field: "date")
        }
        return d
    }

    /// An optional query parameter naming one of an enumeration's values; 400 naming the values otherwise.
    func query<E: RawRepresentable & CaseIterable>(_ request: Request, _ name: String) throws -> E?
    where E.RawValue == String {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return nil }
        guard let v = E(rawValue: String(raw)) else {
            let values = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(.badRequest, "query '\(name)' is one of \(values)", field: name)
        }
        return v
    }

    func text(_ s: String, _ field: String, max: Int = 2000) throws -> String {
        guard s.count <= max else {
            throw APIError(.badRequest, "'\(field)' has at most \(max) characters", field: field)
        }
        return s
    }

    func reference() -> ReferenceDTO {
        let s = store.scenario
        return ReferenceDTO(
            hall: s.name, waitTargetMinutes: s.waitTargetMinutes,
            departments: s.departments.map { .init(id: $0.id, name: $0.name, prefix: store.prefixes[$0.id] ?? "") },
            items: s.items.map { .init(id: $0.id, name: $0.name, department: $0.department, kind: "\($0.kind)") },
            windows: (try? store.windows().map(WindowDTO.init)) ?? [], staff: store.catalogue.staff)
    }

    @discardableResult
    func publishTicket(_ event: String, _ t: OpsTicket, status: HTTPResponse.Status = .ok) async throws -> Response {
        let dto = TicketDTO(t)
        await hub.publish(event, dto)
        return try json(dto, status: status)
    }

    func publishCase(_ c: OpsCase) async throws -> Response {
        let dto = CaseDTO(c)
        await hub.publish("case", dto)
        return try json(dto)
    }

    // MARK: Sign in

    @Sendable func login(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let body = try await request.json(LoginBody.self, context: context)
        guard body.name.count <= 200, body.password.count <= 200, let user = try store.user(named: body.name),
            user.active, Bcrypt.verify(body.password, hash: user.passwordHash)
        else {
            throw APIError(.unauthorized, "wrong name or password")
        }
        context.sessions.createSession(OpsSession(userID: user.id), expiresIn: sessionLifetime)
        return try json(UserDTO(user))
    }

    // MARK: Tickets

    @Sendable func issue(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let p = try context.requireIdentity()
        if p.kind == .device, p.deviceKind != "kiosk" {
            throw APIError(.forbidden, "only a kiosk device issues tickets")
        }
        let b = try await request.json(IssueBody.self, context: context)
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        let t = try store.issueTicket(
            IssueRequest(
                kind: b.kind, department: b.department, item: b.item, appointmentSlot: b.appointmentSlot,
                caseNumber: b.caseNumber), idempotencyKey: key, actor: p.actor)
        let ahead = try peopleAhead(t)
        var dto = IssuedDTO(
            ticket: TicketDTO(t), ahead: ahead.count, estimatedWaitMinutes: ahead.estimate, estimate: "naive")
        // The now-cast's wait for a ticket taken now in the department, when it has one.
        if t.state == .waiting, let cast = try? await forecasts.current(exact: false),
            let n = cast.newTicket.first(where: { $0.department == t.department }), let median = n.median
        {
            dto.estimatedWaitMinutes = median
            dto.estimatedWaitLowMinutes = n.low
            dto.estimatedWaitHighMinutes = n.high
            dto.estimate = "forecast"
        }
        await hub.publish("issued", dto.ticket)
        return try json(dto, status: .created)
    }

    /// Tickets of the same department waiting ahead (a new ticket is last in its queue; the store keeps the
    /// counts, so this costs no scan of the day's tickets), and a naive estimate (people ahead × mean
    /// intake ÷ open windows serving the department).
    func peopleAhead(_ t: OpsTicket) throws -> (count: Int, estimate: Double?) {
        let ahead = t.state == .waiting ? max(0, (try store.queueLengths()[t.department] ?? 1) - 1) : 0
        let open = try store.windows().filter { $0.departments.contains(t.department) && $0.status == .open }.count
        let items = store.scenario.items.filter { $0.department == t.department }
        let mean = items.isEmpty ? nil : items.map { $0.service.mean }.reduce(0, +) / Double(items.count)
        guard let mean else { return (ahead, nil) }
        return (ahead, NowCast.naiveWait(ahead: ahead, meanService: mean, openWindows: open))
    }

    @Sendable func listTickets(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let state: TicketState? = try query(request, "state")
        return try json(try store.tickets(on: try queryDate(request), state: state).map(TicketDTO.init))
    }

    @Sendable func callNext(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let w = try window(context)
        guard let t = try store.callNext(window: w, actor: try actor(context)) else {
            return Response(status: .noContent)
        }
        return try await publishTicket("called", t)
    }

    func ticketAction(_ action: String, request: Request, context: OpsRequestContext) async throws -> Response {
        let i = try id(context)
        let a = try actor(context)
        switch action {
        case "recall": return try await publishTicket("recalled", try store.recall(ticket: i, actor: a))
        case "no-show": return try await publishTicket("no_show", try store.noShow(ticket: i, actor: a))
        case "start": return try await publishTicket("started", try store.start(ticket: i, actor: a))
        case "requeue": return try await publishTicket("requeued", try store.requeue(ticket: i, actor: a))
        default: return try await publishTicket("cancelled", try store.cancel(ticket: i, actor: a))
        }
    }

    @Sendable func finish(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(FinishBody.self, context: context)
        return try await publishTicket(
            "finished", try store.finish(ticket: try id(context), outcome: b.outcome, actor: try actor(context)))
    }

    @Sendable func transfer(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(TransferBody.self, context: context)
        let targets = [
            b.department.map(TransferTarget.department), b.window.map(TransferTarget.window),
            b.clerk.map(TransferTarget.clerk),
        ].compactMap { $0 }
        guard targets.count == 1 else {
            throw APIError(
                .badRequest, "a transfer names exactly one of department, window or clerk", field: "department")
        }
        return try await publishTicket(
            "transferred", try store.transfer(ticket: try id(context), to: targets[0], actor: try actor(context)),
            status: .created)
    }

    // MARK: Windows

    @Sendable func signIn(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let p = try context.requireIdentity()
        let b = try await request.json(SignInBody.self, context: context)
        guard let staff = b.staff ?? p.staffID else {
            throw APIError(.badRequest, "name the clerk who signs in (this account has no staff id)", field: "staff")
        }
        let w = WindowDTO(try store.signIn(window: try window(context), staff: staff, actor: p.actor))
        await hub.publish("window", w)
        return try json(w)
    }

    func windowAction(_ action: String, request: Request, context: OpsRequestContext) async throws -> Response {
        let w = try window(context)
        let a = try actor(context)
        let result: OpsWindow =
            switch action {
            case "open": try store.openWindow(w, actor: a)
            case "pause": try store.pauseWindow(w, actor: a)
            default: try store.closeWindow(w, actor: a)
            }
        let dto = WindowDTO(result)
        await hub.publish("window", dto)
        return try json(dto)
    }

    // MARK: Cases

    @Sendable func listCases(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let state: CaseState? = try query(request, "state")
        let dept = request.uri.queryParameters["department"].map(String.init)
        return try json(try store.cases(department: dept, state: state).map(CaseDTO.init))
    }

    @Sendable func supervision(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let dept = request.uri.queryParameters["department"].map(String.init)
        var entries = try store.supervision(on: try queryDate(request), department: dept)
        if let level: SupervisionLevel = try query(request, "level") { entries = entries.filter { $0.level == level } }
        return try json(entries.map(SupervisionDTO.init))
    }

    @Sendable func supervisionSummary(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let counts = try store.supervisionByDepartment(on: try queryDate(request))
        return try json(counts.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.key.rawValue, $0.value) }) })
    }

    @Sendable func recordStep(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(StepBody.self, context: context)
        return try await publishCase(
            try store.recordStep(
                case: try id(context), step: b.step, staff: try text(b.staff, "staff", max: 200),
                actor: try actor(context)))
    }

    @Sendable func takeStep(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(StepBody.self, context: context)
        return try await publishCase(
            try store.takeStep(
                case: try id(context), step: b.step, staff: try text(b.staff, "staff", max: 200),
                actor: try actor(context)))
    }

    @Sendable func suspend(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(SuspendBody.self, context: context)
        return try await publishCase(
            try store.suspend(
                case: try id(context), procedure: try text(b.procedure, "procedure", max: 200),
                actor: try actor(context)))
    }

    @Sendable func deliver(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(DeliverBody.self, context: context)
        return try await publishCase(try store.deliver(case: try id(context), mode: b.mode, actor: try actor(context)))
    }

    // MARK: Ratings

    @Sendable func rate(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let p = try context.requireIdentity()
        if p.kind == .device, p.deviceKind != "rating_pad" {
            throw APIError(.forbidden, "only a rating pad device stores ratings")
        }
        let b = try await request.json(RateBody.self, context: context)
        let r = RatingDTO(
            try store.rate(
                ticket: b.ticket, level: b.level, comment: try text(b.comment ?? "", "comment"), actor: p.actor))
        await hub.publish("rating", r)
        return try json(r, status: .created)
    }

    @Sendable func rectify(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(RectifyBody.self, context: context)
        let r = RatingDTO(
            try store.rectify(rating: try id(context), note: try text(b.note, "note"), actor: try actor(context)))
        await hub.publish("rating", r)
        return try json(r)
    }

    // MARK: The manager's

    @Sendable func kpiDay(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let data = try store.summary(try date(context)).json()
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func closeDay(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let d = try date(context)
        let n = try store.closeDay(d, actor: try actor(context))
        await hub.publish("day_closed", ["date": d.description, "unserved": "\(n)"])
        return try json(["date": d.description, "unserved": "\(n)"])
    }

    /// Replaces a day's appointment bookings (the booking system's counts per slot).
    @Sendable func setBookings(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let d = try date(context)
        let b = try await request.json(BookingsBody.self, context: context)
        try store.setBookings(d, b.bookings, actor: try actor(context))
        return try json(BookingsBody(date: d.description, bookings: try store.bookings(d)))
    }

    // MARK: The admin's

    @Sendable func createUser(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(NewUserBody.self, context: context)
        guard (8...200).contains(b.password.count) else {
            throw APIError(.badRequest, "a password has 8 to 200 characters", field: "password")
        }
        guard (1...100).contains(b.name.count) else {
            throw APIError(.badRequest, "a user name has 1 to 100 characters", field: "name")
        }
        guard b.role != .device else {
            throw APIError(.badRequest, "devices are registered under /api/devices, not as users", field: "role")
        }
        let u = try store.createUser(
            name: b.name, role: b.role, passwordHash: Bcrypt.hash(b.password, cost: OpsServer.bcryptCost),
            staffID: b.staffID, actor: try actor(context))
        return try json(UserDTO(u), status: .created)
    }

    @Sendable func setPassword(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(PasswordBody.self, context: context)
        guard (8...200).contains(b.password.count) else {
            throw APIError(.badRequest, "a password has 8 to 200 characters", field: "password")
        }
        try store.setPassword(
            user: try id(context), passwordHash: Bcrypt.hash(b.password, cost: OpsServer.bcryptCost),
            actor: try actor(context))
        return Response(status: .noContent)
    }

    @Sendable func createDevice(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let b = try await request.json(NewDeviceBody.self, context: context)
        guard ["kiosk", "display", "rating_pad"].contains(b.kind) else {
            throw APIError(.badRequest, "a device kind is one of kiosk, display, rating_pad", field: "kind")
        }
        guard (1...100).contains(b.name.count) else {
            throw APIError(.badRequest, "a device name has 1 to 100 characters", field: "name")
        }
        let token = newDeviceToken()
        let d = try store.createDevice(
            name: b.name, kind: b.kind, tokenHash: deviceTokenHash(token), actor: try actor(context))
        return try json(["id": "\(d.id)", "name": d.name, "kind": d.kind, "token": token], status: .created)
    }

    @Sendable func audit(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let limit = request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 100
        let before = request.uri.queryParameters["before"].flatMap { Int64(String($0)) }
        guard (1...1000).contains(limit) else {
            throw APIError(.badRequest, "query 'limit' is 1 to 1000", field: "limit")
        }
        return try json(try store.audit(limit: limit, before: before).map(AuditDTO.init))
    }

    @Sendable func setClock(_ request: Request, context: OpsRequestContext) async throws -> Response {
        guard let manualClock else {
            throw APIError(.conflict, "the clock is the system's; start the server with --manual-clock to set it")
        }
        let b = try await request.json(ClockBody.self, context: context)
        guard let d = CivilDate(parsing: b.date) else {
            throw APIError(.badRequest, "'date' must be a real date as YYYY-MM-DD", field: "date")
        }
        guard b.minute.isFinite, (0..<1440).contains(b.minute) else {
            throw APIError(.badRequest, "'minute' is minutes after midnight, 0 to 1439", field: "minute")
        }
        manualClock.set(Stamp(d, b.minute))
        await hub.publish("clock", b)
        return try json(b)
    }

    // MARK: Live events

    @Sendable func events(_ request: Request, context: OpsRequestContext) async throws -> Response {
        let header = request.headers[HTTPField.Name("Last-Event-ID")!]
        let query = request.uri.queryParameters["lastEventId"].map(String.init)
        let last = (header ?? query).flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        guard let (token, stream) = await hub.subscribe(after: last) else {
            throw APIError(.serviceUnavailable, "the server is stopping")
        }
        let hub = self.hub
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                do {
                    for await chunk in stream { try await writer.write(ByteBuffer(string: chunk)) }
                    await hub.unsubscribe(token)
                    try await writer.finish(nil)
                } catch {
                    await hub.unsubscribe(token)
                    throw error
                }
            })
    }
}

/// A JSON response.
func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}
