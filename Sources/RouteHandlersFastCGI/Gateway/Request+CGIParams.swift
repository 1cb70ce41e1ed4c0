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
        var param = param
        return param.withUTF8 { headerName(fromParam: UnsafeRawBufferPointer($0)) }
    }

    /// `HTTP_X_FORWARDED_FOR` → `X-Forwarded-For`, from the parameter's bytes.
    static func headerName(fromParam param: UnsafeRawBufferPointer) -> String {
        // Byte by byte: this runs for every header of every request. Parameter names are ASCII (nginx builds
        // them from header names, uppercased, with "-" as "_"); anything else is kept as it is.
        let name = UnsafeRawBufferPointer(rebasing: param[min(5, param.count)...])
        return String(unsafeUninitializedCapacity: name.count) { output in
            var startOfWord = true
            for (index, byte) in name.enumerated() {
                output[index] =
                    switch byte {
                    case UInt8(ascii: "_"): UInt8(ascii: "-")
                    case UInt8(ascii: "A")...UInt8(ascii: "Z") where !startOfWord: byte + 32
                    case UInt8(ascii: "a")...UInt8(ascii: "z") where startOfWord: byte - 32
                    default: byte
                    }
                startOfWord = byte == UInt8(ascii: "_")
            }
            return name.count
        }
    }

    static func authority(httpHost: String?, serverName: String?, serverPort: String?) -> (String, Int?) {
        if let httpHost, let parsed = parseHost(httpHost) { return parsed }
        let name = serverName.flatMap { isValidHostname(Substring($0)) ? $0 : nil } ?? "localhost"
        return (name, serverPort.flatMap { Int($0) })
    }

    /// Splits `host[:port]`, `[v6][:port]`; `nil` for anything that is not a plausible authority. Scans UTF-8:
    /// every mark is ASCII, and a valid host is ASCII.
    static func parseHost(_ text: String) -> (String, Int?)? {
        var host = Substring(text)
        var port: Int?
        if host.utf8.first == UInt8(ascii: "[") {
            guard let close = host.utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            let rest = host[host.utf8.index(after: close)...]
            if rest.utf8.first == UInt8(ascii: ":") {
                guard let number = Int(rest.dropFirst()), (0...65535).contains(number) else { return nil }
                port = number
            } else if !rest.isEmpty {
                return nil
            }
            host = host[...close]
        } else if let colon = host.utf8.lastIndex(of: UInt8(ascii: ":")) {
            guard let number = Int(host[host.utf8.index(after: colon)...]), (0...65535).contains(number) else { return nil }
            port = number
            host = host[..<colon]
        }
        guard isValidHostname(host) else { return nil }
        let hasUppercase = host.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        return (hasUppercase ? host.lowercased() : String(host), port)
    }

    private static func isValidHostname(_ host: Substring) -> Bool {
        !host.isEmpty
            && host.utf8.allSatisfy { byte in
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
