import HTTPTypes
import RouteHandlers

extension GatewayRequest.Fields {
    func request(mount: String?) throws(HTTPError) -> Request {
        var headers = headers
        if let contentType { headers.append("Content-Type", contentType) }
        // lighttpd, HAProxy and Caddy send CONTENT_LENGTH=0 for a GET without a body: no header the client
        // never sent.
        if let contentLength, contentLength != "0" || sentContentLength { headers.append("Content-Length", contentLength) }
        for (name, value) in headerContent where !headers.has(name) {
            headers.append(name, value)
        }
        guard let methodName = method, let parsedMethod = Self.method(methodName) else {
            throw HTTPError(.badRequest, "The request method \"\(method ?? "")\" is not a valid HTTP method.")
        }
        let resolvedScheme = https || schemeIsHTTPS ? "https" : "http"
        let (hostname, port) = Request.authority(httpHost: httpHost, serverName: serverName, serverPort: serverPort)

        var (path, query) = target()
        if let queryString { query = Substring(queryString) }
        guard path.isEmpty || path.utf8.first == UInt8(ascii: "/") else {
            throw HTTPError(.badRequest, "The request target \"\(path)\" is not an absolute path.")
        }
        var pathname = RequestPath.removingDotSegments(path)
        if let mount {
            pathname = CGIEnvironment.pathname(
                pathname, fromRequestURI: !(requestURI ?? "").isEmpty, mount: mount, pathInfo: pathInfo)
        }
        let url = RequestURL(scheme: resolvedScheme, hostname: hostname, port: port, pathname: pathname, rawQuery: String(query))
        var request = Request(method: parsedMethod, url: url, headers: headers, body: .empty, remoteAddress: remoteAddress)
        request.limitsEnforcedUpstream = limitsEnforcedUpstream
        return request
    }

    /// The common methods without parsing a token.
    private static func method(_ name: String) -> HTTPRequest.Method? {
        switch name {
        case "GET": .get
        case "POST": .post
        case "PUT": .put
        case "DELETE": .delete
        case "HEAD": .head
        case "PATCH": .patch
        case "OPTIONS": .options
        default: HTTPRequest.Method(name)
        }
    }

    /// The path and query of `REQUEST_URI` (origin-form or absolute-form, without a fragment), else
    /// `SCRIPT_NAME` + `PATH_INFO`. Scans UTF-8: the marks looked for are ASCII.
    private func target() -> (path: Substring, query: Substring) {
        guard let requestURI, !requestURI.isEmpty else { return (Substring(scriptName + (pathInfo ?? "")), "") }
        var target = Substring(requestURI)
        if let fragment = target.utf8.firstIndex(of: UInt8(ascii: "#")) { target = target[..<fragment] }
        // absolute-form ("http://host/path"), which a client may send to nginx
        if target.utf8.first != UInt8(ascii: "/"), let colon = target.utf8.firstIndex(of: UInt8(ascii: ":")),
            target[colon...].hasPrefix("://"), target[..<colon].allSatisfy(\.isLetter)
        {
            let afterAuthority = target[target.index(colon, offsetBy: 3)...]
            target =
                afterAuthority.utf8.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
                .map { afterAuthority[$0...] } ?? "/"
        }
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, "") }
        return (target[..<mark], target[target.utf8.index(after: mark)...])
    }
}
