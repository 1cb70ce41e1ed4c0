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

    /// From name-value pairs: a CGI host's environment, tests.
    init(params: some Sequence<(name: String, value: String)>, mount: String? = nil) {
        var fields = Fields()
        for (name, value) in params {
            var name = name
            var value = value
            name.withUTF8 { name in
                value.withUTF8 { value in fields.take(UnsafeRawBufferPointer(name), UnsafeRawBufferPointer(value)) }
            }
        }
        self.init(fields, mount: mount)
    }

    /// From a FastCGI `PARAMS` stream, straight from its bytes: only the parameters a request is built from
    /// become strings (nginx sends about twenty, half of which no route reads). A value ends at its first NUL,
    /// as it would for a C program reading the same parameter. An invalid stream yields no parameters (the
    /// record parser refuses one before a request starts).
    init(paramStream: [UInt8]) {
        var fields = Fields()
        paramStream.withUnsafeBytes { bytes in
            try? NameValuePairs.forEach(in: bytes) { pair in
                let value = UnsafeRawBufferPointer(rebasing: bytes[pair.value])
                let end = value.firstIndex(of: 0) ?? value.count
                fields.take(UnsafeRawBufferPointer(rebasing: bytes[pair.name]), UnsafeRawBufferPointer(rebasing: value[..<end]))
            }
        }
        self.init(fields, mount: nil)
    }

    private init(_ fields: Fields, mount: String?) {
        requestID = fields.requestID ?? RequestID.next()
        declaredLength = fields.contentLength.flatMap { Int($0) }
        remoteUser = fields.remoteUser
        request = Result { () throws(HTTPError) in try fields.request(mount: mount) }
    }
}
