/// The value syntaxes of the command line and the environment.
extension ServerOptions {
    /// A duration: plain seconds (`30`, `1.5`) or a number with a unit (`1500ms`, `2s`, `1m`, `1h`).
    static func duration(_ text: String, option: String) throws(ServerError) -> Duration {
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
        else {
            throw ServerError(
                .invalidOption,
                "Invalid duration \"\(text)\" for \(option): expected seconds (such as 30 or 1.5) or a number with ms, s, m or h (such as 1500ms, 2s, 1m).")
        }
        return .milliseconds(Int64((value * scale).rounded()))
    }

    /// A process count: a number from 1 to 256, or `auto` (one per CPU).
    static func processCount(_ text: String) throws(ServerError) -> Int {
        if text.lowercased() == "auto" { return Int(ProcessorCount.online) }
        guard let count = Int(text), (1...256).contains(count) else {
            throw ServerError(.invalidOption, "--processes must be 1-256 or auto, not \"\(text)\".")
        }
        return count
    }

    /// The option's value, else the environment variable's; an empty variable counts as unset.
    static func setting(_ option: String?, _ environment: [String: String], _ name: String) -> String? {
        if let option { return option }
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}

extension ServerOptions {
    /// The status and ping paths, the access and slow logs.
    func applyObservability(to configuration: inout FastCGIServerConfiguration, environment: [String: String]) throws(ServerError) {
        for (option, name, value) in [
            ("--status-path", "ROUTE_HANDLERS_STATUS_PATH", Self.setting(statusPath, environment, "ROUTE_HANDLERS_STATUS_PATH")),
            ("--ping-path", "ROUTE_HANDLERS_PING_PATH", Self.setting(pingPath, environment, "ROUTE_HANDLERS_PING_PATH")),
        ] {
            guard let value else { continue }
            guard value.hasPrefix("/"), !value.contains("?") else {
                throw ServerError(.invalidOption, "\(option) (\(name)) must be a path such as /status, not \"\(value)\".")
            }
            if option == "--status-path" { configuration.statusPath = value } else { configuration.pingPath = value }
        }
        configuration.accessLog = Self.setting(accessLog, environment, "ROUTE_HANDLERS_ACCESS_LOG")
        configuration.accessFormat = Self.setting(accessFormat, environment, "ROUTE_HANDLERS_ACCESS_FORMAT")
        if let format = configuration.accessFormat {
            do {
                _ = try AccessLogFormat(format)
            } catch {
                throw ServerError(.invalidOption, "Invalid --access-format: \(error.message).")
            }
        }
        configuration.slowlog = Self.setting(slowlog, environment, "ROUTE_HANDLERS_SLOWLOG")
        if let text = Self.setting(slowlogTimeout, environment, "ROUTE_HANDLERS_SLOWLOG_TIMEOUT") {
            let timeout = try Self.duration(text, option: "--slowlog-timeout")
            guard timeout > .zero else { throw ServerError(.invalidOption, "--slowlog-timeout must be more than 0.") }
            configuration.slowlogTimeout = timeout
        }
    }
}
