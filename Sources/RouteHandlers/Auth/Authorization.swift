/// `Authorization: Bearer <token>` (RFC 6750), the scheme in any case.
public struct BearerAuthorization: Sendable, Hashable {
    public var token: String

    public init(token: String) {
        self.token = token
    }

    /// Parses a field value; `nil` for another scheme or an empty token.
    public init?(_ value: String) {
        guard let credentials = authorizationCredentials(value, scheme: "bearer") else { return nil }
        self.token = credentials
    }
}

/// `Authorization: Basic <base64(user:password)>` (RFC 7617), the scheme in any case.
public struct BasicAuthorization: Sendable, Hashable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Parses a field value; `nil` for another scheme, invalid base64, or no `:` in the decoded text.
    public init?(_ value: String) {
        guard let credentials = authorizationCredentials(value, scheme: "basic"), let bytes = Base64.decode(credentials),
            let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        self.username = String(decoding: bytes[..<colon], as: UTF8.self)
        self.password = String(decoding: bytes[(colon + 1)...], as: UTF8.self)
    }
}

extension Request {
    /// The bearer token of the `Authorization` header, if it has one. Reading it makes a cached route's answer
    /// private (see the route segment config's `revalidate`).
    public var bearerAuthorization: BearerAuthorization? {
        headers.get("Authorization").flatMap(BearerAuthorization.init)
    }

    /// The user name and password of a Basic `Authorization` header, if it has one.
    public var basicAuthorization: BasicAuthorization? {
        headers.get("Authorization").flatMap(BasicAuthorization.init)
    }
}

/// The credentials after `scheme ` (case-insensitive), spaces trimmed; `nil` when the scheme differs or nothing follows.
private func authorizationCredentials(_ value: String, scheme: String) -> String? {
    let trimmed = value.trimmingWhitespace()
    guard trimmed.count > scheme.count, trimmed.prefix(scheme.count).lowercased() == scheme else { return nil }
    let rest = trimmed.dropFirst(scheme.count)
    guard rest.first == " " || rest.first == "\t" else { return nil }
    let credentials = rest.trimmingWhitespace()
    return credentials.isEmpty ? nil : String(credentials)
}
