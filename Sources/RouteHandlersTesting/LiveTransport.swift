import RouteHandlers

/// Sends each request over FastCGI to a server on a unix socket (``TestingMode/live``), with the parameters
/// nginx's `fastcgi_params` would send, and parses the CGI response head as nginx does.
///
/// ``TestingMode/live`` starts a server for it; on its own it reaches any server already listening, such as an
/// app started by the test.
public struct LiveTransport: TestTransport {
    let client: FastCGIClient

    /// A transport to the FastCGI server listening on `socketPath`.
    /// - Parameter socketPath: the server's unix socket.
    public init(socketPath: String) {
        client = FastCGIClient(socketPath: socketPath)
    }

    /// The server's unix socket.
    public var socketPath: String { client.socketPath }

    /// Sends `request` over FastCGI and reads the response back.
    /// - Parameter request: the request; a streamed body is collected before it is sent.
    /// - Throws: ``IncompleteResponse`` when the server cut the response off after its head, as in process;
    ///   ``TestClientError`` when there was no response.
    public func execute(_ request: Request) async throws -> TestResponse {
        let answer = try await client.send(params: Self.cgiParams(for: request), body: request.bytes())
        let response = try CGIResponseParser.parse(answer.stdout, method: request.method)
        guard answer.complete else { throw IncompleteResponse(partial: response) }
        return response
    }

    /// The parameters nginx's `fastcgi_params` would send for `request`.
    static func cgiParams(for request: Request) -> [(name: String, value: String)] {
        let url = request.url
        let https = url.scheme == "https"
        var params: [(name: String, value: String)] = [
            ("GATEWAY_INTERFACE", "CGI/1.1"), ("SERVER_PROTOCOL", "HTTP/1.1"), ("SERVER_SOFTWARE", "route-handlers-test"),
            ("REQUEST_METHOD", request.method.rawValue), ("REQUEST_URI", url.pathname + url.search),
            ("QUERY_STRING", url.rawQuery), ("SCRIPT_NAME", url.pathname), ("DOCUMENT_URI", url.pathname),
            ("REQUEST_SCHEME", url.scheme), ("SERVER_NAME", url.hostname),
            ("SERVER_PORT", String(url.port ?? (https ? 443 : 80))), ("REMOTE_ADDR", request.remoteAddress ?? ""),
        ]
        if https { params.append(("HTTPS", "on")) }
        if !request.headers.has("Host") { params.append(("HTTP_HOST", url.host)) }
        for (name, value) in request.headers {
            let param = name.uppercased().replacingDashes()
            switch param {
            case "CONTENT_TYPE": params.append(("CONTENT_TYPE", value))
            case "CONTENT_LENGTH": params.append(("CONTENT_LENGTH", value))
            default: params.append(("HTTP_" + param, value))
            }
        }
        // A test's request body is in memory (a streamed one is collected by execute before it is sent).
        if let bytes = request.body.bufferedBytes, !bytes.isEmpty, !request.headers.has("Content-Length") {
            params.append(("CONTENT_LENGTH", String(bytes.count)))
        }
        return params
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}
