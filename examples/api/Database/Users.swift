/// The users, in ``currentStore``. Each call is one transaction.
enum Users {
    /// Every user, ordered by id.
    static func all(in store: any Store = currentStore) async throws -> [User] {
        try await store.allUsers()
    }

    /// The user with this id, or nil.
    static func find(_ id: Int64, in store: any Store = currentStore) async throws -> User? {
        try await store.user(id)
    }

    /// Creates a user. - Throws: ``HTTPError`` 409 when the email is taken.
    static func create(_ input: UserInput, in store: any Store = currentStore) async throws -> User {
        try await store.createUser(input)
    }

    /// Replaces a user's fields; nil when there is no such user. - Throws: ``HTTPError`` 409 when the email is taken.
    static func replace(_ id: Int64, with input: UserInput, in store: any Store = currentStore) async throws -> User? {
        try await store.replaceUser(id, with: input)
    }

    /// Deletes a user and their posts; false when there was no such user.
    static func delete(_ id: Int64, in store: any Store = currentStore) async throws -> Bool {
        try await store.deleteUser(id)
    }
}
