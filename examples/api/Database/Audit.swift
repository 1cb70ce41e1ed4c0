/// The audit log: what happened to which record, written by routes with `after { }` once their response is out.
enum Audit {
    /// Records `action` on `subject` (such as `user.created` on a user's id).
    static func record(_ action: String, subject: String, in store: any Store = currentStore) async throws {
        try await store.recordAudit(action, subject: subject)
    }

    /// Every entry, newest first.
    static func entries(in store: any Store = currentStore) async throws -> [AuditEntry] {
        try await store.auditEntries()
    }
}

/// How many users and posts there are.
enum Stats {
    static func current(in store: any Store = currentStore) async throws -> Counts {
        try await store.counts()
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
}
