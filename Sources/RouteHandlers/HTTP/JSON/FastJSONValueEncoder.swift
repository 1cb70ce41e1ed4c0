/// The `Encoder` one value sees, and its single-value container.
///
/// `codingPath` is not tracked (that would cost every value a key): reading it gives up, so code that depends on
/// it is encoded by JSONEncoder. `userInfo` is JSONBody's, empty.
struct FastJSONValueEncoder: Encoder, SingleValueEncodingContainer {
    let encoder: FastJSONEncoder
    let slot: UInt64

    var codingPath: [any CodingKey] {
        encoder.giveUp()
        return []
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let frame = encoder.state.pointee.rootContainer(of: slot, keyed: true)
        return KeyedEncodingContainer(FastJSONKeyedContainer<Key>(encoder: encoder, frame: frame))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        FastJSONUnkeyedContainer(encoder: encoder, frame: encoder.state.pointee.rootContainer(of: slot, keyed: false))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        self
    }

    mutating func encodeNil() throws {
        try encoder.state.pointee.beginSingleValue(slot)
        encoder.state.pointee.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try encoder.state.pointee.beginSingleValue(slot)
        encoder.state.pointee.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try encoder.state.pointee.beginSingleValue(slot)
        encoder.state.pointee.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try encoder.state.pointee.beginSingleValue(slot)
        try encoder.state.pointee.writeDouble(value)
    }

    mutating func encode(_ value: Float) throws {
        try encoder.state.pointee.beginSingleValue(slot)
        try encoder.state.pointee.writeFloat(value)
    }

    mutating func encode(_ value: Int) throws { try encode(signed: Int64(value)) }
    mutating func encode(_ value: Int8) throws { try encode(signed: Int64(value)) }
    mutating func encode(_ value: Int16) throws { try encode(signed: Int64(value)) }
    mutating func encode(_ value: Int32) throws { try encode(signed: Int64(value)) }
    mutating func encode(_ value: Int64) throws { try encode(signed: value) }
    mutating func encode(_ value: UInt) throws { try encode(unsigned: UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try encode(unsigned: UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(unsigned: UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(unsigned: UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try encode(unsigned: value) }

    @available(macOS 15.0, *)
    mutating func encode(_ value: Int128) throws {
        try encoder.state.pointee.beginSingleValue(slot)
        encoder.state.pointee.writeInteger(describing: value)
    }

    @available(macOS 15.0, *)
    mutating func encode(_ value: UInt128) throws {
        try encoder.state.pointee.beginSingleValue(slot)
        encoder.state.pointee.writeInteger(describing: value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.state.pointee.beginSingleValue(slot)
        try encoder.encodeValue(value)
    }

    private func encode(signed value: Int64) throws {
        try encoder.state.pointee.beginSingleValue(slot)
        encoder.state.pointee.writeInteger(value)
    }

    private func encode(unsigned value: UInt64) throws {
        try encoder.state.pointee.beginSingleValue(slot)
        encoder.state.pointee.writeInteger(value)
    }
}
