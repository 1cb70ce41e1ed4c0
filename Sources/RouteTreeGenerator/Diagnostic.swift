/// A build-time problem in an `app/` tree, printed the way compilers print theirs (`path:line: error: message`)
/// so that SwiftPM, Xcode and editors show it at the file and line.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is. New severities may be added.
    public struct Severity: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let error = Severity("error")
        public static let warning = Severity("warning")
        /// Points at the other side of a conflict.
        public static let note = Severity("note")
    }

    /// The file the diagnostic is about, as an absolute path.
    public var path: String
    /// 1-based.
    public var line: Int
    public var severity: Severity
    public var message: String

    public init(_ severity: Severity, path: String, line: Int = 1, _ message: String) {
        self.severity = severity
        self.path = path
        self.line = line
        self.message = message
    }

    public static func error(_ path: String, line: Int = 1, _ message: String) -> Diagnostic {
        Diagnostic(.error, path: path, line: line, message)
    }

    /// `path:line: error: message`.
    public var description: String {
        "\(path):\(line): \(severity): \(message)"
    }
}

/// Every problem found in an `app/` tree; generation produces nothing when there is one.
public struct GeneratorError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
