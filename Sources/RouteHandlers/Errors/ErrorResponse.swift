import HTTPTypes
import Logging

/// The one policy that turns an error thrown by middleware or a handler into the client's response: an
/// ``HTTPError``'s own problem response; 499 when the request was cancelled (the web server hung up, nobody
/// reads the answer); otherwise a 500 problem carrying the request id, with the error logged (and described in
/// the body only when `exposeDetails`, development mode). The responder and ``RouteContext/response(for:)``
/// both answer through it, and so both report to the app's `onRequestError` (``RequestErrorReport``).
enum ErrorResponse {
    static func response(
        for error: any Error, requestID: String, exposeDetails: Bool, logger: Logger, request: Request? = nil,
        reporting: ErrorReporting? = nil, afterWork: AfterWork? = nil
    ) -> Response {
        let metadata: Logger.Metadata? = request.map { ["method": .string($0.method.rawValue), "path": .string($0.url.pathname)] }
        if let error = error as? HTTPError {
            if error.status.code >= 500 {
                reporting?.report(error, status: error.status, requestID: requestID, afterWork: afterWork ?? AfterWork.current)
            }
            return error.response
        }
        if Task.isCancelled {
            logger.debug("Request cancelled", metadata: metadata)
            return Response(status: HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"))
        }
        reporting?.report(error, status: .internalServerError, requestID: requestID, afterWork: afterWork ?? AfterWork.current)
        logger.error("Handler failed: \(String(reflecting: error))", metadata: metadata)
        let detail = exposeDetails ? String(reflecting: error) : "An unexpected error occurred."
        return HTTPError(.internalServerError, detail).problemResponse(extra: ["requestId": requestID])
    }
}
