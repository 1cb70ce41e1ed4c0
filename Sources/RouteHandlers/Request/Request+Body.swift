extension Request {
    /// The body as an `AsyncSequence` of chunks, for code written against a stream (`for try await chunk in
    /// request.bodyChunks`). The gateway buffers bodies today, so the chunks are slices of the buffered bytes;
    /// the API does not promise that, so a streaming gateway can feed it later.
    ///
    /// Iterating throws ``HTTPError`` 413 once more than ``bodyLimit`` bytes have arrived.
    public var bodyChunks: RequestBodyChunks {
        RequestBodyChunks(bytes: body.bytes, limit: bodyLimit)
    }

    /// This request with a lower body limit, for a handler that sets its own, such as a file-based route:
    /// `try await request.limitingBody(to: 512 * 1024).formData()`. A looser limit than the current one has no
    /// effect.
    public func limitingBody(to limit: Int) -> Request {
        var request = self
        request.bodyLimit = Swift.min(limit, bodyLimit ?? .max)
        return request
    }

    /// Throws 413 when the body is over ``bodyLimit``.
    func checkBodyLimit() throws(HTTPError) {
        if let limit = bodyLimit, body.count > limit {
            throw HTTPError.bodyTooLarge(limit: limit)
        }
    }
}

extension HTTPError {
    /// 413 for a body over `limit` bytes.
    public static func bodyTooLarge(limit: Int) -> HTTPError {
        HTTPError(.contentTooLarge, "The request body is larger than the limit of \(limit) bytes.")
    }
}

/// A request body as a sequence of byte chunks.
public struct RequestBodyChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    /// The size of the chunks a buffered body is cut into.
    public static let chunkSize = 64 * 1024

    let bytes: [UInt8]
    let limit: Int?

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(bytes: bytes, limit: limit)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        let limit: Int?
        var offset = 0

        init(bytes: [UInt8], limit: Int?) {
            self.bytes = bytes
            self.limit = limit
        }

        public mutating func next() async throws -> [UInt8]? {
            guard offset < bytes.count else { return nil }
            let end = Swift.min(offset + RequestBodyChunks.chunkSize, bytes.count)
            if let limit, end > limit { throw HTTPError.bodyTooLarge(limit: limit) }
            defer { offset = end }
            return Array(bytes[offset..<end])
        }
    }
}

/// Limits the request body of one route below the server's global limit: its readers (``Request/bytes()``,
/// `text()`, `json()`, `formData()`, ``Request/bodyChunks``) throw 413 for a larger body.
///
/// ```swift
/// router.post("/api/avatar", bodyLimit(512 * 1024) { request, _ in … })
/// ```
///
/// A limit above the server's global one (`--max-body-size`, 10 MiB by default) has no effect: the gateway
/// answers 413 before any handler runs.
public func bodyLimit<Params>(
    _ limit: Int, _ handler: @escaping @Sendable (Request, RouteContext<Params>) async throws -> Response
) -> @Sendable (Request, RouteContext<Params>) async throws -> Response {
    { request, context in
        try await handler(request.limitingBody(to: limit), context)
    }
}
