/// What a multipart part's header block says (RFC 7578): its field name, the client's file name for a file part,
/// its declared type, and every header line.
package struct MultipartPartHead: Sendable, Hashable {
    package var name: String
    /// The client's file name without any directory part; `nil` for a plain field.
    package var filename: String?
    /// The part's `Content-Type`, `nil` when it had none (or an empty one).
    package var contentType: String?
    /// The header lines, names lowercased.
    package var headers: Headers

    /// Parses a header block (the bytes between the delimiter's line and the blank line).
    /// - Throws: ``HTTPError`` 400 for a malformed line, or no `Content-Disposition: form-data; name=…`.
    package init(block: ArraySlice<UInt8>) throws(HTTPError) {
        let lines = try Self.parseLines(block)
        guard let disposition = lines.first(where: { $0.0 == "content-disposition" }).flatMap({ MediaType($0.1) }),
            disposition.type == "form-data"
        else {
            throw HTTPError(.badRequest, "A multipart part has no Content-Disposition: form-data header.")
        }
        guard let name = disposition.parameter("name") else {
            throw HTTPError(.badRequest, "A multipart part's Content-Disposition has no name.")
        }
        self.name = name
        filename = (Self.extendedFilename(disposition) ?? disposition.parameter("filename")).map(Self.baseName)
        let contentType = lines.first { $0.0 == "content-type" }.map { String($0.1.trimmingWhitespace()) }
        self.contentType = contentType.flatMap { $0.isEmpty ? nil : $0 }
        headers = Headers(lines)
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
    private static func parseLines(_ block: ArraySlice<UInt8>) throws(HTTPError) -> [(String, String)] {
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
}
