/// The output and the open containers of one ``FastJSONEncoder`` run.
struct FastJSONState {
    /// A container being written: `{` or `[` is already in `bytes`, its members follow from `start`.
    struct Frame {
        var id: UInt64
        var keyed: Bool
        var start: Int
        var count = 0
        /// Where this container's members begin in `entries` (keyed containers only).
        var entryBase: Int
    }

    /// One member of an open keyed container: `"key":value` starts at `segment` in `bytes`, the key's (escaped)
    /// bytes end at `keyEnd`.
    struct Entry {
        var segment: Int
        var keyEnd: Int
        var escaped: Bool
    }

    /// The value whose `encode(to:)` is running; the ones further out are on the Swift stack, in
    /// ``FastJSONEncoder/encodeValue(_:)``.
    struct Slot {
        enum Mode { case empty, single, keyed, unkeyed }
        /// 0 outside any value; ``deadSlot`` never matches.
        var id: UInt64 = 0
        /// `frames.count` when the value began: its own containers sit at and above this depth.
        var frameBase = 0
        var mode = Mode.empty
    }

    static let deadSlot = UInt64.max

    /// A handle on a frame that stays checkable after the frame has closed (ids are never reused).
    struct Ref {
        var depth: Int
        var id: UInt64
        static let dead = Ref(depth: -1, id: 0)
    }

    /// `JSONWriter` refuses nesting at 512; stay clear of it and let `JSONEncoder` produce the error.
    static let maximumDepth = 500

    var bytes = FastJSONBuffer(capacity: 256)
    var frames: [Frame] = []
    var entries: [Entry] = []
    var slot = Slot()
    /// Set by anything that gave up, so an unsupported error swallowed by user code (`try?`) still counts.
    var failed = false
    /// Never reset: a handle from an earlier encoding must not match anything in a later one.
    private var lastID: UInt64 = 0

    /// Makes the state ready for another encoding, keeping its memory. After an encoding that succeeded, the
    /// stacks are already empty.
    mutating func reset() {
        bytes.removeAll()
        failed = false
        slot = Slot()
        if !frames.isEmpty || !entries.isEmpty {
            frames.removeAll(keepingCapacity: true)
            entries.removeAll(keepingCapacity: true)
        }
    }

    /// Lets go of memory a large body left behind, before the state waits in the pool.
    mutating func trim(keepingAtMost limit: Int) {
        bytes.trim(keepingAtMost: limit)
        if entries.capacity > 1024 { entries = [] }
    }

    /// Marks the whole encoding as unsupported and returns the error to throw.
    mutating func unsupported() -> FastJSONUnsupported {
        failed = true
        return FastJSONUnsupported()
    }

    private mutating func nextID() -> UInt64 {
        lastID &+= 1
        return lastID
    }

    /// Starts a value that encodes itself; returns the value further out, for ``endSlot(_:restoring:)``.
    mutating func beginSlot() throws -> Slot {
        guard !failed else { throw FastJSONUnsupported() }
        let outer = slot
        slot = Slot(id: nextID(), frameBase: frames.count)
        return outer
    }

    /// Closes what the value opened; a nested value that wrote nothing is `{}` as in JSONEncoder, which throws for a
    /// top-level one.
    mutating func endSlot(_ id: UInt64, restoring outer: Slot) throws {
        guard isCurrent(id) else { throw unsupported() }
        let finished = slot
        while frames.count > finished.frameBase { try closeInnermost() }
        slot = outer
        if finished.mode == .empty {
            guard outer.id != 0, frames.count < Self.maximumDepth else { throw unsupported() }
            bytes.append(UInt8(ascii: "{"), UInt8(ascii: "}"))
        }
    }

    /// Whether `id` is the value being encoded right now.
    func isCurrent(_ id: UInt64) -> Bool {
        !failed && id == slot.id
    }

    /// Claims the value `id` for one single value; a second value, or one after a container, is unsupported.
    mutating func beginSingleValue(_ id: UInt64) throws {
        guard isCurrent(id), slot.mode == .empty else { throw unsupported() }
        slot.mode = .single
    }

    /// The root container of value `id`, opened on first request; the same one if asked again.
    mutating func rootContainer(of id: UInt64, keyed: Bool) -> Ref {
        guard isCurrent(id) else {
            failed = true
            return .dead
        }
        switch slot.mode {
        case .empty:
            guard let frame = try? openContainer(keyed: keyed) else { return .dead }
            slot.mode = keyed ? .keyed : .unkeyed
            return frame
        case .keyed where keyed, .unkeyed where !keyed:
            return Ref(depth: slot.frameBase, id: frames[slot.frameBase].id)
        default:
            failed = true
            return .dead
        }
    }

    /// Writes `{` or `[` and opens a container for its members.
    mutating func openContainer(keyed: Bool) throws -> Ref {
        guard frames.count < Self.maximumDepth else { throw unsupported() }
        bytes.append(keyed ? UInt8(ascii: "{") : UInt8(ascii: "["))
        let id = nextID()
        frames.append(Frame(id: id, keyed: keyed, start: bytes.count, entryBase: entries.count))
        return Ref(depth: frames.count - 1, id: id)
    }

    /// Starts the next member of `frame` (`,` and, when keyed, `"key":`), first closing containers nested in it.
    /// Fails for a closed container or one that belongs to a value further out than the one being encoded.
    mutating func beginMember(of frame: Ref, key: String?) throws {
        guard !failed, frame.depth >= 0, frame.depth < frames.count, frames[frame.depth].id == frame.id,
            frame.depth >= slot.frameBase
        else { throw unsupported() }
        while frames.count > frame.depth + 1 { try closeInnermost() }
        if frames[frame.depth].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[frame.depth].count += 1
        if let key {
            let segment = bytes.count
            // Non-ASCII keys are unsupported: JSONEncoder keeps members in a [String: _], where two keys that are
            // canonically equivalent but different bytes are one key.
            let written = writeString(key)
            guard written.ascii else { throw unsupported() }
            entries.append(Entry(segment: segment, keyEnd: bytes.count - 1, escaped: written.escaped))
            bytes.append(UInt8(ascii: ":"))
        }
    }

    /// Opens a container as the next member of `frame`; a dead handle (and the encoding given up) if it cannot.
    mutating func nestedContainer(in frame: Ref, key: String?, keyed: Bool) -> Ref {
        do {
            try beginMember(of: frame, key: key)
            return try openContainer(keyed: keyed)
        } catch {
            failed = true
            return .dead
        }
    }

    /// The number of members written to `frame` so far.
    func count(of frame: Ref) -> Int {
        guard frame.depth >= 0, frame.depth < frames.count, frames[frame.depth].id == frame.id else { return 0 }
        return frames[frame.depth].count
    }

    /// Closes the innermost open container, putting a keyed one's members in key order.
    mutating func closeInnermost() throws {
        let frame = frames.removeLast()
        if frame.keyed {
            try sortMembers(of: frame)
            if entries.count > frame.entryBase { entries.removeLast(entries.count - frame.entryBase) }
            bytes.append(UInt8(ascii: "}"))
        } else {
            bytes.append(UInt8(ascii: "]"))
        }
    }
}
