import Testing
@testable import RouteHandlers

/// Keeps its container past its own encoding (which Codable does not allow, but nothing prevents).
private final class Escaper: Encodable, @unchecked Sendable {
    var kept: KeyedEncodingContainer<AnyKey>?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(1, forKey: AnyKey("a"))
        kept = container
    }
}

/// Writes to a container kept from an earlier encoding while being encoded itself.
private struct LateWriter: Encodable {
    let escaper: Escaper

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(2, forKey: AnyKey("b"))
        if var kept = escaper.kept { try? kept.encode(3, forKey: AnyKey("c")) }
    }
}

private struct Row: Codable {
    var id: Int
    var name: String
    var tags: [String]
    var score: Double?
}

@Suite struct JSONEncodingPoolTests {
    /// The kept container's encoder is not pooled again, so the later encoding (on this thread or, as in a parallel
    /// test run, on another) never shares it: the late write lands nowhere, as it does with JSONEncoder.
    @Test func aKeptContainerCannotWriteIntoALaterEncoding() throws {
        let escaper = Escaper()
        #expect(try FastJSONEncoder.encode(escaper) == Array(#"{"a":1}"#.utf8))
        #expect(try FastJSONEncoder.encode(LateWriter(escaper: escaper)) == Array(#"{"b":2}"#.utf8))
        expectSameJSON(LateWriter(escaper: escaper))
        expectSameJSON(["after": [1, 2]])
    }

    /// Many encodings at once, each writing into a container kept from an earlier one: every output is its own.
    @Test func keptContainersWrittenDuringConcurrentEncodingsTouchNone() async throws {
        let escapers = (0..<16).map { _ in Escaper() }
        for escaper in escapers { #expect(try FastJSONEncoder.encode(escaper) == Array(#"{"a":1}"#.utf8)) }
        let outputs = await withTaskGroup(of: [UInt8]?.self) { group in
            for (task, escaper) in escapers.enumerated() {
                group.addTask {
                    var same = true
                    for index in 0..<100 {
                        same = same && (try? FastJSONEncoder.encode(LateWriter(escaper: escaper))) == Array(#"{"b":2}"#.utf8)
                        same =
                            same
                            && (try? FastJSONEncoder.encode(["task": task, "index": index]))
                                == Array(#"{"index":\#(index),"task":\#(task)}"#.utf8)
                    }
                    return same ? [] : nil
                }
            }
            return await group.reduce(into: [[UInt8]?]()) { $0.append($1) }
        }
        #expect(outputs.count == 16)
        #expect(outputs.allSatisfy { $0 != nil })
    }

    @Test func concurrentEncodingsGetTheirOwnEncoders() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<32 {
                group.addTask {
                    var same = true
                    for index in 0..<200 {
                        let rows = (0..<(index % 7)).map {
                            Row(id: task * 1000 + $0, name: "row \(task)/\($0)", tags: ["t\($0)"], score: $0 % 2 == 0 ? nil : 0.5)
                        }
                        let value = ["task": String(task), "rows": String(rows.count)]
                        same = same && (try? JSONBody.encode(rows)) == (try? JSONBody.encodeWithFoundation(rows))
                        same = same && (try? JSONBody.encode(value)) == (try? JSONBody.encodeWithFoundation(value))
                    }
                    return same
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 })
    }

    @Test func aLargeBodyAndSmallOnesAfterIt() {
        let large = (0..<20_000).map { "value \($0) \u{1}\"é" }
        expectSameJSON(large)
        expectSameJSON(["small": true])
        expectSameJSON(Dictionary(uniqueKeysWithValues: (0..<3000).map { ("k\($0)", $0) }))
    }
}
