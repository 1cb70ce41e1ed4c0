extension FastJSONState {
    /// Writes `value` directly when it is a JSON scalar (String, Bool, an integer, Double or Float); false otherwise.
    /// Compares metatypes, which is far cheaper than a dynamic cast, and so only matches the exact types.
    mutating func writeScalar<T>(_ value: T) throws -> Bool {
        guard !failed else { throw FastJSONUnsupported() }
        if T.self == String.self {
            writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            writeInteger(Int64(unsafeBitCast(value, to: Int.self)))
        } else if T.self == Bool.self {
            writeBool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == Double.self {
            try writeDouble(unsafeBitCast(value, to: Double.self))
        } else if T.self == Float.self {
            try writeFloat(unsafeBitCast(value, to: Float.self))
        } else if T.self == Int64.self {
            writeInteger(unsafeBitCast(value, to: Int64.self))
        } else if T.self == UInt.self {
            writeInteger(UInt64(unsafeBitCast(value, to: UInt.self)))
        } else if T.self == UInt64.self {
            writeInteger(unsafeBitCast(value, to: UInt64.self))
        } else if T.self == Int32.self {
            writeInteger(Int64(unsafeBitCast(value, to: Int32.self)))
        } else if T.self == UInt32.self {
            writeInteger(UInt64(unsafeBitCast(value, to: UInt32.self)))
        } else if T.self == Int16.self {
            writeInteger(Int64(unsafeBitCast(value, to: Int16.self)))
        } else if T.self == UInt16.self {
            writeInteger(UInt64(unsafeBitCast(value, to: UInt16.self)))
        } else if T.self == Int8.self {
            writeInteger(Int64(unsafeBitCast(value, to: Int8.self)))
        } else if T.self == UInt8.self {
            writeInteger(UInt64(unsafeBitCast(value, to: UInt8.self)))
        } else {
            return false
        }
        return true
    }

    mutating func writeNull() {
        bytes.append("null")
    }

    mutating func writeBool(_ value: Bool) {
        bytes.append(value ? "true" : "false")
    }

    /// Decimal digits, as `description` writes them, without making a String. Every integer of 64 bits or fewer
    /// comes here widened (concrete types: generic integer arithmetic would go through witness tables).
    mutating func writeInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        writeInteger(value.magnitude)
    }

    mutating func writeInteger(_ value: UInt64) {
        // Count the digits, then store them from the last one back, straight into the buffer.
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20, value >= bound {
            digits += 1
            bound &*= 10
        }
        bytes.reserve(digits)
        var position = bytes.base + bytes.count + digits
        var rest = value
        repeat {
            let (quotient, digit) = rest.quotientAndRemainder(dividingBy: 10)
            position -= 1
            position.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
            rest = quotient
        } while rest != 0
        bytes.advance(by: digits)
    }

    /// 128-bit integers, rare enough to go through `description` as JSONEncoder does.
    mutating func writeInteger(describing value: some FixedWidthInteger) {
        var description = value.description
        description.withUTF8 { bytes.append($0) }
    }

    /// `Double.description` without a trailing ".0", as JSONEncoder does; non-finite numbers are unsupported
    /// (JSONEncoder throws, or follows its non-conforming float strategy).
    mutating func writeDouble(_ value: Double) throws {
        guard value.isFinite else { throw unsupported() }
        writeNumber(value.description)
    }

    /// `Float.description` (not the Double widening of it) without a trailing ".0".
    mutating func writeFloat(_ value: Float) throws {
        guard value.isFinite else { throw unsupported() }
        writeNumber(value.description)
    }

    private mutating func writeNumber(_ description: String) {
        var description = description
        description.withUTF8 { utf8 in
            var count = utf8.count
            if count >= 2, utf8[count - 2] == UInt8(ascii: "."), utf8[count - 1] == UInt8(ascii: "0") { count -= 2 }
            bytes.append(UnsafeBufferPointer(rebasing: utf8[..<count]))
        }
    }
}
