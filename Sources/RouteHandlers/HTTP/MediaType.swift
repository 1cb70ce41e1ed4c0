/// A parsed `Content-Type` (or `Content-Disposition`) value: a lowercased type and its parameters, quoted
/// strings unquoted (RFC 9110 §5.6.6).
struct MediaType: Sendable, Hashable {
    /// `type/subtype` lowercased, or a disposition such as `form-data`.
    var type: String
    /// Parameters in order, names lowercased.
    var parameters: [(name: String, value: String)]

    /// `nil` when there is no type before the parameters.
    init?(_ text: String) {
        var scanner = Substring(text)
        let type = scanner.prefix { $0 != ";" }.trimmingWhitespace()
        guard !type.isEmpty else { return nil }
        self.type = type.lowercased()
        scanner = scanner.dropFirst(scanner.prefix { $0 != ";" }.count)
        parameters = []
        while scanner.first == ";" {
            scanner = scanner.dropFirst().drop { $0 == " " || $0 == "\t" }
            let name = scanner.prefix { $0 != "=" && $0 != ";" }
            scanner = scanner.dropFirst(name.count)
            guard scanner.first == "=" else { continue }
            scanner = scanner.dropFirst()
            var value = ""
            if scanner.first == "\"" {
                scanner = scanner.dropFirst()
                while let character = scanner.first, character != "\"" {
                    scanner = scanner.dropFirst()
                    if character == "\\", let escaped = scanner.first {
                        value.append(escaped)
                        scanner = scanner.dropFirst()
                    } else {
                        value.append(character)
                    }
                }
                scanner = scanner.dropFirst()  // the closing quote
                scanner = scanner.drop { $0 != ";" }
            } else {
                let raw = scanner.prefix { $0 != ";" }
                scanner = scanner.dropFirst(raw.count)
                value = String(raw.trimmingWhitespace())
            }
            let key = name.trimmingWhitespace().lowercased()
            if !key.isEmpty { parameters.append((key, value)) }
        }
    }

    /// The first parameter named `name` (lowercase).
    func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.type == rhs.type && lhs.parameters.elementsEqual(rhs.parameters) { $0 == $1 }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        for parameter in parameters {
            hasher.combine(parameter.name)
            hasher.combine(parameter.value)
        }
    }
}
