import HTTPTypes

extension RouteContext {
    /// The response the client gets for `error`, as the responder would answer it: an ``HTTPError``'s own
    /// response; 499 when the request was cancelled (the client went away); otherwise a 500 problem carrying the
    /// request id, with the error logged (and described in the body only in development mode).
    ///
    /// For middleware that must touch every response, errors included:
    ///
    /// ```swift
    /// var response: Response
    /// do { response = try await next(request, context) } catch { response = context.response(for: error) }
    /// response.headers.set("X-Request-Id", context.requestID)
    /// ```
    public func response(for error: any Error) -> Response {
        if let error = error as? HTTPError { return error.response }
        if Task.isCancelled {
            // The web server hung up (the client went away): nobody will read this response.
            logger.debug("Request cancelled")
            return Response(status: HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"))
        }
        logger.error("Handler failed: \(String(reflecting: error))")
        let detail = exposeErrorDetails ? String(reflecting: error) : "An unexpected error occurred."
        return HTTPError(.internalServerError, detail).problemResponse(extra: ["requestId": requestID])
    }
}
