import Foundation
import HTTPTypes
import Logging
import Testing
@testable import RouteHandlers

/// The one response writer every gateway uses: what reaches the web server for a handler's response.
@Suite("Response writer")
struct ResponseWriterTests {
    private func head(_ response: Response, _ method: HTTPRequest.Method = .get) -> String {
        String(decoding: ResponseWriter.head(of: response, method: method).cgiBytes, as: UTF8.self)
    }

    @Test func headerLinesThenStatusThenContentLength() {
        let text = head(.json(["a": "b"], status: .created, headers: ["Location": "/x"]))
        // Status last: HAProxy applies the lines in order, and a Location after Status would turn 201 into 302.
        #expect(text == "Location: /x\r\nContent-Type: application/json\r\nContent-Length: 9\r\nStatus: 201 Created\r\n\r\n")
    }

    @Test func contentLengthIsAlwaysTheBodysOwn() {
        var response = Response.text("hello")
        response.headers.set("Content-Length", "999")
        #expect(head(response).contains("Content-Length: 5\r\n"))
        #expect(!head(response).contains("999"))
    }

    @Test func headKeepsTheGETContentLength() {
        var response = Response(status: .ok, headers: ["Content-Length": "27", "Content-Type": "application/json"])
        response.body = .empty
        #expect(head(response, .head).contains("Content-Length: 27\r\n"))
        #expect(!ResponseWriter.head(of: response, method: .head).sendsBody)
    }

    @Test func noBodyStatusesSendNoContentLength() {
        #expect(!head(.empty()).contains("Content-Length"))
        #expect(head(Response(status: .notModified)).hasSuffix("Status: 304 Not Modified\r\n\r\n"))
    }

    @Test func repeatedHeadersStaySeparate() {
        var response = Response.text("x")
        response.headers.append("Set-Cookie", "a=1")
        response.headers.append("Set-Cookie", "b=2")
        #expect(head(response).contains("Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n"))
    }

    @Test func hopByHopFieldsAreDropped() {
        let response = Response.text("x", headers: ["Connection": "close", "Transfer-Encoding": "chunked", "X-Kept": "1"])
        let text = head(response)
        #expect(!text.contains("Connection") && !text.contains("Transfer-Encoding"))
        #expect(text.contains("X-Kept: 1\r\n"))
    }

    @Test func streamsAskNginxNotToBuffer() {
        let response = Response(body: ResponseBody(stream: { writer in try await writer.write("x") }))
        let text = head(response)
        #expect(text.contains("X-Accel-Buffering: no\r\n"))
        #expect(!text.contains("Content-Length"))
    }

    @Test(arguments: [
        ("X-Bad", "a\r\nSet-Cookie: x=1"), ("X-Bad", "line\nbreak"), ("X-Bad", "nul\u{0}byte"), ("Bad Name", "v"),
        ("Bad:Name", "v"), ("", "v"),
    ])
    func invalidFieldsAreAnsweredWith500(name: String, value: String) async {
        var response = Response.text("x")
        response.headers.set(name, value)
        let sink = RecordingSink()
        let outcome = await ResponseWriter.write(response, method: .get, requestID: "r-1", logger: Logger(label: "test"), to: sink)
        #expect(outcome == .complete)
        let sent = sink.text
        #expect(sent.contains("Status: 500 Internal Server Error\r\n"))
        #expect(sent.contains(#""requestId":"r-1""#))
        #expect(!sent.contains("x=1") && !sent.contains("break"))
    }

    @Test func anInterimStatusFromAHandlerIsAnsweredWith500() async {
        let sink = RecordingSink()
        _ = await ResponseWriter.write(Response(status: .continue), method: .get, requestID: "r-2", logger: Logger(label: "test"), to: sink)
        #expect(sink.text.contains("Status: 500 "))
    }

    @Test func aStreamThatFailsAfterItsHeadIsIncomplete() async {
        struct Broken: Error {}
        let response = Response.stream { writer in
            try await writer.write("first")
            throw Broken()
        }
        let sink = RecordingSink()
        let outcome = await ResponseWriter.write(response, method: .get, requestID: "r-3", logger: Logger(label: "test"), to: sink)
        #expect(outcome == .incomplete)
        #expect(sink.text.hasSuffix("\r\n\r\nfirst"))
    }

    @Test func headSendsNoStreamedBody() async {
        let response = Response.stream { writer in try await writer.write("never") }
        let sink = RecordingSink()
        #expect(await ResponseWriter.write(response, method: .head, requestID: "r-4", logger: Logger(label: "test"), to: sink) == .complete)
        #expect(!sink.text.contains("never"))
    }
}

/// Records the bytes a gateway would send.
final class RecordingSink: ResponseSink, @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }

    func writeHead(_ head: ResponseHead, body: [UInt8]?) async -> Bool {
        lock.withLock { bytes += head.cgiBytes + (body ?? []) }
        return true
    }

    func writeChunk(_ chunk: [UInt8]) async -> Bool {
        lock.withLock { bytes += chunk }
        return true
    }
}
