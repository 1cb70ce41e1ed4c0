import Foundation

/// A compiler message read from build output (`path:line:column: error: message`), with route-source links
/// mapped back to the user's `route.swift` (see ``SourceLinks``).
public struct BuildDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    /// 1-based.
    public var line: Int
    /// 1-based, when the compiler gave one.
    public var column: Int?
    /// `error`, `warning` or `note`.
    public var severity: String
    public var message: String

    public init(path: String, line: Int, column: Int? = nil, severity: String, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// Reads one line of build output; `nil` for any other line.
    public init?(line text: some StringProtocol) {
        let text = String(text)
        guard text.hasPrefix("/") else { return nil }
        for severity in ["error", "warning", "note"] {
            guard let marker = text.range(of: ": \(severity): ") else { continue }
            var location = text[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
            var numbers: [Int] = []
            while numbers.count < 2, location.count > 1, let number = Int(location[location.count - 1]) {
                numbers.insert(number, at: 0)
                location.removeLast()
            }
            guard let line = numbers.first else { return nil }
            self.init(
                path: location.joined(separator: ":"), line: line, column: numbers.count > 1 ? numbers[1] : nil,
                severity: severity, message: String(text[marker.upperBound...]))
            return
        }
        return nil
    }

    /// `path:line:column: severity: message`, as compilers print it.
    public var description: String {
        "\(path):\(line):\(column.map { "\($0):" } ?? "") \(severity): \(message)"
    }

    /// This diagnostic at the user's file when it names a route-source link (see ``mappedPath(_:)``).
    public var mapped: BuildDiagnostic {
        var result = self
        result.path = Self.mappedPath(path)
        return result
    }

    /// The route file a route-source link stands for: the link's destination, or, when the link is gone, the
    /// display path its name spells (such as `app/api/hello/route.swift`). Any other path is returned as is.
    public static func mappedPath(_ path: String) -> String {
        guard SourceLinks.isLink(path) else { return path }
        if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) { return destination }
        return SourceLinks.displayPath(linkName: URL(fileURLWithPath: path).lastPathComponent)
    }

    /// The errors in `output` (the text `swift build` printed), mapped to the user's files, each once, in order.
    public static func errors(in output: String) -> [BuildDiagnostic] {
        var seen: Set<BuildDiagnostic> = []
        var result: [BuildDiagnostic] = []
        for line in output.split(whereSeparator: \.isNewline) {
            guard let diagnostic = BuildDiagnostic(line: line), diagnostic.severity == "error" else { continue }
            let mapped = diagnostic.mapped
            if seen.insert(mapped).inserted { result.append(mapped) }
        }
        return result
    }

    /// `text` with every route-source link path replaced by the route file's own path: build output as it would
    /// read if the compiler could name the files themselves.
    public static func mappingPaths(in text: String) -> String {
        let marker = "/\(SourceLinks.directoryName)/"
        guard text.contains(marker) else { return text }
        var result = ""
        var rest = Substring(text)
        while let found = rest.range(of: marker) {
            // The path starts after the last space, quote or line start before the marker, and ends at `.swift`.
            let start =
                rest[..<found.lowerBound].lastIndex(where: { $0 == " " || $0 == "\n" || $0 == "'" || $0 == "\"" })
                .map { rest.index(after: $0) } ?? rest.startIndex
            guard let end = rest[found.upperBound...].range(of: ".swift")?.upperBound,
                !rest[found.upperBound..<end].contains(where: { $0 == "\n" || $0 == "/" })
            else {
                result += rest[..<found.upperBound]
                rest = rest[found.upperBound...]
                continue
            }
            result += rest[..<start]
            result += mappedPath(String(rest[start..<end]))
            rest = rest[end...]
        }
        return result + rest
    }
}
