import Foundation

/// A response as a client saw it: from `curl -i` (HTTP) or `cgi-fcgi` (a CGI response with `Status:`).
public struct ReceivedResponse: Sendable, CustomStringConvertible {
    public var status: Int
    /// Header lines in order, names as received.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public func headers(named name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw HarnessError("body is not a JSON object: \(text)")
        }
        return object
    }

    public var description: String {
        "\(status)\n" + headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n\n" + text
    }

    /// Parses a raw message: an optional `HTTP/x y` status line, header lines, a blank line, the body.
    /// Interim `100 Continue` heads are skipped.
    public static func parse(_ raw: [UInt8]) throws -> ReceivedResponse {
        var rest = raw[...]
        while true {
            guard let end = headEnd(rest) else { throw HarnessError("no end of head in: \(String(decoding: raw, as: UTF8.self))") }
            let head = String(decoding: rest[rest.startIndex..<end.headEnd], as: UTF8.self)
            rest = rest[end.bodyStart...]
            var lines = head.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
            var status = 200
            if let first = lines.first, first.hasPrefix("HTTP/") {
                let parts = first.split(separator: " ")
                status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
                lines.removeFirst()
                if status == 100 { continue }
            }
            var headers: [(String, String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = String(line[..<colon])
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if name.lowercased() == "status" {
                    status = Int(value.prefix(3)) ?? 0
                } else {
                    headers.append((name, value))
                }
            }
            return ReceivedResponse(status: status, headers: headers, body: Array(rest))
        }
    }

    private static func headEnd(_ bytes: ArraySlice<UInt8>) -> (headEnd: Int, bodyStart: Int)? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == 10 {
                let next = index + 1
                if next < bytes.endIndex, bytes[next] == 10 { return (index, next + 1) }
                if next + 1 < bytes.endIndex, bytes[next] == 13, bytes[next + 1] == 10 { return (index, next + 2) }
            }
            index += 1
        }
        return nil
    }
}
