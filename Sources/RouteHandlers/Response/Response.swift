import HTTPTypes

/// An HTTP response, in the shape of the Web `Response`: a status, headers and a body.
public struct Response: Sendable {
    public var status: HTTPResponse.Status
    public var headers: Headers
    public var body: ResponseBody
    /// Work scheduled with ``after(_:)`` while the response was made, for the gateway to run once it is sent.
    package var afterWork: AfterWork?
    /// Whether the response writer may give a successful GET a strong `ETag` of its body (the route's `etag`).
    package var generatesETag = true
    /// A handler cut off by its time limit (this is its 504) that has not returned yet: a gateway watching for
    /// handlers past a hard limit waits for it.
    package var runningHandler: Task<Void, Never>?
    /// The route's ``RouteConfig/maxConcurrency`` permit this request holds, released when the response goes.
    package var concurrencyPermit: ConcurrencyPermit?

    public init(status: HTTPResponse.Status = .ok, headers: Headers = [:], body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The response head as swift-http-types' `HTTPResponse`.
    public var head: HTTPResponse {
        HTTPResponse(status: status, headerFields: headers.fields)
    }
}

extension Response {
    /// A JSON response (`Content-Type: application/json`), like the Web's `Response.json(data)`.
    ///
    /// A value that cannot be encoded (a non-finite number, say) gives a 500 problem response instead, so a route
    /// never sends a half-written body.
    public static func json(_ value: some Encodable & Sendable, status: HTTPResponse.Status = .ok, headers: Headers = [:]) -> Response {
        do {
            return try json(encoding: value, status: status, headers: headers)
        } catch {
            return HTTPError(.internalServerError, "The response body could not be encoded as JSON.").response
        }
    }

    /// A JSON response, throwing when `value` cannot be encoded.
    public static func json(encoding value: some Encodable, status: HTTPResponse.Status = .ok, headers: Headers = [:]) throws -> Response {
        var headers = headers
        headers.setDefault(.contentType, "application/json")
        return Response(status: status, headers: headers, body: ResponseBody(bytes: try JSONBody.encode(value)))
    }

    /// A plain text response (`text/plain; charset=utf-8` unless `headers` names another type).
    public static func text(_ text: String, status: HTTPResponse.Status = .ok, headers: Headers = [:]) -> Response {
        var headers = headers
        headers.setDefault(.contentType, "text/plain; charset=utf-8")
        return Response(status: status, headers: headers, body: ResponseBody(text))
    }

    /// A response with raw bytes (`application/octet-stream` unless `headers` names another type).
    public static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: Headers = [:]) -> Response {
        var headers = headers
        headers.setDefault(.contentType, "application/octet-stream")
        return Response(status: status, headers: headers, body: ResponseBody(bytes: bytes))
    }

    /// A response without a body, 204 by default.
    public static func empty(status: HTTPResponse.Status = .noContent, headers: Headers = [:]) -> Response {
        Response(status: status, headers: headers)
    }
}
