/// An access log line format in PHP-FPM's `access.format` syntax, compiled once:
///
/// `%R` remote address, `%u` remote user, `%t` time the request started (`%{strftime format}t`), `%T` time the
/// line is written, `%m` method, `%r` path, `%Q` `?` when there is a query, `%q` query, `%s` status, `%d`
/// duration in seconds (`%{mili}d`, `%{micro}d`), `%M` peak memory in bytes (`%{kilo}M`, `%{mega}M`), `%C` CPU
/// percent of the process during the request, `%f` the executable, `%p` pid, `%P` the master's pid, `%l` request
/// content length, `%n` pool, `%{Header}i` a request header, `%{Header}o` a response header, `%e` a CGI
/// parameter is not available (`-`), `%%` a percent sign; and ours: `%{route}` the matched route pattern,
/// `%{request-id}` and `%{trace-id}` (from a W3C `traceparent`).
struct AccessLogFormat: Sendable {
    /// Remote address, time, request line, status, route, request id and duration in milliseconds.
    static let defaultFormat = #"%R - %u %t "%m %r%Q%q" %s %{route} %{request-id} %{mili}d"#

    enum Token: Sendable, Equatable {
        case literal(String)
        case remoteAddress, remoteUser, method, path, queryMark, query, status, pid, masterPID, contentLength, pool, script
        case startTime(String), logTime(String)
        case duration(String), memory(String), cpu
        case requestHeader(String), responseHeader(String)
        case route, requestID, traceID
        case environment
    }

    let tokens: [Token]

    struct Invalid: Error {
        let message: String
    }

    init(_ format: String) throws(Invalid) {
        var tokens: [Token] = []
        var literal = ""
        var rest = Substring(format)
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(literal)) }
            literal = ""
        }
        while let character = rest.first {
            rest = rest.dropFirst()
            guard character == "%" else {
                literal.append(character)
                continue
            }
            var argument: String?
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else {
                    throw Invalid(message: "unclosed %{ in the access log format")
                }
                argument = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = rest[rest.index(after: close)...]
                switch argument {
                case "route":
                    flush()
                    tokens.append(.route)
                    continue
                case "request-id":
                    flush()
                    tokens.append(.requestID)
                    continue
                case "trace-id":
                    flush()
                    tokens.append(.traceID)
                    continue
                default: break
                }
            }
            guard let letter = rest.first else { throw Invalid(message: "the access log format ends with a lone %") }
            rest = rest.dropFirst()
            let token: Token
            switch letter {
            case "%":
                literal.append("%")
                continue
            case "R": token = .remoteAddress
            case "u": token = .remoteUser
            case "t": token = .startTime(argument ?? "%d/%b/%Y:%H:%M:%S %z")
            case "T": token = .logTime(argument ?? "%d/%b/%Y:%H:%M:%S %z")
            case "m": token = .method
            case "r": token = .path
            case "Q": token = .queryMark
            case "q": token = .query
            case "s": token = .status
            case "d": token = .duration(argument ?? "seconds")
            case "M": token = .memory(argument ?? "bytes")
            case "C": token = .cpu
            case "f": token = .script
            case "p": token = .pid
            case "P": token = .masterPID
            case "l": token = .contentLength
            case "n": token = .pool
            case "e": token = .environment
            case "i", "o":
                guard let argument, !argument.isEmpty else { throw Invalid(message: "%\(letter) needs a header name: %{Name}\(letter)") }
                token = letter == "i" ? .requestHeader(argument) : .responseHeader(argument)
            default:
                throw Invalid(message: "unknown access log token %\(argument.map { "{\($0)}" } ?? "")\(letter)")
            }
            flush()
            tokens.append(token)
        }
        flush()
        self.tokens = tokens
    }

    var needsUsage: Bool { tokens.contains { if case .memory = $0 { true } else { $0 == .cpu } } }
}
