/// Turning a raw, percent-encoded request path into the decoded segments routing matches on.
@usableFromInline package enum RequestPath {
    /// Resolves `.` and `..` segments (also when percent-encoded, as WHATWG URL parsing does) and keeps
    /// everything else as sent. Empty segments are kept; routing skips them.
    package static func removingDotSegments(_ path: Substring) -> String {
        guard path.utf8.contains(UInt8(ascii: ".")) else { return path.isEmpty ? "/" : String(path) }
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
    /// - Throws: ``HTTPError`` 400 when a segment holds a malformed escape such as `%zz`, or escapes that do not
    ///   decode to UTF-8 such as `%A0`.
    package static func decodedSegments(_ pathname: some StringProtocol) throws(HTTPError) -> [String] {
        var segments: [String] = []
        for raw in pathname.split(separator: "/", omittingEmptySubsequences: true) {
            do throws(PercentDecoding.Failure) {
                segments.append(try PercentDecoding.decodeStrict(Substring(raw)))
            } catch {
                throw badRequest(error, segment: Substring(raw))
            }
        }
        return segments
    }

    /// Checks that every `%` in a pathname starts a `%XX` escape and that each segment's escapes decode to
    /// UTF-8, without allocating (for a native string).
    /// - Throws: ``HTTPError`` 400 naming the segment with the malformed escape or the bytes that are not UTF-8.
    @usableFromInline package static func validateEscapes(_ pathname: String) throws(HTTPError) {
        guard pathname.utf8.contains(UInt8(ascii: "%")) else { return }
        var pathname = pathname
        let problem = pathname.withUTF8 { path in
            PercentDecoding.checkPath(path).map { ($0.failure, String(decoding: path[$0.segment], as: UTF8.self)) }
        }
        if let (failure, segment) = problem { throw badRequest(failure, segment: Substring(segment)) }
    }

    private static func badRequest(_ failure: PercentDecoding.Failure, segment: Substring) -> HTTPError {
        switch failure {
        case .malformedEscape:
            HTTPError(.badRequest, "The request path has a malformed percent escape in \"\(segment)\".")
        case .invalidUTF8:
            HTTPError(.badRequest, "The request path has percent escapes that are not UTF-8 in \"\(segment)\".")
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
