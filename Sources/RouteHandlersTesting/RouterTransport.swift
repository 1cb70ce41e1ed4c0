import Foundation
import Logging
import RouteHandlers

/// Passes each request to a responder in process (``TestingMode/router``): no sockets, no threads.
///
/// The response goes through the same writer as in production, so a header the gateways would refuse gives the
/// same 500 here, `Content-Length` is set as nginx receives it, and a HEAD, 204 or 304 response has no body.
public struct RouterTransport: TestTransport {
    let responder: any HTTPResponder
    let logger: Logger

    /// A transport to `responder`.
    /// - Parameters:
    ///   - responder: the app, usually `router.responder()`.
    ///   - logger: the logger handlers get, as the server's would be.
    public init(responder: some HTTPResponder, logger: Logger = Logger(label: "route-handlers.test")) {
        self.responder = responder
        self.logger = logger
    }

    /// Runs the responder and writes its response as a gateway would.
    /// - Parameter request: the request the handler gets.
    /// - Throws: ``IncompleteResponse`` when a streamed body failed after its head was sent (a web server would
    ///   pass on a truncated response).
    public func execute(_ request: Request) async throws -> TestResponse {
        let requestID = RequestID.next()
        let response = await responder.respond(to: request, requestID: requestID, logger: logger)
        let sink = CollectingSink()
        let outcome = await ResponseWriter.write(
            response, method: request.method, conditions: request.conditions, requestID: requestID, logger: logger, to: sink)
        guard var received = sink.response else { throw IncompleteResponse(partial: nil) }
        guard outcome == .complete else { throw IncompleteResponse(partial: received) }
        // As a gateway does: after() work starts once the whole response is out; the test may await it.
        if let afterWork = response.afterWork, !afterWork.isEmpty {
            received.afterWork = Task { await afterWork.run() }
        }
        return received
    }
}

/// Keeps what the response writer sends, as the web server would receive it.
private final class CollectingSink: ResponseSink, @unchecked Sendable {
    private let lock = NSLock()
    private var received: TestResponse?

    var response: TestResponse? { lock.withLock { received } }

    func writeHead(_ head: ResponseHead, body: [UInt8]?) async -> Bool {
        lock.withLock {
            received = TestResponse(status: head.status, headers: head.headers, chunks: body.map { $0.isEmpty ? [] : [$0] } ?? [])
        }
        return true
    }

    func writeChunk(_ bytes: [UInt8]) async -> Bool {
        lock.withLock { received?.chunks.append(bytes) }
        return true
    }
}
