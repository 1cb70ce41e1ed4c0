import RouteHandlers

extension RouteTreeGenerator {
    /// The redirects nginx answers itself: those without optional parameters (`:x?`, `:x*`), whose empty value
    /// nginx could not drop with its slash. The app answers the others, the same way.
    var nginxRedirects: [SiteConfig.Redirect] {
        site.redirects.filter { rule in
            rule.source.segments.allSatisfy {
                switch $0 {
                case .optional, .zeroOrMore: false
                default: true
                }
            }
        }
    }

    /// The base path the locations live under.
    var basePath: String { site.basePath ?? "" }

    /// Whether a redirect nginx answers catches `path` (relative to the base path) before any route could.
    func isRedirected(_ path: String) -> Bool {
        nginxRedirects.contains { $0.source.match(path) != nil }
    }

    /// Whether a rewrite catches `path`: a route without dynamic segments there then needs a location of its own, so
    /// that nginx, as the app, serves it rather than rewriting it.
    func isRewritten(_ path: String) -> Bool {
        site.rewrites.contains { $0.source.match(path) != nil }
    }

    /// The locations of `app/route-handlers.json`'s redirects and rewrites, before the routes' (nginx tries regular
    /// expressions in order, and exact locations first).
    func siteLocations(_ options: NginxOptions) -> String {
        var text = ""
        for rule in nginxRedirects {
            var destination = Self.nginxDestination(rule.destination)
            if destination.hasPrefix("/") { destination = basePath + destination }
            text += "\n# Redirect \(rule.source) to \(rule.destination) (\(rule.statusCode)), app/\(SiteConfigFile.name)\n"
            text += "location \(sourceMatch(rule.source)) {\n"
            text += "    # Location: as the app writes it, a path without scheme and host.\n"
            text += "    absolute_redirect off;\n"
            if rule.source.parameterNames.isEmpty { text += siteHeaderDirectives(for: rule.source.description) }
            if destination.contains("?") {
                text += "    if ($args) {\n        return \(rule.statusCode) \"\(Self.escapeQuoted(destination))&$args\";\n    }\n"
                text += "    return \(rule.statusCode) \"\(Self.escapeQuoted(destination))\";\n"
            } else {
                text += "    return \(rule.statusCode) \"\(Self.escapeQuoted(destination))$is_args$args\";\n"
            }
            text += "}\n"
        }
        for rule in site.rewrites {
            text +=
                "\n# Rewrite \(rule.source) to \(rule.destination), app/\(SiteConfigFile.name): nginx picks the destination's location;\n"
            text += "# the app, which sees the request's own URI, rewrites it the same way.\n"
            text += "location \(sourceMatch(rule.source)) {\n"
            text += "    rewrite ^ \"\(Self.escapeQuoted(basePath + Self.nginxDestination(rule.destination)))\" last;\n"
            text += "}\n"
        }
        return text
    }

    /// `add_header … always` for the site's header rules that match `path` (relative to the base path), for the
    /// answers nginx gives itself there (a redirect, a 429): as the app would, a later rule replacing an earlier
    /// one's header. A value with `$` (nginx would read a variable) is left to the app's answers.
    func siteHeaderDirectives(for path: String) -> String {
        var names: [String] = []
        var values: [String: String] = [:]
        for rule in site.headers where rule.source.match(path) != nil {
            for header in rule.headers {
                let key = header.key.lowercased()
                if values[key] == nil { names.append(header.key) }
                values[key] = header.value
            }
        }
        return names.compactMap { name in
            guard let value = values[name.lowercased()], !value.contains("$") else { return nil }
            return "    add_header \(name) \"\(Self.escapeQuoted(value))\" always;\n"
        }.joined()
    }

    /// `= /old` for a literal source, a regular expression with named captures (`$rh_<name>`) otherwise.
    func sourceMatch(_ source: SitePattern) -> String {
        if source.parameterNames.isEmpty {
            return "= \"\(Self.escapeQuoted(basePath + (source.segments.isEmpty ? "/" : source.description)))\""
        }
        var regex = "^" + Self.escapeRegex(basePath)
        for segment in source.segments {
            switch segment {
            case .literal(let text): regex += "/" + Self.escapeRegex(text)
            case .one(let name): regex += "/(?<rh_\(name)>[^/]+)"
            case .optional(let name): regex += "(?:/(?<rh_\(name)>[^/]+))?"
            case .zeroOrMore(let name): regex += "(?:/(?<rh_\(name)>.+))?"
            case .oneOrMore(let name): regex += "/(?<rh_\(name)>.+)"
            }
        }
        return "~ \"\(Self.escapeQuoted(regex + "/?$"))\""
    }

    /// A destination with each `:name` (and its `*`, `+`, `?`) as nginx's `$rh_name`.
    static func nginxDestination(_ destination: String) -> String {
        var values: [String: [String]] = [:]
        for name in SitePattern.parameterNames(in: destination) { values[name] = ["${rh_\(name)}"] }
        return SitePattern.substitute(destination, values)
    }
}
