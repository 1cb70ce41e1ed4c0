import Foundation
import Logging
import RouteHandlers
import RouteTreeGenerator
import Synchronization

/// Why the app is not serving: the last build's errors, or the app failing at start.
struct BuildFailure: Sendable {
    var title: String
    var errors: [(diagnostic: BuildDiagnostic, excerpt: SourceExcerpt)]
    /// The end of the build's (or the app's) output, for failures without compiler errors.
    var output: String

    init(title: String, errors: [BuildDiagnostic], output: String) {
        self.title = title
        self.errors = errors.map { ($0, SourceExcerpt($0)) }
        self.output = output
    }
}

/// The app `dev` serves while a build is broken: every request gets 500 with the errors, as HTML for
/// browsers (`Accept: text/html`) and as problem+json (RFC 9457) otherwise.
final class ErrorPage: HTTPResponder {
    private let failure = Mutex<BuildFailure>(BuildFailure(title: "Building", errors: [], output: ""))

    func show(_ newFailure: BuildFailure) {
        failure.withLock { $0 = newFailure }
    }

    func respond(to request: Request, requestID: String, logger: Logger) async -> Response {
        let current = failure.withLock { $0 }
        let accept = request.headers["Accept"] ?? ""
        if accept.contains("text/html") {
            return Response(
                status: .internalServerError,
                headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
                body: ResponseBody(Self.html(current)))
        }
        return Response(
            status: .internalServerError,
            headers: ["Content-Type": "application/problem+json", "Cache-Control": "no-store"],
            body: ResponseBody(bytes: Self.problem(current)))
    }

    struct Problem: Encodable {
        struct Error: Encodable {
            var file: String
            var line: Int
            var column: Int?
            var message: String
            var source: [SourceExcerpt.Line]
        }

        var type = "about:blank"
        var title: String
        var status = 500
        var detail: String
        var errors: [Error]
        var output: String?
    }

    static func detail(_ failure: BuildFailure) -> String {
        let count = failure.errors.count
        let what = count == 0 ? failure.title : "\(count) error\(count == 1 ? "" : "s")"
        return "\(what): save a fix and route-handlers dev rebuilds and serves the app again."
    }

    static func problem(_ failure: BuildFailure) -> [UInt8] {
        let problem = Problem(
            title: failure.title, detail: detail(failure),
            errors: failure.errors.map {
                Problem.Error(
                    file: $0.diagnostic.path, line: $0.diagnostic.line, column: $0.diagnostic.column,
                    message: $0.diagnostic.message, source: $0.excerpt.lines)
            },
            output: failure.errors.isEmpty ? failure.output : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(problem)) ?? Data("{\"title\":\"Build failed\",\"status\":500}".utf8))
    }

    static func html(_ failure: BuildFailure) -> String {
        var body = ""
        for (diagnostic, excerpt) in failure.errors {
            let location = "\(diagnostic.path):\(diagnostic.line)\(diagnostic.column.map { ":\($0)" } ?? "")"
            body += "<section><h2><code>\(escapeHTML(location))</code></h2>\n<p class=\"message\">\(escapeHTML(diagnostic.message))</p>\n"
            if !excerpt.lines.isEmpty {
                body += "<pre>"
                for line in excerpt.lines {
                    let mark = line.number == diagnostic.line ? " class=\"error-line\"" : ""
                    body += "<span\(mark)><span class=\"number\">\(line.number)</span> \(escapeHTML(line.text))</span>\n"
                }
                body += "</pre>\n"
            }
            body += "</section>\n"
        }
        if failure.errors.isEmpty, !failure.output.isEmpty {
            body += "<pre>\(escapeHTML(failure.output))</pre>\n"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escapeHTML(failure.title))</title>
            <style>
            body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
            h1 { color: #b00020; } h2 { font-size: 1rem; margin-bottom: 0; } .message { margin-top: .25rem; font-weight: 600; }
            pre { background: #f6f6f6; padding: .75rem; overflow-x: auto; border-radius: 4px; }
            .number { color: #888; display: inline-block; min-width: 3ch; text-align: right; }
            .error-line { background: #fde7ea; display: block; }
            </style></head>
            <body><h1>\(escapeHTML(failure.title))</h1>
            <p>\(escapeHTML(detail(failure)))</p>
            \(body)</body></html>

            """
    }
}
