#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Thrown when the fast encoder meets something it cannot write byte for byte as `JSONEncoder` would;
/// ``JSONBody`` then encodes the whole value again with `JSONEncoder`.
struct FastJSONUnsupported: Error {}

/// A compact, sorted-keys JSON encoder that writes straight into one byte buffer, for response bodies.
///
/// Its output is the bytes of `JSONEncoder` with `[.withoutEscapingSlashes, .sortedKeys]` on swift-foundation
/// (keys ordered by their UTF-8 bytes), for what it handles; for anything else (Date, Data, URL, Decimal, non-finite
/// numbers, non-ASCII or repeated keys, `superEncoder`, reading `codingPath`, containers used out of order) it gives
/// up with ``FastJSONUnsupported`` rather than guess.
///
/// Values are written in encoding order. A keyed container remembers where each member starts and, when it closes,
/// reorders its members only if they did not arrive sorted. A container closes when its value's `encode(to:)`
/// returns or when a container further out is written to; writing to a closed container gives up.
///
/// All the bookkeeping is one struct, ``FastJSONState``, reached through a pointer this class owns: containers
/// hold the class, and going through the pointer spares every call the dynamic exclusivity checks that a class's
/// stored properties cost (encoding is single-threaded and the state is never accessed reentrantly).
///
/// Encoders are pooled, so that a body costs no allocation but its own bytes and what `Codable` itself allocates.
/// An encoder is used by one encoding at a time (hence `@unchecked Sendable`). Within an encoding, a container kept
/// past its value's `encode(to:)` cannot write into a later value: frame and slot ids are never reused. A container
/// kept past the whole encoding still holds the encoder, which is then not pooled again: a later encoding, possibly on
/// another thread, never shares an encoder with a container from an earlier one.
final class FastJSONEncoder: @unchecked Sendable {
    let state: UnsafeMutablePointer<FastJSONState>

    private static let pool = Mutex<[FastJSONEncoder]>([])
    private static let pooledEncoders = 16
    /// An encoder goes back to the pool with at most this much output buffer (a large body's is dropped).
    private static let pooledCapacity = 64 * 1024

    init() {
        state = .allocate(capacity: 1)
        state.initialize(to: FastJSONState())
    }

    deinit {
        state.pointee.bytes.free()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The JSON for `value`, or ``FastJSONUnsupported`` (or the value's own error) when `JSONEncoder` must do it.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var encoder = pool.withLock { $0.popLast() } ?? FastJSONEncoder()
        defer {
            // Something user code kept (a container, an `Encoder`) still refers to it: let that have it alone.
            if isKnownUniquelyReferenced(&encoder) { release(encoder) }
        }
        encoder.state.pointee.reset()
        try encoder.encodeValue(value)
        guard !encoder.state.pointee.failed else { throw FastJSONUnsupported() }
        return encoder.state.pointee.bytes.array
    }

    /// Returns `encoder` to the pool, unless the pool is full.
    private static func release(_ encoder: FastJSONEncoder) {
        encoder.state.pointee.trim(keepingAtMost: pooledCapacity)
        pool.withLock { if $0.count < pooledEncoders { $0.append(encoder) } }
    }

    /// Encodes any value at the current position: scalars directly, everything else through its `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T) throws {
        if try state.pointee.writeScalar(value) { return }
        if Self.isSpecialCased(value) { throw state.pointee.unsupported() }
        let outer = try state.pointee.beginSlot()
        let slot = state.pointee.slot.id
        try value.encode(to: FastJSONValueEncoder(encoder: self, slot: slot))
        try state.pointee.endSlot(slot, restoring: outer)
    }

    /// Marks the encoding as unsupported (for callers that cannot throw, and in case user code swallows the error).
    func giveUp() {
        state.pointee.failed = true
    }

    /// Whether JSONEncoder treats `value` specially (`__JSONEncoder.wrapGeneric`): Date, Data and URL follow
    /// strategies or rewrite the value, Decimal is written from its description. None of them is reproduced here.
    static func isSpecialCased<T>(_ value: T) -> Bool {
        if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
            return true
        }
        guard T.self is AnyObject.Type else { return false }
        // A class could bridge to one of them, and then `as?` succeeds in JSONEncoder. Those casts cost hundreds of
        // nanoseconds, so their answer is kept per dynamic type.
        let type = ObjectIdentifier(Swift.type(of: value))
        if let known = classCasts.withLock({ $0[type] }) { return known }
        let special = value is Date || value is Data || value is URL || value is Decimal
        classCasts.withLock { if $0.count < 1024 { $0[type] = special } }
        return special
    }

    private static let classCasts = Mutex<[ObjectIdentifier: Bool]>([:])
}
