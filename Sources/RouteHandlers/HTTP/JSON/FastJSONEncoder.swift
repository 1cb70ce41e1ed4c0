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
final class FastJSONEncoder {
    /// A container being written: `{` or `[` is already in `bytes`, its members follow from `start`.
    struct Frame {
        var id: UInt32
        var keyed: Bool
        var start: Int
        var count = 0
        /// Where this container's members begin in `entries` (keyed containers only).
        var entryBase: Int
    }

    /// One member of an open keyed container: its key and where `"key":value` starts in `bytes`.
    struct Entry {
        var key: String
        var segment: Int
    }

    /// One value whose `encode(to:)` is running.
    struct Slot {
        enum Mode: Equatable { case empty, single, keyed, unkeyed }
        var id: UInt32
        /// `frames.count` when the value began: its own containers sit at and above this depth.
        var frameBase: Int
        var mode = Mode.empty
    }

    /// A handle on a frame or a slot that stays checkable after the frame or slot has gone.
    struct Ref {
        var depth: Int
        var id: UInt32
        static let dead = Ref(depth: -1, id: 0)
    }

    /// `JSONWriter` refuses nesting at 512; stay clear of it and let `JSONEncoder` produce the error.
    static let maximumDepth = 500

    var bytes: [UInt8] = []
    var frames: [Frame] = []
    var entries: [Entry] = []
    var slots: [Slot] = []
    /// Set by anything that gave up, so an unsupported error swallowed by user code (`try?`) still counts.
    var failed = false
    private var lastID: UInt32 = 0

    init() {
        bytes.reserveCapacity(128)
    }

    /// The JSON for `value`, or ``FastJSONUnsupported`` (or the value's own error) when `JSONEncoder` must do it.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = FastJSONEncoder()
        try encoder.encodeValue(value)
        guard !encoder.failed else { throw FastJSONUnsupported() }
        return encoder.bytes
    }

    /// Marks the whole encoding as unsupported and returns the error to throw.
    func unsupported() -> FastJSONUnsupported {
        failed = true
        return FastJSONUnsupported()
    }

    private func nextID() -> UInt32 {
        lastID &+= 1
        return lastID
    }

    /// Encodes any value at the current position: scalars directly, everything else through its `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T) throws {
        guard !failed else { throw FastJSONUnsupported() }
        if try writeScalar(value) { return }
        if Self.isSpecialCased(value) { throw unsupported() }
        let id = nextID()
        slots.append(Slot(id: id, frameBase: frames.count))
        try value.encode(to: FastJSONValueEncoder(encoder: self, slot: Ref(depth: slots.count - 1, id: id)))
        guard !failed, let slot = slots.last, slot.id == id else { throw unsupported() }
        while frames.count > slot.frameBase { try closeInnermost() }
        slots.removeLast()
        if slot.mode == .empty {
            // JSONEncoder writes {} for a nested value that encoded nothing, and throws for a top-level one.
            guard !slots.isEmpty, frames.count < Self.maximumDepth else { throw unsupported() }
            bytes.append(UInt8(ascii: "{"))
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Whether `slot` is the value being encoded right now.
    func isCurrent(_ slot: Ref) -> Bool {
        !failed && slot.depth == slots.count - 1 && slot.depth >= 0 && slots[slot.depth].id == slot.id
    }

    /// Claims `slot` for one single value; a second value, or one after a container, is unsupported.
    func beginSingleValue(_ slot: Ref) throws {
        guard isCurrent(slot), slots[slot.depth].mode == .empty else { throw unsupported() }
        slots[slot.depth].mode = .single
    }

    /// The root container of `slot`'s value, opened on first request; the same one if asked again.
    func rootContainer(of slot: Ref, keyed: Bool) -> Ref {
        guard isCurrent(slot) else { failed = true; return .dead }
        let base = slots[slot.depth].frameBase
        switch slots[slot.depth].mode {
        case .empty:
            guard let frame = try? openContainer(keyed: keyed) else { return .dead }
            slots[slot.depth].mode = keyed ? .keyed : .unkeyed
            return frame
        case .keyed where keyed, .unkeyed where !keyed:
            return Ref(depth: base, id: frames[base].id)
        default:
            failed = true
            return .dead
        }
    }

    /// Writes `{` or `[` and opens a container for its members.
    func openContainer(keyed: Bool) throws -> Ref {
        guard frames.count < Self.maximumDepth else { throw unsupported() }
        bytes.append(keyed ? UInt8(ascii: "{") : UInt8(ascii: "["))
        let id = nextID()
        frames.append(Frame(id: id, keyed: keyed, start: bytes.count, entryBase: entries.count))
        return Ref(depth: frames.count - 1, id: id)
    }

    /// Starts the next member of `frame` (`,` and, when keyed, `"key":`), first closing containers nested in it.
    /// Fails for a closed container or one that belongs to a value further out than the one being encoded.
    func beginMember(of frame: Ref, key: String?) throws {
        guard !failed, frame.depth >= 0, frame.depth < frames.count, frames[frame.depth].id == frame.id,
              let slot = slots.last, frame.depth >= slot.frameBase
        else { throw unsupported() }
        while frames.count > frame.depth + 1 { try closeInnermost() }
        if frames[frame.depth].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[frame.depth].count += 1
        if let key {
            entries.append(Entry(key: key, segment: bytes.count))
            guard writeString(key) else { throw unsupported() }
            bytes.append(UInt8(ascii: ":"))
        }
    }

    /// The number of members written to `frame` so far.
    func count(of frame: Ref) -> Int {
        guard frame.depth >= 0, frame.depth < frames.count, frames[frame.depth].id == frame.id else { return 0 }
        return frames[frame.depth].count
    }

    /// Closes the innermost open container, putting a keyed one's members in key order.
    func closeInnermost() throws {
        let frame = frames.removeLast()
        if frame.keyed {
            try sortMembers(of: frame)
            entries.removeSubrange(frame.entryBase...)
            bytes.append(UInt8(ascii: "}"))
        } else {
            bytes.append(UInt8(ascii: "]"))
        }
    }
}
