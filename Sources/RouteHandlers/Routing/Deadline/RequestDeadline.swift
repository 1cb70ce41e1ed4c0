/// The time limits on answering one request, soft and hard, in one value that the server's options and a route's
/// config both set: `--request-timeout` and `--request-terminate-timeout`, and a route's `maxDuration`, which
/// replaces the server's soft limit for that route (as its `bodyLimit` replaces `--max-body-size`).
///
/// The responder enforces the soft limit, whichever gateway serves the request (FastCGI, CGI, the test client):
/// past it the handler's task is cancelled and the client answered 504 at once, without waiting for a handler that
/// ignores cancellation (see ``withDeadline(_:executor:_:)``). The hard limit is the FastCGI server's: its watchdog
/// retires a process whose handler still runs past it (that handler's thread may never come back).
package struct RequestDeadline: Sendable, Equatable {
    /// Which setting gave the soft limit: named in the 504 and in the log line.
    package enum Origin: Sendable, Equatable {
        /// The server's `--request-timeout`.
        case requestTimeout
        /// The matched route's `maxDuration`.
        case maxDuration
    }

    /// The soft limit, from the request's start; `nil`: none.
    package var timeout: Duration?
    package var origin: Origin
    /// The hard limit, from the request's start; `nil`: none.
    package var terminateTimeout: Duration?

    package init(timeout: Duration?, origin: Origin = .requestTimeout, terminateTimeout: Duration? = nil) {
        self.timeout = timeout
        self.origin = origin
        self.terminateTimeout = terminateTimeout
    }

    /// The limits for a request routed to a route with `config`: the route's `maxDuration` over the server's soft
    /// limit (`server`, `nil` when the gateway sets none); the hard limit stays the server's.
    package static func resolved(server: RequestDeadline?, route config: RouteConfig?) -> RequestDeadline? {
        guard let maxDuration = config?.maxDuration else { return server }
        return RequestDeadline(timeout: maxDuration, origin: .maxDuration, terminateTimeout: server?.terminateTimeout)
    }

    /// The option an operator reads in the log: `--request-timeout` or `the route's maxDuration`.
    package var originName: String {
        switch origin {
        case .requestTimeout: "--request-timeout"
        case .maxDuration: "the route's maxDuration"
        }
    }

    /// The 504 a client gets when the soft limit passed.
    package func timeoutError(requestID: String) -> HTTPError {
        let limit = (timeout ?? .zero).operatorDescription
        var error: HTTPError
        switch origin {
        case .requestTimeout: error = HTTPError(.gatewayTimeout, "The request took longer than \(limit) and was cancelled.")
        case .maxDuration: error = HTTPError(.gatewayTimeout, "The request took longer than this route's limit of \(limit).")
        }
        error.problemMembers["requestId"] = .string(requestID)
        return error
    }
}

extension Duration {
    /// `2s`, `1.5s`, `250ms`: a duration as an operator writes it in an option.
    package var operatorDescription: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(Double(milliseconds) / 1000)s"
    }
}
