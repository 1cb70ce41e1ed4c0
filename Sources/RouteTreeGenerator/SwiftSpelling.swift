/// Whether a parameter name can be a property of a route's generated `Params`. Every name is written in
/// backticks, as a raw identifier (SE-0451, Swift 6.2), so `[user-id]` becomes `` context.params.`user-id` ``;
/// this says which names even backticks cannot hold.
enum SwiftSpelling {
    /// Why `name` cannot be a raw identifier, or `nil` when it can.
    static func rawIdentifierProblem(_ name: String) -> String? {
        if name.hasPrefix("$") {
            return "Swift reserves names starting with $"
        }
        for scalar in name.unicodeScalars {
            switch scalar {
            case "`", "\\":
                return "Swift identifiers cannot contain \(scalar), even in backticks"
            case " ", "\u{200E}", "\u{200F}":
                continue
            case _ where scalar.properties.generalCategory == .control || scalar.properties.isWhitespace:
                return "Swift identifiers cannot contain control characters or whitespace other than a space"
            default:
                continue
            }
        }
        if name.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\u{200E}" || $0 == "\u{200F}" }) {
            return "a Swift identifier cannot be only spaces"
        }
        if name.unicodeScalars.allSatisfy(isOperatorCharacter) {
            return "a name made only of operator characters is an operator in Swift, even in backticks"
        }
        if !supportsRawIdentifiers, !isPlainIdentifier(name) {
            return "names that are not Swift identifiers are raw identifiers, which need Swift 6.2 or later"
        }
        return nil
    }

    /// Whether the compiler building the generator (the one building the routes, through the plugin) knows
    /// raw identifiers.
    static var supportsRawIdentifiers: Bool {
        #if compiler(>=6.2)
        true
        #else
        false
        #endif
    }

    /// Letters, digits and `_`, not starting with a digit: an identifier for any Swift 6 compiler.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    /// The Swift grammar's operator characters (The Swift Programming Language, Lexical Structure: Operators).
    static func isOperatorCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2F, 0x3D, 0x2D, 0x2B, 0x21, 0x2A, 0x25, 0x3C, 0x3E, 0x26, 0x7C, 0x5E, 0x7E, 0x3F, 0x2E: true
        case 0xA1...0xA7, 0xA9, 0xAB, 0xAC, 0xAE, 0xB0, 0xB1, 0xB6, 0xBB, 0xBF, 0xD7, 0xF7: true
        case 0x2016...0x2017, 0x2020...0x2027, 0x2030...0x203E, 0x2041...0x2053, 0x2055...0x205E: true
        case 0x2190...0x23FF, 0x2500...0x2775, 0x2794...0x2BFF, 0x2E00...0x2E7F, 0x3001...0x3003: true
        case 0x3008...0x3020, 0x3030: true
        // Combining marks continue an operator.
        case 0x0300...0x036F, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE00...0xFE0F, 0xFE20...0xFE2F, 0xE0100...0xE01EF: true
        default: false
        }
    }
}
