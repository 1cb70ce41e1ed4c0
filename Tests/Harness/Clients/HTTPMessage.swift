import Foundation

/// A response as a client saw it: from `curl -i` (HTTP) or `cgi-fcgi` (a CGI response with `Status:`).
struct ReceivedResponse: CustomStringConvertible {
    var status: Int
    /// Header lines in order, names as received.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func headers(named name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw HarnessError("body is not a JSON object: \(text)")
        }
        return object
    }

    var description: String {
        "\(status)\n" + headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n\n" + text
    }

    /// Parses a raw message: an optional `HTTP/x y` status line, header lines, a blank line, the body.
    /// Interim `100 Continue` heads are skipped.
    static func parse(_ raw: [UInt8]) throws -> ReceivedResponse {
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

/// HTTP requests through curl, a real client.
enum Curl {
    /// Sends one request and returns the response as received.
    static func request(
        _ url: String, method: String = "GET", headers: [String] = [], body: [UInt8]? = nil, seconds: Int = 10
    ) async throws -> ReceivedResponse {
        var arguments = ["-s", "-i", "--max-time", String(seconds), "-X", method, "-H", "Expect:"]
        if method == "HEAD" { arguments = ["-s", "-i", "--max-time", String(seconds), "-I"] }
        for header in headers { arguments += ["-H", header] }
        if body != nil { arguments += ["--data-binary", "@-"] }
        arguments.append(url)
        let result = try await runCommand("/usr/bin/curl", arguments, input: body, seconds: Double(seconds) + 5)
        guard result.status == 0 else {
            throw HarnessError("curl \(url) failed with status \(result.status): \(result.error)")
        }
        return try ReceivedResponse.parse(result.output)
    }
}

/// Requests sent straight to a FastCGI socket with libfcgi's own `cgi-fcgi` tool.
enum CGIFCGI {
    /// Runs `cgi-fcgi -bind -connect SOCKET` with a CGI environment built from `params`, `body` on stdin.
    static func request(socket: String, params: [String: String], body: [UInt8] = []) async throws -> ReceivedResponse {
        var environment = params
        environment["CONTENT_LENGTH"] = environment["CONTENT_LENGTH"] ?? String(body.count)
        let result = try await runCommand("/usr/bin/cgi-fcgi", ["-bind", "-connect", socket], environment: environment, input: body)
        guard result.status == 0 else {
            throw HarnessError("cgi-fcgi failed with status \(result.status): \(result.error)")
        }
        return try ReceivedResponse.parse(result.output)
    }

    /// The parameters nginx would send for `method` and `target`.
    static func params(_ method: String, _ target: String, headers: [String: String] = [:]) -> [String: String] {
        var params = [
            "REQUEST_METHOD": method, "REQUEST_URI": target, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
            "REQUEST_SCHEME": "http", "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "QUERY_STRING": target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? "",
        ]
        for (name, value) in headers { params[name] = value }
        return params
    }
}
