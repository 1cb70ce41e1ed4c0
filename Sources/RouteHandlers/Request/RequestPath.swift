/// Turning a raw, percent-encoded request path into the decoded segments routing matches on.
public enum RequestPath {
    /// Resolves `.` and `..` segments (also when percent-encoded, as WHATWG URL parsing does) and keeps
    /// everything else as sent. Empty segments are kept; routing skips them.
    public static func removingDotSegments(_ path: Substring) -> String {
        guard path.contains(".") else { return path.isEmpty ? "/" : String(path) }
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (offset, segment) in segments.enumerated() where offset > 0 || !segment.isEmpty {
            let isLast = offset == segments.count - 1
            switch dotKind(segment) {
            case .current:
                if isLast { output.append("") }
            case .parent:
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            case .none:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    /// Splits a pathname into percent-decoded segments, skipping empty ones.
    /// - Throws: ``HTTPError`` 400 when a segment holds a malformed escape such as `%zz`.
    public static func decodedSegments(_ pathname: some StringProtocol) throws(HTTPError) -> [String] {
        var segments: [String] = []
        for raw in pathname.split(separator: "/", omittingEmptySubsequences: true) {
            do {
                segments.append(try PercentDecoding.decodeStrict(Substring(raw)))
            } catch {
                throw HTTPError(.badRequest, "The request path has a malformed percent escape in \"\(raw)\".")
            }
        }
        return segments
    }

    /// Checks that every `%` in a pathname starts a `%XX` escape, without allocating.
    /// - Throws: ``HTTPError`` 400 naming the segment with the malformed escape.
    public static func validateEscapes(_ pathname: String) throws(HTTPError) {
        let utf8 = pathname.utf8
        guard utf8.contains(UInt8(ascii: "%")) else { return }
        var index = utf8.startIndex
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                let second = first == utf8.endIndex ? first : utf8.index(after: first)
                guard second != utf8.endIndex, PercentDecoding.hexValue(utf8[first]) != nil,
                    PercentDecoding.hexValue(utf8[second]) != nil
                else {
                    let raw = pathname.split(separator: "/").first { $0.contains("%") && (try? PercentDecoding.decodeStrict($0)) == nil }
                    throw HTTPError(.badRequest, "The request path has a malformed percent escape in \"\(raw ?? Substring(pathname))\".")
                }
                index = utf8.index(after: second)
            } else {
                index = utf8.index(after: index)
            }
        }
    }

    private enum DotKind { case current, parent, none }

    private static func dotKind(_ segment: Substring) -> DotKind {
        switch segment.lowercased() {
        case ".", "%2e": .current
        case "..", ".%2e", "%2e.", "%2e%2e": .parent
        default: .none
        }
    }
}
