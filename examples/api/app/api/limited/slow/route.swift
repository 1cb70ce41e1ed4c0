import RouteHandlers

/// One request at a time, whichever client sends it: a second one meanwhile gets 429.
let maxConcurrency = 1

/// GET /api/limited/slow?ms=N: waits N milliseconds (0 to 5000, 500 by default) and answers `{"waitedMs":N}`.
func GET(_ request: Request) async throws -> Response {
    let text = request.url.searchParams.get("ms") ?? "500"
    guard let milliseconds = Int(text), (0...5000).contains(milliseconds) else {
        throw HTTPError(.badRequest, "ms must be a whole number of milliseconds from 0 to 5000, not \"\(text)\".")
    }
    try await Task.sleep(for: .milliseconds(milliseconds))
    return .json(["waitedMs": milliseconds])
}
