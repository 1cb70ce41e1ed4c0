import HTTPTypes
import Logging

/// The one place a response is checked and sent, for every gateway: FastCGI, CGI and the test client answer the
/// same handler with the same status, headers and body.
package enum ResponseWriter {
    /// How sending a response ended.
    package enum Outcome: Sendable, Equatable {
        /// Everything was sent.
        case complete
        /// The web server went away, or a stream failed after its head was out: the response is incomplete, and
        /// the connection must not be reused.
        case incomplete
    }

    /// Checks `response`, answering 500 instead of one that cannot be sent (a header refused for CR, LF, NUL or an
    /// invalid name; a 1xx status, which only the web server may send), answers a conditional GET
    /// (``ConditionalResponse``: `ETag`, 304, 412), and writes it to `sink` as the reply to a request with `method`
    /// and `conditions`.
    package static func write(
        _ response: Response, method: HTTPRequest.Method, conditions: RequestConditions = .none, requestID: String, logger: Logger,
        to sink: some ResponseSink
    ) async -> Outcome {
        let response = ConditionalResponse.answer(
            sendable(response, requestID: requestID, logger: logger), method: method, conditions: conditions, requestID: requestID)
        let head = head(of: response, method: method)
        switch response.body.storage {
        case .bytes(let bytes):
            return await sink.writeHead(head, body: head.sendsBody ? bytes : []) ? .complete : .incomplete
        case .stream(let produce):
            guard await sink.writeHead(head, body: nil) else { return .incomplete }
            guard head.sendsBody else { return .complete }
            var writer: any ResponseBodyWriter = SinkBodyWriter(sink: sink)
            do {
                try await produce(&writer)
                return .complete
            } catch {
                if !(error is CancellationError) {
                    logger.error("Streaming response failed: \(String(reflecting: error))", metadata: ["request-id": .string(requestID)])
                }
                // The head is out: the only honest signal left is an incomplete response.
                return .incomplete
            }
        }
    }

    /// `response`, or the 500 that replaces it when it cannot be sent.
    static func sendable(_ response: Response, requestID: String, logger: Logger) -> Response {
        let refused = response.headers.rejectedFields
        let problem: String
        if !refused.isEmpty {
            problem = "invalid response header field(s) " + refused.map(\.description).joined(separator: ", ")
        } else if response.status.kind == .informational {
            problem = "a handler cannot answer with the interim status \(response.status.code)"
        } else {
            return response
        }
        logger.error("Refusing to send a response: \(problem)", metadata: ["request-id": .string(requestID)])
        return HTTPError(.internalServerError, "The response had an invalid header.").problemResponse(extra: ["requestId": requestID])
    }

    /// The head for `response` to a request with `method`.
    ///
    /// `Content-Length` is set from a fixed body (kept as given when answering HEAD, where the body is not sent);
    /// a streamed body gets `X-Accel-Buffering: no` so that nginx passes each chunk on at once.
    package static func head(of response: Response, method: HTTPRequest.Method) -> ResponseHead {
        let forbidsBody = response.status.code == 204 || response.status.code == 304
        var length: Int?
        if !forbidsBody, let bytes = response.body.bytes {
            length = method == .head ? response.headers.get("Content-Length").flatMap { Int($0) } : bytes.count
        }
        var headers = Headers()
        headers.fields.reserveCapacity(response.headers.fields.count + 2)
        for field in response.headers.fields {
            if field.name == .contentLength, length != nil || forbidsBody { continue }
            // Hop-by-hop fields belong to the web server's connection with the client, not to this response.
            if field.name == .transferEncoding || field.name == .connection { continue }
            headers.fields.append(field)
        }
        // Every Content-Length field was left out above when there is a length: appending is setting.
        if let length { headers.fields.append(HTTPField(name: .contentLength, value: String(length))) }
        if response.body.isStream, !headers.has("X-Accel-Buffering") { headers.set("X-Accel-Buffering", "no") }
        return ResponseHead(status: response.status, headers: headers, sendsBody: method != .head && !forbidsBody)
    }
}

/// Hands a streamed body's chunks to the sink; a chunk the web server did not take ends the stream.
private struct SinkBodyWriter<Sink: ResponseSink>: ResponseBodyWriter {
    let sink: Sink

    mutating func write(_ bytes: [UInt8]) async throws {
        try Task.checkCancellation()
        guard !bytes.isEmpty else { return }
        guard await sink.writeChunk(bytes) else { throw CancellationError() }
    }
}
