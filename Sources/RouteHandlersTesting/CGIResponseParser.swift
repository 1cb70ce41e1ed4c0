import HTTPTypes
import RouteHandlers

/// Reads a response the way nginx does from a FastCGI application's `STDOUT`: a CGI head (`Status:` and header
/// lines, a blank line), then the body.
enum CGIResponseParser {
    /// `records` are the `STDOUT` records in order. A streamed body (the server marks it with
    /// `X-Accel-Buffering: no`) keeps its chunks as the records carried them; a fixed body is one chunk.
    static func parse(_ records: [[UInt8]], method: HTTPRequest.Method) throws(TestClientError) -> TestResponse {
        let bytes = records.flatMap { $0 }
        guard let end = headEnd(bytes) else {
            throw TestClientError(
                .protocolError, "The response has no complete CGI head: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        var status = HTTPResponse.Status.ok
        var headers = Headers()
        // Split on bytes: as a String, "\r\n" is one Character and would not split on "\n".
        for rawLine in bytes[..<end.head].split(separator: UInt8(ascii: "\n")) {
            let line = Substring(String(decoding: rawLine.last == 13 ? rawLine.dropLast() : rawLine, as: UTF8.self))
            guard let colon = line.firstIndex(of: ":") else {
                throw TestClientError(.protocolError, "Invalid response header line \"\(line)\".")
            }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
            if name.lowercased() == "status" {
                let parts = value.split(separator: " ", maxSplits: 1)
                guard let code = parts.first.flatMap({ Int($0) }), (100...999).contains(code) else {
                    throw TestClientError(.protocolError, "Invalid Status header \"\(value)\".")
                }
                status = HTTPResponse.Status(code: code, reasonPhrase: parts.count > 1 ? String(parts[1]) : "")
            } else {
                headers.append(name, value)
            }
        }

        var chunks: [[UInt8]] = []
        if headers.get("X-Accel-Buffering") == "no" {
            var offset = 0
            for record in records {
                let start = max(end.body - offset, 0)
                if start < record.count { chunks.append(Array(record[start...])) }
                offset += record.count
            }
        } else if end.body < bytes.count {
            chunks = [Array(bytes[end.body...])]
        }
        return TestResponse(status: status, headers: headers, chunks: method == .head ? [] : chunks)
    }

    /// Where the head's last line ends and where the body starts (after `\r\n\r\n`, or `\n\n`).
    static func headEnd(_ bytes: [UInt8]) -> (head: Int, body: Int)? {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 10 {
                if bytes[index + 1] == 10 { return (index, index + 2) }
                if bytes[index + 1] == 13, index + 2 < bytes.count, bytes[index + 2] == 10 { return (index, index + 3) }
            }
            index += 1
        }
        return nil
    }
}
