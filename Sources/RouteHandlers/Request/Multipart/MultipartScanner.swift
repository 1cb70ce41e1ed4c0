/// An incremental `multipart/form-data` scanner (RFC 7578 over RFC 2046): fed the body in chunks of any size, it
/// tells the parts' heads, their bytes and their ends, holding no more than the chunk it was given and a
/// delimiter's length (or one part's header block) whatever the size of a part.
///
/// Pure: no I/O, no waiting. ``append(_:)`` gives it bytes, ``finish()`` says the body ended, and ``next()``
/// answers the next event, or `nil` when it needs more bytes. Lenient where clients differ harmlessly (a
/// preamble, padding after a delimiter, a bare LF for CRLF, no CRLF after the closing delimiter, an epilogue),
/// strict where data would be lost: a missing closing delimiter is a 400, as is a header block over
/// ``Limits/maxHeaderBytes`` or more than ``Limits/maxParts`` parts.
package struct MultipartScanner: Sendable {
    package enum Event: Sendable, Hashable {
        /// A part begins (its body's bytes follow, then ``partEnd``).
        case part(MultipartPartHead)
        /// Bytes of the current part's body (never empty).
        case bodyChunk([UInt8])
        case partEnd
        /// The closing delimiter: no more parts (the epilogue is ignored).
        case end
    }

    package struct Limits: Sendable, Hashable {
        package var maxParts: Int
        package var maxHeaderBytes: Int

        package init(maxParts: Int = .max, maxHeaderBytes: Int = .max) {
            self.maxParts = maxParts
            self.maxHeaderBytes = maxHeaderBytes
        }
    }

    enum State: Sendable {
        /// Before anything: is the delimiter the body's first bytes?
        case start
        /// Skipping a preamble up to the first CRLF-delimiter.
        case preamble
        /// Right after a delimiter: `--` closes the body, anything else is padding and a line break.
        case afterDelimiter
        case padding
        /// Reading a header block; `searched` bytes of it hold no blank line.
        case headers(searched: Int)
        case body
        case done
    }

    let delimiter: BytePattern
    /// CRLF and the delimiter: what ends a part's body.
    let bodyEnd: BytePattern
    let limits: Limits
    var state = State.start
    /// The bytes not yet scanned are `window[start...]`.
    var window: [UInt8] = []
    var start = 0
    var finished = false
    var parts = 0
    var failure: HTTPError?

    static let blankLine = BytePattern([13, 10, 13, 10])

    /// - Throws: ``HTTPError`` 400 for a boundary that is not 1 to 70 printable ASCII characters.
    package init(boundary: String, limits: Limits = Limits()) throws(HTTPError) {
        guard (1...70).contains(boundary.utf8.count), boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw HTTPError(.badRequest, "The multipart boundary must be 1 to 70 printable ASCII characters.")
        }
        delimiter = BytePattern(Array("--\(boundary)".utf8))
        bodyEnd = BytePattern([13, 10] + Array("--\(boundary)".utf8))
        self.limits = limits
    }

    /// More of the body. Bytes after the closing delimiter (an epilogue) are dropped.
    package mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, !finished, failure == nil else { return }
        if case .done = state { return }
        if start == window.count {
            window = bytes
        } else {
            window.removeSubrange(0..<start)
            window.append(contentsOf: bytes)
        }
        start = 0
    }

    /// The body ended: what is still missing is an error now, not a wait.
    package mutating func finish() {
        finished = true
    }

    /// The next event, or `nil` when more bytes are needed (never `nil` after ``finish()``).
    /// - Throws: ``HTTPError`` 400 for a malformed body; the same error again on every later call.
    package mutating func next() throws(HTTPError) -> Event? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            window = []
            start = 0
            throw error
        }
    }

    var available: Int { window.count - start }

    /// The bytes held now (what arrived and was not handed out yet).
    package var bufferedCount: Int { available }
}
