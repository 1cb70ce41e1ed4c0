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
        ErrorResponse.response(
            for: error, requestID: requestID, exposeDetails: exposeErrorDetails, logger: logger, reporting: errorReporting)
    }
}
