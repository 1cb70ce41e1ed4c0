import HTTPTypes

extension Response {
    /// A streamed response whose body `write` produces chunk by chunk; each chunk reaches the client as it is
    /// written (the FastCGI gateway flushes it and tells nginx not to buffer with `X-Accel-Buffering: no`).
    ///
    /// When the client goes away, the next `write` throws and the handler's task is cancelled.
    public static func stream(
        status: HTTPResponse.Status = .ok, headers: Headers = [:],
        _ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        var headers = headers
        if !headers.has("Content-Type") { headers.set("Content-Type", "application/octet-stream") }
        return Response(status: status, headers: headers, body: ResponseBody(stream: write))
    }

    /// A streamed response sending each byte chunk of `sequence` as it comes (`application/octet-stream`
    /// unless `headers` names another type).
    public static func stream<Chunks: AsyncSequence & Sendable>(
        _ sequence: Chunks, status: HTTPResponse.Status = .ok, headers: Headers = [:]
    ) -> Response where Chunks.Element == [UInt8] {
        stream(status: status, headers: headers) { writer in
            for try await chunk in sequence { try await writer.write(chunk) }
        }
    }

    /// A streamed response sending each string of `sequence`, UTF-8 encoded, as it comes
    /// (`text/plain; charset=utf-8` unless `headers` names another type).
    public static func stream<Chunks: AsyncSequence & Sendable>(
        _ sequence: Chunks, status: HTTPResponse.Status = .ok, headers: Headers = [:]
    ) -> Response where Chunks.Element == String {
        var headers = headers
        if !headers.has("Content-Type") { headers.set("Content-Type", "text/plain; charset=utf-8") }
        return stream(status: status, headers: headers) { writer in
            for try await text in sequence { try await writer.write(Array(text.utf8)) }
        }
    }

    /// Server-sent events (`text/event-stream`, not cached), one event per element of `events`.
    public static func eventStream<Events: AsyncSequence & Sendable>(
        _ events: Events, status: HTTPResponse.Status = .ok, headers: Headers = [:]
    ) -> Response where Events.Element == ServerSentEvent {
        var headers = headers
        if !headers.has("Content-Type") { headers.set("Content-Type", "text/event-stream; charset=utf-8") }
        if !headers.has("Cache-Control") { headers.set("Cache-Control", "no-cache") }
        return stream(status: status, headers: headers) { writer in
            for try await event in events { try await writer.write(event.serialized) }
        }
    }

    /// Newline-delimited JSON (`application/x-ndjson`): each element of `values` encoded on its own line.
    /// A value that cannot be encoded ends the stream (the client sees an incomplete response).
    public static func ndjson<Values: AsyncSequence & Sendable>(
        _ values: Values, status: HTTPResponse.Status = .ok, headers: Headers = [:]
    ) -> Response where Values.Element: Encodable {
        var headers = headers
        if !headers.has("Content-Type") { headers.set("Content-Type", "application/x-ndjson") }
        return stream(status: status, headers: headers) { writer in
            for try await value in values {
                try await writer.write(try JSONBody.encode(value) + [UInt8(ascii: "\n")])
            }
        }
    }
}

/// One server-sent event (the HTML `EventSource` wire format).
public struct ServerSentEvent: Sendable, Hashable {
    /// The data; each of its lines becomes a `data:` line, and the browser joins them with "\n" again.
    public var data: String
    /// The `event:` type; `message` on the client when `nil`.
    public var event: String?
    /// The `id:`, which the browser sends back as `Last-Event-ID` when it reconnects.
    public var id: String?
    /// The `retry:` reconnection delay in milliseconds.
    public var retry: Int?
    /// A `:` comment line, ignored by browsers; an event with only a comment keeps a connection alive.
    public var comment: String?

    public init(data: String = "", event: String? = nil, id: String? = nil, retry: Int? = nil, comment: String? = nil) {
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry
        self.comment = comment
    }

    /// A keep-alive comment.
    public static func comment(_ text: String) -> ServerSentEvent {
        ServerSentEvent(comment: text)
    }

    /// The event as it is sent, ending with a blank line. Line breaks in `event`, `id` and `comment` would end
    /// the field early, so they become spaces.
    public var serialized: String {
        var out = ""
        if let comment {
            for line in Self.lines(comment) { out += ": " + line + "\n" }
        }
        if let event { out += "event: " + Self.singleLine(event) + "\n" }
        if let id { out += "id: " + Self.singleLine(id) + "\n" }
        if let retry { out += "retry: \(retry)\n" }
        if !data.isEmpty || (comment == nil && event == nil && id == nil && retry == nil) {
            for line in Self.lines(data) { out += "data: " + line + "\n" }
        }
        return out + "\n"
    }

    private static func lines(_ text: String) -> [Substring] {
        text.replacing("\r\n", with: "\n").split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" }
    }

    private static func singleLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
