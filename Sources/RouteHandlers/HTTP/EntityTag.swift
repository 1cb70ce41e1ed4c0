/// An HTTP entity tag (`ETag`): an opaque validator of one representation, strong unless marked `W/`.
public struct EntityTag: Sendable, Hashable, CustomStringConvertible {
    /// The tag between its quotes.
    public var opaqueTag: String
    /// A weak tag (`W/"…"`) says the representations are equivalent, not byte for byte the same.
    public var isWeak: Bool

    public init(_ opaqueTag: String, weak: Bool = false) {
        self.opaqueTag = opaqueTag
        self.isWeak = weak
    }

    /// A strong tag for `bytes`, as Next.js makes one for a page: a 64-bit FNV-1a hash and the length, base 36.
    public init(body bytes: [UInt8]) {
        self.init(Self.bodyTag(bytes, quoted: false))
    }

    /// The field value (`"…"`) of ``init(body:)``'s tag, written in one go: it is made for every GET answered 200.
    package static func fieldValue(body bytes: [UInt8]) -> String {
        bodyTag(bytes, quoted: true)
    }

    private static func bodyTag(_ bytes: [UInt8], quoted: Bool) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        // At most 13 base-36 digits each, a dash and two quotes.
        return String(unsafeUninitializedCapacity: 32) { text in
            var end = 0
            if quoted {
                text[0] = UInt8(ascii: "\"")
                end = 1
            }
            end = writeBase36(hash, into: text, at: end)
            text[end] = UInt8(ascii: "-")
            end = writeBase36(UInt64(bytes.count), into: text, at: end + 1)
            if quoted {
                text[end] = UInt8(ascii: "\"")
                end += 1
            }
            return end
        }
    }

    /// Writes `value` in lowercase base 36 (as `String(value, radix: 36)` spells it) at `start`; returns its end.
    private static func writeBase36(_ value: UInt64, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        var length = 1
        var rest = value / 36
        while rest > 0 {
            length += 1
            rest /= 36
        }
        var remaining = value
        var index = start + length
        repeat {
            index -= 1
            let digit = UInt8(remaining % 36)
            text[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
            remaining /= 36
        } while remaining > 0
        return start + length
    }

    /// The field value: `"tag"` or `W/"tag"`.
    public var description: String { (isWeak ? "W/\"" : "\"") + opaqueTag + "\"" }

    /// Parses one field value such as `"abc"` or `W/"abc"`; `nil` when it is not one.
    public init?(parsing value: some StringProtocol) {
        var text = Substring(value).trimmingWhitespace()
        let weak = text.hasPrefix("W/")
        if weak { text = text.dropFirst(2) }
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return nil }
        let tag = text.dropFirst().dropLast()
        guard !tag.contains("\"") else { return nil }
        self.init(String(tag), weak: weak)
    }

    /// Equal tags, both strong (RFC 9110's strong comparison, for `If-Match`).
    public func matchesStrongly(_ other: EntityTag) -> Bool {
        !isWeak && !other.isWeak && opaqueTag == other.opaqueTag
    }

    /// Equal tags, weak or not (RFC 9110's weak comparison, for `If-None-Match`).
    public func matchesWeakly(_ other: EntityTag) -> Bool {
        opaqueTag == other.opaqueTag
    }
}

/// The value of `If-Match` or `If-None-Match`: `*` or a list of entity tags.
package enum EntityTagCondition: Sendable, Equatable {
    case any
    case tags([EntityTag])

    /// Parses every field's value; entries that are not entity tags are left out.
    package init?(_ values: [String]) {
        guard !values.isEmpty else { return nil }
        var tags: [EntityTag] = []
        for value in values {
            for entry in Self.entries(value) {
                if entry == "*" {
                    self = .any
                    return
                }
                if let tag = EntityTag(parsing: entry) { tags.append(tag) }
            }
        }
        self = .tags(tags)
    }

    /// `If-Match`: whether the current representation (`exists`, tagged `current`) passes: `*` wants one to exist,
    /// a list one of its tags, compared strongly.
    package func passesIfMatch(_ current: EntityTag?, exists: Bool) -> Bool {
        switch self {
        case .any: return exists
        case .tags(let tags): return current.map { current in tags.contains { $0.matchesStrongly(current) } } ?? false
        }
    }

    /// `If-None-Match`: whether the current representation is among the listed ones (`*`: whether one exists),
    /// compared weakly.
    package func matchesIfNoneMatch(_ current: EntityTag?, exists: Bool) -> Bool {
        switch self {
        case .any: return exists
        case .tags(let tags): return current.map { current in tags.contains { $0.matchesWeakly(current) } } ?? false
        }
    }

    /// The comma-separated entries of a list, keeping commas inside quotes (an opaque tag may hold one).
    private static func entries(_ value: String) -> [Substring] {
        var entries: [Substring] = []
        var start = value.startIndex
        var quoted = false
        var index = value.startIndex
        while index < value.endIndex {
            let character = value[index]
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted {
                entries.append(value[start..<index].trimmingWhitespace())
                start = value.index(after: index)
            }
            index = value.index(after: index)
        }
        entries.append(value[start...].trimmingWhitespace())
        return entries.filter { !$0.isEmpty }
    }
}
