/// Where the FastCGI server listens, written as PHP-FPM's `listen` and spawn-fcgi users expect:
/// a socket path (`/run/app.sock`, `unix:/run/app.sock`), `HOST:PORT` (`127.0.0.1:9000`, `[::1]:9000`), a bare
/// port (`9000`, meaning `127.0.0.1:9000`), or an inherited descriptor (`fd:0`).
public enum ListenAddress: Sendable, Hashable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)
    /// A listening socket the process was started with (spawn-fcgi and systemd `StandardInput=socket`
    /// pass fd 0, systemd socket activation fd 3).
    case inherited(fd: Int32)

    /// The host a bare port binds to. FastCGI has no authentication: never all interfaces by default.
    public static let defaultHost = "127.0.0.1"

    public init(parsing text: String) throws(ServerError) {
        func invalid(_ why: String) -> ServerError {
            ServerError(.invalidOption, "Invalid listen address \"\(text)\": \(why).")
        }
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw invalid("the socket path is empty") }
            self = .unix(path: path)
        } else if text.hasPrefix("fd:") {
            guard let fd = Int32(text.dropFirst(3)), fd >= 0 else { throw invalid("expected fd:N") }
            self = .inherited(fd: fd)
        } else if text.hasPrefix("/") || text.hasPrefix(".") {
            self = .unix(path: text)
        } else if let port = Int(text) {
            guard (1...65535).contains(port) else { throw invalid("the port must be 1-65535") }
            self = .tcp(host: Self.defaultHost, port: port)
        } else if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else {
                throw invalid("expected [IPV6]:PORT")
            }
            self = .tcp(host: host, port: port)
        } else if let colon = text.lastIndex(of: ":") {
            let host = String(text[..<colon])
            guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
                throw invalid("expected HOST:PORT with a port 1-65535")
            }
            guard !host.isEmpty else {
                // PHP-FPM reads ":9000" as all interfaces; we refuse to guess that.
                throw invalid("name the host to bind, such as 127.0.0.1:\(port)")
            }
            self = .tcp(host: host, port: port)
        } else {
            self = .unix(path: text)
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .inherited(let fd): "fd:\(fd)"
        }
    }
}
