import HTTPTypes

/// A response's status and header fields as a gateway sends them: validated, with `Content-Length` computed and
/// hop-by-hop fields removed. Built only by ``ResponseWriter``.
package struct ResponseHead: Sendable {
    package var status: HTTPResponse.Status
    package var headers: Headers
    /// Whether a body follows (not for HEAD, 1xx, 204 and 304).
    package var sendsBody: Bool

    /// The CGI form, as FastCGI and CGI both put it on stdout: the header lines, then `Status:`, then a blank line.
    ///
    /// `Status:` comes last: HAProxy's FastCGI applies the lines in order, and a `Location` after `Status` turns a
    /// 201 or 308 into a 302 there; nginx, Apache, lighttpd and Caddy accept it anywhere.
    package var cgiBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        for field in headers.fields {
            append(field.name.rawName, field.value, to: &out)
        }
        out.append(contentsOf: "Status: ".utf8)
        Self.appendDecimal(status.code, to: &out)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: Self.reasonPhrase(status).utf8)
        out.append(contentsOf: "\r\n\r\n".utf8)
        return out
    }

    private static func appendDecimal(_ code: Int, to out: inout [UInt8]) {
        guard (100...999).contains(code) else { return out.append(contentsOf: String(code).utf8) }
        out.append(UInt8(ascii: "0") + UInt8(code / 100))
        out.append(UInt8(ascii: "0") + UInt8(code / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(code % 10))
    }

    private static func reasonPhrase(_ status: HTTPResponse.Status) -> String {
        let phrase = status.reasonPhrase
        guard !phrase.isEmpty, phrase.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else {
            return HTTPResponse.Status(code: status.code).reasonPhrase
        }
        return phrase
    }

    private func append(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: value.utf8)
        out.append(contentsOf: "\r\n".utf8)
    }
}
