import Foundation
import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Testing

@Suite struct ResponseTests {
    @Test func jsonTextBytesEmpty() throws {
        let json = Response.json(["a": 1], status: .created, headers: ["X-A": "1"])
        #expect(json.status == .created)
        #expect(json.headers.get("Content-Type") == "application/json")
        #expect(json.headers.get("X-A") == "1")
        #expect(json.body.bytes == Array(#"{"a":1}"#.utf8))
        #expect(
            Response.json(["a": 1], headers: ["Content-Type": "application/vnd.api+json"]).headers.get("Content-Type")
                == "application/vnd.api+json")
        #expect(Response.json(Double.nan).status == .internalServerError)
        #expect(Response.text("é").headers.get("Content-Type") == "text/plain; charset=utf-8")
        #expect(Response.text("é").body.bytes == [0xC3, 0xA9])
        #expect(Response.bytes([1, 2]).headers.get("Content-Type") == "application/octet-stream")
        #expect(Response.empty().status == .noContent)
        #expect(Response.empty().body.bytes == [])
    }

    @Test func redirectDefaultsTo307AndAcceptsOnlyRedirectStatuses() {
        let redirect = Response.redirect("https://example.com/next?x=1")
        #expect(redirect.status.code == 307)
        #expect(redirect.headers.get("Location") == "https://example.com/next?x=1")
        let statuses: [RedirectStatus] = [.movedPermanently, .found, .seeOther, .temporaryRedirect, .permanentRedirect]
        #expect(statuses.map { Response.redirect("/x", status: $0).status.code } == [301, 302, 303, 307, 308])
        #expect(RedirectStatus(.seeOther)?.status.code == 303)
        #expect(RedirectStatus(.ok) == nil)
        #expect(RedirectStatus(HTTPResponse.Status(code: 304)) == nil)
        #expect(RedirectStatus(HTTPResponse.Status(code: 300)) == nil)
        let url = RequestURL(scheme: "https", hostname: "example.com", target: "/a?b=c")
        #expect(Response.redirect(url, status: .permanentRedirect).headers.get("Location") == "https://example.com/a?b=c")
    }

    @Test func redirectLocationsAreAlwaysWellFormed() {
        #expect(Response.redirect("/caf\u{E9} menu?q=a b").headers.get("Location") == "/caf%C3%A9%20menu?q=a%20b")
        #expect(Response.redirect("/already%20encoded").headers.get("Location") == "/already%20encoded")
        let injected = Response.redirect("/x\r\nSet-Cookie: evil=1")
        #expect(injected.headers.get("Location") == "/x%0D%0ASet-Cookie:%20evil=1")
        #expect(injected.headers.rejectedFields.isEmpty)
        #expect(injected.headers.getSetCookie().isEmpty)
    }

    @Test func streamsFromAsyncSequencesOfBytesAndStrings() async throws {
        let bytes = AsyncStream<[UInt8]> { continuation in
            continuation.yield([1, 2])
            continuation.yield([3])
            continuation.finish()
        }
        let strings = AsyncStream<String> { continuation in
            continuation.yield("hello ")
            continuation.yield("world")
            continuation.finish()
        }
        var router = Router()
        router.get("/bytes") { _, _ in .stream(bytes) }
        router.get("/text") { _, _ in .stream(strings, headers: ["Content-Type": "text/markdown"]) }
        router.get("/writer") { _, _ in
            .stream(status: .accepted) { writer in
                try await writer.write("a")
                try await writer.write([UInt8(ascii: "b")])
            }
        }
        try await router.test { client in
            let binary = try await client.get("/bytes")
            #expect(binary.chunks == [[1, 2], [3]])
            #expect(binary.headers.get("Content-Type") == "application/octet-stream")
            let text = try await client.get("/text")
            #expect(text.chunks.map { String(decoding: $0, as: UTF8.self) } == ["hello ", "world"])
            #expect(text.headers.get("Content-Type") == "text/markdown")
            let written = try await client.get("/writer")
            #expect(written.status == .accepted)
            #expect(written.text == "ab")
        }
    }

    @Test func serverSentEventsAndNDJSON() async throws {
        let events = AsyncStream<ServerSentEvent> { continuation in
            continuation.yield(ServerSentEvent(data: "hello"))
            continuation.yield(ServerSentEvent(data: "line 1\nline 2", event: "update", id: "7", retry: 3000))
            continuation.yield(.comment("keep-alive"))
            continuation.yield(ServerSentEvent(data: "x", event: "a\nb"))
            continuation.finish()
        }
        struct Row: Encodable, Sendable {
            var id: Int
            var name: String
        }
        let rows = AsyncStream<Row> { continuation in
            continuation.yield(Row(id: 1, name: "a"))
            continuation.yield(Row(id: 2, name: "b\nc"))
            continuation.finish()
        }
        var router = Router()
        router.get("/events") { _, _ in .eventStream(events) }
        router.get("/rows") { _, _ in .ndjson(rows) }
        try await router.test { client in
            let sse = try await client.get("/events")
            #expect(sse.headers.get("Content-Type") == "text/event-stream; charset=utf-8")
            #expect(sse.headers.get("Cache-Control") == "no-cache")
            #expect(sse.chunks.count == 4)
            #expect(
                sse.text
                    == "data: hello\n\nevent: update\nid: 7\nretry: 3000\ndata: line 1\ndata: line 2\n\n: keep-alive\n\nevent: a b\ndata: x\n\n"
            )
            let ndjson = try await client.get("/rows")
            #expect(ndjson.headers.get("Content-Type") == "application/x-ndjson")
            #expect(ndjson.chunks.count == 2)
            #expect(ndjson.text == "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\\nc\"}\n")
        }
    }

    @Test func fileResponsesGoThroughXAccelRedirect() {
        let file = Response.file("/protected/reports/q1.pdf", contentType: "application/pdf", downloadName: "Q1 report.pdf")
        #expect(file.status == .ok)
        #expect(file.headers.get("X-Accel-Redirect") == "/protected/reports/q1.pdf")
        #expect(file.headers.get("Content-Type") == "application/pdf")
        #expect(file.headers.get("Content-Disposition") == #"attachment; filename="Q1 report.pdf""#)
        #expect(file.body.bytes == [])
        let unicode = Response.file("/protected/r\u{E9}sum\u{E9}.pdf", downloadName: "r\u{E9}sum\u{E9} \"v2\".pdf")
        #expect(unicode.headers.get("X-Accel-Redirect") == "/protected/r%C3%A9sum%C3%A9.pdf")
        #expect(
            unicode.headers.get("Content-Disposition")
                == #"attachment; filename="r_sum_ _v2_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf"#)
        #expect(unicode.headers.get("Content-Type") == nil)
        #expect(Response.file("/protected/100% done?#.txt").headers.get("X-Accel-Redirect") == "/protected/100%25%20done%3F%23.txt")
        #expect(Response.accelRedirect("/p/a%20b?x=1").headers.get("X-Accel-Redirect") == "/p/a%20b?x=1")
        #expect(Response.accelRedirect("@files", headers: ["Cache-Control": "private"]).headers.get("Cache-Control") == "private")
    }
}
