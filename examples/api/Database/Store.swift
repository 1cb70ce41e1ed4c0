import RouteHandlers

/// Where the example keeps users, posts and the audit log. Two implementations with the same contract:
/// ``SQLiteStore`` (embedded, the default) and ``PostgresStore`` (when `DATABASE_URL` is set, so that several
/// hosts share one database).
///
/// The contract the routes rely on, whichever store:
/// - ids are positive and increasing (PostgreSQL may skip ids after a failed insert; SQLite does not);
/// - an email belongs to at most one user, enforced by a `UNIQUE` constraint, so that two concurrent creates of
///   the same email give one user and one ``HTTPError`` 409, never two users;
/// - a post's author must exist (``HTTPError`` 422 otherwise), and deleting a user deletes their posts;
/// - strings come back exactly as stored, U+0000 included.
protocol Store: Sendable {
    /// Every user, ordered by id.
    func allUsers() async throws -> [User]
    /// The user with this id, or nil.
    func user(_ id: Int64) async throws -> User?
    /// Creates a user. - Throws: ``HTTPError`` 409 when the email is taken.
    func createUser(_ input: UserInput) async throws -> User
    /// Replaces a user's fields; nil when there is no such user. - Throws: ``HTTPError`` 409 when the email is taken.
    func replaceUser(_ id: Int64, with input: UserInput) async throws -> User?
    /// Deletes a user and their posts; false when there was no such user.
    func deleteUser(_ id: Int64) async throws -> Bool

    /// Every post, ordered by id.
    func allPosts() async throws -> [Post]
    /// Creates a post. - Throws: ``HTTPError`` 422 when the author does not exist.
    func createPost(_ input: PostInput) async throws -> Post

    /// Appends an entry to the audit log.
    func recordAudit(_ action: String, subject: String) async throws
    /// Every audit entry, newest first.
    func auditEntries() async throws -> [AuditEntry]
    /// How many users and posts there are.
    func counts() async throws -> Stats.Counts

    /// The data of session `id` (JSON text), or nil when there is none or it expired.
    func loadSession(_ id: String) async throws -> String?
    /// Stores session `id` for `seconds` from now, replacing what was there.
    func saveSession(_ id: String, data: String, seconds: Int64) async throws
    /// Forgets session `id`.
    func deleteSession(_ id: String) async throws

    /// Notes that `path` was cached with `tag` (for revalidateTag, on any host).
    func recordTaggedPath(_ path: String, tag: String) async throws
    /// The paths noted for any of `tags`.
    func taggedPaths(_ tags: [String]) async throws -> [String]
}

/// The store the routes use, chosen once from the environment: PostgreSQL at `DATABASE_URL` when it is set,
/// else SQLite at `EXAMPLE_API_DATABASE` (default `example-api.sqlite` in the working directory). Neither
/// connects before its first use, so the process can start and print its usage without a database.
let currentStore: any Store = {
    #if PostgreSQL
    if let url = environment("DATABASE_URL") {
        do {
            return try PostgresStore(url: url)
        } catch {
            // main.swift checks the URL before serving; this only runs if something reads the store earlier.
            fatalError("DATABASE_URL: \(error)")
        }
    }
    #endif
    return SQLiteStore(database: Database(path: environment("EXAMPLE_API_DATABASE") ?? "example-api.sqlite"))
}()

extension Users {
    /// 409 for an email another user has.
    static func duplicateEmail(_ email: String) -> HTTPError {
        HTTPError(.conflict, "A user with the email \"\(email)\" already exists.")
    }
}

extension Posts {
    /// 422 for a post whose author does not exist.
    static func unknownAuthor(_ id: Int64) -> HTTPError {
        HTTPError(.unprocessableContent, "Field \"authorId\": there is no user with id \(id).")
    }
}
