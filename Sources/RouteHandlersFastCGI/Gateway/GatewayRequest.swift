import HTTPTypes
import RouteHandlers

/// What a gateway learns from a request's CGI parameters (nginx's `fastcgi_param`s, a CGI host's environment), in
/// one pass over them: the request without its body, the id nginx gave it and the body length it declared.
///
/// - The target comes from `REQUEST_URI` as sent by the client (never from a file path such as
///   `SCRIPT_FILENAME`); when it is absent, from `SCRIPT_NAME` + `PATH_INFO`. The query comes from
///   `QUERY_STRING` when set. For a CGI script mounted at `mount`, the path is the public one: `REQUEST_URI`'s
///   when it lies under the mount, else `mount` + `PATH_INFO` re-encoded.
/// - Every `HTTP_*` parameter becomes a header, duplicates kept in order (nginx 1.22 sends repeated request
///   headers as repeated parameters); `CONTENT_TYPE` and `CONTENT_LENGTH` too, in place of the
///   `HTTP_CONTENT_TYPE` and `HTTP_CONTENT_LENGTH` copies nginx also sends (a `CONTENT_LENGTH` of 0 only when
///   the client sent the header: other web servers set it for every GET). An empty `HTTP_PROXY` (the
///   httpoxy mitigation) is not a header.
/// - The URL's scheme comes from `HTTPS`/`REQUEST_SCHEME`, its host from `HTTP_HOST` or
///   `SERVER_NAME`/`SERVER_PORT`.
struct GatewayRequest {
    /// The request (with an empty body), or the 400 its parameters earn: a method that is not a valid token, a
    /// target that is not an absolute path.
    var request: Result<Request, HTTPError>
    /// nginx's `$request_id` (`REQUEST_ID`), so that a 500's id matches the access log; else a new id.
    var requestID: String
    /// `CONTENT_LENGTH`, when it is a number.
    var declaredLength: Int?
    /// `REMOTE_USER` (HTTP authentication done by the web server), for the access log's `%u`.
    var remoteUser: String?

    /// The method to answer with: the request's, or GET for a request too broken to have one.
    var method: HTTPRequest.Method {
        (try? request.get().method) ?? .get
    }

    init(params: some Sequence<(name: String, value: String)>, mount: String? = nil) {
        var fields = Fields()
        for (name, value) in params { fields.take(name, value) }
        requestID = fields.requestID ?? RequestID.next()
        declaredLength = fields.contentLength.flatMap { Int($0) }
        remoteUser = fields.remoteUser
        request = Result { () throws(HTTPError) in try fields.request(mount: mount) }
    }
}

extension GatewayRequest {
    /// The parameters a request is built from, gathered in one pass.
    private struct Fields {
        var method: String?
        var requestURI: String?
        var queryString: String?
        var scriptName = ""
        var pathInfo: String?
        var https = false
        var scheme: String?
        var httpHost: String?
        var serverName: String?
        var serverPort: String?
        var remoteAddress: String?
        var remoteUser: String?
        var requestID: String?
        var headers = Headers()
        var contentType: String?
        var contentLength: String?
        var sentContentLength = false
        var headerContent: [(String, String)] = []

        mutating func take(_ name: String, _ value: String) {
            if name.hasPrefix("HTTP_") {
                if name == "HTTP_PROXY", value.isEmpty { return }
                // Used only when the CGI variable is missing: nginx sends both, and one header must not become two.
                if name == "HTTP_CONTENT_LENGTH" { sentContentLength = true }
                if name == "HTTP_CONTENT_TYPE" || name == "HTTP_CONTENT_LENGTH" {
                    headerContent.append((Request.headerName(fromParam: name), value))
                    return
                }
                if name == "HTTP_HOST", httpHost == nil { httpHost = value }
                headers.append(Request.headerName(fromParam: name), value)
                return
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
            case "REMOTE_USER": remoteUser = value.isEmpty ? nil : value
            case "REQUEST_ID": requestID = value.isEmpty ? nil : value
            case "CONTENT_TYPE" where !value.isEmpty: contentType = value
            case "CONTENT_LENGTH" where !value.isEmpty: contentLength = value
            default: break
            }
        }

        func request(mount: String?) throws(HTTPError) -> Request {
            var headers = headers
            if let contentType { headers.append("Content-Type", contentType) }
            // lighttpd, HAProxy and Caddy send CONTENT_LENGTH=0 for a GET without a body: no header the client
            // never sent.
            if let contentLength, contentLength != "0" || sentContentLength { headers.append("Content-Length", contentLength) }
            for (name, value) in headerContent where !headers.has(name) {
                headers.append(name, value)
            }
            guard let methodName = method, let parsedMethod = HTTPRequest.Method(methodName) else {
                throw HTTPError(.badRequest, "The request method \"\(method ?? "")\" is not a valid HTTP method.")
            }
            let resolvedScheme = https ? "https" : (scheme == "https" ? "https" : "http")
            let (hostname, port) = Request.authority(
                httpHost: httpHost, serverName: serverName, serverPort: serverPort)

            var (path, query) = target()
            if let queryString { query = Substring(queryString) }
            guard path.isEmpty || path.hasPrefix("/") else {
                throw HTTPError(.badRequest, "The request target \"\(path)\" is not an absolute path.")
            }
            var pathname = RequestPath.removingDotSegments(path)
            if let mount {
                pathname = CGIEnvironment.pathname(
                    pathname, fromRequestURI: !(requestURI ?? "").isEmpty, mount: mount, pathInfo: pathInfo)
            }
            let url = RequestURL(scheme: resolvedScheme, hostname: hostname, port: port, pathname: pathname, rawQuery: String(query))
            return Request(method: parsedMethod, url: url, headers: headers, body: .empty, remoteAddress: remoteAddress)
        }

        /// The path and query of `REQUEST_URI` (origin-form or absolute-form, without a fragment), else
        /// `SCRIPT_NAME` + `PATH_INFO`.
        private func target() -> (path: Substring, query: Substring) {
            guard let requestURI, !requestURI.isEmpty else { return (Substring(scriptName + (pathInfo ?? "")), "") }
            var target = Substring(requestURI)
            if let fragment = target.firstIndex(of: "#") { target = target[..<fragment] }
            // absolute-form ("http://host/path"), which a client may send to nginx
            if !target.hasPrefix("/"), let colon = target.firstIndex(of: ":"),
                target[colon...].hasPrefix("://"), target[..<colon].allSatisfy(\.isLetter)
            {
                let afterAuthority = target[target.index(colon, offsetBy: 3)...]
                target = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterAuthority[$0...] } ?? "/"
            }
            guard let mark = target.firstIndex(of: "?") else { return (target, "") }
            return (target[..<mark], target[target.index(after: mark)...])
        }
    }
}
