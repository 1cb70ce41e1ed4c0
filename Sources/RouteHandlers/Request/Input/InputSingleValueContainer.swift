/// One field's value: text parsed into the type asked for.
struct InputSingleValueContainer: SingleValueDecodingContainer {
    let state: InputDecodingState
    let path: [any CodingKey]
    let value: FormData.Value?

    var codingPath: [any CodingKey] { path }

    func decodeNil() -> Bool { value == nil || value?.text?.isEmpty == true }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let text = try text() else { return false }
        switch text.lowercased() {
        case "true", "on", "1", "yes": return true
        case "false", "off", "0", "no", "": return false
        default: return try problem("must be true or false")
        }
    }

    func decode(_ type: String.Type) throws -> String { try text() ?? problem("is required") }
    func decode(_ type: Double.Type) throws -> Double { try number(Double.self) }
    func decode(_ type: Float.Type) throws -> Float { try number(Float.self) }
    func decode(_ type: Int.Type) throws -> Int { try whole(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try whole(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try whole(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try whole(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try whole(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try whole(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try whole(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try whole(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try whole(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try whole(UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Self.decode(T.self, state: state, path: path, value: value)
    }

    /// The text of the value; a problem for a file where text was expected.
    private func text() throws -> String? {
        switch value {
        case .text(let text): return text
        case .file: return try problem("must be text, not a file")
        case nil: return nil
        }
    }

    private func whole<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let text = try text() else { return try problem("is required") }
        guard let number = T(text.trimmingWhitespace()) else {
            return try problem(T.isSigned ? "must be a whole number" : "must be a whole number, 0 or more")
        }
        return number
    }

    private func number<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws -> T {
        guard let text = try text() else { return try problem("is required") }
        guard let number = T(String(text.trimmingWhitespace())), number.isFinite else { return try problem("must be a number") }
        return number
    }

    private func problem<T>(_ reason: String) throws -> T {
        state.record(path: path, reason: reason)
        return try Self.placeholder(T.self)
    }

    /// Decodes `T` at `path`: a file part for ``FormData/File``, the primitives above, else `T`'s own decoding. A
    /// failure of `T`'s own is recorded for the field and ends the decoding (there is no value to go on with).
    static func decode<T: Decodable>(_ type: T.Type, state: InputDecodingState, path: [any CodingKey], value: FormData.Value?) throws -> T {
        let value = value ?? state.values(named: InputDecodingState.fieldName(path)).first
        if T.self == FormData.File.self {
            guard case .file(let file)? = value, let file = file as? T else {
                state.record(path: path, reason: value == nil ? "is required" : "must be a file")
                throw InputPlaceholder()
            }
            return file
        }
        do {
            return try T(from: InputFieldDecoder(state: state, path: path, value: value))
        } catch let error as InputPlaceholder {
            throw error
        } catch {
            let reason = choices(of: T.self).map { "must be one of: \($0)" } ?? InputDecoder.reason(for: error)
            state.record(path: path, reason: reason)
            throw InputPlaceholder()
        }
    }

    /// A value to go on with after recording a problem, for the types that have an obvious one.
    static func placeholder<T>(_ type: T.Type) throws -> T {
        let value: Any? =
            switch T.self {
            case is String.Type: ""
            case is Bool.Type: false
            case is Int.Type: 0 as Int
            case is Int64.Type: 0 as Int64
            case is Int32.Type: 0 as Int32
            case is Int16.Type: 0 as Int16
            case is Int8.Type: 0 as Int8
            case is UInt.Type: 0 as UInt
            case is UInt64.Type: 0 as UInt64
            case is UInt32.Type: 0 as UInt32
            case is UInt16.Type: 0 as UInt16
            case is UInt8.Type: 0 as UInt8
            case is Double.Type: 0 as Double
            case is Float.Type: 0 as Float
            default: nil
            }
        guard let placeholder = value as? T else { throw InputPlaceholder() }
        return placeholder
    }

    /// `a, b, c`: the raw values of an enum that lists its cases.
    static func choices(of type: Any.Type) -> String? {
        guard let iterable = type as? any CaseIterable.Type else { return nil }
        func names<C: CaseIterable>(_ type: C.Type) -> [String] {
            C.allCases.map { value in (value as? any RawRepresentable).map { "\($0.rawValue)" } ?? "\(value)" }
        }
        return names(iterable).joined(separator: ", ")
    }
}
