/// A `route.swift` file as the generator sees it: its method handlers, the problems with them, and its text
/// rewritten so that it can share a module with every other route file.
struct RouteFile {
    /// One exported method handler, such as `func GET(_ request: Request) async throws -> Response`.
    struct Handler: Equatable {
        var method: String
        var line: Int
        /// Argument labels, `nil` for `_`; the count says which of request and context it takes.
        var parameterLabels: [String?]
        var isAsync: Bool
        var isThrowing: Bool
    }

    /// The methods a route file may export, in the order they are registered.
    static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    var handlers: [Handler] = []
    /// `func generateStaticParams()`, when the file defines one (for a force-static route).
    var staticParams: Handler?
    var diagnostics: [Diagnostic] = []
    /// The source with every method handler made `fileprivate`, and every other top-level declaration without
    /// an access modifier too (so that helpers of two route files never clash). Line numbers are unchanged.
    var rewrittenSource: String

    init(source: String, path: String) {
        let scanner = SwiftScanner(source)
        var edits: [(range: Range<Int>, text: String)] = []
        var firstLine: [String: Int] = [:]
        var diagnostics: [Diagnostic] = []
        for declaration in scanner.topLevelDeclarations() {
            let isHandler = declaration.keyword == "func" && declaration.name.map(Self.methods.contains) == true
            if isHandler, let access = declaration.accessModifier, scanner.text(access) != "fileprivate" {
                edits.append((access.start..<access.end, "fileprivate"))
            } else if declaration.accessModifier == nil, Self.privatizable.contains(declaration.keyword) {
                let start = declaration.keywordToken.start
                edits.append((start..<start, "fileprivate "))
            }
            guard declaration.keyword == "func", let name = declaration.name else { continue }
            if name == "generateStaticParams" {
                staticParams = Handler(
                    method: name, line: declaration.line, parameterLabels: declaration.parameterLabels,
                    isAsync: declaration.isAsync, isThrowing: declaration.isThrowing)
            } else if isHandler {
                if let first = firstLine[name] {
                    diagnostics.append(
                        .error(
                            path, line: declaration.line,
                            "\(name) is defined more than once in this route file (first at line \(first)); a route exports each method once."
                        ))
                    continue
                }
                firstLine[name] = declaration.line
                guard declaration.parameterLabels.count <= 2 else {
                    diagnostics.append(
                        .error(
                            path, line: declaration.line,
                            "\(name) takes \(declaration.parameterLabels.count) parameters; a route handler takes none, the request, or the request and the context."
                        ))
                    continue
                }
                handlers.append(
                    Handler(
                        method: name, line: declaration.line, parameterLabels: declaration.parameterLabels,
                        isAsync: declaration.isAsync, isThrowing: declaration.isThrowing))
            } else if let meant = Self.methodMeant(by: name) {
                diagnostics.append(
                    .error(
                        path, line: declaration.line,
                        "'\(name)' is not an HTTP method handler: did you mean '\(meant)'? Route handlers are named \(Self.methods.joined(separator: ", ")) (uppercase)."
                    ))
            }
        }
        if let annotation = Self.dynamicAnnotation(scanner) { edits.append(annotation) }
        if handlers.isEmpty, diagnostics.isEmpty {
            diagnostics.append(
                .error(
                    path, line: 1,
                    "This route file exports no HTTP method handler: define at least one of func \(Self.methods.joined(separator: ", "))."))
        }
        self.diagnostics = diagnostics

        var bytes = scanner.bytes
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(edit.range, with: Array(edit.text.utf8))
        }
        rewrittenSource = String(decoding: bytes, as: UTF8.self)
    }

    /// `let dynamic = .forceStatic` gets its type (`: RouteConfig.Dynamic`), which Swift cannot infer from a bare
    /// member; written as Next.js spells it (`"force-static"`), it stays a string.
    static func dynamicAnnotation(_ scanner: SwiftScanner) -> (range: Range<Int>, text: String)? {
        let tokens = scanner.tokens
        for index in tokens.indices.dropLast(3) where tokens[index].depth == 0 && scanner.text(tokens[index]) == "let" {
            let name = tokens[index + 1]
            guard scanner.text(name) == "dynamic", scanner.text(tokens[index + 2]) == "=",
                scanner.text(tokens[index + 3]).hasPrefix(".")
            else { continue }
            return (name.end..<name.end, ": RouteConfig.Dynamic")
        }
        return nil
    }

    /// Declarations that get `fileprivate` when they have no access modifier. Extensions cannot (a conformance
    /// extension refuses one) and imports need none.
    static let privatizable: Set<String> = ["func", "let", "var", "struct", "class", "enum", "actor", "protocol", "typealias"]

    /// The method a function name was probably meant to be: the same letters in another case (`get`, `Get`),
    /// or an uppercase name one or two edits away (`POSTS`, `DELET`).
    static func methodMeant(by name: String) -> String? {
        if let method = methods.first(where: { $0 == name.uppercased() }) { return method }
        guard name.count >= 3, name.allSatisfy({ $0.isUppercase }) else { return nil }
        return methods.first { editDistance($0, name) <= (min($0.count, name.count) <= 3 ? 1 : 2) }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
