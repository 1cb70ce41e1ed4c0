import RouteHandlers

/// The audit log: what happened to which record, written by routes with `after { }` once their response is out.
enum Audit {
    /// Records `action` on `subject` (such as `user.created` on a user's id).
    static func record(_ action: String, subject: String, in database: Database = .shared) async throws {
        try await database.transaction { connection in
            _ = try connection.query("INSERT INTO audit (action, subject) VALUES (?, ?)", [.text(action), .text(subject)])
        }
    }

    /// Every entry, newest first.
    static func entries(in database: Database = .shared) async throws -> [AuditEntry] {
        try await database.transaction { connection in
            try connection.query("SELECT id, action, subject, at FROM audit ORDER BY id DESC").compactMap(AuditEntry.init(row:))
        }
    }
}

/// How many users and posts there are.
enum Stats {
    static func current(in database: Database = .shared) async throws -> Counts {
        try await database.transaction { connection in
            let users = try connection.query("SELECT count(*) FROM users").first?.first?.integer ?? 0
            let posts = try connection.query("SELECT count(*) FROM posts").first?.first?.integer ?? 0
            return Counts(users: users, posts: posts)
        }
    }

    struct Counts: Encodable, Sendable {
        var users: Int64
        var posts: Int64
    }
}

/// One entry of the audit log. `at` is UTC, ISO 8601 with milliseconds.
struct AuditEntry: Encodable, Sendable {
    var id: Int64
    var action: String
    var subject: String
    var at: String

    init?(row: [SQLiteValue]) {
        guard row.count == 4, let id = row[0].integer, let action = row[1].text, let subject = row[2].text,
              let at = row[3].text
        else { return nil }
        self.init(id: id, action: action, subject: subject, at: at)
    }

    init(id: Int64, action: String, subject: String, at: String) {
        self.id = id
        self.action = action
        self.subject = subject
        self.at = at
    }
}
