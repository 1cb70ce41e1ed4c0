/// Sessions in a signed cookie: the cookie carries only a random id (256 bits) and its HMAC-SHA256 signature; the
/// data lives in a ``SessionStore``. A cookie whose signature does not verify is ignored without touching the store.
///
/// ```swift
/// struct Visit: Codable, Sendable { var count = 0 }
/// router.use(SessionMiddleware<Visit>(store: MemorySessionStore(), secret: secret))
/// router.get("/visits") { _, context in
///     let session = try context.session(Visit.self)
///     session.update { $0 = Visit(count: ($0?.count ?? 0) + 1) }
///     return .json(["count": session.data?.count ?? 0])
/// }
/// ```
///
/// Reading the cookie makes the answers of a cached route private (see `revalidate`). The cookie is `HttpOnly`,
/// `SameSite=Lax`, `Path=/`, and `Secure` on HTTPS requests.
public struct SessionMiddleware<Data: Codable & Sendable>: RouteMiddleware {
    public let store: any SessionStore
    public var cookieName: String
    /// How long an unused session lasts: the cookie's `Max-Age` and the store's expiry, renewed on every change.
    public var maxAge: Duration
    private let key: [UInt8]

    /// - Parameters:
    ///   - store: where the sessions' data lives.
    ///   - secret: the signing key, the same for every worker and host (at least 32 bytes of randomness, from the
    ///     environment or a secrets file; never in the source).
    ///   - cookieName: the cookie's name.
    ///   - maxAge: how long an unused session lasts.
    public init(store: some SessionStore, secret: String, cookieName: String = "session", maxAge: Duration = .seconds(7 * 86_400)) {
        self.store = store
        self.key = Array(secret.utf8)
        self.cookieName = cookieName
        self.maxAge = maxAge
    }

    public func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
        let id = request.cookies.get(cookieName).flatMap(verifiedID)
        var data: Data?
        if let id, let stored = try await store.load(id) {
            data = try? JSONBody.decode(Data.self, from: stored)
        }
        let session = Session<Data>(data: data)
        var context = context
        context.locals[Session<Data>.self] = session
        var response = try await next(request, context)

        let outcome = session.outcome
        let secure = request.url.scheme == "https"
        if outcome.destroyed {
            if let id { try await store.delete(id) }
            response.cookies.set(cookieName, "", CookieOptions(maxAge: 0, secure: secure, httpOnly: true, sameSite: .lax))
        } else if outcome.changed, let value = outcome.data {
            let newID = id == nil || outcome.renewed ? Self.randomID() : id ?? Self.randomID()
            try await store.save(newID, data: try JSONBody.encode(value), expiresIn: maxAge)
            if let id, id != newID { try await store.delete(id) }
            let seconds = Int(maxAge.components.seconds)
            response.cookies.set(cookieName, signed(newID), CookieOptions(maxAge: seconds, secure: secure, httpOnly: true, sameSite: .lax))
        }
        return response
    }

    /// `id.signature`, both base64url.
    func signed(_ id: String) -> String {
        id + "." + Base64.encodeURL(SHA256.hmac(key: key, Array(id.utf8)))
    }

    /// The id of a cookie value whose signature verifies.
    func verifiedID(_ value: String) -> String? {
        guard let dot = value.lastIndex(of: "."), let signature = Base64.decodeURL(String(value[value.index(after: dot)...])) else {
            return nil
        }
        let id = String(value[..<dot])
        guard !id.isEmpty, constantTimeEquals(signature, SHA256.hmac(key: key, Array(id.utf8))) else { return nil }
        return id
    }

    /// 256 random bits (the system's CSPRNG), base64url.
    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64.encodeURL(bytes)
    }
}
