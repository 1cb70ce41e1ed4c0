import Foundation
import RouteHandlersTestHarness
import Testing

// TFB's verification rules (toolset/test_types/verifications.py), as the tests check every answer.

/// The headers TFB requires on every answer: one Server, a Date in IMF-fixdate form, the exact Content-Type, and
/// a Content-Length (TFB takes chunked too; this app's fixed bodies always have a length) that is the body's.
func expectTFBHeaders(_ response: ReceivedResponse, contentType: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == 200, "\(response)", sourceLocation: sourceLocation)
    #expect(response.headers(named: "Server") == ["route-handlers"], "\(response)", sourceLocation: sourceLocation)
    #expect(response.headers(named: "Date").count == 1, "\(response)", sourceLocation: sourceLocation)
    #expect(response.header("Date").map(isIMFFixdate) == true, "\(response)", sourceLocation: sourceLocation)
    #expect(response.headers(named: "Content-Type") == [contentType], "\(response)", sourceLocation: sourceLocation)
    #expect(response.headers(named: "Content-Length") == [String(response.body.count)], "\(response)", sourceLocation: sourceLocation)
    #expect(response.header("Transfer-Encoding") == nil, "\(response)", sourceLocation: sourceLocation)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`, what TFB parses with `%a, %d %b %Y %H:%M:%S %Z`.
func isIMFFixdate(_ value: String) -> Bool {
    value.wholeMatch(of: /(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT/)
        != nil
}

/// A World row as TFB wants it: an object of exactly `id` and `randomNumber`, integers in 1...10,000.
struct WorldRow: Equatable, Hashable, CustomStringConvertible {
    var id: Int
    var randomNumber: Int

    var description: String { "{id: \(id), randomNumber: \(randomNumber)}" }

    init(_ value: Any) throws {
        guard let object = value as? [String: Any], Set(object.keys) == ["id", "randomNumber"],
            let id = object["id"] as? Int, let randomNumber = object["randomNumber"] as? Int,
            (1...10_000).contains(id), (1...10_000).contains(randomNumber)
        else { throw HarnessError("not a World row: \(value)") }
        self.id = id
        self.randomNumber = randomNumber
    }
}

extension ReceivedResponse {
    /// The body as one World object.
    func worldRow() throws -> WorldRow {
        try WorldRow(JSONSerialization.jsonObject(with: Data(body)))
    }

    /// The body as a JSON array of World objects.
    func worldRows() throws -> [WorldRow] {
        guard let array = try JSONSerialization.jsonObject(with: Data(body)) as? [Any] else {
            throw HarnessError("not a JSON array: \(text)")
        }
        return try array.map(WorldRow.init)
    }
}

/// The `queries`/`count` values TFB's verifier sends (2, 0, foo, 501, empty) and more, each with the number of
/// rows TFB wants back: missing, not an integer or below 1 is 1; above 500 is 500. nil: the parameter left out.
let rowCountCases: [(value: String?, rows: Int)] = [
    ("2", 2), ("20", 20), ("1", 1), ("500", 500), ("0", 1), ("-1", 1), ("foo", 1), ("abc", 1), ("", 1), (nil, 1),
    ("501", 500), ("99999999999999999999", 500), ("2.5", 1), ("%20", 1),
]

/// `path?name=value`, or `path` when the value is nil.
func path(_ path: String, _ name: String, _ value: String?) -> String {
    value.map { "\(path)?\(name)=\($0)" } ?? path
}
