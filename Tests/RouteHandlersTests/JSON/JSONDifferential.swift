#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import RouteHandlers

/// Encodes `value` with the fast encoder, which must handle it, and with JSONEncoder; the bytes must be the same.
func expectSameJSON<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) {
    let expected: [UInt8]
    do {
        expected = try JSONBody.encodeWithFoundation(value)
    } catch {
        Issue.record("JSONEncoder threw \(error) for \(value)", sourceLocation: sourceLocation)
        return
    }
    do {
        let fast = try FastJSONEncoder.encode(value)
        #expect(
            String(decoding: fast, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
            sourceLocation: sourceLocation)
        #expect(fast == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("the fast encoder gave up (\(error)) on \(value)", sourceLocation: sourceLocation)
    }
    #expect((try? JSONBody.encode(value)) == expected, sourceLocation: sourceLocation)
}

/// The fast encoder must give up on `value`, and ``JSONBody/encode(_:)`` must then give JSONEncoder's bytes, or
/// throw when it throws.
func expectFallback<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(throws: (any Error).self, sourceLocation: sourceLocation) { try FastJSONEncoder.encode(value) }
    switch (Result { try JSONBody.encodeWithFoundation(value) }, Result { try JSONBody.encode(value) }) {
    case (.success(let expected), .success(let actual)):
        #expect(
            String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
            sourceLocation: sourceLocation)
    case (.failure(let expected), .failure(let actual)):
        #expect(
            String(describing: type(of: expected)) == String(describing: type(of: actual)),
            sourceLocation: sourceLocation)
        #expect(String(describing: expected) == String(describing: actual), sourceLocation: sourceLocation)
    case (let expected, let actual):
        Issue.record("JSONEncoder gave \(expected), JSONBody.encode gave \(actual)", sourceLocation: sourceLocation)
    }
}

/// SplitMix64: the same numbers on every run and platform.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A string key for a test type whose keys are chosen at run time.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
