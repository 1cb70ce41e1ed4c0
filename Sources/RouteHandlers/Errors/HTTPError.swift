import HTTPTypes

/// An error that becomes an HTTP response: throw it anywhere in a handler.
///
/// It is answered as an RFC 9457 problem (`application/problem+json`) with `title` from the status and `detail`
/// from `message`.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// Shown to the client as the problem's `detail`.
    public var message: String?
    /// Extra headers for the response, such as `Allow` or `Retry-After`.
    public var headers: Headers
    /// Extension members of the problem document, such as `invalid-params` (``InvalidInput``).
    public var problemMembers: [String: JSONValue] = [:]

    public init(_ status: HTTPResponse.Status, _ message: String? = nil, headers: Headers = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public var description: String {
        "HTTPError(\(status.code)\(message.map { ": " + $0 } ?? ""))"
    }

    /// The problem response for this error.
    public var response: Response {
        problemResponse()
    }

    /// The problem response, with extra members (such as a request id) added to the JSON object.
    public func problemResponse(extra: [String: String] = [:]) -> Response {
        let problem = Problem(
            title: status.reasonPhrase.isEmpty ? "Error" : status.reasonPhrase,
            status: status.code, detail: message, extra: extra, members: problemMembers)
        var headers = self.headers
        headers.set("Content-Type", "application/problem+json")
        let body = (try? JSONBody.encode(problem)) ?? Array(#"{"title":"Error"}"#.utf8)
        return Response(status: status, headers: headers, body: ResponseBody(bytes: body))
    }
}

/// The RFC 9457 problem document.
struct Problem: Encodable {
    var type = "about:blank"
    var title: String
    var status: Int
    var detail: String?
    var extra: [String: String]
    var members: [String: JSONValue] = [:]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(type, forKey: Key(stringValue: "type"))
        try container.encode(title, forKey: Key(stringValue: "title"))
        try container.encode(status, forKey: Key(stringValue: "status"))
        try container.encodeIfPresent(detail, forKey: Key(stringValue: "detail"))
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: Key(stringValue: key))
        }
        for (key, value) in members.sorted(by: { $0.key < $1.key }) where extra[key] == nil {
            try container.encode(value, forKey: Key(stringValue: key))
        }
    }
}
