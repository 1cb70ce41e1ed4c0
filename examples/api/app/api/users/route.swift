import RouteHandlers

/// GET /api/users: every user, ordered by id.
func GET() async throws -> Response {
    .json(try await Users.all())
}

/// POST /api/users with `{"name", "email"}`: 201 with the user and its `Location`; 400 for malformed JSON,
/// 422 naming a missing or invalid field, 409 for an email that is taken.
func POST(_ request: Request) async throws -> Response {
    let input = try await request.json(UserInput.self).validated()
    let user = try await Users.create(input)
    // Once the response is out: the client does not wait for the audit log.
    after { try await Audit.record("user.created", subject: String(user.id)) }
    return .json(user, status: .created, headers: ["Location": "/api/users/\(user.id)"])
}
