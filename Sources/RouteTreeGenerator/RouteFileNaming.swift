/// Names of generated files and symbols. The build-tool plugin declares the same file names before the
/// generator runs (it keeps a copy of ``mangle(_:)``; the fixture tests fail if the two ever disagree).
public enum RouteFileNaming {
    /// The file holding `Router.app()`.
    public static let indexFileName = "AppRoutes.generated.swift"

    /// The wrapper for the route file in `relativeFolder` (its folder below `app/`, `""` for `app/route.swift`).
    public static func wrapperFileName(relativeFolder: String) -> String {
        relativeFolder.isEmpty ? "Route.generated.swift" : "Route_\(mangle(relativeFolder)).generated.swift"
    }

    /// The wrapper for the middleware file in `relativeFolder` (`""` for `app/middleware.swift`).
    public static func middlewareFileName(relativeFolder: String) -> String {
        relativeFolder.isEmpty ? "Middleware.generated.swift" : "Middleware_\(mangle(relativeFolder)).generated.swift"
    }

    /// An identifier-safe, reversible spelling of a folder path: letters and digits stay, `/` is `__`, a few
    /// common characters get a short escape (`[` `_l`, `]` `_r`, `(` `_o`, `)` `_c`, `.` `_d`, `-` `_m`, `_` `_u`)
    /// and every other byte is `_` and two uppercase hex digits. No two folders share a spelling.
    public static func mangle(_ relativeFolder: String) -> String {
        var result = ""
        for byte in relativeFolder.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/"): result += "__"
            case UInt8(ascii: "["): result += "_l"
            case UInt8(ascii: "]"): result += "_r"
            case UInt8(ascii: "("): result += "_o"
            case UInt8(ascii: ")"): result += "_c"
            case UInt8(ascii: "."): result += "_d"
            case UInt8(ascii: "-"): result += "_m"
            case UInt8(ascii: "_"): result += "_u"
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                result += "_"
                result.unicodeScalars.append(digits[Int(byte >> 4)])
                result.unicodeScalars.append(digits[Int(byte & 0xF)])
            }
        }
        return result
    }

    /// A Swift string literal for `text`, escaping what a literal cannot hold as is.
    static func stringLiteral(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
