/// A `multipart/form-data` parser (RFC 7578 over RFC 2046) for a buffered body.
///
/// Lenient where clients differ harmlessly (a preamble, no CRLF after the closing delimiter, padding after a
/// delimiter, an epilogue), strict where data would be lost: a missing closing delimiter, a part without a
/// `Content-Disposition: form-data; name=…`, or text that is not UTF-8 is a 400.
enum MultipartParser {
    static func parse(_ body: [UInt8], boundary: String) throws(HTTPError) -> FormData {
        guard (1...70).contains(boundary.utf8.count), boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw HTTPError(.badRequest, "The multipart boundary must be 1 to 70 printable ASCII characters.")
        }
        let delimiter = Array("--\(boundary)".utf8)
        let result: Result<FormData, HTTPError> = body.withUnsafeBufferPointer { buffer in
            Result { () throws(HTTPError) in try parse(buffer, delimiter: delimiter) }
        }
        return try result.get()
    }

    private static let crlf: [UInt8] = [13, 10]

    private static func parse(_ body: UnsafeBufferPointer<UInt8>, delimiter: [UInt8]) throws(HTTPError) -> FormData {
        // The first delimiter opens the body, or follows a preamble's line break.
        var position: Int
        if hasPrefix(body, at: 0, delimiter) {
            position = delimiter.count
        } else if let found = find(crlf + delimiter, in: body, from: 0) {
            position = found + 2 + delimiter.count
        } else {
            throw HTTPError(.badRequest, "The multipart body does not contain its boundary.")
        }
        var form = FormData()
        while true {
            if hasPrefix(body, at: position, [UInt8(ascii: "-"), UInt8(ascii: "-")]) {
                return form  // the closing delimiter; whatever follows is an epilogue
            }
            while position < body.count, body[position] == UInt8(ascii: " ") || body[position] == UInt8(ascii: "\t") {
                position += 1
            }
            guard let lineEnd = lineBreak(body, at: position) else {
                throw HTTPError(.badRequest, "The multipart body ends without its closing boundary.")
            }
            position = lineEnd
            let headers: [(String, String)]
            if let blank = lineBreak(body, at: position) {
                headers = []
                position = blank
            } else {
                guard let end = find(crlf + crlf, in: body, from: position) else {
                    throw HTTPError(.badRequest, "A multipart part's headers do not end with a blank line.")
                }
                headers = try parseHeaders(UnsafeBufferPointer(rebasing: body[position..<end]))
                position = end + 4
            }
            guard let contentEnd = find(crlf + delimiter, in: body, from: position) else {
                throw HTTPError(.badRequest, "The multipart body ends without its closing boundary.")
            }
            let content = Array(body[position..<contentEnd])
            try form.entries.append(entry(headers: headers, content: content))
            position = contentEnd + 2 + delimiter.count
        }
    }

    private static func entry(headers: [(String, String)], content: [UInt8]) throws(HTTPError) -> (name: String, value: FormData.Value) {
        guard let disposition = headers.first(where: { $0.0 == "content-disposition" }).flatMap({ MediaType($0.1) }),
            disposition.type == "form-data"
        else {
            throw HTTPError(.badRequest, "A multipart part has no Content-Disposition: form-data header.")
        }
        guard let name = disposition.parameter("name") else {
            throw HTTPError(.badRequest, "A multipart part's Content-Disposition has no name.")
        }
        if let filename = extendedFilename(disposition) ?? disposition.parameter("filename") {
            let contentType = headers.first { $0.0 == "content-type" }?.1.trimmingWhitespace()
            let file = FormData.File(
                filename: baseName(filename),
                contentType: contentType.map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? "application/octet-stream",
                bytes: content)
            return (name, .file(file))
        }
        guard let text = String(validating: content, as: UTF8.self) else {
            throw HTTPError(.badRequest, "The multipart field \"\(name)\" is not valid UTF-8.")
        }
        return (name, .text(text))
    }

    /// `filename*=UTF-8''na%C3%AFve.txt` (RFC 8187), which some clients send besides `filename`.
    private static func extendedFilename(_ disposition: MediaType) -> String? {
        guard let value = disposition.parameter("filename*") else { return nil }
        let parts = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8",
            let bytes = try? PercentDecoding.decodeStrictBytes(parts[2])
        else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Drops a directory some clients (old IE) put before the name.
    private static func baseName(_ filename: String) -> String {
        String(filename.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }.last ?? "")
    }

    /// Header lines (`Name: value`, names lowercased); obsolete line folding is joined.
    private static func parseHeaders(_ block: UnsafeBufferPointer<UInt8>) throws(HTTPError) -> [(String, String)] {
        guard let text = String(validating: block, as: UTF8.self) else {
            throw HTTPError(.badRequest, "A multipart part's headers are not valid UTF-8.")
        }
        var headers: [(String, String)] = []
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.0, last.1 + " " + line.trimmingWhitespace()))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw HTTPError(.badRequest, "A multipart part has a malformed header line.")
            }
            headers.append(
                (line[..<colon].trimmingWhitespace().lowercased(), String(line[line.index(after: colon)...].trimmingWhitespace())))
        }
        return headers
    }

    /// The index after a line break (CRLF, or a bare LF some clients send) at `position`.
    private static func lineBreak(_ body: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        if hasPrefix(body, at: position, crlf) { return position + 2 }
        if position < body.count, body[position] == 10 { return position + 1 }
        return nil
    }

    private static func hasPrefix(_ body: UnsafeBufferPointer<UInt8>, at position: Int, _ pattern: [UInt8]) -> Bool {
        guard position >= 0, body.count - position >= pattern.count else { return false }
        for index in pattern.indices where body[position + index] != pattern[index] { return false }
        return true
    }

    /// The first index of `pattern` at or after `start`: scans for its first byte, then compares.
    private static func find(_ pattern: [UInt8], in body: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let first = pattern.first, body.count >= pattern.count else { return nil }
        var index = start
        let last = body.count - pattern.count
        while index <= last {
            if body[index] == first, hasPrefix(body, at: index, pattern) { return index }
            index += 1
        }
        return nil
    }
}
