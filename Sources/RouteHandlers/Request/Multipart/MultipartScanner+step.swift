extension MultipartScanner {
    static let missingBoundary = HTTPError(.badRequest, "The multipart body does not contain its boundary.")
    static let missingClosingBoundary = HTTPError(.badRequest, "The multipart body ends without its closing boundary.")
    static let unendedHeaders = HTTPError(.badRequest, "A multipart part's headers do not end with a blank line.")

    /// Runs the state machine until it has an event or needs bytes.
    mutating func step() throws(HTTPError) -> Event? {
        while true {
            switch state {
            case .done:
                return .end
            case .start:
                // Decided once the delimiter's length is in, or earlier when the bytes already differ from it.
                let prefix = Array(delimiter.bytes.prefix(available))
                if available < delimiter.count, !finished, BytePattern.matches(prefix, window, at: start) { return nil }
                if delimiter.occurs(in: window, at: start) {
                    start += delimiter.count
                    state = .afterDelimiter
                } else {
                    state = .preamble
                }
            case .preamble:
                if let found = bodyEnd.firstIndex(in: window, from: start) {
                    start = found + bodyEnd.count
                    state = .afterDelimiter
                    continue
                }
                if finished { throw Self.missingBoundary }
                start = max(start, window.count - (bodyEnd.count - 1))  // a delimiter may begin in what is kept
                return nil
            case .afterDelimiter:
                if available < 2, !finished { return nil }
                if available >= 2, window[start] == UInt8(ascii: "-"), window[start + 1] == UInt8(ascii: "-") {
                    state = .done
                    window = []
                    start = 0
                    return .end
                }
                state = .padding
            case .padding:
                while available > 0, window[start] == UInt8(ascii: " ") || window[start] == UInt8(ascii: "\t") { start += 1 }
                guard let length = try lineBreak() else { return nil }
                start += length
                state = .headers(searched: 0)
            case .headers(let searched):
                return try headers(searched: searched)
            case .body:
                return try body()
            }
        }
    }

    /// The length of the line break (CRLF, or the bare LF some clients send) at `start`; `nil` when more bytes
    /// are needed to tell.
    private func lineBreak() throws(HTTPError) -> Int? {
        if available >= 1, window[start] == 10 { return 1 }
        if available >= 2, window[start] == 13, window[start + 1] == 10 { return 2 }
        if finished || available >= 2 || (available == 1 && window[start] != 13) { throw Self.missingClosingBoundary }
        return nil
    }

    private mutating func headers(searched: Int) throws(HTTPError) -> Event? {
        if available == 0 || (available == 1 && window[start] == 13) {
            if finished { throw Self.unendedHeaders }
            return nil
        }
        // No header lines at all: the blank line comes at once.
        if window[start] == 10 { return try beginPart(block: [], consumed: 1) }
        if window[start] == 13, window[start + 1] == 10 { return try beginPart(block: [], consumed: 2) }
        if let end = Self.blankLine.firstIndex(in: window, from: start + max(0, searched - 3)) {
            guard end - start <= limits.maxHeaderBytes else { throw headersTooLarge }
            return try beginPart(block: window[start..<end], consumed: end + 4 - start)
        }
        guard available <= limits.maxHeaderBytes else { throw headersTooLarge }
        if finished { throw Self.unendedHeaders }
        state = .headers(searched: available)
        return nil
    }

    private var headersTooLarge: HTTPError {
        HTTPError(.badRequest, "A multipart part's headers are larger than \(limits.maxHeaderBytes) bytes.")
    }

    private mutating func beginPart(block: ArraySlice<UInt8>, consumed: Int) throws(HTTPError) -> Event {
        parts += 1
        guard parts <= limits.maxParts else {
            throw HTTPError(.badRequest, "The multipart body has more than \(limits.maxParts) parts.")
        }
        let head = try MultipartPartHead(block: block)
        start += consumed
        state = .body
        return .part(head)
    }

    private mutating func body() throws(HTTPError) -> Event? {
        if let end = bodyEnd.firstIndex(in: window, from: start) {
            if end > start {
                defer { start = end }
                return .bodyChunk(Array(window[start..<end]))
            }
            start += bodyEnd.count
            state = .afterDelimiter
            return .partEnd
        }
        // Everything but the last delimiter-length-minus-one bytes, which may begin a delimiter.
        let safe = window.count - (bodyEnd.count - 1)
        if safe > start {
            defer { start = safe }
            return .bodyChunk(Array(window[start..<safe]))
        }
        if finished { throw Self.missingClosingBoundary }
        return nil
    }
}

extension BytePattern {
    /// Whether `window` holds `bytes` at `position`.
    static func matches(_ bytes: [UInt8], _ window: [UInt8], at position: Int) -> Bool {
        guard window.count - position >= bytes.count else { return false }
        for index in bytes.indices where window[position + index] != bytes[index] { return false }
        return true
    }
}
