import RouteHandlers

// TODO(issue 4): replace with `request.cookies` and `request.formData()` once the fidelity branch is merged.

/// The request's cookies by name (the first of a repeated name wins, as browsers send the most specific first).
func requestCookies(_ request: Request) -> [String: String] {
    var cookies: [String: String] = [:]
    for header in request.headers.getAll("Cookie") {
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
            guard let name = pair.first, !name.isEmpty, cookies[name] == nil else { continue }
            cookies[name] = pair.count == 2 ? pair[1] : ""
        }
    }
    return cookies
}

/// The fields of a form body as name/value pairs (a file's value is its filename), or nil when the body is not a form.
func formPairs(_ request: Request) async throws -> [[String]]? {
    try await exampleFormFields(request)?.map { [$0.name, $0.value] }
}
