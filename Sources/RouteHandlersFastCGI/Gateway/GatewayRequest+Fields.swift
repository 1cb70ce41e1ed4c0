import HTTPTypes
import RouteHandlers

extension GatewayRequest {
    /// The parameters a request is built from, gathered in one pass over raw names and values: a parameter is
    /// recognised by its bytes, and only the ones kept become strings.
    struct Fields {
        var method: String?
        var requestURI: String?
        var queryString: String?
        var scriptName = ""
        var pathInfo: String?
        var https = false
        var schemeIsHTTPS = false
        var httpHost: String?
        var serverName: String?
        var serverPort: String?
        var remoteAddress: String?
        var remoteUser: String?
        var requestID: String?
        var headers = Fields.emptyHeaders()
        var contentType: String?
        var contentLength: String?
        var sentContentLength = false
        var headerContent: [(String, String)] = []
        /// `ROUTE_HANDLERS_LIMITS=nginx`: the generated include's location counted the route's limits already.
        var limitsEnforcedUpstream = false

        /// Room for a browser's usual headers from the start, not grown one field at a time.
        private static func emptyHeaders() -> Headers {
            var headers = Headers()
            headers.fields.reserveCapacity(16)
            return headers
        }

        mutating func take(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
            if name.starts(with: "HTTP_") {
                takeHeader(name, value)
                return
            }
            switch name.count {
            case 5:
                if name.equals("HTTPS") { https = !value.isEmpty && !value.equalsIgnoringASCIICase("off") }
            case 9:
                if name.equals("PATH_INFO") { pathInfo = String(utf8Bytes: value) }
            case 10:
                if name.equals("REQUEST_ID") { requestID = value.isEmpty ? nil : String(utf8Bytes: value) }
            case 11:
                if name.equals("REQUEST_URI") {
                    requestURI = String(utf8Bytes: value)
                } else if name.equals("SCRIPT_NAME") {
                    scriptName = String(utf8Bytes: value)
                } else if name.equals("SERVER_NAME") {
                    serverName = String(utf8Bytes: value)
                } else if name.equals("SERVER_PORT") {
                    serverPort = String(utf8Bytes: value)
                } else if name.equals("REMOTE_ADDR") {
                    remoteAddress = value.isEmpty ? nil : String(utf8Bytes: value)
                } else if name.equals("REMOTE_USER") {
                    remoteUser = value.isEmpty ? nil : String(utf8Bytes: value)
                }
            case 12:
                if name.equals("QUERY_STRING") {
                    queryString = String(utf8Bytes: value)
                } else if name.equals("CONTENT_TYPE"), !value.isEmpty {
                    contentType = String(utf8Bytes: value)
                }
            case 14:
                if name.equals("REQUEST_METHOD") {
                    method = String(utf8Bytes: value)
                } else if name.equals("REQUEST_SCHEME") {
                    schemeIsHTTPS = value.equalsIgnoringASCIICase("https")
                } else if name.equals("CONTENT_LENGTH"), !value.isEmpty {
                    contentLength = String(utf8Bytes: value)
                }
            case 21:
                if name.equals("ROUTE_HANDLERS_LIMITS") { limitsEnforcedUpstream = value.equals("nginx") }
            default:
                break
            }
        }

        private mutating func takeHeader(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
            switch name.count {
            case 9 where name.equals("HTTP_HOST"):
                if httpHost == nil { httpHost = String(utf8Bytes: value) }
            case 10 where name.equals("HTTP_PROXY"):
                if value.isEmpty { return }
            case 17 where name.equals("HTTP_CONTENT_TYPE"), 19 where name.equals("HTTP_CONTENT_LENGTH"):
                // Used only when the CGI variable is missing: nginx sends both, and one header must not become two.
                if name.count == 19 { sentContentLength = true }
                headerContent.append((Request.headerName(fromParam: name), String(utf8Bytes: value)))
                return
            default:
                break
            }
            headers.append(Request.headerName(fromParam: name), String(utf8Bytes: value))
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes are exactly `literal`'s (ASCII) bytes.
    func equals(_ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount && starts(with: literal)
    }

    /// Whether these bytes begin with `literal`'s.
    func starts(with literal: StaticString) -> Bool {
        let prefix = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard count >= prefix.count else { return false }
        for index in 0..<prefix.count where self[index] != prefix[index] { return false }
        return true
    }

    /// Whether these bytes are `literal` (lowercase ASCII) in any ASCII case.
    func equalsIgnoringASCIICase(_ literal: StaticString) -> Bool {
        let other = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard count == other.count else { return false }
        for index in 0..<count {
            let byte = self[index]
            let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            if lowered != other[index] { return false }
        }
        return true
    }
}

extension String {
    /// The bytes as UTF-8, invalid sequences repaired.
    init(utf8Bytes bytes: UnsafeRawBufferPointer) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}
