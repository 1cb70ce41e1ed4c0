#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The attributes of a cookie a response sets (RFC 6265bis), as in Next.js's `cookies.set(name, value, options)`.
public struct CookieOptions: Sendable, Hashable {
    /// When the cookie expires; a session cookie when neither this nor ``maxAge`` is set.
    public var expires: Date?
    /// Seconds until the cookie expires; 0 or less deletes it.
    public var maxAge: Int?
    public var domain: String?
    /// `/` unless set otherwise; `nil` leaves the browser's default (the request path's directory).
    public var path: String?
    public var secure: Bool
    public var httpOnly: Bool
    public var sameSite: SameSite?
    public var priority: Priority?
    /// CHIPS: store the cookie per top-level site. Browsers require ``secure`` with it.
    public var partitioned: Bool

    public init(
        expires: Date? = nil, maxAge: Int? = nil, domain: String? = nil, path: String? = "/", secure: Bool = false,
        httpOnly: Bool = false, sameSite: SameSite? = nil, priority: Priority? = nil, partitioned: Bool = false
    ) {
        self.expires = expires
        self.maxAge = maxAge
        self.domain = domain
        self.path = path
        self.secure = secure
        self.httpOnly = httpOnly
        self.sameSite = sameSite
        self.priority = priority
        self.partitioned = partitioned
    }

    /// The `SameSite` attribute.
    public struct SameSite: Sendable, Hashable {
        public let rawValue: String
        public static let strict = SameSite(rawValue: "Strict")
        public static let lax = SameSite(rawValue: "Lax")
        /// Browsers require ``CookieOptions/secure`` with it.
        public static let none = SameSite(rawValue: "None")
    }

    /// The `Priority` attribute (Chromium).
    public struct Priority: Sendable, Hashable {
        public let rawValue: String
        public static let low = Priority(rawValue: "Low")
        public static let medium = Priority(rawValue: "Medium")
        public static let high = Priority(rawValue: "High")
    }
}

/// A cookie to set: a name, a value and its attributes, serialized as one `Set-Cookie` value.
public struct ResponseCookie: Sendable, Hashable {
    public var name: String
    /// The value as the handler sees it; it is sent `encodeURIComponent`-ed (as Next.js does), so any string is
    /// safe, and ``RequestCookies`` decodes it again.
    public var value: String
    public var options: CookieOptions

    public init(name: String, value: String, options: CookieOptions = .init()) {
        self.name = name
        self.value = value
        self.options = options
    }

    /// Why a cookie cannot be sent, or `nil` when it can.
    public var problem: String? {
        if !Self.isToken(name) { return "the cookie name \(name.debugDescription) is not an RFC 6265 token" }
        if let domain = options.domain, domain.isEmpty || !Self.isAttributeValue(domain) || domain.contains(" ") {
            return "the cookie domain \(domain.debugDescription) is invalid"
        }
        if let path = options.path, !Self.isAttributeValue(path) {
            return "the cookie path \(path.debugDescription) is invalid"
        }
        return nil
    }

    /// The `Set-Cookie` value, such as `id=a%20b; Path=/; HttpOnly; SameSite=Lax`.
    public var serialized: String {
        var parts = [name + "=" + PercentDecoding.encodeURIComponent(value)]
        if let domain = options.domain { parts.append("Domain=" + domain) }
        if let path = options.path { parts.append("Path=" + path) }
        if let expires = options.expires {
            parts.append("Expires=" + HTTPDate.format(secondsSince1970: Int64(expires.timeIntervalSince1970.rounded(.down))))
        }
        if let maxAge = options.maxAge { parts.append("Max-Age=\(maxAge)") }
        if options.secure { parts.append("Secure") }
        if options.httpOnly { parts.append("HttpOnly") }
        if let sameSite = options.sameSite { parts.append("SameSite=" + sameSite.rawValue) }
        if let priority = options.priority { parts.append("Priority=" + priority.rawValue) }
        if options.partitioned { parts.append("Partitioned") }
        return parts.joined(separator: "; ")
    }

    /// RFC 9110 token characters.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default:
                    "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }

    /// RFC 6265 `av-octet`s: any printable ASCII but `;`.
    static func isAttributeValue(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") }
    }
}

/// The cookies a response sets, as `Set-Cookie` headers (one per cookie), with Next.js's
/// `response.cookies.set`/`delete`. Setting a name again replaces its earlier `Set-Cookie`.
///
/// A cookie that cannot be sent safely (a name that is not a token, a domain or path with `;` or control
/// characters) is not serialized: it is recorded as a rejected header and the server answers 500 instead of
/// emitting an injectable header.
public struct ResponseCookies: Sendable {
    public internal(set) var headers: Headers

    public init(headers: Headers = [:]) {
        self.headers = headers
    }

    /// Sets a cookie; `options.path` defaults to `/`.
    public mutating func set(_ name: String, _ value: String, _ options: CookieOptions = .init()) {
        set(ResponseCookie(name: name, value: value, options: options))
    }

    public mutating func set(_ cookie: ResponseCookie) {
        if let problem = cookie.problem {
            headers.reject("Set-Cookie", "\(cookie.name)=\(cookie.value) (\(problem))")
            return
        }
        remove(cookie.name)
        headers.append("Set-Cookie", cookie.serialized)
    }

    /// Tells the browser to drop the cookie: an empty value that expired in 1970. `path` and `domain` must match
    /// the ones it was set with.
    public mutating func delete(_ name: String, path: String? = "/", domain: String? = nil) {
        set(
            ResponseCookie(
                name: name, value: "",
                options: CookieOptions(
                    expires: Date(timeIntervalSince1970: 0), maxAge: 0, domain: domain, path: path)))
    }

    /// The value this response sets for `name`.
    public func get(_ name: String) -> String? {
        for header in headers.getSetCookie() where Self.name(of: header) == name {
            let pair = header.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { return "" }
            return RequestCookies.decode(pair[pair.index(after: equals)...])
        }
        return nil
    }

    public func has(_ name: String) -> Bool {
        headers.getSetCookie().contains { Self.name(of: $0) == name }
    }

    private mutating func remove(_ name: String) {
        let all = headers.getSetCookie()
        let kept = all.filter { Self.name(of: $0) != name }
        guard kept.count != all.count else { return }
        headers.fields[values: .setCookie] = kept
    }

    private static func name(of setCookie: String) -> Substring {
        setCookie.prefix { $0 != "=" && $0 != ";" }.trimmingWhitespace()
    }
}

extension Response {
    /// The cookies this response sets: `response.cookies.set("session", id, .init(httpOnly: true))`.
    public var cookies: ResponseCookies {
        get { ResponseCookies(headers: headers) }
        set { headers = newValue.headers }
    }
}
