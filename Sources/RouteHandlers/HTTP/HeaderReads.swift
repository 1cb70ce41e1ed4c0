import HTTPTypes
import Synchronization

/// Which of the request headers that make an answer personal (`Authorization`, `Cookie`) were read while a
/// cacheable route answered: such an answer must never be stored by a shared cache, or nginx would hand one user's
/// answer to the next (``CacheSafety``). As Next.js makes a route that calls `cookies()` or `headers()` dynamic.
///
/// A read is noted whether or not the header is present: a handler that looks for a session and finds none still
/// answers differently for one that has it. Reading the fields whole (``Headers/fields``, iterating, printing)
/// counts as reading both.
package final class HeaderReads: Sendable {
    private let bits = Atomic<UInt8>(0)
    private static let authorization: UInt8 = 1
    private static let cookie: UInt8 = 2

    package init() {}

    func note(_ name: HTTPField.Name) {
        if name == .authorization {
            bits.bitwiseOr(Self.authorization, ordering: .relaxed)
        } else if name == .cookie {
            bits.bitwiseOr(Self.cookie, ordering: .relaxed)
        }
    }

    func noteAll() {
        bits.bitwiseOr(Self.authorization | Self.cookie, ordering: .relaxed)
    }

    /// The personal headers read so far, as `Vary` names them.
    package var read: [String] {
        let bits = bits.load(ordering: .relaxed)
        var names: [String] = []
        if bits & Self.authorization != 0 { names.append("Authorization") }
        if bits & Self.cookie != 0 { names.append("Cookie") }
        return names
    }
}
