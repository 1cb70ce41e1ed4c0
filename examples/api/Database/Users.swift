import RouteHandlers

/// The users table. Each call is one transaction on ``Database/shared``.
enum Users {
    /// Every user, ordered by id.
    static func all(in database: Database = .shared) async throws -> [User] {
        try await database.transaction { connection in
            try connection.query("SELECT id, name, email FROM users ORDER BY id").compactMap(User.init(row:))
        }
    }

    /// The user with this id, or nil.
    static func find(_ id: Int64, in database: Database = .shared) async throws -> User? {
        try await database.transaction { connection in
            try connection.query("SELECT id, name, email FROM users WHERE id = ?", [.integer(id)])
                .first.flatMap(User.init(row:))
        }
    }

    /// Creates a user. - Throws: ``HTTPError`` 409 when the email is taken.
    static func create(_ input: UserInput, in database: Database = .shared) async throws -> User {
        try await database.transaction { connection in
            do {
                try connection.query("INSERT INTO users (name, email) VALUES (?, ?)", [.text(input.name), .text(input.email)])
            } catch let error as SQLiteError where error.isUniqueViolation {
                throw duplicateEmail(input.email)
            }
            return User(id: connection.lastInsertRowID, name: input.name, email: input.email)
        }
    }

    /// Replaces a user's fields; nil when there is no such user. - Throws: ``HTTPError`` 409 when the email is taken.
    static func replace(_ id: Int64, with input: UserInput, in database: Database = .shared) async throws -> User? {
        try await database.transaction { connection in
            do {
                try connection.query(
                    "UPDATE users SET name = ?, email = ? WHERE id = ?", [.text(input.name), .text(input.email), .integer(id)])
            } catch let error as SQLiteError where error.isUniqueViolation {
                throw duplicateEmail(input.email)
            }
            return connection.changes == 0 ? nil : User(id: id, name: input.name, email: input.email)
        }
    }

    /// Deletes a user and their posts; false when there was no such user.
    static func delete(_ id: Int64, in database: Database = .shared) async throws -> Bool {
        try await database.transaction { connection in
            try connection.query("DELETE FROM users WHERE id = ?", [.integer(id)])
            return connection.changes > 0
        }
    }

    /// 409 for an email another user has.
    static func duplicateEmail(_ email: String) -> HTTPError {
        HTTPError(.conflict, "A user with the email \"\(email)\" already exists.")
    }
}

extension User {
    init?(row: [SQLiteValue]) {
        guard row.count == 3, let id = row[0].integer, let name = row[1].text, let email = row[2].text else { return nil }
        self.init(id: id, name: name, email: email)
    }
}
