import Synchronization

/// Where a gateway learns the pattern of the route a request matched (such as `/api/users/[id]`) while its
/// handler still runs: the ``RouteResponder`` records it as soon as routing has matched. The FastCGI server's
/// status page, logs, metrics and spans label requests with it, never with the raw path.
package final class RouteRecorder: Sendable {
    private let pattern = Mutex<RoutePattern?>(nil)

    package init() {}

    /// The recorder of the request being served, set by the gateway around the responder.
    @TaskLocal package static var current: RouteRecorder?

    package func record(_ pattern: RoutePattern) {
        self.pattern.withLock { $0 = pattern }
    }

    /// The matched route's pattern; `nil` while (or if) no route matched.
    package var recorded: RoutePattern? {
        pattern.withLock { $0 }
    }
}
