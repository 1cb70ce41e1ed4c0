import Foundation
import RouteHandlers

/// `app/route-handlers.json`: Next.js's `next.config` for the routes (`basePath`, `trailingSlash`, `redirects`,
/// `rewrites`, `headers`), checked at build time with `path:line: error:` diagnostics naming each bad rule.
struct SiteConfigFile {
    static let name = "route-handlers.json"
    static let keys = ["basePath", "trailingSlash", "redirects", "rewrites", "headers"]

    var config = SiteConfig()
    var diagnostics: [Diagnostic] = []
    private let path: String
    private let text: String

    /// Reads the file in `appDirectory`, if there is one.
    init?(appDirectory: String) {
        let path = appDirectory + "/" + Self.name
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        self.init(data: data, path: path)
    }

    init(data: Data, path: String) {
        self.path = path
        text = String(decoding: data, as: UTF8.self)
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = (error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error.localizedDescription)"
            diagnostics.append(.error(path, line: Self.line(in: detail) ?? 1, "\(Self.name) is not valid JSON: \(detail)"))
            return
        }
        guard let object = root as? [String: Any] else {
            diagnostics.append(.error(path, "\(Self.name) must be a JSON object with \(Self.keys.joined(separator: ", "))."))
            return
        }
        for key in object.keys.sorted() where !Self.keys.contains(key) {
            let meant = Self.keys.first { RouteFile.editDistance($0.lowercased(), key.lowercased()) <= 2 }
            error(
                at: "\"\(key)\"",
                "\"\(key)\" is not a site option\(meant.map { ": did you mean \"\($0)\"?" } ?? ".") \(Self.name) may set \(Self.keys.joined(separator: ", "))."
            )
        }
        if let value = object["basePath"] {
            if let basePath = value as? String, basePath.hasPrefix("/"), !basePath.hasSuffix("/"), !basePath.contains("?"),
                (try? SitePattern(basePath))?.parameterNames.isEmpty == true
            {
                config.basePath = basePath
            } else {
                error(at: "\"basePath\"", "basePath must be a path such as \"/docs\": starting with /, not ending with one, no parameters.")
            }
        }
        if let value = object["trailingSlash"] {
            if let flag = value as? Bool {
                config.trailingSlash = flag
            } else {
                error(at: "\"trailingSlash\"", "trailingSlash must be true or false.")
            }
        }
        for rule in rules(object["redirects"], "redirects") { if let redirect = redirect(rule) { config.redirects.append(redirect) } }
        for rule in rules(object["rewrites"], "rewrites") { if let rewrite = rewrite(rule) { config.rewrites.append(rewrite) } }
        for rule in rules(object["headers"], "headers") { if let headers = headerRule(rule) { config.headers.append(headers) } }
    }

    private mutating func error(at needle: String, _ message: String) {
        diagnostics.append(.error(path, line: line(of: needle), message))
    }

    /// The line `needle` first appears on (1 when it does not).
    private func line(of needle: String) -> Int {
        guard let range = text.range(of: needle) else { return 1 }
        return text[..<range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }

    static func line(in detail: String) -> Int? {
        guard let range = detail.range(of: "line ") else { return nil }
        return Int(detail[range.upperBound...].prefix { $0.isNumber })
    }

    private mutating func rules(_ value: Any?, _ key: String) -> [[String: Any]] {
        guard let value else { return [] }
        guard let array = value as? [[String: Any]] else {
            error(at: "\"\(key)\"", "\(key) must be an array of objects with \"source\".")
            return []
        }
        return array
    }

    /// The rule's source pattern, or an error naming it.
    private mutating func source(_ rule: [String: Any], _ kind: String, allowed: Set<String>) -> SitePattern? {
        guard let source = rule["source"] as? String else {
            error(at: "\"\(kind)\"", "Each of \(kind) needs a \"source\" path.")
            return nil
        }
        for key in rule.keys.sorted() where !allowed.contains(key) {
            let extra = ["has", "missing", "locale", "basePath"].contains(key) ? " (Next.js's \"\(key)\" is not supported)" : ""
            error(
                at: "\"\(source)\"",
                "The \(kind) rule for \"\(source)\" has an unknown key \"\(key)\"\(extra); it may set \(allowed.sorted().joined(separator: ", "))."
            )
        }
        do {
            return try SitePattern(source)
        } catch {
            self.error(at: "\"\(source)\"", "The \(kind) source \(error.description).")
            return nil
        }
    }

    /// The destination, when every parameter it uses is the source's.
    private mutating func destination(_ rule: [String: Any], source: SitePattern, _ kind: String, external: Bool) -> String? {
        guard let destination = rule["destination"] as? String, !destination.isEmpty else {
            error(at: "\"\(source.description)\"", "The \(kind) rule for \"\(source.description)\" needs a \"destination\".")
            return nil
        }
        let isExternal = destination.hasPrefix("https://") || destination.hasPrefix("http://")
        guard destination.hasPrefix("/") || (external && isExternal) else {
            let what =
                external
                ? "a path starting with / or an http(s):// URL"
                : "a path starting with / (rewrites to other hosts belong to nginx's proxy_pass)"
            error(at: "\"\(destination)\"", "The \(kind) destination \"\(destination)\" must be \(what).")
            return nil
        }
        let unknown = SitePattern.parameterNames(in: destination).filter { !source.parameterNames.contains($0) }
        guard unknown.isEmpty else {
            error(
                at: "\"\(destination)\"",
                "The \(kind) destination \"\(destination)\" uses \(unknown.map { ":" + $0 }.joined(separator: ", ")), which its source \"\(source.description)\" does not have."
            )
            return nil
        }
        guard !destination.contains("$"), !destination.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) else {
            error(
                at: "\"\(destination)\"",
                "The \(kind) destination \"\(destination)\" has a character nginx cannot write (a space, a quote or $).")
            return nil
        }
        return destination
    }

    private mutating func redirect(_ rule: [String: Any]) -> SiteConfig.Redirect? {
        guard let source = source(rule, "redirects", allowed: ["source", "destination", "permanent", "statusCode"]),
            let destination = destination(rule, source: source, "redirects", external: true)
        else { return nil }
        let permanent = rule["permanent"] as? Bool
        let statusCode = rule["statusCode"] as? Int
        if let statusCode, ![301, 302, 303, 307, 308].contains(statusCode) {
            error(
                at: "\"\(source.description)\"",
                "The redirect for \"\(source.description)\" has statusCode \(statusCode); it must be 301, 302, 303, 307 or 308.")
            return nil
        }
        guard permanent != nil || statusCode != nil, !(permanent != nil && statusCode != nil) else {
            error(
                at: "\"\(source.description)\"",
                "The redirect for \"\(source.description)\" needs either \"permanent\": true (308) or false (307), or a \"statusCode\", as Next.js does."
            )
            return nil
        }
        return SiteConfig.Redirect(source: source, destination: destination, permanent: permanent ?? false, statusCode: statusCode)
    }

    private mutating func rewrite(_ rule: [String: Any]) -> SiteConfig.Rewrite? {
        guard let source = source(rule, "rewrites", allowed: ["source", "destination"]),
            let destination = destination(rule, source: source, "rewrites", external: false)
        else { return nil }
        return SiteConfig.Rewrite(source: source, destination: destination)
    }

    private mutating func headerRule(_ rule: [String: Any]) -> SiteConfig.HeaderRule? {
        guard let source = source(rule, "headers", allowed: ["source", "headers"]) else { return nil }
        guard let list = rule["headers"] as? [[String: Any]], !list.isEmpty else {
            error(
                at: "\"\(source.description)\"",
                "The headers rule for \"\(source.description)\" needs \"headers\": [{\"key\": …, \"value\": …}].")
            return nil
        }
        var headers: [SiteConfig.Header] = []
        for entry in list {
            guard let key = entry["key"] as? String, let value = entry["value"] as? String, entry.count == 2 else {
                error(
                    at: "\"\(source.description)\"", "Each header of the rule for \"\(source.description)\" is {\"key\": …, \"value\": …}.")
                return nil
            }
            let token = "!#$%&'*+-.^_`|~"
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || token.contains($0)) }),
                !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
            else {
                error(at: "\"\(key)\"", "\"\(key)\" is not a header this can set (a name is a token; a value has no line breaks).")
                return nil
            }
            headers.append(SiteConfig.Header(key: key, value: value))
        }
        return SiteConfig.HeaderRule(source: source, headers: headers)
    }
}
