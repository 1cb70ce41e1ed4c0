import HTTPTypes

/// An error no middleware or handler answered, as ``RouteResponder/Configuration/onRequestError`` receives it:
/// Next.js's `onRequestError` (its `instrumentation.ts` hook), for reporting to an error tracker or an audit table.
///
/// Reported: any error other than an ``HTTPError`` (the client got a 500), and an ``HTTPError`` of status 500 or
/// above (a route's `maxDuration` 504 among them). Not reported: the 4xx answers a handler throws on purpose, and
/// a request the client abandoned.
public struct RequestErrorReport: Sendable {
    /// What was thrown.
    public var error: any Error
    /// The request: its method, URL and headers (its body may have been read already).
    public var request: Request
    /// The pattern of the route it matched, such as `/api/users/[id]`; `nil` when it matched none.
    public var routePattern: String?
    /// The request's id, as its 500 problem and the log carry it.
    public var requestID: String
    /// The status the client was answered.
    public var status: HTTPResponse.Status
}

/// Called once for each ``RequestErrorReport``, after the response went out (as ``after(_:)`` work: it delays no
/// answer, and a graceful shutdown waits for it).
public typealias RequestErrorHook = @Sendable (RequestErrorReport) async -> Void

/// What ``ErrorResponse`` needs to report an error: the hook and the request it happened to.
struct ErrorReporting: Sendable {
    var hook: RequestErrorHook
    var request: Request
    var routePattern: String?

    /// Reports `error`, answered with `status`, once the response is out (`afterWork`, else the current request's).
    func report(_ error: any Error, status: HTTPResponse.Status, requestID: String, afterWork: AfterWork?) {
        let report = RequestErrorReport(error: error, request: request, routePattern: routePattern, requestID: requestID, status: status)
        let hook = hook
        after(into: afterWork) { await hook(report) }
    }
}
