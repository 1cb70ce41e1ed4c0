/// The configuration file (`--config PATH`, `ROUTE_HANDLERS_CONFIG`), in the `key = value` lines php-fpm.conf
/// and the other INI files of a server's /etc are written in: a key is an option's long name without its dashes
/// (`max-body-size = 10m`, `processes = auto`, `allowed-clients = 10.0.0.1`), `;` or `#` starts a comment line,
/// a value may be quoted. It sits below the environment and the command line: a setting given there wins.
///
/// ```ini
/// ; /etc/example-api.conf
/// listen = /run/example-api.sock
/// processes = auto
/// max-body-size = 20m
/// status-path = /status
/// ```
///
/// SIGHUP reads it again: the master checks it (a bad file aborts the reload and the old workers keep serving),
/// applies what is its own (`processes`, `max-memory`, `shutdown-timeout`), and the new workers read it as they
/// start. `--check` (`-t`) validates it and exits, naming the first bad key and its line.
struct ConfigurationFile: Sendable {
    struct Entry: Sendable {
        var key: String
        var value: String
        var line: Int
    }

    let path: String
    let entries: [Entry]

    /// Every key, and the environment variable the same setting has.
    static let variables: [String: String] = [
        "listen": "ROUTE_HANDLERS_LISTEN", "socket-mode": "ROUTE_HANDLERS_SOCKET_MODE", "socket-owner": "ROUTE_HANDLERS_SOCKET_OWNER",
        "socket-group": "ROUTE_HANDLERS_SOCKET_GROUP", "io-threads": "ROUTE_HANDLERS_IO_THREADS",
        "max-body-size": "ROUTE_HANDLERS_MAX_BODY_SIZE", "max-params-size": "ROUTE_HANDLERS_MAX_PARAMS_SIZE",
        "shutdown-timeout": "ROUTE_HANDLERS_SHUTDOWN_TIMEOUT", "processes": "ROUTE_HANDLERS_PROCESSES",
        "request-timeout": "ROUTE_HANDLERS_REQUEST_TIMEOUT", "request-terminate-timeout": "ROUTE_HANDLERS_REQUEST_TERMINATE_TIMEOUT",
        "max-requests": "ROUTE_HANDLERS_MAX_REQUESTS", "max-memory": "ROUTE_HANDLERS_MAX_MEMORY",
        "status-path": "ROUTE_HANDLERS_STATUS_PATH", "status-listen": "ROUTE_HANDLERS_STATUS_LISTEN",
        "ping-path": "ROUTE_HANDLERS_PING_PATH", "access-log": "ROUTE_HANDLERS_ACCESS_LOG",
        "access-format": "ROUTE_HANDLERS_ACCESS_FORMAT", "slowlog": "ROUTE_HANDLERS_SLOWLOG",
        "slowlog-timeout": "ROUTE_HANDLERS_SLOWLOG_TIMEOUT", "allowed-clients": "FCGI_WEB_SERVER_ADDRS",
    ]

    /// Reads and checks the file's syntax and keys.
    /// - Throws: ``ServerError`` `path:line: …` for a line that is not `key = value`, an unknown key, a key
    ///   given twice; the file's own error when it cannot be read.
    static func load(_ path: String) throws(ServerError) -> ConfigurationFile {
        guard let text = readFile(path) else {
            throw systemError(.invalidOption, "Cannot read the configuration file \(path)")
        }
        return try ConfigurationFile(path: path, text: text)
    }

    init(path: String, text: String) throws(ServerError) {
        self.path = path
        var entries: [Entry] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let content = raw.trimmingWhitespace()
            if content.isEmpty || content.hasPrefix(";") || content.hasPrefix("#") { continue }
            guard let equals = content.firstIndex(of: "=") else {
                throw ServerError(.invalidOption, "\(path):\(line): expected key = value, not \"\(content)\".")
            }
            let key = String(content[..<equals].trimmingWhitespace())
            var value = content[content.index(after: equals)...].trimmingWhitespace()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            guard Self.variables[key] != nil else {
                let known = Self.variables.keys.sorted().joined(separator: ", ")
                throw ServerError(.invalidOption, "\(path):\(line): unknown key \"\(key)\" (known: \(known)).")
            }
            if let earlier = entries.first(where: { $0.key == key }) {
                throw ServerError(.invalidOption, "\(path):\(line): \"\(key)\" is set again (first on line \(earlier.line)).")
            }
            entries.append(Entry(key: key, value: String(value), line: line))
        }
        self.entries = entries
    }

    /// `environment` with the file's settings below it: a variable already set (and not empty) keeps its value.
    /// Each setting taken from the file also records where it was (under a name no real variable can have),
    /// so that an error about its value names the key and line.
    func layered(under environment: [String: String]) -> [String: String] {
        var result = environment
        for entry in entries {
            guard let variable = Self.variables[entry.key], (environment[variable] ?? "").isEmpty else { continue }
            result[variable] = entry.value
            result[Self.originKey(variable)] = "\(entry.key) (\(path):\(entry.line))"
        }
        return result
    }

    /// Where the value of `variable` in `environment` came from, when the file gave it.
    static func origin(of variable: String, in environment: [String: String]) -> String? {
        environment[originKey(variable)]
    }

    private static func originKey(_ variable: String) -> String { "\u{0}config:" + variable }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes += buffer[..<count]
            guard bytes.count <= 1 << 20 else { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
