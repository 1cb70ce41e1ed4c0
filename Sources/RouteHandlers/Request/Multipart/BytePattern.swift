/// A byte string to find in a window of bytes (a multipart delimiter): Boyer-Moore-Horspool, so that a file part
/// is scanned about a delimiter's length at a time rather than byte by byte.
struct BytePattern: Sendable {
    let bytes: [UInt8]
    /// How far the search may move on when the window's byte under the pattern's last one is this byte.
    private let shifts: [Int]

    init(_ bytes: [UInt8]) {
        precondition(!bytes.isEmpty, "a pattern has bytes")
        self.bytes = bytes
        var shifts = [Int](repeating: bytes.count, count: 256)
        for index in 0..<(bytes.count - 1) { shifts[Int(bytes[index])] = bytes.count - 1 - index }
        self.shifts = shifts
    }

    var count: Int { bytes.count }

    /// The first index at or after `start` where the pattern occurs whole in `window`.
    func firstIndex(in window: [UInt8], from start: Int) -> Int? {
        window.withUnsafeBufferPointer { text in
            bytes.withUnsafeBufferPointer { pattern in
                shifts.withUnsafeBufferPointer { shifts in
                    let last = pattern.count - 1
                    var index = max(0, start)
                    while index + last < text.count {
                        let byte = text[index + last]
                        if byte == pattern[last] {
                            var matched = 0
                            while matched < last, text[index + matched] == pattern[matched] { matched += 1 }
                            if matched == last { return index }
                        }
                        index += shifts[Int(byte)]
                    }
                    return nil
                }
            }
        }
    }

    /// Whether `window` holds the pattern at `position`.
    func occurs(in window: [UInt8], at position: Int) -> Bool {
        guard position >= 0, window.count - position >= bytes.count else { return false }
        for index in bytes.indices where window[position + index] != bytes[index] { return false }
        return true
    }
}
