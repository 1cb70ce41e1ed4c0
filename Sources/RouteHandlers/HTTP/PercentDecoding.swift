/// Percent-decoding shared by path segments and form data.
enum PercentDecoding {
    enum Failure: Error {
        /// A `%` not followed by two hex digits, such as `%zz`.
        case malformedEscape
        /// Escapes that decode to bytes which are not UTF-8, such as `%A0`.
        case invalidUTF8
    }

    /// Decodes `%XX` escapes strictly: a `%` not followed by two hex digits, or escapes that do not decode to
    /// UTF-8, fail (routing answers 400).
    static func decodeStrict(_ input: Substring) throws(Failure) -> String {
        guard input.utf8.contains(UInt8(ascii: "%")) else { return String(input) }
        guard let text = String(validating: try decodeStrictBytes(input), as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    /// Checks a raw path, without allocating: every `%` starts a `%XX` escape and every `/`-separated segment
    /// decodes to UTF-8. Returns the first problem and the byte range of its segment.
    static func checkPath(_ path: UnsafeBufferPointer<UInt8>) -> (failure: Failure, segment: Range<Int>)? {
        var validator = UTF8Validator()
        var segmentStart = 0
        var index = 0
        func segment(around position: Int) -> Range<Int> {
            var end = position
            while end < path.count, path[end] != UInt8(ascii: "/") { end += 1 }
            return segmentStart..<end
        }
        while index < path.count {
            var byte = path[index]
            if byte == UInt8(ascii: "/") {
                guard validator.isComplete else { return (.invalidUTF8, segmentStart..<index) }
                segmentStart = index + 1
                index += 1
                continue
            }
            if byte == UInt8(ascii: "%") {
                guard index + 2 < path.count, let high = hexValue(path[index + 1]), let low = hexValue(path[index + 2])
                else { return (.malformedEscape, segment(around: index)) }
                byte = high << 4 | low
                index += 3
            } else {
                index += 1
            }
            guard validator.accept(byte) else { return (.invalidUTF8, segment(around: index)) }
        }
        return validator.isComplete ? nil : (.invalidUTF8, segmentStart..<path.count)
    }

    /// UTF-8 well-formedness, a byte at a time (RFC 3629: no overlongs, surrogates or values above U+10FFFF).
    struct UTF8Validator {
        private var pending = 0
        private var lower: UInt8 = 0x80
        private var upper: UInt8 = 0xBF

        var isComplete: Bool { pending == 0 }

        mutating func accept(_ byte: UInt8) -> Bool {
            if pending > 0 {
                guard byte >= lower, byte <= upper else { return false }
                pending -= 1
                (lower, upper) = (0x80, 0xBF)
                return true
            }
            switch byte {
            case 0x00...0x7F: return true
            case 0xC2...0xDF: pending = 1
            case 0xE0: (pending, lower) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: pending = 2
            case 0xED: (pending, upper) = (2, 0x9F)
            case 0xF0: (pending, lower) = (3, 0x90)
            case 0xF1...0xF3: pending = 3
            case 0xF4: (pending, upper) = (3, 0x8F)
            default: return false
            }
            return true
        }
    }

    /// The bytes `%XX` escapes stand for, failing on a malformed escape; the caller decides what invalid UTF-8
    /// means.
    static func decodeStrictBytes(_ input: Substring) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.utf8.count)
        var iterator = input.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw .malformedEscape
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// Decodes `%XX` escapes in bytes already checked by ``RequestPath/validateEscapes(_:)``; a `%` that does
    /// not start an escape is kept.
    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return bytes
    }

    /// Decodes like WHATWG's `application/x-www-form-urlencoded` parser: `+` is a space when `plusIsSpace`,
    /// and a `%` that does not start a valid escape is kept as it is. Never fails.
    static func decodeLenient(_ input: Substring, plusIsSpace: Bool) -> String {
        let utf8 = input.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(input)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+"), plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                let first = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), first != utf8.endIndex,
                let second = utf8.index(first, offsetBy: 1, limitedBy: utf8.endIndex), second != utf8.endIndex,
                let high = hexValue(utf8[first]), let low = hexValue(utf8[second])
            {
                bytes.append(high << 4 | low)
                index = second
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Encodes everything but WHATWG's form-urlencoded safe set; spaces become `+`.
    static func encodeForm(_ input: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(input.utf8.count)
        for byte in input.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"):
                output.append(byte)
            case UInt8(ascii: " "):
                output.append(UInt8(ascii: "+"))
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Encodes like JavaScript's `encodeURIComponent`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
    static func encodeURIComponent(_ input: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(input.utf8.count)
        for byte in input.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "!"), UInt8(ascii: "~"), UInt8(ascii: "*"), UInt8(ascii: "'"), UInt8(ascii: "("),
                UInt8(ascii: ")"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
