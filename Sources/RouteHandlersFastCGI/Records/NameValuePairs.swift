/// The name-value pairs of a complete `FCGI_PARAMS` stream (or of a `FCGI_GET_VALUES` record), validated
/// before anything is allocated for them.
///
/// Each length is one byte (high bit clear) or four (high bit set, 31 bits of length). Every length is checked
/// against the bytes that actually follow it, so a declared length of 2^31−1 in a 1 KiB stream is an error,
/// never an allocation.
struct NameValuePairs {
    struct Pair: Equatable {
        var name: Range<Int>
        var value: Range<Int>
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        /// A length field cut off by the end of the stream.
        case truncatedLength(offset: Int)
        /// A name or value longer than what is left of the stream.
        case lengthPastEnd(offset: Int, declared: Int, remaining: Int)

        var description: String {
            switch self {
            case .truncatedLength(let offset):
                "a name-value length at offset \(offset) is cut off by the end of the params"
            case .lengthPastEnd(let offset, let declared, let remaining):
                "a name-value pair at offset \(offset) declares \(declared) bytes but the params hold only \(remaining) more"
            }
        }
    }

    /// Calls `body` with the byte ranges of each pair in `bytes`, in order; stops at the first invalid length.
    /// Checks the whole stream before the first call, so `body` never sees a prefix of an invalid stream.
    static func forEach(in bytes: UnsafeRawBufferPointer, _ body: (Pair) -> Void) throws(Failure) {
        try validate(bytes)
        var offset = 0
        while offset < bytes.count {
            // Validated above: these cannot fail.
            guard let pair = try? next(in: bytes, at: &offset) else { return }
            body(pair)
        }
    }

    /// Checks every length in `bytes`; returns the number of pairs.
    @discardableResult
    static func validate(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Int {
        var offset = 0
        var count = 0
        while offset < bytes.count {
            _ = try next(in: bytes, at: &offset)
            count += 1
        }
        return count
    }

    private static func next(in bytes: UnsafeRawBufferPointer, at offset: inout Int) throws(Failure) -> Pair {
        let start = offset
        let nameLength = try length(in: bytes, at: &offset)
        let valueLength = try length(in: bytes, at: &offset)
        let remaining = bytes.count - offset
        // Each length is below 2^31, so the sum cannot overflow Int.
        guard nameLength + valueLength <= remaining else {
            throw .lengthPastEnd(offset: start, declared: nameLength + valueLength, remaining: remaining)
        }
        let name = offset..<offset + nameLength
        let value = name.upperBound..<name.upperBound + valueLength
        offset = value.upperBound
        return Pair(name: name, value: value)
    }

    private static func length(in bytes: UnsafeRawBufferPointer, at offset: inout Int) throws(Failure) -> Int {
        guard offset < bytes.count else { throw .truncatedLength(offset: offset) }
        let first = bytes[offset]
        if first & 0x80 == 0 {
            offset += 1
            return Int(first)
        }
        guard bytes.count - offset >= 4 else { throw .truncatedLength(offset: offset) }
        let value = Int(first & 0x7F) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        offset += 4
        return value
    }

    /// Appends one pair in the wire encoding (for `FCGI_GET_VALUES_RESULT`, and tests).
    static func append(name: some Collection<UInt8>, value: some Collection<UInt8>, to buffer: inout [UInt8]) {
        for count in [name.count, value.count] {
            if count < 128 {
                buffer.append(UInt8(count))
            } else {
                buffer.append(UInt8(truncatingIfNeeded: count >> 24) | 0x80)
                buffer.append(UInt8(truncatingIfNeeded: count >> 16))
                buffer.append(UInt8(truncatingIfNeeded: count >> 8))
                buffer.append(UInt8(truncatingIfNeeded: count))
            }
        }
        buffer.append(contentsOf: name)
        buffer.append(contentsOf: value)
    }
}
