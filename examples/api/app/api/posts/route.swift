import RouteHandlers

/// GET /api/posts: every post, ordered by id.
func GET() async throws -> Response {
    .json(try await Posts.all())
}

/// POST /api/posts with `{"title", "body", "authorId"}`: 201 with the post; 422 naming a missing or invalid
/// field, or `authorId` when no such user exists.
func POST(_ request: Request) async throws -> Response {
    let input = try await request.json(PostInput.self).validated()
    return .json(try await Posts.create(input), status: .created)
}
