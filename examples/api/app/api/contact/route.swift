import RouteHandlers

/// POST /api/contact: TODO(issue 4) multipart, once request.formData() lands.
func POST(_ request: Request) async throws -> Response {
    guard let fields = try await formPairs(request) else {
        throw HTTPError(.unsupportedMediaType, "Send the form as application/x-www-form-urlencoded or multipart/form-data.")
    }
    return .json(["fields": fields.map { ["name": $0[0], "value": $0[1]] }])
}
