import Synchronization

/// The paths (with their query) that the answers of tagged routes were cached under, for ``revalidateTag(_:)`` to
/// refresh those it cannot know from the route table: a route with dynamic segments (`/api/posts/3`) and the query
/// variants of any route (`/api/posts?page=2`).
///
/// The responder records a path once a tagged route's GET got a shared-cacheable 200, while a
/// ``CacheRevalidator`` is configured. ``MemoryTaggedPathIndex`` keeps one process's; the FastCGI application
/// shares one between a pool's workers. Hosts behind one nginx each know what they answered: an index in a store
/// they share (a database) makes a tag refresh everything any of them answered.
public protocol TaggedPathIndex: Sendable {
    /// Notes that `path` (a request target: path and query) was cached with `tags`.
    func record(_ path: String, tags: [String]) async
    /// The paths recorded for any of `tags`.
    func paths(tags: [String]) async -> [String]
}

/// One process's ``TaggedPathIndex``: up to `limit` paths per tag, the oldest forgotten first.
public final class MemoryTaggedPathIndex: TaggedPathIndex {
    private let state = Mutex<[String: [String]]>([:])
    private let limit: Int

    public init(limit: Int = 10_000) {
        self.limit = max(1, limit)
    }

    public func record(_ path: String, tags: [String]) async {
        state.withLock { state in
            for tag in tags {
                var paths = state[tag, default: []]
                if let index = paths.firstIndex(of: path) { paths.remove(at: index) }
                paths.append(path)
                if paths.count > limit { paths.removeFirst(paths.count - limit) }
                state[tag] = paths
            }
        }
    }

    public func paths(tags: [String]) async -> [String] {
        state.withLock { state in tags.flatMap { state[$0] ?? [] } }
    }
}

extension RouteResponder {
    /// For a tagged route's answer: notes its path for ``revalidateTag(_:)`` once it is out (a shared-cacheable
    /// 200 to a GET: what nginx stores); and lets nginx store a 404 or 410 answering a refresh, so that a deleted
    /// resource's cached 200 goes too (a refresh that nginx could not store would leave it served).
    func noteCached(_ response: inout Response, request: Request, target: RequestURL, config: RouteConfig, afterWork: AfterWork) {
        guard let tags = config.tags, let shared = config.cacheControl, shared.hasPrefix("public") else { return }
        let cacheControl = response.headers.get("Cache-Control")
        if request.headers.has("X-Route-Handlers-Revalidate"), [404, 410].contains(response.status.code), cacheControl == nil {
            response.headers.set("Cache-Control", shared)
            return
        }
        guard request.method == .get, response.status == .ok, cacheControl?.hasPrefix("public") == true,
            let index = configuration.taggedPathIndex
        else { return }
        let path = target.pathname + target.search
        afterWork.append { await index.record(path, tags: tags) }
    }
}
