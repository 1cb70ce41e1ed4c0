import RouteHandlers

/// GET /api/stream: five NDJSON lines, one every 100 ms, each sent to the client as soon as it is written
/// (the gateway flushes every chunk and tells nginx not to buffer the response).
func GET() -> Response {
    .stream(headers: ["Content-Type": "application/x-ndjson", "Cache-Control": "no-cache"]) { writer in
        for index in 1...5 {
            // Stands in for real work (pages of a query, a model's tokens): each result goes out when ready.
            if index > 1 { try await Task.sleep(for: .milliseconds(100)) }
            let line = Progress(index: index, total: 5, square: index * index)
            // If the client has gone away, write throws and the handler stops here.
            try await writer.writeJSONLine(line)
        }
    }
}

struct Progress: Encodable, Sendable {
    var index: Int
    var total: Int
    var square: Int
}
