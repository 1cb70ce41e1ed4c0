import Logging
import Synchronization

/// Refreshes what the web server in front cached for `path` (such as `/api/posts`), once the current request's
/// handler is done and before its response goes out, so that the next GET shows what this request changed:
/// Next.js's `revalidatePath`. Every worker and host behind the same nginx sees the refreshed answer, since the
/// cache is nginx's. Needs a ``CacheRevalidator`` (`ROUTE_HANDLERS_REVALIDATE_VIA` names the nginx to ask); without
/// one it does nothing. The path is refreshed as sent, without a query string's variants.
public func revalidatePath(_ path: String) {
    Revalidation.current?.add(path: path)
}

/// Refreshes the cached answers of every route whose config lists `tag` (`let tags = ["posts"]`): Next.js's
/// `revalidateTag`. Its routes' own paths, and the paths (with their query) their answers were cached under, as the
/// responder's ``TaggedPathIndex`` recorded them: `/api/posts/3` of `/api/posts/[id]`, `/api/posts?page=2`.
public func revalidateTag(_ tag: String) {
    Revalidation.current?.add(tag: tag)
}

/// Asks the web server in front to refresh cached answers: the gateway's side of ``revalidatePath(_:)``.
public protocol CacheRevalidator: Sendable {
    /// Refreshes each path as a client of `host` (the request's `Host`) would fetch it, returning once every
    /// refresh is done or has failed (a failure is logged, never thrown: the change itself succeeded).
    func revalidate(paths: [String], host: String?, logger: Logger) async
}

/// The paths and tags one request asked to revalidate.
package final class Revalidation: Sendable {
    @TaskLocal package static var current: Revalidation?

    private let requested = Mutex<(paths: [String], tags: [String])>(([], []))

    package init() {}

    func add(path: String) { requested.withLock { $0.paths.append(path) } }
    func add(tag: String) { requested.withLock { $0.tags.append(tag) } }

    /// The tags asked for.
    var tags: [String] { requested.withLock { $0.tags } }

    /// The paths to refresh: those asked for, then those of the routes carrying the tags asked for, then those
    /// `recorded` for the tags, once each.
    func paths(taggedPaths: [String: [String]], recorded: [String] = []) -> [String] {
        let (paths, tags) = requested.withLock { $0 }
        var seen: Set<String> = []
        return (paths + tags.flatMap { taggedPaths[$0] ?? [] } + recorded).filter { seen.insert($0).inserted }
    }
}
