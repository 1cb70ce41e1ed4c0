extension Request {
    /// The body as an `AsyncSequence` of chunks, for code written against a stream (`for try await chunk in
    /// request.bodyChunks`). A streamed body (``RequestBody/isStreamed``) yields bytes as they arrive from the
    /// web server, once: iterate it a single time (a buffered reader that ran first makes it replayable). A
    /// buffered body is cut into slices.
    ///
    /// Iterating throws ``HTTPError`` 413 as soon as more than ``bodyLimit`` bytes have arrived (a chunk that
    /// passes the limit is not handed out: never a truncated body).
    public var bodyChunks: RequestBodyChunks {
        RequestBodyChunks(body: body, limit: bodyLimit)
    }

    /// This request with a lower body limit, for a handler that sets its own, such as a file-based route:
    /// `try await request.limitingBody(to: 512 * 1024).formData()`. A looser limit than the current one has no
    /// effect.
    public func limitingBody(to limit: Int) -> Request {
        var request = self
        request.bodyLimit = Swift.min(limit, bodyLimit ?? .max)
        return request
    }

    /// Throws 413 when the body is known to be over ``bodyLimit`` before it is read: a buffered body larger than
    /// the limit, or a declared `Content-Length` above it.
    func checkBodyLimitEarly() throws(HTTPError) {
        guard let limit = bodyLimit else { return }
        if let bytes = body.bufferedBytes, bytes.count > limit { throw HTTPError.bodyTooLarge(limit: limit) }
        if let declared = headers.get("Content-Length").flatMap({ Int($0) }), declared > limit {
            throw HTTPError.bodyTooLarge(limit: limit)
        }
    }
}

extension HTTPError {
    /// 413 for a body over `limit` bytes.
    package static func bodyTooLarge(limit: Int) -> HTTPError {
        HTTPError(.contentTooLarge, "The request body is larger than the limit of \(limit) bytes.")
    }
}

/// A request body as a sequence of byte chunks.
public struct RequestBodyChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    /// The size of the chunks a buffered body is cut into.
    package static let chunkSize = 64 * 1024

    let body: RequestBody
    let limit: Int?

    init(body: RequestBody, limit: Int?) {
        self.body = body
        self.limit = limit
    }

    /// The chunks of `bytes` (a buffered body).
    init(bytes: [UInt8], limit: Int?) {
        self.init(body: RequestBody(bytes: bytes), limit: limit)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(body: body, limit: limit)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        /// The bytes to slice: a buffered body, or a streamed one already collected.
        var bytes: [UInt8]?
        let stream: RequestBodyStream?
        let limit: Int?
        var claimed = false
        var offset = 0
        var received = 0

        init(body: RequestBody, limit: Int?) {
            switch body.storage {
            case .buffered(let bytes):
                self.bytes = bytes
                self.stream = nil
            case .streamed(let stream):
                self.bytes = nil
                self.stream = stream
            }
            self.limit = limit
        }

        public mutating func next() async throws -> [UInt8]? {
            if let stream, !claimed {
                claimed = true
                bytes = try stream.claim()
            }
            if let bytes {
                guard offset < bytes.count else { return nil }
                let end = Swift.min(offset + RequestBodyChunks.chunkSize, bytes.count)
                if let limit, end > limit { throw HTTPError.bodyTooLarge(limit: limit) }
                defer { offset = end }
                return Array(bytes[offset..<end])
            }
            guard let stream, let chunk = try await stream.next() else { return nil }
            received += chunk.count
            if let limit, received > limit { throw HTTPError.bodyTooLarge(limit: limit) }
            return chunk
        }
    }
}

/// Limits the request body of one route: its readers (``Request/bytes()``, `text()`, `json()`, `formData()`,
/// ``Request/bodyChunks``) throw 413 for a larger body.
///
/// ```swift
/// router.post("/api/avatar", bodyLimit(512 * 1024) { request, _ in … })
/// ```
///
/// It only lowers the request's limit (the server's `--max-body-size`, 10 MiB by default, or the route's
/// ``RouteConfig/bodyLimit``); a route that must accept more sets ``RouteConfig/bodyLimit``.
public func bodyLimit<Params>(
    _ limit: Int, _ handler: @escaping @Sendable (Request, RouteContext<Params>) async throws -> Response
) -> @Sendable (Request, RouteContext<Params>) async throws -> Response {
    { request, context in
        try await handler(request.limitingBody(to: limit), context)
    }
}
