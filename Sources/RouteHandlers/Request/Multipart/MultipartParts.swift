/// The parts of a `multipart/form-data` body, read as it arrives: ``Request/multipartParts(limits:)``.
///
/// Iterate it once. Each ``MultipartPart`` streams its body through ``MultipartPart/chunks``; a part whose body
/// was not read is skipped when the next one is asked for, so memory stays at a chunk or two whatever the size
/// of a file part.
public struct MultipartParts: AsyncSequence {
    public typealias Element = MultipartPart
    public typealias Failure = any Error

    let reader: MultipartReader

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: reader)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let reader: MultipartReader

        /// The next part, `nil` after the closing boundary.
        /// - Throws: ``HTTPError`` 400 for a malformed body (no closing boundary, a part without a name, a
        ///   header block or a part count over the limits), 413 over the body limit.
        public mutating func next() async throws -> MultipartPart? {
            guard let head = try await reader.nextPart() else { return nil }
            return MultipartPart(head: head, reader: reader, number: reader.current)
        }
    }
}

/// Bounds on a multipart body's structure: what a client could otherwise make the server hold or loop over.
/// The bytes of the body are bounded by the request's ``Request/bodyLimit``.
public struct MultipartLimits: Sendable, Hashable {
    /// The most parts the body may have (a 400 beyond).
    public var maxParts: Int
    /// The largest header block of one part, in bytes (a 400 beyond).
    public var maxHeaderBytes: Int

    public init(maxParts: Int = 1000, maxHeaderBytes: Int = 16 * 1024) {
        self.maxParts = maxParts
        self.maxHeaderBytes = maxHeaderBytes
    }
}
