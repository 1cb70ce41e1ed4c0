/// The one reader of a streamed multipart body, shared by ``MultipartParts`` and the parts it hands out: pulls
/// chunks from the request body into a ``MultipartScanner`` as its events are asked for. A part's body that was
/// not read is skipped when the next part is asked for.
final class MultipartReader {
    private var source: RequestBodyChunks.AsyncIterator
    private var scanner: MultipartScanner
    /// The number of the part whose body is being read, and whether its end is still ahead.
    private(set) var current = 0
    private var inBody = false

    init(chunks: RequestBodyChunks, scanner: MultipartScanner) {
        source = chunks.makeAsyncIterator()
        self.scanner = scanner
    }

    private func event() async throws -> MultipartScanner.Event {
        while true {
            if let event = try scanner.next() { return event }
            if let chunk = try await source.next() {
                scanner.append(chunk)
            } else {
                scanner.finish()
            }
        }
    }

    /// The next part's head (skipping what is left of the current part), `nil` after the last one.
    func nextPart() async throws -> MultipartPartHead? {
        while inBody {
            if case .partEnd = try await event() { inBody = false }
        }
        switch try await event() {
        case .part(let head):
            current += 1
            inBody = true
            return head
        case .end:
            return nil
        case .bodyChunk, .partEnd:
            // The scanner gives a part's bytes and end only after its head, which was consumed above.
            throw HTTPError(.internalServerError, "The multipart reader lost its place.")
        }
    }

    /// The next chunk of part `number`'s body, `nil` at its end.
    /// - Throws: ``MultipartPartSkippedError`` when a later part was asked for first.
    func nextChunk(ofPart number: Int) async throws -> [UInt8]? {
        guard number == current else { throw MultipartPartSkippedError(name: nil) }
        guard inBody else { return nil }
        switch try await event() {
        case .bodyChunk(let bytes):
            return bytes
        case .partEnd:
            inBody = false
            return nil
        case .part, .end:
            throw HTTPError(.internalServerError, "The multipart reader lost its place.")
        }
    }
}

/// A part's body was read after the next part was asked for: the reader had skipped it by then (a multipart body
/// arrives once, in order). Read each part's ``MultipartPart/chunks`` before asking for the next part.
public struct MultipartPartSkippedError: Error, Sendable, CustomStringConvertible {
    /// The part's field name.
    public var name: String?

    public var description: String {
        "The body of the multipart part \(name.map { "\"\($0)\"" } ?? "") was skipped: read a part before asking for the next one."
    }
}
