/// The posts, in ``currentStore``. Each call is one transaction.
enum Posts {
    /// Every post, ordered by id.
    static func all(in store: any Store = currentStore) async throws -> [Post] {
        try await store.allPosts()
    }

    /// The post with `id`, if there is one.
    static func find(_ id: Int64, in store: any Store = currentStore) async throws -> Post? {
        try await store.allPosts().first { $0.id == id }
    }

    /// Creates a post. - Throws: ``HTTPError`` 422 when the author does not exist.
    static func create(_ input: PostInput, in store: any Store = currentStore) async throws -> Post {
        try await store.createPost(input)
    }
}
