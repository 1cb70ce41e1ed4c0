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

/// Standard base64 (RFC 4648), padding optional.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0, let value = sextet(byte) else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits must be the zero padding of the last byte, and at most two "=".
        guard padding <= 2, bits < 6, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }

    /// Base64url without padding (RFC 4648 §5), as cookie values and URLs take it.
    static func encodeURL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for byte in chunk { value = value << 8 | UInt32(byte) }
            value <<= UInt32(8 * (3 - chunk.count))
            for position in 0...chunk.count { output.append(alphabet[Int(value >> UInt32(18 - 6 * position)) & 63]) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base64url, with or without padding.
    static func decodeURL(_ text: String) -> [UInt8]? {
        decode(String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }))
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
