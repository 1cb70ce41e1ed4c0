import RouteHandlers

/// Past 2 seconds the handler is cancelled and the client gets 504 (nginx's include waits a little longer).
let maxDuration = 2

/// GET /api/slow?ms=N: waits N milliseconds (0 to 60000; cancellable) and answers `{"waitedMs":N}`.
func GET(_ request: Request) async throws -> Response {
    let text = request.url.searchParams.get("ms") ?? "0"
    guard let milliseconds = Int(text), (0...60_000).contains(milliseconds) else {
        throw HTTPError(.badRequest, "ms must be a whole number of milliseconds from 0 to 60000, not \"\(text)\".")
    }
    try await Task.sleep(for: .milliseconds(milliseconds))
    return .json(Waited(waitedMs: milliseconds))
}

struct Waited: Encodable, Sendable {
    var waitedMs: Int
}
