import HTTPTypes
import OpenAPIRuntime
import RouteHandlers

extension Request {
    /// The body as the generated code reads it, chunk by chunk (``bodyChunks``, which enforces the body limit
    /// with a 413); `nil` when the request has none. A streamed body streams through (read once); a buffered
    /// one can be read again.
    var openAPIBody: HTTPBody? {
        let length = headers.get("Content-Length").flatMap { Int64($0) }.map(HTTPBody.Length.known) ?? .unknown
        if let bytes = body.bufferedBytes, !body.isStreamed {
            guard !bytes.isEmpty else { return nil }
            return HTTPBody(bodyChunks, length: length, iterationBehavior: .multiple)
        }
        if case .known(0) = length { return nil }
        return HTTPBody(bodyChunks, length: length, iterationBehavior: .single)
    }
}

extension RouteParameters {
    /// The generated code percent-decodes path parameters itself: hand them over encoded again, so that a
    /// decoded `%` is not decoded twice.
    var openAPIPathParameters: [String: Substring] {
        var result: [String: Substring] = [:]
        for entry in entries {
            guard let value = get(entry.name) else { continue }
            result[entry.name] = Substring(Self.percentEncoded(value))
        }
        return result
    }

    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }
}

extension Response {
    /// Bodies of a known, small length (the generated code's JSON) are sent whole, with `Content-Length`;
    /// others are streamed to the web server chunk by chunk as the API produces them.
    static let bufferedBodyLimit = 1 << 20

    init(openAPI response: HTTPResponse, body: HTTPBody?) async throws {
        let headers = Headers(response.headerFields)
        guard let body else {
            self.init(status: response.status, headers: headers)
            return
        }
        if case .known(let length) = body.length, length <= Self.bufferedBodyLimit {
            let bytes = try await [UInt8](collecting: body, upTo: Self.bufferedBodyLimit)
            self.init(status: response.status, headers: headers, body: ResponseBody(bytes: bytes))
            return
        }
        self.init(
            status: response.status, headers: headers,
            body: ResponseBody(stream: { writer in
                for try await chunk in body { try await writer.write(Array(chunk)) }
            }))
    }
}

extension ServerError {
    /// What the route handler throws instead: the handler's own ``HTTPError``; a 4xx for a request the
    /// generated code could not decode, with the reason; otherwise the error itself, answered with a 500.
    var routeHandlersError: any Error {
        if let error = underlyingError as? HTTPError { return error }
        if underlyingError is CancellationError { return underlyingError }
        guard (400..<500).contains(httpStatus.code) else { return self }
        var headers = Headers(httpHeaderFields)
        headers.delete("Content-Type")
        headers.delete("Content-Length")
        return HTTPError(httpStatus, causeDescription, headers: headers)
    }
}
