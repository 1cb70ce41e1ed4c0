import Synchronization

/// Where sessions live between requests, by id: ``SessionMiddleware`` loads a session before the handler and saves
/// it after, only when it changed. A store every worker and host reaches (a database table) lets a session follow
/// its user across `--processes` workers and hosts; ``MemorySessionStore`` serves one process only.
public protocol SessionStore: Sendable {
    /// The stored data of session `id`, or `nil` when there is none or it expired.
    func load(_ id: String) async throws -> [UInt8]?
    /// Stores `data` as session `id` until `expiresIn` from now, replacing what was there.
    func save(_ id: String, data: [UInt8], expiresIn: Duration) async throws
    /// Forgets session `id`.
    func delete(_ id: String) async throws
}

/// Sessions in this process's memory: for tests, development and a single process. Workers under `--processes`
/// and other hosts do not see them; use a shared store there.
public final class MemorySessionStore: SessionStore {
    private let sessions = Mutex<[String: (data: [UInt8], expires: ContinuousClock.Instant)]>([:])

    public init() {}

    public func load(_ id: String) async throws -> [UInt8]? {
        sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expires > .now else {
                sessions[id] = nil
                return nil
            }
            return session.data
        }
    }

    public func save(_ id: String, data: [UInt8], expiresIn: Duration) async throws {
        sessions.withLock { $0[id] = (data, .now + expiresIn) }
    }

    public func delete(_ id: String) async throws {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }
}
