import Logging

/// Anything that answers requests: a ``RouteResponder``, or a closure in tests. Gateways (FastCGI, CGI, the test
/// client) serve an `HTTPResponder`.
public protocol HTTPResponder: Sendable {
    /// Answers `request`. Never throws: errors are answered as responses.
    func respond(to request: Request, requestID: String, logger: Logger) async -> Response
}

extension RouteResponder: HTTPResponder {}

/// A responder made of a closure.
public struct ClosureResponder: HTTPResponder {
    let body: @Sendable (Request) async -> Response

    public init(_ body: @escaping @Sendable (Request) async -> Response) {
        self.body = body
    }

    public func respond(to request: Request, requestID: String, logger: Logger) async -> Response {
        await body(request)
    }
}
