import RouteHandlers

/// The paths the example's tagged answers were cached under, in its database (the `tagged_paths` table): with
/// `DATABASE_URL`, every host of nginx/run-cluster notes them in one place, so that `revalidateTag("posts")` on any
/// host refreshes `/api/posts/3` whichever host answered it.
struct DatabaseTaggedPathIndex: TaggedPathIndex {
    var store: any Store = currentStore

    func record(_ path: String, tags: [String]) async {
        for tag in tags { try? await store.recordTaggedPath(path, tag: tag) }
    }

    func paths(tags: [String]) async -> [String] {
        (try? await store.taggedPaths(tags)) ?? []
    }
}
