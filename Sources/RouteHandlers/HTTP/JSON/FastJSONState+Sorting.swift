extension FastJSONState {
    /// Puts the members of a keyed container that is closing in the order of `.sortedKeys` on swift-foundation:
    /// keys compared by their UTF-8 bytes. Members that arrived sorted (the usual case) are left where they are.
    /// A key written twice is unsupported: JSONEncoder keeps the last value, or merges nested containers.
    mutating func sortMembers(of frame: Frame) throws {
        let base = frame.entryBase
        let end = entries.count
        guard end - base > 1 else { return }
        var inOrder = true
        for index in base + 1..<end {
            let order = compareKeys(entries[index - 1], entries[index])
            if order == 0 { throw unsupported() }
            if order > 0 { inOrder = false }
        }
        if inOrder { return }

        try withUnsafeTemporaryAllocation(of: Int.self, capacity: end - base) { buffer in
            var order = buffer
            for index in order.indices { order[index] = base + index }
            try sort(&order)
            // Member i is `"key":value` from its segment start up to the comma before member i + 1. The sorted
            // members are written after the unsorted ones, then moved over them.
            let unsortedEnd = bytes.count
            for (position, index) in order.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                let upper = index + 1 < end ? entries[index + 1].segment - 1 : unsortedEnd
                bytes.append(copying: entries[index].segment..<upper)
            }
            bytes.moveTail(from: unsortedEnd, to: frame.start)
        }
    }

    /// Sorts indices into `entries` by key, throwing for a key that is there twice: insertion sort for the few
    /// members of a typical object (it meets a duplicate right where it stops), the standard sort for large ones.
    private mutating func sort(_ order: inout UnsafeMutableBufferPointer<Int>) throws {
        guard order.count <= 16 else {
            order.sort { compareKeys(entries[$0], entries[$1]) < 0 }
            for index in 1..<order.count where compareKeys(entries[order[index - 1]], entries[order[index]]) == 0 {
                throw unsupported()
            }
            return
        }
        for index in 1..<order.count {
            let moving = order[index]
            var slot = index
            while slot > 0 {
                let comparison = compareKeys(entries[moving], entries[order[slot - 1]])
                if comparison == 0 { throw unsupported() }
                if comparison > 0 { break }
                order[slot] = order[slot - 1]
                slot -= 1
            }
            order[slot] = moving
        }
    }

    /// Compares two keys by their UTF-8 bytes (negative, zero or positive), reading them where they were written;
    /// escaped ones are read back to the bytes they stand for.
    func compareKeys(_ left: Entry, _ right: Entry) -> Int {
        if !left.escaped, !right.escaped {
            let leftKey = bytes.slice(left.segment + 1..<left.keyEnd)
            let rightKey = bytes.slice(right.segment + 1..<right.keyEnd)
            for index in 0..<min(leftKey.count, rightKey.count) where leftKey[index] != rightKey[index] {
                return leftKey[index] < rightKey[index] ? -1 : 1
            }
            return leftKey.count == rightKey.count ? 0 : leftKey.count < rightKey.count ? -1 : 1
        }
        var leftReader = KeyReader(entry: left)
        var rightReader = KeyReader(entry: right)
        while true {
            switch (leftReader.next(in: bytes), rightReader.next(in: bytes)) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (leftByte?, rightByte?) where leftByte != rightByte: return leftByte < rightByte ? -1 : 1
            default: continue
            }
        }
    }
}

/// The bytes of one written key, between its quotes, with the escapes `writeString` makes undone.
private struct KeyReader {
    var index: Int
    let end: Int
    let escaped: Bool

    init(entry: FastJSONState.Entry) {
        index = entry.segment + 1
        end = entry.keyEnd
        escaped = entry.escaped
    }

    mutating func next(in bytes: FastJSONBuffer) -> UInt8? {
        guard index < end else { return nil }
        let byte = bytes[index]
        index += 1
        guard escaped, byte == UInt8(ascii: "\\") else { return byte }
        let code = bytes[index]
        index += 1
        switch code {
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            // \u00xx, lowercase hex, only for bytes below 0x20.
            func value(_ digit: UInt8) -> UInt8 { digit <= UInt8(ascii: "9") ? digit - UInt8(ascii: "0") : digit - UInt8(ascii: "a") + 10 }
            let byte = value(bytes[index + 2]) << 4 | value(bytes[index + 3])
            index += 4
            return byte
        default: return code  // \" and \\
        }
    }
}
