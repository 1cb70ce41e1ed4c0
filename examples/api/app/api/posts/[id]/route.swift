import RouteHandlers

/// Cached by nginx for 60 seconds under each post's path, and refreshed at once by `revalidateTag("posts")`: the
/// responder notes the paths it answered (`/api/posts/3`), since the route table cannot list them.
let revalidate = 60
let tags = ["posts"]

/// GET /api/posts/[id]: the post, or 404.
func GET(_ request: Request, _ context: Context) async throws -> Response {
    guard let id = Int64(context.params.id), id > 0, let post = try await Posts.find(id) else {
        throw HTTPError(.notFound, "No post with id \(context.params.id).")
    }
    return .json(post)
}
