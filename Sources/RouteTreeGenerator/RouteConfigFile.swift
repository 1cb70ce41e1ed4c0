import RouteHandlers

/// The segment config of a `route.swift`: its top-level `let revalidate`, `maxDuration`, `bodyLimit`,
/// `requestBuffering`, `etag`, `tags`, `dynamic`, `rateLimit` and `maxConcurrency`,
/// read as literals at build time (they also go into the generated nginx include), with a build error for an
/// unknown or misspelt name and for a value of the wrong type.
struct RouteConfigFile {
    /// The names a route file may set, with what each takes.
    static let options: [(name: String, takes: String)] = [
        ("revalidate", "a whole number of seconds or false"),
        ("maxDuration", "a whole number of seconds, at least 1"),
        ("bodyLimit", "a number of bytes or a size such as \"512k\", \"2m\" or \"1g\""),
        ("requestBuffering", "true or false"),
        ("etag", "true or false"),
        ("tags", "an array of non-empty string literals, such as [\"posts\"]"),
        ("dynamic", ".forceStatic, .forceDynamic or .auto (or Next.js's \"force-static\", \"force-dynamic\", \"auto\")"),
        (
            "rateLimit",
            "RateLimit(N, per: .second or .minute) with N from 1 to 1000000, optionally burst: N (0 to 1000000) and key: .clientIP or .header(\"Name\")"
        ),
        ("maxConcurrency", "a whole number of requests from 1 to 1000000"),
    ]

    /// Next.js options with no counterpart: an error rather than a silently ignored setting.
    static let nextOnly: Set<String> = ["dynamicParams", "fetchCache", "runtime", "preferredRegion"]

    var config = RouteConfig()
    var diagnostics: [Diagnostic] = []
    /// The line each option is set on.
    var lines: [String: Int] = [:]

    init(source: String, path: String) {
        let scanner = SwiftScanner(source)
        let tokens = scanner.tokens
        var seen: [String: Int] = [:]
        for (index, token) in tokens.enumerated() where token.depth == 0 && token.kind == .word {
            let keyword = scanner.text(token)
            guard keyword == "let" || keyword == "var", index + 1 < tokens.count, tokens[index + 1].kind == .word else { continue }
            let name = scanner.text(tokens[index + 1])
            let line = scanner.line(of: token.start)
            guard let option = Self.options.first(where: { $0.name == name }) else {
                if Self.nextOnly.contains(name) {
                    diagnostics.append(
                        .error(
                            path, line: line,
                            "'\(name)' is a Next.js route segment option that has no meaning here; a route.swift may set \(Self.options.map(\.name).joined(separator: ", "))."
                        ))
                } else if let meant = Self.optionMeant(by: name) {
                    diagnostics.append(
                        .error(
                            path, line: line,
                            "'\(name)' is not a route segment config option: did you mean '\(meant)'? A route.swift may set \(Self.options.map(\.name).joined(separator: ", "))."
                        ))
                }
                continue
            }
            if let first = seen[name] {
                diagnostics.append(.error(path, line: line, "\(name) is set more than once in this route file (first at line \(first))."))
                continue
            }
            seen[name] = line
            lines[name] = line
            guard keyword == "let" else {
                diagnostics.append(.error(path, line: line, "\(name) must be a let: route segment config is fixed at build time."))
                continue
            }
            let value = Self.valueTokens(after: index + 1, in: scanner)
            if let problem = apply(name, value.map { ($0.kind, scanner.text($0)) }) {
                diagnostics.append(.error(path, line: line, "\(name) must be \(option.takes)\(problem)."))
            }
        }
    }

    /// The tokens of the value after `name` (and an optional `: Type`) up to the end of its line.
    static func valueTokens(after nameIndex: Int, in scanner: SwiftScanner) -> [SwiftScanner.Token] {
        let tokens = scanner.tokens
        var cursor = nameIndex + 1
        while cursor < tokens.count, !(tokens[cursor].kind == .punctuation && scanner.text(tokens[cursor]) == "=") {
            if tokens[cursor].depth == 0, scanner.text(tokens[cursor]) == "let" || scanner.text(tokens[cursor]) == "func" { return [] }
            cursor += 1
        }
        guard cursor < tokens.count else { return [] }
        let line = scanner.line(of: tokens[cursor].start)
        return Array(tokens[(cursor + 1)...].prefix { scanner.line(of: $0.start) == line && scanner.text($0) != ";" })
    }

    /// Sets `name` from its value's tokens; a description of the problem (`", not …"`) when they do not fit.
    private mutating func apply(_ name: String, _ value: [(kind: SwiftScanner.Token.Kind, text: String)]) -> String? {
        let written = value.map(\.text).joined(separator: " ")
        guard !value.isEmpty else { return " (a literal value)" }
        let number = value.count == 1 && value[0].kind == .word ? Int(value[0].text.replacingOccurrences(of: "_", with: "")) : nil
        switch name {
        case "revalidate":
            if written == "false" {
                config.revalidate = .never
                return nil
            }
            guard let number, number >= 0 else { return ", not \(written)" }
            config.revalidate = .seconds(number)
        case "maxDuration":
            guard let number, number >= 1 else { return ", not \(written)" }
            config.maxDuration = .seconds(number)
        case "bodyLimit":
            if let number, number >= 0 {
                config.bodyLimit = number
                return nil
            }
            guard value.count == 1, value[0].kind == .string, let bytes = Self.size(value[0].text) else { return ", not \(written)" }
            config.bodyLimit = bytes
        case "requestBuffering":
            guard written == "true" || written == "false" else { return ", not \(written)" }
            config.requestBuffering = written == "true"
        case "etag":
            guard written == "true" || written == "false" else { return ", not \(written)" }
            config.etag = written == "true"
        case "dynamic":
            let spelled = value.count == 1 && value[0].kind == .string ? String(value[0].text.dropFirst().dropLast()) : nil
            let member: String? =
                value.count == 2 && value[0].text == "."
                ? value[1].text : (value.count == 1 && value[0].text.hasPrefix(".") ? String(value[0].text.dropFirst()) : nil)
            let chosen =
                spelled.flatMap(RouteConfig.Dynamic.init(rawValue:))
                ?? member.flatMap { name in
                    [RouteConfig.Dynamic.auto, .forceDynamic, .forceStatic].first { "\($0)" == name }
                }
            guard let chosen else { return ", not \(written)" }
            config.dynamic = chosen
        case "rateLimit":
            guard let limit = Self.rateLimit(value.map(\.text)) else { return ", not \(written)" }
            config.rateLimit = limit
        case "maxConcurrency":
            guard let number, (1...RateLimit.maximum).contains(number) else { return ", not \(written)" }
            config.maxConcurrency = number
        case "tags":
            guard let tags = Self.stringArray(value) else { return ", not \(written)" }
            config.tags = tags
        default:
            return nil
        }
        return nil
    }

    /// `RateLimit(10, per: .minute, burst: 5, key: .header("X-API-Key"))`, from its tokens' texts; `nil` for
    /// anything else (a non-literal argument, an unknown label, a header name nginx could not name).
    static func rateLimit(_ texts: [String]) -> RateLimit? {
        guard texts.count >= 3, texts[0] == "RateLimit", texts[1] == "(", texts.last == ")" else { return nil }
        var arguments: [[String]] = [[]]
        var depth = 0
        for text in texts[2..<(texts.count - 1)] {
            if text == "(" { depth += 1 }
            if text == ")" { depth -= 1 }
            if text == ",", depth == 0 { arguments.append([]) } else { arguments[arguments.count - 1].append(text) }
        }
        guard let first = arguments.first, first.count == 1, let requests = Int(first[0].replacingOccurrences(of: "_", with: "")),
            (1...RateLimit.maximum).contains(requests)
        else { return nil }
        var period: RateLimit.Period?
        var burst = 0
        var key = RateLimit.Key.clientIP
        var labels: [String] = []
        for argument in arguments.dropFirst() {
            guard argument.count >= 3, argument[1] == ":" else { return nil }
            let label = argument[0]
            let value = argument[2...].joined()
            labels.append(label)
            switch label {
            case "per":
                guard let chosen = RateLimit.Period(rawValue: String(value.dropFirst())), value.hasPrefix(".") else { return nil }
                period = chosen
            case "burst":
                guard let number = Int(value.replacingOccurrences(of: "_", with: "")), (0...RateLimit.maximum).contains(number)
                else { return nil }
                burst = number
            case "key":
                if value == ".clientIP" { break }
                let prefix = ".header(\"", suffix = "\")"
                guard value.hasPrefix(prefix), value.hasSuffix(suffix), value.count > prefix.count + suffix.count else { return nil }
                let name = String(value.dropFirst(prefix.count).dropLast(suffix.count))
                // nginx names the header as $http_<name>: letters, digits and dashes only.
                guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
                key = .header(name)
            default:
                return nil
            }
        }
        // Swift's order for the initializer's labels.
        guard let period, labels == ["per", "burst", "key"].filter(labels.contains) else { return nil }
        return RateLimit(requests, per: period, burst: burst, key: key)
    }

    /// The strings of `["a", "b"]` (simple literals, no interpolation or escapes); `nil` for anything else.
    static func stringArray(_ value: [(kind: SwiftScanner.Token.Kind, text: String)]) -> [String]? {
        guard value.count >= 2, value.first?.text == "[", value.last?.text == "]" else { return nil }
        var strings: [String] = []
        for (index, token) in value.dropFirst().dropLast().enumerated() {
            if index % 2 == 1 {
                guard token.text == "," else { return nil }
                continue
            }
            guard token.kind == .string, token.text.hasPrefix("\""), token.text.hasSuffix("\""), token.text.count > 2 else { return nil }
            let text = String(token.text.dropFirst().dropLast())
            guard !text.contains("\\"), !text.contains("\"") else { return nil }
            strings.append(text)
        }
        return strings.isEmpty ? nil : strings
    }

    /// `"512k"`, `"2m"`, `"1g"` (also `kb`, `mb`, `gb`, any case; powers of 1024) or `"1000"`, from a string literal.
    static func size(_ literal: String) -> Int? {
        guard literal.hasPrefix("\""), literal.hasSuffix("\""), literal.count >= 2 else { return nil }
        var text = literal.dropFirst().dropLast().lowercased()
        if text.hasSuffix("b"), text.count > 1 { text.removeLast() }
        let units: [Character: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        var multiplier = 1
        if let last = text.last, let unit = units[last] {
            multiplier = unit
            text.removeLast()
        }
        guard !text.isEmpty, text.allSatisfy(\.isNumber), let count = Int(text) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }

    /// The option a name was probably meant to be: another case (`maxduration`) or a near miss (`revalidat`).
    static func optionMeant(by name: String) -> String? {
        let lower = name.lowercased()
        if let option = options.first(where: { $0.name.lowercased() == lower }) { return option.name }
        guard name.count >= 5 else { return nil }
        return options.first { RouteFile.editDistance($0.name.lowercased(), lower) <= 2 }?.name
    }
}
