import HTTPTypes

/// A request's validators (`If-Match`, `If-None-Match`), as the response writer needs them.
package struct RequestConditions: Sendable {
    package var ifMatch: EntityTagCondition?
    package var ifNoneMatch: EntityTagCondition?

    package static let none = RequestConditions()

    package init(ifMatch: EntityTagCondition? = nil, ifNoneMatch: EntityTagCondition? = nil) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
    }

    package init(headers: Headers) {
        ifMatch = EntityTagCondition(headers.storage[values: .ifMatch])
        ifNoneMatch = EntityTagCondition(headers.storage[values: .ifNoneMatch])
    }
}

extension Request {
    /// This request's `If-Match` and `If-None-Match`, for the gateway to hand to the response writer.
    package var conditions: RequestConditions { RequestConditions(headers: headers) }
}

/// Validators and conditional GETs, for every gateway alike: a successful GET whose body is in memory gets a strong
/// `ETag` (unless its route sets `etag = false` or it has one), then `If-Match` and `If-None-Match` are evaluated
/// against the answer's `ETag` as RFC 9110 orders them: 412 when `If-Match` fails, 304 when `If-None-Match`
/// matches. A streamed answer with an `ETag` of its handler's is answered 304 without running its stream.
///
/// Unsafe methods are not evaluated here: their handler must check before it changes anything
/// (``Request/checkPreconditions(current:)``).
enum ConditionalResponse {
    private static let accelRedirect = HTTPField.Name("X-Accel-Redirect")!

    static func answer(_ response: Response, method: HTTPRequest.Method, conditions: RequestConditions, requestID: String) -> Response {
        guard method == .get || method == .head, (200..<300).contains(response.status.code) else { return response }
        // nginx serves an X-Accel-Redirect's file, and answers its conditionals itself.
        guard !response.headers.storage.contains(accelRedirect) else { return response }
        let response = tagged(response)
        guard conditions.ifMatch != nil || conditions.ifNoneMatch != nil else { return response }
        let current = response.headers.storage[.eTag].flatMap { EntityTag(parsing: $0) }
        if let ifMatch = conditions.ifMatch, !ifMatch.passesIfMatch(current, exists: true) {
            var failed = HTTPError(.preconditionFailed, "If-Match names no current representation of this resource.")
                .problemResponse(extra: ["requestId": requestID])
            failed.afterWork = response.afterWork
            return failed
        }
        if response.status.code == 200, let ifNoneMatch = conditions.ifNoneMatch, ifNoneMatch.matchesIfNoneMatch(current, exists: true) {
            return notModified(response)
        }
        return response
    }

    /// 304 for `response`: the fields a 200 would carry (`ETag`, `Cache-Control`, `Vary`, …) without its body or
    /// the body's own fields.
    static func notModified(_ response: Response) -> Response {
        var response = response
        response.status = .notModified
        response.body = .empty
        for name in [HTTPField.Name.contentType, .contentLength, .contentEncoding, .transferEncoding] {
            response.headers.storage[name] = nil
        }
        return response
    }

    /// HEAD answered by GET's handler: the `ETag` the GET would get, taken before its body is dropped.
    static func taggingBeforeDroppingBody(_ response: Response) -> Response {
        tagged(response)
    }

    /// `response` with a strong `ETag` of its body: a 200 with a body in memory, no tag of its own, its route's
    /// `etag` not off.
    private static func tagged(_ response: Response) -> Response {
        guard response.status.code == 200, response.generatesETag, case .bytes(let bytes) = response.body.storage, !bytes.isEmpty,
            !response.headers.storage.contains(.eTag)
        else { return response }
        var response = response
        response.headers.storage.append(HTTPField(name: .eTag, value: EntityTag.fieldValue(body: bytes)))
        return response
    }
}

extension Request {
    /// Evaluates `If-Match` and `If-None-Match` for an unsafe method (PUT, PATCH, DELETE, POST) against the
    /// resource's current entity tag (`nil`: it does not exist), before the handler changes anything, as RFC 9110
    /// orders them: throws 412 Precondition Failed when `If-Match` names no current representation, or when
    /// `If-None-Match` names the current one (`If-None-Match: *` on a create that must not overwrite).
    ///
    /// ```swift
    /// let post = try await store.post(id)
    /// try request.checkPreconditions(current: post.map { EntityTag("v\($0.version)") })
    /// ```
    public func checkPreconditions(current: EntityTag?) throws(HTTPError) {
        let conditions = self.conditions
        if let ifMatch = conditions.ifMatch, !ifMatch.passesIfMatch(current, exists: current != nil) {
            throw HTTPError(.preconditionFailed, "If-Match names no current representation of this resource.")
        }
        if let ifNoneMatch = conditions.ifNoneMatch, ifNoneMatch.matchesIfNoneMatch(current, exists: current != nil) {
            if method == .get || method == .head { return }
            throw HTTPError(.preconditionFailed, "If-None-Match names the current representation of this resource.")
        }
    }
}
