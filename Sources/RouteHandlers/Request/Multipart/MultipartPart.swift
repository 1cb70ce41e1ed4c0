/// One part of a streamed `multipart/form-data` body (``Request/multipartParts(limits:)``): a plain field or a
/// file, with its body as a stream of chunks.
public struct MultipartPart {
    let head: MultipartPartHead
    let reader: MultipartReader
    let number: Int

    /// The field name (`Content-Disposition: form-data; name=…`).
    public var name: String { head.name }
    /// The client's file name for a file part (without any directory part; never trust it as a path), `nil` for
    /// a plain field. `filename*` (RFC 8187) is preferred to `filename`.
    public var filename: String? { head.filename }
    /// The part's declared `Content-Type`, `nil` when it had none.
    public var contentType: String? { head.contentType }
    /// Every header line of the part.
    public var headers: Headers { head.headers }
    /// Whether the part is a file (it has a file name).
    public var isFile: Bool { head.filename != nil }

    /// The part's body as it arrives, once. Read it before asking for the next part (which skips what is left).
    public var chunks: Chunks { Chunks(reader: reader, number: number, name: head.name) }

    /// The part's body collected into memory, for a field or a small file.
    /// - Throws: ``HTTPError`` 413 when it is larger than `limit` bytes.
    public func bytes(limit: Int = 1024 * 1024) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in chunks {
            guard bytes.count + chunk.count <= limit else {
                throw HTTPError(.contentTooLarge, "The multipart part \"\(name)\" is larger than the limit of \(limit) bytes.")
            }
            bytes += chunk
        }
        return bytes
    }

    /// The part's body as UTF-8 text, for a field.
    /// - Throws: ``HTTPError`` 400 when it is not UTF-8, 413 when it is larger than `limit` bytes.
    public func text(limit: Int = 1024 * 1024) async throws -> String {
        guard let text = String(validating: try await bytes(limit: limit), as: UTF8.self) else {
            throw HTTPError(.badRequest, "The multipart field \"\(name)\" is not valid UTF-8.")
        }
        return text
    }

    /// A part's body as an `AsyncSequence` of byte chunks.
    public struct Chunks: AsyncSequence {
        public typealias Element = [UInt8]
        public typealias Failure = any Error

        let reader: MultipartReader
        let number: Int
        let name: String

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(reader: reader, number: number, name: name)
        }

        public struct AsyncIterator: AsyncIteratorProtocol {
            let reader: MultipartReader
            let number: Int
            let name: String

            /// The next chunk, `nil` at the part's end.
            /// - Throws: ``HTTPError`` 400 for a malformed body, 413 over the body limit;
            ///   ``MultipartPartSkippedError`` when a later part was asked for first.
            public mutating func next() async throws -> [UInt8]? {
                do {
                    return try await reader.nextChunk(ofPart: number)
                } catch is MultipartPartSkippedError {
                    throw MultipartPartSkippedError(name: name)
                }
            }
        }
    }
}
