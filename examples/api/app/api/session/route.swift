import RouteHandlers

/// GET /api/session: counts this visitor's visits, `{"visits":N,"name":…}`; the first one sets the cookie.
func GET(_ request: Request, _ context: Context) async throws -> Response {
    let session = try context.session(Visitor.self)
    session.update { visitor in visitor = Visitor(visits: (visitor?.visits ?? 0) + 1, name: visitor?.name) }
    return .json(session.data ?? Visitor())
}

/// POST /api/session with a form `name=Ada`: remembers the name, under a new session id (as after a login).
func POST(_ request: Request, _ context: Context) async throws -> Response {
    let input = try await request.form(NameInput.self)
    let session = try context.session(Visitor.self)
    session.update { visitor in visitor = Visitor(visits: visitor?.visits ?? 0, name: input.name) }
    session.renew()
    return .json(session.data ?? Visitor())
}

/// DELETE /api/session: forgets the session (204) and expires its cookie.
func DELETE(_ request: Request, _ context: Context) async throws -> Response {
    try context.session(Visitor.self).destroy()
    return .empty()
}

struct NameInput: Decodable, Validatable {
    var name: String

    func validate(_ check: inout Validation) {
        check(!name.isEmpty && name.count <= 100, "name", "must be 1 to 100 characters")
    }
}
