import RouteHandlers

/// Cached by nginx for 60 seconds, and refreshed at once whenever posts change: every write calls
/// `revalidateTag("posts")` (here, and deleting a user, which deletes their posts).
let revalidate = 60
let tags = ["posts"]

/// GET /api/posts: every post, ordered by id.
func GET() async throws -> Response {
    .json(try await Posts.all())
}

/// POST /api/posts with `{"title", "body", "authorId"}`: 201 with the post; 422 naming a missing or invalid
/// field, or `authorId` when no such user exists.
func POST(_ request: Request) async throws -> Response {
    let input = try await request.json(PostInput.self).validated()
    let post = try await Posts.create(input)
    revalidateTag("posts")
    return .json(post, status: .created)
}
