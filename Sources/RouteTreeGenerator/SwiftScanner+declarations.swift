extension SwiftScanner {
    /// A declaration at file scope.
    struct Declaration {
        /// `func`, `let`, `struct`, …
        var keyword: String
        var keywordToken: Token
        /// The declared name, for functions and types.
        var name: String?
        /// The access modifier written before the keyword, if any (`private(set)` does not count).
        var accessModifier: Token?
        var line: Int
        /// Functions only: each parameter's argument label, `nil` for `_`.
        var parameterLabels: [String?] = []
        /// Functions only: each parameter's type as written, without spaces (`MiddlewareNext`, `[String]`).
        var parameterTypes: [String] = []
        var isAsync = false
        var isThrowing = false
    }

    static let introducers: Set<String> = [
        "func", "let", "var", "struct", "class", "enum", "actor", "protocol", "typealias",
        "extension", "import", "operator", "precedencegroup", "macro",
    ]
    static let accessModifiers: Set<String> = ["public", "private", "fileprivate", "internal", "package", "open"]
    static let otherModifiers: Set<String> = [
        "nonisolated", "final", "dynamic", "indirect", "prefix", "postfix", "infix", "static", "consuming", "borrowing",
    ]

    /// The declarations at brace depth 0, in order.
    func topLevelDeclarations() -> [Declaration] {
        var result: [Declaration] = []
        for index in tokens.indices {
            let token = tokens[index]
            guard token.depth == 0, token.kind == .word else { continue }
            let keyword = text(token)
            guard Self.introducers.contains(keyword) else { continue }
            // `protocol P: class` uses `class` as a constraint, not a declaration.
            if keyword == "class", index > 0, [":", ",", "&"].contains(text(tokens[index - 1])) { continue }
            var declaration = Declaration(keyword: keyword, keywordToken: token, line: line(of: token.start))
            declaration.accessModifier = accessModifier(before: index)
            if index + 1 < tokens.count, tokens[index + 1].kind == .word {
                declaration.name = text(tokens[index + 1])
            }
            if keyword == "func" {
                readSignature(after: index + 1, into: &declaration)
            }
            result.append(declaration)
        }
        return result
    }

    /// The access modifier among the modifiers written right before `index`.
    private func accessModifier(before index: Int) -> Token? {
        var cursor = index - 1
        while cursor >= 0, tokens[cursor].kind == .word, tokens[cursor].depth == 0 {
            let word = text(tokens[cursor])
            if Self.accessModifiers.contains(word) { return tokens[cursor] }
            guard Self.otherModifiers.contains(word) else { return nil }
            cursor -= 1
        }
        return nil
    }

    /// Reads a function's parameter labels and effects, starting at its name.
    private func readSignature(after nameIndex: Int, into declaration: inout Declaration) {
        var cursor = nameIndex + 1
        // Skip a generic parameter clause.
        if cursor < tokens.count, text(tokens[cursor]) == "<" {
            var nesting = 0
            while cursor < tokens.count {
                let piece = text(tokens[cursor])
                if piece == "<" { nesting += 1 }
                if piece == ">" { nesting -= 1 }
                cursor += 1
                if nesting == 0 { break }
            }
        }
        guard cursor < tokens.count, text(tokens[cursor]) == "(" else { return }
        cursor += 1
        var nesting = 0
        var current: [Token] = []
        var parameters: [[Token]] = []
        while cursor < tokens.count {
            let token = tokens[cursor]
            let piece = token.kind == .punctuation ? text(token) : ""
            cursor += 1
            if nesting == 0, piece == ")" { break }
            if nesting == 0, piece == "," {
                parameters.append(current)
                current = []
                continue
            }
            if ["(", "[", "{", "<"].contains(piece) { nesting += 1 }
            if [")", "]", "}", ">"].contains(piece) { nesting -= 1 }
            current.append(token)
        }
        if !current.isEmpty { parameters.append(current) }
        declaration.parameterLabels = parameters.map { tokens in
            guard let first = tokens.first, first.kind == .word else { return nil }
            let label = text(first)
            return label == "_" ? nil : label
        }
        declaration.parameterTypes = parameters.map { tokens in
            guard let colon = tokens.firstIndex(where: { $0.kind == .punctuation && text($0) == ":" }) else { return "" }
            let type = tokens[(colon + 1)...].prefix { !($0.kind == .punctuation && text($0) == "=") }
            return type.map { text($0) }.joined()
        }
        // Effects, up to the return type or the body.
        while cursor < tokens.count {
            let token = tokens[cursor]
            if token.kind == .arrow || text(token) == "{" || text(token) == "where" { break }
            switch text(token) {
            case "async", "reasync": declaration.isAsync = true
            case "throws", "rethrows": declaration.isThrowing = true
            default: break
            }
            cursor += 1
        }
    }
}
