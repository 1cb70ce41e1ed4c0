#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import RouteHandlers

private struct Event: Codable {
    var name: String
    var at: Date
}
private struct Blob: Codable { var data: Data }
private struct Link: Codable { var url: URL? }
private struct Price: Codable { var amount: Decimal }
private struct Measurement: Encodable { var value: Double }
private struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }

/// Encodes one key twice: JSONEncoder keeps the last value.
private struct Twice: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(1, forKey: AnyKey("a"))
        try container.encode(2, forKey: AnyKey("b"))
        try container.encode(3, forKey: AnyKey("a"))
    }
}

/// Writes the keys it is given, which may be equal as Strings without being the same bytes.
private struct Keys: Encodable {
    var keys: [String]
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        for (index, key) in keys.enumerated() { try container.encode(index, forKey: AnyKey(key)) }
    }
}

/// Asks for the same nested container twice: JSONEncoder merges them.
private struct NestedTwice: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        var first = container.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("n"))
        try first.encode(1, forKey: AnyKey("x"))
        var second = container.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("n"))
        try second.encode(2, forKey: AnyKey("y"))
    }
}

/// Writes to a nested container after writing to its parent again.
private struct Interleaved: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        var nested = container.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("n"))
        try nested.encode(1, forKey: AnyKey("x"))
        try container.encode(2, forKey: AnyKey("b"))
        try nested.encode(3, forKey: AnyKey("y"))
    }
}

/// Depends on the coding path, which the fast encoder does not track.
private struct PathAware: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encoder.codingPath.map(\.stringValue).joined(separator: "."))
    }
}

/// Uses a super encoder, which JSONEncoder fills in when it is released.
private class Animal: Encodable { var legs = 4 }
private final class Dog: Animal {
    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode("woof", forKey: AnyKey("sound"))
        try super.encode(to: container.superEncoder())
    }
}

/// Swallows the fast encoder's error; the encoding must still fall back.
private struct Swallowing: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try? container.encode(Date(timeIntervalSince1970: 0), forKey: AnyKey("at"))
        try container.encode(1, forKey: AnyKey("n"))
    }
}

@Suite struct JSONEncodingFallbackTests {
    @Test func foundationTypesJSONEncoderSpecialCases() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.5)
        expectFallback(date)
        expectFallback(Event(name: "launch", at: date))
        expectFallback([date])
        expectFallback(Blob(data: Data([0, 1, 2, 255])))
        expectFallback(Data("hello".utf8))
        expectFallback(Link(url: URL(string: "https://example.com/a?b=c")))
        expectFallback(["u": URL(string: "https://example.com")])
        expectFallback(Price(amount: Decimal(string: "12.50")!))
        expectFallback(Decimal(1))
        expectFallback(Swallowing())
        expectSameJSON(Link(url: nil))
    }

    @Test func nonFiniteNumbersThrowJSONEncodersError() {
        for value in [Double.nan, .infinity, -.infinity] {
            expectFallback(value)
            expectFallback(Measurement(value: value))
            expectFallback([1, value])
            expectFallback(["x": Float(value)])
            #expect(throws: EncodingError.self) { try JSONBody.encode(Measurement(value: value)) }
        }
    }

    @Test func keysAndContainersItDoesNotReproduce() {
        expectFallback(["é": 1, "e": 2])
        expectFallback(Keys(keys: ["e\u{301}", "\u{E9}"]))
        expectFallback(["😀": true])
        expectFallback(Twice())
        expectFallback(NestedTwice())
        expectFallback(Interleaved())
        expectFallback(PathAware())
        expectFallback(["p": PathAware()])
        expectFallback(Dog())
        expectFallback(Nothing())
    }
}
