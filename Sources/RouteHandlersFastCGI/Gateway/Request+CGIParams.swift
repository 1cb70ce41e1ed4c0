import HTTPTypes
import RouteHandlers

extension Request {
    /// The request `params` describe (see ``GatewayRequest``), with `body`; tests build requests this way.
    init(cgiParams params: some Sequence<(name: String, value: String)>, body: RequestBody = .empty) throws(HTTPError) {
        var request = try GatewayRequest(params: params).request.get()
        request.body = body
        self = request
    }

    /// `HTTP_X_FORWARDED_FOR` → `X-Forwarded-For`.
    static func headerName(fromParam param: String) -> String {
        // Byte by byte: this runs for every header of every request. Parameter names are ASCII (nginx builds
        // them from header names, uppercased, with "-" as "_"); anything else is kept as it is.
        var startOfWord = true
        let bytes = param.utf8.dropFirst(5).map { byte -> UInt8 in
            defer { startOfWord = byte == UInt8(ascii: "_") }
            switch byte {
            case UInt8(ascii: "_"): return UInt8(ascii: "-")
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where !startOfWord: return byte + 32
            case UInt8(ascii: "a")...UInt8(ascii: "z") where startOfWord: return byte - 32
            default: return byte
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func authority(httpHost: String?, serverName: String?, serverPort: String?) -> (String, Int?) {
        if let httpHost, let parsed = parseHost(httpHost) { return parsed }
        let name = serverName.flatMap { isValidHostname(Substring($0)) ? $0 : nil } ?? "localhost"
        return (name, serverPort.flatMap { Int($0) })
    }

    /// Splits `host[:port]`, `[v6][:port]`; `nil` for anything that is not a plausible authority.
    static func parseHost(_ text: String) -> (String, Int?)? {
        var host = Substring(text)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let number = Int(rest.dropFirst()), (0...65535).contains(number) else { return nil }
                port = number
            } else if !rest.isEmpty {
                return nil
            }
            host = host[...close]
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]), (0...65535).contains(number) else { return nil }
            port = number
            host = host[..<colon]
        }
        guard isValidHostname(host) else { return nil }
        return (host.lowercased(), port)
    }

    private static func isValidHostname(_ host: Substring) -> Bool {
        !host.isEmpty && host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"), UInt8(ascii: "%"):
                true
            default:
                false
            }
        }
    }
}
