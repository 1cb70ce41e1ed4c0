import RouteHandlers

/// The example's sessions, in its database (the `sessions` table of SQLite or PostgreSQL): every worker sees
/// them, and with `DATABASE_URL` every host of nginx/run-cluster, so a session follows its visitor wherever
/// nginx sends the next request.
struct DatabaseSessionStore: SessionStore {
    var store: any Store = currentStore

    func load(_ id: String) async throws -> [UInt8]? {
        try await store.loadSession(id).map { Array($0.utf8) }
    }

    func save(_ id: String, data: [UInt8], expiresIn: Duration) async throws {
        try await store.saveSession(id, data: String(decoding: data, as: UTF8.self), seconds: expiresIn.components.seconds)
    }

    func delete(_ id: String) async throws {
        try await store.deleteSession(id)
    }
}

/// What the example keeps in a visitor's session.
struct Visitor: Codable, Sendable {
    var visits = 0
    var name: String?
}
