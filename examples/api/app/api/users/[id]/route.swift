import RouteHandlers

/// GET /api/users/[id]: the user, or 404.
func GET(_ request: Request, _ context: Context) async throws -> Response {
    let id = try userID(context.params.id)
    guard let user = try await Users.find(id) else { throw notFound(id) }
    return .json(user)
}

/// PUT /api/users/[id]: replaces the user's name and email (both required, validated as for POST).
func PUT(_ request: Request, _ context: Context) async throws -> Response {
    let id = try userID(context.params.id)
    let input = try await request.json(UserInput.self).validated()
    guard let user = try await Users.replace(id, with: input) else { throw notFound(id) }
    return .json(user)
}

/// DELETE /api/users/[id]: 204, and the user's posts go with them.
func DELETE(_ request: Request, _ context: Context) async throws -> Response {
    let id = try userID(context.params.id)
    guard try await Users.delete(id) else { throw notFound(id) }
    // Their posts went with them.
    revalidateTag("posts")
    after { try await Audit.record("user.deleted", subject: String(id)) }
    return .empty()
}

/// Ids are positive integers; anything else names no user, so it is a 404 like an unknown id.
func userID(_ segment: String) throws(HTTPError) -> Int64 {
    guard let id = Int64(segment), id > 0 else {
        throw HTTPError(.notFound, "There is no user with id \"\(segment)\".")
    }
    return id
}

func notFound(_ id: Int64) -> HTTPError {
    HTTPError(.notFound, "There is no user with id \(id).")
}
