import HTTPTypes
import RouteHandlers

extension Request {
    /// Builds a request from the CGI/FastCGI parameters a web server passes (nginx's `fastcgi_param`s, a CGI
    /// host's environment) and the body read from stdin.
    ///
    /// - The target comes from `REQUEST_URI` as sent by the client (never from a file path such as
    ///   `SCRIPT_FILENAME`); when it is absent, from `SCRIPT_NAME` + `PATH_INFO`. The query comes from
    ///   `QUERY_STRING` when set.
    /// - Every `HTTP_*` parameter becomes a header, duplicates kept in order (nginx 1.22 sends repeated request
    ///   headers as repeated parameters); `CONTENT_TYPE` and `CONTENT_LENGTH` too, in place of the
    ///   `HTTP_CONTENT_TYPE` and `HTTP_CONTENT_LENGTH` copies nginx also sends. An empty `HTTP_PROXY` (the
    ///   httpoxy mitigation) is not a header.
    /// - The URL's scheme comes from `HTTPS`/`REQUEST_SCHEME`, its host from `HTTP_HOST` or
    ///   `SERVER_NAME`/`SERVER_PORT`.
    ///
    /// - Throws: ``HTTPError`` 400 when the method is not a valid token or the target is unusable.
    public init(cgiParams params: some Sequence<(name: String, value: String)>, body: RequestBody = .empty) throws(HTTPError) {
        var method: String?
        var requestURI: String?
        var queryString: String?
        var scriptName = ""
        var pathInfo = ""
        var https = false
        var scheme: String?
        var httpHost: String?
        var serverName: String?
        var serverPort: String?
        var remoteAddress: String?
        var headers = Headers()
        var contentType: String?
        var contentLength: String?
        var headerContent: [(String, String)] = []

        for (name, value) in params {
            if name.hasPrefix("HTTP_") {
                if name == "HTTP_PROXY", value.isEmpty { continue }
                // Used only when the CGI variable is missing: nginx sends both, and one header must not become two.
                if name == "HTTP_CONTENT_TYPE" || name == "HTTP_CONTENT_LENGTH" {
                    headerContent.append((Self.headerName(fromParam: name), value))
                    continue
                }
                if name == "HTTP_HOST", httpHost == nil { httpHost = value }
                headers.append(Self.headerName(fromParam: name), value)
                continue
            }
            switch name {
            case "REQUEST_METHOD": method = value
            case "REQUEST_URI": requestURI = value
            case "QUERY_STRING": queryString = value
            case "SCRIPT_NAME": scriptName = value
            case "PATH_INFO": pathInfo = value
            case "HTTPS": https = !value.isEmpty && value.lowercased() != "off"
            case "REQUEST_SCHEME": scheme = value.lowercased()
            case "SERVER_NAME": serverName = value
            case "SERVER_PORT": serverPort = value
            case "REMOTE_ADDR": remoteAddress = value.isEmpty ? nil : value
            case "CONTENT_TYPE" where !value.isEmpty: contentType = value
            case "CONTENT_LENGTH" where !value.isEmpty: contentLength = value
            default: break
            }
        }
        if let contentType { headers.append("Content-Type", contentType) }
        if let contentLength { headers.append("Content-Length", contentLength) }
        for (name, value) in headerContent where !headers.has(name) {
            headers.append(name, value)
        }

        guard let methodName = method, let parsedMethod = HTTPRequest.Method(methodName) else {
            throw HTTPError(.badRequest, "The request method \"\(method ?? "")\" is not a valid HTTP method.")
        }
        let resolvedScheme = https ? "https" : (scheme == "https" ? "https" : "http")
        let (hostname, port) = Self.authority(httpHost: httpHost, serverName: serverName, serverPort: serverPort, scheme: resolvedScheme)

        let path: Substring
        var query: Substring = ""
        if let requestURI, !requestURI.isEmpty {
            var target = Substring(requestURI)
            if let fragment = target.firstIndex(of: "#") { target = target[..<fragment] }
            // absolute-form ("http://host/path"), which a client may send to nginx
            if !target.hasPrefix("/"), let colon = target.firstIndex(of: ":"),
                target[colon...].hasPrefix("://"), target[..<colon].allSatisfy(\.isLetter)
            {
                let afterAuthority = target[target.index(colon, offsetBy: 3)...]
                target = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterAuthority[$0...] } ?? "/"
            }
            if let mark = target.firstIndex(of: "?") {
                path = target[..<mark]
                query = target[target.index(after: mark)...]
            } else {
                path = target
            }
        } else {
            path = Substring(scriptName + pathInfo)
        }
        if let queryString { query = Substring(queryString) }
        guard path.isEmpty || path.hasPrefix("/") else {
            throw HTTPError(.badRequest, "The request target \"\(path)\" is not an absolute path.")
        }

        let url = RequestURL(
            scheme: resolvedScheme, hostname: hostname, port: port,
            pathname: RequestPath.removingDotSegments(path), rawQuery: String(query))
        self.init(method: parsedMethod, url: url, headers: headers, body: body, remoteAddress: remoteAddress)
    }

    /// `HTTP_X_FORWARDED_FOR` → `X-Forwarded-For`.
    static func headerName(fromParam param: String) -> String {
        // Byte by byte: this runs for every header of every request. Parameter names are ASCII (nginx builds
        // them from header names, uppercased, with "-" as "_"); anything else is kept as it is.
        var startOfWord = true
        let bytes = param.utf8.dropFirst(5).map { byte -> UInt8 in
            defer { startOfWord = byte == UInt8(ascii: "_") }
            switch byte {
            case UInt8(ascii: "_"): return UInt8(ascii: "-")
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where !startOfWord: return byte + 32
            case UInt8(ascii: "a")...UInt8(ascii: "z") where startOfWord: return byte - 32
            default: return byte
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func authority(httpHost: String?, serverName: String?, serverPort: String?, scheme: String) -> (String, Int?) {
        if let httpHost, let parsed = parseHost(httpHost) { return parsed }
        let name = serverName.flatMap { isValidHostname(Substring($0)) ? $0 : nil } ?? "localhost"
        return (name, serverPort.flatMap { Int($0) })
    }

    /// Splits `host[:port]`, `[v6][:port]`; `nil` for anything that is not a plausible authority.
    static func parseHost(_ text: String) -> (String, Int?)? {
        var host = Substring(text)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let number = Int(rest.dropFirst()), (0...65535).contains(number) else { return nil }
                port = number
            } else if !rest.isEmpty {
                return nil
            }
            host = host[...close]
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]), (0...65535).contains(number) else { return nil }
            port = number
            host = host[..<colon]
        }
        guard isValidHostname(host) else { return nil }
        return (host.lowercased(), port)
    }

    private static func isValidHostname(_ host: Substring) -> Bool {
        !host.isEmpty && host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"), UInt8(ascii: "%"):
                true
            default:
                false
            }
        }
    }
}
