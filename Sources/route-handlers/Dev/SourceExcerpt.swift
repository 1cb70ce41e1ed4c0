import Foundation
import RouteTreeGenerator

/// The lines around a diagnostic's line in its file, for the terminal and the error page.
struct SourceExcerpt: Codable, Sendable {
    struct Line: Codable, Sendable {
        var number: Int
        var text: String
    }

    var lines: [Line]

    /// `context` lines on each side of `diagnostic.line`; empty when the file cannot be read.
    init(_ diagnostic: BuildDiagnostic, context: Int = 2) {
        guard let text = try? String(contentsOfFile: diagnostic.path, encoding: .utf8) else {
            lines = []
            return
        }
        var all = text.split(separator: "\n", omittingEmptySubsequences: false)
        if all.last?.isEmpty == true { all.removeLast() }
        let first = max(1, diagnostic.line - context)
        let last = min(all.count, diagnostic.line + context)
        lines = first <= last ? (first...last).map { Line(number: $0, text: String(all[$0 - 1])) } : []
    }

    /// The lines with their numbers, the diagnostic's line marked with `>` and a caret under its column.
    func rendered(for diagnostic: BuildDiagnostic) -> String {
        let width = String(lines.last?.number ?? 0).count
        var result = ""
        for line in lines {
            let number = String(line.number)
            let marker = line.number == diagnostic.line ? ">" : " "
            result += "\(marker) \(String(repeating: " ", count: width - number.count))\(number) | \(line.text)\n"
            if line.number == diagnostic.line, let column = diagnostic.column, column >= 1 {
                result += "  \(String(repeating: " ", count: width)) | \(String(repeating: " ", count: column - 1))^\n"
            }
        }
        return result
    }
}
