/// A small Swift lexer, just enough to find a route file's top-level declarations without swift-syntax (which
/// takes minutes to build): it skips comments (nested block comments too), string literals (multi-line `"""`,
/// raw `#"…"#`, interpolations with nested strings) and tracks brace depth.
///
/// Tokens it does not need to tell apart (operators, numbers) come out as one-byte punctuation or as words.
struct SwiftScanner {
    /// One token of the source.
    struct Token: Equatable {
        enum Kind: Equatable {
            /// An identifier or keyword; backticked identifiers keep their backticks in the text.
            case word
            /// A string literal, delimiters included.
            case string
            /// `->`.
            case arrow
            /// Any other single byte: `{`, `(`, `,`, `:`, `@`, `#`, operators.
            case punctuation
        }

        var kind: Kind
        /// UTF-8 offsets of the token in the source.
        var start: Int
        var end: Int
        /// Brace (`{}`) depth before the token; 0 is file scope.
        var depth: Int
    }

    let bytes: [UInt8]
    private(set) var tokens: [Token] = []
    private var position = 0
    private var depth = 0
    /// Offsets at which lines start, to turn an offset into a line number.
    let lineStarts: [Int]

    init(_ source: String) {
        self.bytes = Array(source.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
        scanCode(untilUnbalancedParen: false)
    }

    /// The token's text.
    func text(_ token: Token) -> String {
        String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    }

    /// The 1-based line holding `offset`.
    func line(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    // MARK: - Lexing

    private func byte(at offset: Int) -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    /// Scans code, emitting tokens. Inside a string interpolation it stops after the `)` that closes it.
    private mutating func scanCode(untilUnbalancedParen: Bool) {
        var parens = 0
        let emitting = !untilUnbalancedParen
        while position < bytes.count {
            let start = position
            let current = bytes[position]
            switch current {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                position += 1
            case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "/"):
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "*"):
                skipBlockComment()
            case UInt8(ascii: "\""):
                scanString(hashes: 0)
                if emitting { emit(.string, from: start) }
            case UInt8(ascii: "#") where rawStringHashes() != nil:
                scanString(hashes: rawStringHashes() ?? 0)
                if emitting { emit(.string, from: start) }
            case UInt8(ascii: "`"):
                position += 1
                while position < bytes.count, bytes[position] != UInt8(ascii: "`"), bytes[position] != UInt8(ascii: "\n") {
                    position += 1
                }
                position = min(position + 1, bytes.count)
                if emitting { emit(.word, from: start) }
            case _ where Self.isIdentifierByte(current) || current == UInt8(ascii: "$"):
                position += 1
                while position < bytes.count, Self.isIdentifierByte(bytes[position]) || Self.isDigit(bytes[position]) {
                    position += 1
                }
                if emitting { emit(.word, from: start) }
            case _ where Self.isDigit(current):
                position += 1
                while position < bytes.count, Self.isIdentifierByte(bytes[position]) || Self.isDigit(bytes[position]) {
                    position += 1
                }
                if emitting { emit(.word, from: start) }
            case UInt8(ascii: "-") where byte(at: position + 1) == UInt8(ascii: ">"):
                position += 2
                if emitting { emit(.arrow, from: start) }
            default:
                position += 1
                switch current {
                case UInt8(ascii: "("):
                    parens += 1
                case UInt8(ascii: ")"):
                    if untilUnbalancedParen, parens == 0 { return }
                    parens -= 1
                case UInt8(ascii: "}") where emitting:
                    depth = max(0, depth - 1)
                default:
                    break
                }
                if emitting { emit(.punctuation, from: start) }
                if current == UInt8(ascii: "{"), emitting { depth += 1 }
            }
        }
    }

    private mutating func emit(_ kind: Token.Kind, from start: Int) {
        // A closing brace belongs to the depth it returns to; everything else to the depth it sits at.
        tokens.append(Token(kind: kind, start: start, end: position, depth: depth))
    }

    /// The number of `#` before a `"` at the current position, for a raw string; `nil` when it is not one.
    private func rawStringHashes() -> Int? {
        var offset = position
        while byte(at: offset) == UInt8(ascii: "#") { offset += 1 }
        return byte(at: offset) == UInt8(ascii: "\"") ? offset - position : nil
    }

    private mutating func skipBlockComment() {
        var nesting = 0
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "/"), byte(at: position + 1) == UInt8(ascii: "*") {
                nesting += 1
                position += 2
            } else if bytes[position] == UInt8(ascii: "*"), byte(at: position + 1) == UInt8(ascii: "/") {
                nesting -= 1
                position += 2
                if nesting == 0 { return }
            } else {
                position += 1
            }
        }
    }

    /// Skips a string literal starting at the current position (at its first `#` or `"`).
    private mutating func scanString(hashes: Int) {
        position += hashes
        let multiLine = byte(at: position + 1) == UInt8(ascii: "\"") && byte(at: position + 2) == UInt8(ascii: "\"")
        let quotes = multiLine ? 3 : 1
        position += quotes
        while position < bytes.count {
            let current = bytes[position]
            if current == UInt8(ascii: "\\"), hashesFollow(hashes, at: position + 1) {
                position += 1 + hashes
                if byte(at: position) == UInt8(ascii: "(") {
                    position += 1
                    scanCode(untilUnbalancedParen: true)
                    position += 1
                } else {
                    position += 1
                }
            } else if current == UInt8(ascii: "\""), closes(quotes: quotes, hashes: hashes) {
                position += quotes + hashes
                return
            } else if current == UInt8(ascii: "\n"), !multiLine {
                return  // unterminated: the compiler will say so
            } else {
                position += 1
            }
        }
    }

    private func hashesFollow(_ count: Int, at offset: Int) -> Bool {
        (0..<count).allSatisfy { byte(at: offset + $0) == UInt8(ascii: "#") }
    }

    private func closes(quotes: Int, hashes: Int) -> Bool {
        (0..<quotes).allSatisfy { byte(at: position + $0) == UInt8(ascii: "\"") } && hashesFollow(hashes, at: position + quotes)
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
