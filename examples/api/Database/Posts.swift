import RouteHandlers

/// The posts table. Each call is one transaction on ``Database/shared``.
enum Posts {
    /// Every post, ordered by id.
    static func all(in database: Database = .shared) async throws -> [Post] {
        try await database.transaction { connection in
            try connection.query("SELECT id, title, body, author_id FROM posts ORDER BY id").compactMap(Post.init(row:))
        }
    }

    /// Creates a post. - Throws: ``HTTPError`` 422 when the author does not exist.
    static func create(_ input: PostInput, in database: Database = .shared) async throws -> Post {
        try await database.transaction { connection in
            do {
                try connection.query(
                    "INSERT INTO posts (title, body, author_id) VALUES (?, ?, ?)",
                    [.text(input.title), .text(input.body), .integer(input.authorId)])
            } catch let error as SQLiteError where error.isForeignKeyViolation {
                throw HTTPError(.unprocessableContent, "Field \"authorId\": there is no user with id \(input.authorId).")
            }
            return Post(id: connection.lastInsertRowID, title: input.title, body: input.body, authorId: input.authorId)
        }
    }
}

extension Post {
    init?(row: [SQLiteValue]) {
        guard row.count == 4, let id = row[0].integer, let title = row[1].text, let body = row[2].text,
              let authorId = row[3].integer
        else { return nil }
        self.init(id: id, title: title, body: body, authorId: authorId)
    }
}
