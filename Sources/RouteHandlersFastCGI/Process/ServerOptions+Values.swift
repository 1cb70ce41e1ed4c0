/// The one way an option is read, and the value syntaxes of the command line and the environment.
extension ServerOptions {
    /// One setting as given: the option's value, else its environment variable's (for a process started by a
    /// supervisor that sets no arguments), with both names for error messages. Every setting is read through
    /// ``ServerOptions/given(_:_:_:_:)``, so an empty value counts as unset wherever it comes from (as systemd's
    /// `Environment=NAME=` clears one), and every error names the option and its variable.
    struct Given: Sendable {
        let text: String
        /// `--max-body-size (ROUTE_HANDLERS_MAX_BODY_SIZE)`.
        let names: String

        func invalid(_ expected: String) -> ServerError {
            ServerError(.invalidOption, "Invalid \(names) \"\(text)\": expected \(expected).")
        }

        /// `10m`, `512k`, `1g` or a plain byte count (nginx's size syntax).
        func byteCount() throws(ServerError) -> Int {
            guard let bytes = ServerOptions.bytes(text) else { throw invalid("bytes or a number with k, m or g, such as 512k or 10m") }
            return bytes
        }

        /// Plain seconds (`30`, `1.5`) or a number with a unit (`1500ms`, `2s`, `1m`, `1h`).
        func duration() throws(ServerError) -> Duration {
            guard let duration = ServerOptions.parseDuration(text) else {
                throw invalid("seconds (such as 30 or 1.5) or a number with ms, s, m or h (such as 1500ms, 2s, 1m)")
            }
            return duration
        }

        func wholeNumber(in range: ClosedRange<Int>) throws(ServerError) -> Int {
            guard let value = Int(text), range.contains(value) else {
                throw invalid(
                    range.upperBound == .max
                        ? "a whole number from \(range.lowerBound)" : "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }

    /// `option` if given, else the variable `variable` of `environment`; `nil` when neither is set or the value
    /// is empty.
    static func given(_ option: String?, _ flag: String, _ environment: [String: String], _ variable: String) -> Given? {
        if let option, !option.isEmpty { return Given(text: option, names: "\(flag) (\(variable))") }
        guard let text = environment[variable], !text.isEmpty else { return nil }
        // From the configuration file: its key and line.
        return Given(text: text, names: ConfigurationFile.origin(of: variable, in: environment) ?? "\(flag) (\(variable))")
    }

    /// A duration (see ``Given/duration()``), the error naming `option`.
    static func duration(_ text: String, option: String) throws(ServerError) -> Duration {
        try Given(text: text, names: option).duration()
    }

    static func parseDuration(_ text: String) -> Duration? {
        let lower = text.lowercased().filter { $0 != " " }
        let units: [(suffix: String, milliseconds: Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        var number = Substring(lower)
        var scale = 1000.0
        for unit in units where lower.hasSuffix(unit.suffix) {
            number = number.dropLast(unit.suffix.count)
            scale = unit.milliseconds
            break
        }
        // Digits and at most one dot only: no sign, exponent, "nan" or "inf" sneaking in through Double().
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            number.filter({ $0 == "." }).count <= 1, number != ".",
            let value = Double(number), value * scale <= 1e12
        else { return nil }
        return .milliseconds(Int64((value * scale).rounded()))
    }

    static func bytes(_ text: String) -> Int? {
        let lower = text.lowercased()
        let multiplier: Int
        var digits = Substring(lower)
        switch lower.last {
        case "k":
            multiplier = 1024
            digits = digits.dropLast()
        case "m":
            multiplier = 1024 * 1024
            digits = digits.dropLast()
        case "g":
            multiplier = 1024 * 1024 * 1024
            digits = digits.dropLast()
        default: multiplier = 1
        }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits), value <= Int.max / multiplier else { return nil }
        return value * multiplier
    }

    /// A process count: a number from 1 to 256, or `auto` (one per CPU).
    static func processCount(_ given: Given) throws(ServerError) -> Int {
        if given.text.lowercased() == "auto" { return Int(ProcessorCount.online) }
        guard let count = Int(given.text), (1...256).contains(count) else { throw given.invalid("1-256 or auto") }
        return count
    }
}

extension ServerOptions {
    /// The status and ping paths, the access and slow logs.
    func applyObservability(to configuration: inout FastCGIServerConfiguration, environment: [String: String]) throws(ServerError) {
        func given(_ option: String?, _ flag: String, _ variable: String) -> Given? {
            Self.given(option, flag, environment, variable)
        }
        for path in [
            given(statusPath, "--status-path", "ROUTE_HANDLERS_STATUS_PATH"), given(pingPath, "--ping-path", "ROUTE_HANDLERS_PING_PATH"),
        ] {
            guard let path else { continue }
            guard path.text.hasPrefix("/"), !path.text.contains("?") else { throw path.invalid("a path such as /status") }
            if path.names.hasPrefix("--status-path") { configuration.statusPath = path.text } else { configuration.pingPath = path.text }
        }
        if let address = given(statusListen, "--status-listen", "ROUTE_HANDLERS_STATUS_LISTEN") {
            guard configuration.statusPath != nil || configuration.pingPath != nil else {
                throw ServerError(.invalidOption, "\(address.names) needs --status-path or --ping-path: the paths it answers.")
            }
            configuration.statusListen = try ListenAddress(parsing: address.text)
        }
        configuration.accessLog = given(accessLog, "--access-log", "ROUTE_HANDLERS_ACCESS_LOG")?.text
        if let format = given(accessFormat, "--access-format", "ROUTE_HANDLERS_ACCESS_FORMAT") {
            do {
                _ = try AccessLogFormat(format.text)
            } catch {
                throw ServerError(.invalidOption, "Invalid \(format.names): \(error.message).")
            }
            configuration.accessFormat = format.text
        }
        configuration.slowlog = given(slowlog, "--slowlog", "ROUTE_HANDLERS_SLOWLOG")?.text
        if let text = given(slowlogTimeout, "--slowlog-timeout", "ROUTE_HANDLERS_SLOWLOG_TIMEOUT") {
            let timeout = try text.duration()
            guard timeout > .zero else { throw text.invalid("a duration of more than 0") }
            configuration.slowlogTimeout = timeout
        }
    }
}
