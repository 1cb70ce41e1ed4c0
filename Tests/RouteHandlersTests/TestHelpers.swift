import RouteHandlers
import Testing

/// Runs `body` and returns the ``HTTPError`` it threw; records an issue when it threw nothing or something else.
@discardableResult
func expectHTTPError(
    _ status: Int, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> HTTPError? {
    do {
        try await body()
        Issue.record("expected HTTPError \(status), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as HTTPError {
        #expect(error.status.code == status, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected HTTPError \(status), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A POST request with a body and content type.
func post(_ target: String = "/", contentType: String?, _ body: [UInt8]) -> Request {
    var headers = Headers()
    if let contentType { headers.set("Content-Type", contentType) }
    return Request(method: .post, target, headers: headers, body: RequestBody(bytes: body))
}

func post(_ target: String = "/", contentType: String?, _ body: String) -> Request {
    post(target, contentType: contentType, Array(body.utf8))
}
