import RouteHandlers

/// The embedded store: one SQLite file (see ``Database``). Each call is one transaction.
struct SQLiteStore: Store {
    let database: Database

    func allUsers() async throws -> [User] {
        try await database.transaction { connection in
            try connection.query("SELECT id, name, email FROM users ORDER BY id").compactMap(User.init(row:))
        }
    }

    func user(_ id: Int64) async throws -> User? {
        try await database.transaction { connection in
            try connection.query("SELECT id, name, email FROM users WHERE id = ?", [.integer(id)])
                .first.flatMap(User.init(row:))
        }
    }

    func createUser(_ input: UserInput) async throws -> User {
        try await database.transaction { connection in
            do {
                try connection.query("INSERT INTO users (name, email) VALUES (?, ?)", [.text(input.name), .text(input.email)])
            } catch let error as SQLiteError where error.isUniqueViolation {
                throw Users.duplicateEmail(input.email)
            }
            return User(id: connection.lastInsertRowID, name: input.name, email: input.email)
        }
    }

    func replaceUser(_ id: Int64, with input: UserInput) async throws -> User? {
        try await database.transaction { connection in
            do {
                try connection.query(
                    "UPDATE users SET name = ?, email = ? WHERE id = ?", [.text(input.name), .text(input.email), .integer(id)])
            } catch let error as SQLiteError where error.isUniqueViolation {
                throw Users.duplicateEmail(input.email)
            }
            return connection.changes == 0 ? nil : User(id: id, name: input.name, email: input.email)
        }
    }

    func deleteUser(_ id: Int64) async throws -> Bool {
        try await database.transaction { connection in
            try connection.query("DELETE FROM users WHERE id = ?", [.integer(id)])
            return connection.changes > 0
        }
    }

    func allPosts() async throws -> [Post] {
        try await database.transaction { connection in
            try connection.query("SELECT id, title, body, author_id FROM posts ORDER BY id").compactMap(Post.init(row:))
        }
    }

    func createPost(_ input: PostInput) async throws -> Post {
        try await database.transaction { connection in
            do {
                try connection.query(
                    "INSERT INTO posts (title, body, author_id) VALUES (?, ?, ?)",
                    [.text(input.title), .text(input.body), .integer(input.authorId)])
            } catch let error as SQLiteError where error.isForeignKeyViolation {
                throw Posts.unknownAuthor(input.authorId)
            }
            return Post(id: connection.lastInsertRowID, title: input.title, body: input.body, authorId: input.authorId)
        }
    }

    func recordAudit(_ action: String, subject: String) async throws {
        try await database.transaction { connection in
            _ = try connection.query("INSERT INTO audit (action, subject) VALUES (?, ?)", [.text(action), .text(subject)])
        }
    }

    func loadSession(_ id: String) async throws -> String? {
        try await database.transaction { connection in
            let now = "CAST(strftime('%s', 'now') AS INTEGER)"
            return try connection.query("SELECT data FROM sessions WHERE id = ? AND expires > \(now)", [.text(id)]).first?.first?.text
        }
    }

    func saveSession(_ id: String, data: String, seconds: Int64) async throws {
        try await database.transaction { connection in
            // Expired sessions go when any is saved: no sweeper needed.
            _ = try connection.query("DELETE FROM sessions WHERE expires <= CAST(strftime('%s', 'now') AS INTEGER)")
            _ = try connection.query(
                "INSERT OR REPLACE INTO sessions (id, data, expires) VALUES (?, ?, CAST(strftime('%s', 'now') AS INTEGER) + ?)",
                [.text(id), .text(data), .integer(seconds)])
        }
    }

    func deleteSession(_ id: String) async throws {
        try await database.transaction { connection in
            _ = try connection.query("DELETE FROM sessions WHERE id = ?", [.text(id)])
        }
    }

    func recordTaggedPath(_ path: String, tag: String) async throws {
        try await database.transaction { connection in
            _ = try connection.query("INSERT OR IGNORE INTO tagged_paths (tag, path) VALUES (?, ?)", [.text(tag), .text(path)])
        }
    }

    func taggedPaths(_ tags: [String]) async throws -> [String] {
        guard !tags.isEmpty else { return [] }
        return try await database.transaction { connection in
            let marks = Array(repeating: "?", count: tags.count).joined(separator: ", ")
            return try connection.query(
                "SELECT DISTINCT path FROM tagged_paths WHERE tag IN (\(marks)) ORDER BY path", tags.map { .text($0) }
            )
            .compactMap { $0.first?.text }
        }
    }

    func auditEntries() async throws -> [AuditEntry] {
        try await database.transaction { connection in
            try connection.query("SELECT id, action, subject, at FROM audit ORDER BY id DESC").compactMap(AuditEntry.init(row:))
        }
    }

    func counts() async throws -> Stats.Counts {
        try await database.transaction { connection in
            let users = try connection.query("SELECT count(*) FROM users").first?.first?.integer ?? 0
            let posts = try connection.query("SELECT count(*) FROM posts").first?.first?.integer ?? 0
            return Stats.Counts(users: users, posts: posts)
        }
    }
}

extension User {
    init?(row: [SQLiteValue]) {
        guard row.count == 3, let id = row[0].integer, let name = row[1].text, let email = row[2].text else { return nil }
        self.init(id: id, name: name, email: email)
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

extension AuditEntry {
    init?(row: [SQLiteValue]) {
        guard row.count == 4, let id = row[0].integer, let action = row[1].text, let subject = row[2].text,
            let at = row[3].text
        else { return nil }
        self.init(id: id, action: action, subject: subject, at: at)
    }
}
