#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import RouteHandlers

private struct User: Codable {
    var id: Int
    var name: String
    var email: String
}
private struct Empty: Codable {}
private enum Role: String, Codable { case admin, member }
private enum Level: Int, Codable { case low = 1, high = 10 }
private enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rect(Double, Double)
    case point
    case labelled(name: String, tags: [String]?)
}
private struct Profile: Codable {
    var user: User
    var role: Role
    var level: Level
    var nickname: String?
    var age: Int?
    var scores: [Double]
    var flags: [String: Bool]
    var byID: [Int: String]
    var matrix: [[Int]]
    var empty: Empty
    var empties: [Empty]
    var nested: [[String: [Empty]]]
    var shapes: [Shape]
    var optionalArray: [Int?]
}

/// Writes members out of key order, with nested containers of both kinds, and encodes nil explicitly.
private struct Custom: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode("z", forKey: AnyKey("zeta"))
        var list = container.nestedUnkeyedContainer(forKey: AnyKey("list"))
        try list.encode(1)
        var inner = list.nestedContainer(keyedBy: AnyKey.self)
        try inner.encode(true, forKey: AnyKey("b"))
        try inner.encodeNil(forKey: AnyKey("a"))
        try list.encode("after")
        var deeper = list.nestedUnkeyedContainer()
        try deeper.encode(Empty())
        _ = list.nestedUnkeyedContainer()
        try container.encodeNil(forKey: AnyKey("alpha"))
        var object = container.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("obj"))
        try object.encode(2.5, forKey: AnyKey("y"))
        try object.encode(Float(0.1), forKey: AnyKey("x"))
        try container.encode([3, 2, 1], forKey: AnyKey("M"))
    }
}

/// A subclass that adds members to the container its superclass filled (same encoder, container asked twice).
private class Base: Encodable {
    var b = 1
    var a = "base"
}
private final class Derived: Base {
    var c: [Int] = [1]
    override func encode(to encoder: any Encoder) throws {
        try super.encode(to: encoder)
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(c, forKey: AnyKey("c"))
        try container.encode(0, forKey: AnyKey("0"))
    }
}

/// A wrapper that encodes another value through its single-value container.
private struct Wrapper<T: Encodable>: Encodable {
    var wrapped: T
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrapped)
    }
}

/// Encodes nothing: JSONEncoder writes {} when nested and throws at the top level.
private struct Nothing: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

@Suite struct JSONEncodingShapeTests {
    @Test func structsAndDictionaries() {
        expectSameJSON(["message": "Hello, World!"])
        expectSameJSON(User(id: 1, name: "Ada", email: "ada@example.com"))
        expectSameJSON([User(id: -3, name: "", email: "a/b\"c")])
        expectSameJSON(Empty())
        expectSameJSON([Empty]())
        expectSameJSON([String: Int]())
        expectSameJSON([[Empty()], [], [Empty(), Empty()]])
        expectSameJSON(["a": [String: [Int]](), "b": ["x": []]])
        expectSameJSON([1: "one", 10: "ten", 9: "nine", -5: "minus five", 100: "hundred"])
        expectSameJSON([UInt8(1): [true], 2: [false]])
        expectSameJSON(JSONValue.object(["b": .array([.null, .bool(true), .number(1.5), .string("s")]), "a": .object([:])]))
    }

    @Test func profileWithEverything() {
        for nickname in [nil, "ada"] as [String?] {
            let profile = Profile(
                user: User(id: Int.max, name: "Ada Lovelace", email: "ada@example.com"), role: .admin, level: .high,
                nickname: nickname, age: nickname == nil ? 36 : nil, scores: [1, 0.5, -0.0, 1e300],
                flags: ["b": true, "a": false, "C": true, "_": false], byID: [2: "two", 1: "one", 11: "eleven"],
                matrix: [[], [1], [1, 2]], empty: Empty(), empties: [Empty(), Empty()],
                nested: [["k": [Empty()]], [:]],
                shapes: [
                    .circle(radius: 1), .rect(2, 3), .point, .labelled(name: "n", tags: nil),
                    .labelled(name: "m", tags: ["x"]),
                ],
                optionalArray: [1, nil, 3])
            expectSameJSON(profile)
        }
    }

    @Test func trickyKeysSortByUTF8Bytes() {
        let keys = [
            "a", "B", "10", "9", "a10", "a9", "_x", "", "b", "A", "Ab", "aB", "ab", "AB", "~", " ", "0", "00",
            "-1", "z", "Z", "a\"", "a#", "a\\", "a\n", "a\u{1}", "a\u{7F}", "{", "key with spaces",
        ]
        var generator = SeededGenerator(state: 7)
        for _ in 0..<50 {
            let subset = keys.shuffled(using: &generator).prefix(Int.random(in: 0...keys.count, using: &generator))
            expectSameJSON(Dictionary(uniqueKeysWithValues: subset.map { ($0, $0.count) }))
        }
        expectSameJSON(Dictionary(uniqueKeysWithValues: keys.map { ($0, [$0: $0]) }))
    }

    @Test func customContainersClassesAndWrappers() {
        expectSameJSON(Custom())
        expectSameJSON([Custom(), Custom()])
        expectSameJSON(Derived())
        expectSameJSON(Wrapper(wrapped: User(id: 2, name: "b", email: "c")))
        expectSameJSON(Wrapper(wrapped: Wrapper(wrapped: [1, 2])))
        expectSameJSON(["x": Nothing()])
        expectSameJSON([Nothing(), Nothing()])
        expectSameJSON(Wrapper(wrapped: Nothing()))
    }

    @Test func topLevelFragments() {
        expectSameJSON("a bare string")
        expectSameJSON(42)
        expectSameJSON(-0.0)
        expectSameJSON(Float(1.25))
        expectSameJSON(true)
        expectSameJSON(Int?.none)
        expectSameJSON(Role.member)
        expectSameJSON(Level.low)
    }

    @Test func deepNesting() {
        var value = JSONValue.array([])
        for _ in 0..<400 { value = .array([value]) }
        expectSameJSON(value)
        // JSONEncoder refuses 512 levels; the fast encoder gives up before that and the error is JSONEncoder's.
        for _ in 0..<200 { value = .array([value]) }
        expectFallback(value)
    }
}
