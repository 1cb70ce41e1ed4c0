extension FastJSONEncoder {
    /// Puts the members of a keyed container that is closing in the order of `.sortedKeys` on swift-foundation:
    /// keys compared by their UTF-8 bytes. Members that arrived sorted (the usual case) are left where they are.
    /// A key written twice is unsupported: JSONEncoder keeps the last value, or merges nested containers.
    func sortMembers(of frame: Frame) throws {
        let base = frame.entryBase
        let end = entries.count
        guard end - base > 1 else { return }
        var inOrder = true
        for index in base + 1 ..< end {
            let earlier = entries[index - 1].key
            let later = entries[index].key
            if earlier == later { throw unsupported() }
            if !earlier.utf8.lexicographicallyPrecedes(later.utf8) { inOrder = false }
        }
        if inOrder { return }

        let order = (base ..< end).sorted { entries[$0].key.utf8.lexicographicallyPrecedes(entries[$1].key.utf8) }
        for index in 1 ..< order.count where entries[order[index - 1]].key == entries[order[index]].key {
            throw unsupported()
        }
        // Member i is `"key":value` from its segment start up to the comma before member i + 1.
        var sorted: [UInt8] = []
        sorted.reserveCapacity(bytes.count - frame.start)
        for index in order {
            if !sorted.isEmpty { sorted.append(UInt8(ascii: ",")) }
            let upper = index + 1 < end ? entries[index + 1].segment - 1 : bytes.count
            sorted.append(contentsOf: bytes[entries[index].segment ..< upper])
        }
        bytes.replaceSubrange(frame.start..., with: sorted)
    }
}
