extension FastJSONState {
    /// Writes `string` quoted and escaped as swift-foundation's `JSONWriter` does with `.withoutEscapingSlashes`:
    /// `\"`, `\\`, `\b \f \n \r \t`, `\u00xx` (lowercase hex) for the other bytes below 0x20; everything else,
    /// DEL, U+2028/U+2029 and all non-ASCII included, as its UTF-8 bytes.
    /// - Returns: whether the string was all ASCII (keys must be) and whether anything was escaped.
    @discardableResult
    mutating func writeString(_ string: String) -> (ascii: Bool, escaped: Bool) {
        // Native strings (all but bridged ones) lend their UTF-8 without a copy of the String.
        if let written = string.utf8.withContiguousStorageIfAvailable({ writeString(utf8: $0) }) {
            return written
        }
        var string = string
        return string.withUTF8 { writeString(utf8: $0) }
    }

    private mutating func writeString(utf8: UnsafeBufferPointer<UInt8>) -> (ascii: Bool, escaped: Bool) {
        var seen: UInt8 = 0
        for byte in utf8 {
            seen |= byte
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                writeEscaping(utf8)
                return (utf8.allSatisfy { $0 < 0x80 }, true)
            }
        }
        // Nothing to escape (the usual case): the quotes and the bytes, stored directly.
        bytes.reserve(utf8.count + 2)
        let start = bytes.base + bytes.count
        start.pointee = UInt8(ascii: "\"")
        if let source = utf8.baseAddress { (start + 1).update(from: source, count: utf8.count) }
        start[utf8.count + 1] = UInt8(ascii: "\"")
        bytes.advance(by: utf8.count + 2)
        return (seen < 0x80, false)
    }

    private mutating func writeEscaping(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var mark = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if mark < index { bytes.append(UnsafeBufferPointer(rebasing: utf8[mark..<index])) }
            writeEscape(byte)
            mark = index + 1
        }
        if mark < utf8.count { bytes.append(UnsafeBufferPointer(rebasing: utf8[mark...])) }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscape(_ byte: UInt8) {
        let short: UInt8? =
            switch byte {
            case UInt8(ascii: "\""): UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case 0x08: UInt8(ascii: "b")
            case 0x0C: UInt8(ascii: "f")
            case 0x0A: UInt8(ascii: "n")
            case 0x0D: UInt8(ascii: "r")
            case 0x09: UInt8(ascii: "t")
            default: nil
            }
        if let short {
            bytes.append(UInt8(ascii: "\\"), short)
            return
        }
        func hex(_ digit: UInt8) -> UInt8 { digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10 }
        bytes.append("\\u00")
        bytes.append(hex(byte >> 4), hex(byte & 0xF))
    }
}
