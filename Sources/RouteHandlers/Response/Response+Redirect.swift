import HTTPTypes

/// A status `Response.redirect` accepts: only the redirect statuses the Web API accepts (301, 302, 303, 307,
/// 308), so a wrong one does not compile rather than failing at run time.
public struct RedirectStatus: Sendable, Hashable {
    public let status: HTTPResponse.Status

    /// 301: permanent; clients may turn a POST into a GET.
    public static let movedPermanently = RedirectStatus(unchecked: .movedPermanently)
    /// 302: temporary; clients may turn a POST into a GET.
    public static let found = RedirectStatus(unchecked: .found)
    /// 303: the result is elsewhere; the client follows with a GET (after a form POST).
    public static let seeOther = RedirectStatus(unchecked: .seeOther)
    /// 307: temporary, method and body kept (the default).
    public static let temporaryRedirect = RedirectStatus(unchecked: .temporaryRedirect)
    /// 308: permanent, method and body kept.
    public static let permanentRedirect = RedirectStatus(unchecked: .permanentRedirect)

    private init(unchecked status: HTTPResponse.Status) {
        self.status = status
    }

    /// The redirect status for `status`, or `nil` when it is not 301, 302, 303, 307 or 308.
    public init?(_ status: HTTPResponse.Status) {
        guard [301, 302, 303, 307, 308].contains(status.code) else { return nil }
        self.status = status
    }
}

extension Response {
    /// A redirect to `location` (absolute, or relative to the request), 307 by default, as the Web's
    /// `Response.redirect(url, status)`.
    ///
    /// Characters a URL cannot hold (spaces, controls, non-ASCII) are percent-encoded, so the `Location` header
    /// is always well-formed; existing escapes are kept.
    public static func redirect(_ location: String, status: RedirectStatus = .temporaryRedirect, headers: Headers = [:]) -> Response {
        var headers = headers
        headers.set("Location", encodeLocation(location))
        return Response(status: status.status, headers: headers)
    }

    /// A redirect to a request's URL, or any ``RequestURL``.
    public static func redirect(_ url: RequestURL, status: RedirectStatus = .temporaryRedirect, headers: Headers = [:]) -> Response {
        redirect(url.href, status: status, headers: headers)
    }

    static func encodeLocation(_ location: String) -> String {
        let needsEncoding: (UInt8) -> Bool = { byte in
            byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "<")
                || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "`")
        }
        guard location.utf8.contains(where: needsEncoding) else { return location }
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in location.utf8 {
            if needsEncoding(byte) {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            } else {
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
