import RouteHandlers

/// A `middleware.swift` file as the generator sees it: its `handle` function, the problems with it, and its
/// text rewritten so that it can share a module with every other route and middleware file.
struct MiddlewareFile {
    /// The function a middleware file exports, and the signature it must have.
    static let functionName = "handle"
    static let signature = "func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response"
    /// The argument labels and types `handle` takes (`nil`: no label).
    static let labels: [String?] = [nil, "context", "next"]
    static let types = ["Request", "Context", "MiddlewareNext"]

    var line = 1
    var isAsync = false
    var isThrowing = false
    var diagnostics: [Diagnostic] = []
    /// The source with `handle` and every other top-level declaration without an access modifier made
    /// `fileprivate`: helpers of a middleware file are private to it, as in route files. Line numbers unchanged.
    var rewrittenSource = ""
    /// `let matcher = ["/api/:path*"]` (Next.js's `config.matcher`): the paths the middleware runs for; empty: all.
    var matcher: [String] = []

    init(source: String, path: String) {
        let scanner = SwiftScanner(source)
        readMatcher(scanner, path: path)
        var edits: [(range: Range<Int>, text: String)] = []
        var found: SwiftScanner.Declaration?
        for declaration in scanner.topLevelDeclarations() {
            let isExported = declaration.keyword == "func" && declaration.name == Self.functionName
            if isExported, let access = declaration.accessModifier, scanner.text(access) != "fileprivate" {
                edits.append((access.start..<access.end, "fileprivate"))
            } else if declaration.accessModifier == nil, RouteFile.privatizable.contains(declaration.keyword) {
                let start = declaration.keywordToken.start
                edits.append((start..<start, "fileprivate "))
            }
            guard declaration.keyword == "func", let name = declaration.name else { continue }
            if isExported {
                if let first = found {
                    diagnostics.append(
                        .error(
                            path, line: declaration.line,
                            "handle is defined more than once in this middleware file (first at line \(first.line)); a middleware file exports one handle function."
                        ))
                    continue
                }
                found = declaration
                if let problem = Self.signatureProblem(declaration) {
                    diagnostics.append(.error(path, line: declaration.line, "\(problem); a middleware file exports \(Self.signature)."))
                }
            } else if Self.isMisspelling(name) {
                diagnostics.append(
                    .error(
                        path, line: declaration.line,
                        "'\(name)' is not the middleware function: did you mean 'handle'? A middleware file exports \(Self.signature)."))
            }
        }
        if let found {
            line = found.line
            isAsync = found.isAsync
            isThrowing = found.isThrowing
        } else if diagnostics.isEmpty {
            diagnostics.append(.error(path, line: 1, "This middleware file exports no handle function: define \(Self.signature)."))
        }
        var bytes = scanner.bytes
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(edit.range, with: Array(edit.text.utf8))
        }
        rewrittenSource = String(decoding: bytes, as: UTF8.self)
    }

    /// What is wrong with `handle`'s parameters, or `nil`.
    static func signatureProblem(_ declaration: SwiftScanner.Declaration) -> String? {
        guard declaration.parameterLabels.count == labels.count else {
            return
                "handle takes \(declaration.parameterLabels.count) parameter\(declaration.parameterLabels.count == 1 ? "" : "s"), not 3 (the request, the context and next)"
        }
        for (index, label) in labels.enumerated() where declaration.parameterLabels[index] != label {
            let written = declaration.parameterLabels[index].map { "'\($0)'" } ?? "none"
            return "handle's parameter \(index + 1) has the argument label \(written), not \(label.map { "'\($0)'" } ?? "none (write _)")"
        }
        for (index, type) in types.enumerated() {
            let written = declaration.parameterTypes[index]
            guard written != type, !written.hasSuffix("." + type) else { continue }
            return "handle's parameter \(index + 1) has the type \(written.isEmpty ? "(none)" : written), not \(type)"
        }
        return nil
    }

    /// A name that was probably meant to be `handle`: another case, or a near miss.
    static func isMisspelling(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower == functionName || ["handler", "middleware", "handles", "handlerequest"].contains(lower) { return true }
        return RouteFile.editDistance(lower, functionName) <= 1
    }

    /// Reads `let matcher = "/api/:path*"` or `["/a", "/b/:id"]`, each a ``SitePattern``.
    private mutating func readMatcher(_ scanner: SwiftScanner, path: String) {
        let tokens = scanner.tokens
        for (index, token) in tokens.enumerated() where token.depth == 0 && scanner.text(token) == "let" {
            guard index + 1 < tokens.count, scanner.text(tokens[index + 1]) == "matcher" else { continue }
            let line = scanner.line(of: token.start)
            let value = RouteConfigFile.valueTokens(after: index + 1, in: scanner).map { ($0.kind, scanner.text($0)) }
            let single =
                value.count == 1 && value[0].0 == .string
                ? RouteConfigFile.stringArray([(.punctuation, "[")] + value + [(.punctuation, "]")]) : nil
            guard let patterns = single ?? RouteConfigFile.stringArray(value) else {
                diagnostics.append(
                    .error(path, line: line, "matcher must be a path or an array of paths, such as [\"/api/:path*\"], as string literals."))
                return
            }
            for pattern in patterns {
                do {
                    _ = try SitePattern(pattern)
                } catch {
                    diagnostics.append(.error(path, line: line, "The matcher \(error.description)."))
                }
            }
            matcher = patterns
            return
        }
    }
}
