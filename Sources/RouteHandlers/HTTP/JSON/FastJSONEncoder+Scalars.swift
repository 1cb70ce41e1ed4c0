#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension FastJSONEncoder {
    /// Writes `value` directly when it is a JSON scalar (String, Bool, an integer, Double or Float); false otherwise.
    /// Compares metatypes, which is far cheaper than a dynamic cast, and so only matches the exact types.
    func writeScalar<T>(_ value: T) throws -> Bool {
        if T.self == String.self {
            _ = writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            writeInteger(unsafeBitCast(value, to: Int.self))
        } else if T.self == Bool.self {
            writeBool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == Double.self {
            try writeDouble(unsafeBitCast(value, to: Double.self))
        } else if T.self == Float.self {
            try writeFloat(unsafeBitCast(value, to: Float.self))
        } else if T.self == Int64.self {
            writeInteger(unsafeBitCast(value, to: Int64.self))
        } else if T.self == UInt.self {
            writeInteger(unsafeBitCast(value, to: UInt.self))
        } else if T.self == UInt64.self {
            writeInteger(unsafeBitCast(value, to: UInt64.self))
        } else if T.self == Int32.self {
            writeInteger(unsafeBitCast(value, to: Int32.self))
        } else if T.self == UInt32.self {
            writeInteger(unsafeBitCast(value, to: UInt32.self))
        } else if T.self == Int16.self {
            writeInteger(unsafeBitCast(value, to: Int16.self))
        } else if T.self == UInt16.self {
            writeInteger(unsafeBitCast(value, to: UInt16.self))
        } else if T.self == Int8.self {
            writeInteger(unsafeBitCast(value, to: Int8.self))
        } else if T.self == UInt8.self {
            writeInteger(unsafeBitCast(value, to: UInt8.self))
        } else {
            return false
        }
        return true
    }

    /// Whether JSONEncoder treats `value` specially (`__JSONEncoder.wrapGeneric`): Date, Data and URL follow
    /// strategies or rewrite the value, Decimal is written from its description. None of them is reproduced here.
    static func isSpecialCased<T>(_ value: T) -> Bool {
        if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
            return true
        }
        // A class could bridge to one of them (`as?` would then succeed in JSONEncoder); check the slow way.
        if T.self is AnyObject.Type {
            return value is Date || value is Data || value is URL || value is Decimal
        }
        return false
    }

    func writeNull() {
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
    }

    func writeBool(_ value: Bool) {
        if value {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
        }
    }

    /// Decimal digits, as `description` writes them, without making a String.
    func writeInteger<I: FixedWidthInteger>(_ value: I) {
        guard I.bitWidth <= 64 else {
            bytes.append(contentsOf: value.description.utf8)
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(truncatingIfNeeded: value.magnitude)
        let start = bytes.count
        repeat {
            let (quotient, digit) = magnitude.quotientAndRemainder(dividingBy: 10)
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit))
            magnitude = quotient
        } while magnitude != 0
        bytes[start...].reverse()
    }

    /// `Double.description` without a trailing ".0", as JSONEncoder does; non-finite numbers are unsupported
    /// (JSONEncoder throws, or follows its non-conforming float strategy).
    func writeDouble(_ value: Double) throws {
        guard value.isFinite else { throw unsupported() }
        writeNumber(value.description)
    }

    /// `Float.description` (not the Double widening of it) without a trailing ".0".
    func writeFloat(_ value: Float) throws {
        guard value.isFinite else { throw unsupported() }
        writeNumber(value.description)
    }

    private func writeNumber(_ description: String) {
        var description = description
        description.withUTF8 { utf8 in
            var count = utf8.count
            if count >= 2, utf8[count - 2] == UInt8(ascii: "."), utf8[count - 1] == UInt8(ascii: "0") { count -= 2 }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[..<count]))
        }
    }
}
