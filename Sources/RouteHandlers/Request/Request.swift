import HTTPTypes

/// An incoming HTTP request, in the shape of the Web `Request`: method, URL, headers and a body that can be read
/// as bytes, text or JSON, any number of times.
public struct Request: Sendable {
    public var method: HTTPRequest.Method
    public var url: RequestURL
    public var headers: Headers
    public var body: RequestBody
    /// The client's address as the web server saw it (`REMOTE_ADDR`), if known. See ``ip`` for the client
    /// behind trusted proxies.
    public var remoteAddress: String?
    /// The largest body this request's readers accept; `nil` for no limit. A gateway starts it at its global
    /// limit (`--max-body-size`, 10 MiB by default); a route's ``RouteConfig/bodyLimit`` replaces it (so a route
    /// may accept more, such as an upload route's 4 GiB), and ``limitingBody(to:)`` or ``bodyLimit(_:_:)``
    /// lower it.
    public var bodyLimit: Int?
    /// The proxies whose forwarding headers ``ip`` believes; the responder sets them from its configuration.
    package var trustedProxies: TrustedProxies = .none
    /// The gateway's time limits (server options); the responder resolves them with the route's `maxDuration`.
    package var deadline: RequestDeadline?
    /// Where the gateway runs handlers (the server's event loop): a handler under a time limit runs in a task of its
    /// own, which does not inherit the caller's preference.
    package var taskExecutor: (any TaskExecutor)?
    /// The web server in front already enforced the route's rate limit and concurrency (the generated nginx
    /// include says so with `fastcgi_param ROUTE_HANDLERS_LIMITS nginx`): the app does not count them again.
    package var limitsEnforcedUpstream = false

    public init(
        method: HTTPRequest.Method = .get,
        url: RequestURL,
        headers: Headers = [:],
        body: RequestBody = .empty,
        remoteAddress: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// A request for a target such as `/api/users?page=2` on `http://localhost`, mostly for tests.
    public init(method: HTTPRequest.Method = .get, _ target: String, headers: Headers = [:], body: RequestBody = .empty) {
        self.init(method: method, url: RequestURL(target: target), headers: headers, body: body)
    }

    /// The request head as swift-http-types' `HTTPRequest`.
    public var head: HTTPRequest {
        HTTPRequest(
            method: method, scheme: url.scheme, authority: url.host,
            path: url.pathname + url.search, headerFields: headers.fields)
    }

    /// The `Content-Type` header's media type, lowercased, without parameters.
    public var mediaType: String? {
        guard let contentType = headers.get("Content-Type") else { return nil }
        let type = contentType.prefix { $0 != ";" }.trimmingWhitespace()
        return type.isEmpty ? nil : type.lowercased()
    }

    /// The body's bytes. They stay available: every reader can run any number of times, in any order. A
    /// streamed body is collected as it arrives, and kept.
    /// - Throws: ``HTTPError`` 413 as soon as the body is larger than ``bodyLimit`` (never a truncated body);
    ///   for a streamed body, the error that ended it (the web server went away, the task was cancelled) or
    ///   ``RequestBodyStreamError/alreadyRead`` after ``bodyChunks`` consumed it.
    // The readers are never inlined: with cross-module optimization, a streamed body's collecting inlined into a
    // handler's coroutine crashed the release compiler (Swift 6.x CoroSplit, signal 11, on the example's POST
    // handlers that decode JSON).
    @inline(never)
    public func bytes() async throws -> [UInt8] {
        switch body.storage {
        case .buffered(let bytes):
            if let limit = bodyLimit, bytes.count > limit { throw HTTPError.bodyTooLarge(limit: limit) }
            return bytes
        case .streamed(let stream):
            return try await stream.collect(limit: bodyLimit)
        }
    }

    /// The body decoded as UTF-8; invalid sequences become U+FFFD, as in the Web API.
    @inline(never)
    public func text() async throws -> String {
        String(decoding: try await bytes(), as: UTF8.self)
    }

    /// The body decoded as JSON into `type`.
    /// - Throws: ``HTTPError`` 400 when the body is not JSON, 422 when it is JSON of the wrong shape (naming the
    ///   field that did not fit).
    @inline(never)
    public func json<T: Decodable>(_ type: T.Type = T.self) async throws -> T {
        try JSONBody.decode(type, from: try await bytes())
    }

    /// The body decoded as JSON of any shape.
    /// - Throws: ``HTTPError`` 400 when the body is not JSON.
    @inline(never)
    public func json() async throws -> JSONValue {
        try JSONBody.decode(JSONValue.self, from: try await bytes())
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        let trimmed = self.drop { $0 == " " || $0 == "\t" }
        var end = trimmed.endIndex
        while end > trimmed.startIndex, trimmed[trimmed.index(before: end)] == " " || trimmed[trimmed.index(before: end)] == "\t" {
            end = trimmed.index(before: end)
        }
        return Substring(trimmed[..<end])
    }
}
