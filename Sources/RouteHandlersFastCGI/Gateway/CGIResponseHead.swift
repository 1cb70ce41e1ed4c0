import HTTPTypes
import RouteHandlers

/// The CGI form of a response head, as FastCGI and CGI both expect it on stdout: a `Status:` line, the header
/// lines and a blank line.
enum CGIResponseHead {
    struct InvalidHeader: Error, CustomStringConvertible {
        var fields: [Headers.RejectedField]
        var description: String {
            "invalid response header field(s) " + fields.map(\.description).joined(separator: ", ")
        }
    }

    /// Whether a status forbids a body.
    static func forbidsBody(_ status: HTTPResponse.Status) -> Bool {
        status.code == 204 || status.code == 304 || status.kind == .informational
    }

    /// The head bytes for `response`, answering a request with `method`.
    ///
    /// `Content-Length` is set from a fixed body (kept as given when answering HEAD, where the body is not
    /// sent); a streamed body gets `X-Accel-Buffering: no` so that nginx passes each chunk on at once.
    /// - Throws: ``InvalidHeader`` when a header name or value was refused (CR, LF, NUL, or not a token).
    static func serialize(_ response: Response, method: HTTPRequest.Method) throws(InvalidHeader) -> [UInt8] {
        guard response.headers.rejectedFields.isEmpty else {
            throw InvalidHeader(fields: response.headers.rejectedFields)
        }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(contentsOf: "Status: \(response.status.code) ".utf8)
        out.append(contentsOf: reasonPhrase(response.status).utf8)
        out.append(contentsOf: "\r\n".utf8)

        let noBody = forbidsBody(response.status)
        var setLength: Int?
        if !noBody, let bytes = response.body.bytes {
            if method == .head, let given = response.headers.get("Content-Length") {
                setLength = Int(given)
            } else {
                setLength = bytes.count
            }
        }
        for field in response.headers.fields {
            if field.name == .contentLength, setLength != nil || noBody { continue }
            // Hop-by-hop fields belong to nginx's connection with the client, not to this response.
            if field.name == .transferEncoding || field.name == .connection { continue }
            append(field.name.rawName, field.value, to: &out)
        }
        if let setLength { append("Content-Length", String(setLength), to: &out) }
        if response.body.isStream, !response.headers.has("X-Accel-Buffering") {
            append("X-Accel-Buffering", "no", to: &out)
        }
        out.append(contentsOf: "\r\n".utf8)
        return out
    }

    private static func reasonPhrase(_ status: HTTPResponse.Status) -> String {
        let phrase = status.reasonPhrase
        guard !phrase.isEmpty, phrase.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else {
            return HTTPResponse.Status(code: status.code).reasonPhrase
        }
        return phrase
    }

    private static func append(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: value.utf8)
        out.append(contentsOf: "\r\n".utf8)
    }
}
