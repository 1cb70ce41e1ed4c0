import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Synchronization
import Testing

/// ETag, If-None-Match → 304 and If-Match → 412, answered by the one response writer.
@Suite struct ConditionalRequestTests {
    private func router(streamRan: Flag = Flag()) -> Router {
        var router = Router()
        router.get("/post") { _, _ in .json(["title": "Hello"], headers: ["Cache-Control": "max-age=60", "Vary": "Accept"]) }
        router.add("/clock", .get, config: RouteConfig(etag: false)) { _, _ in .text("changes every time") }
        router.get("/tagged") { _, _ in .text("v2", headers: ["ETag": "W/\"v2\""]) }
        router.get("/missing") { _, _ in .text("none", status: .notFound) }
        router.get("/download") { _, _ in .file("/protected/report.pdf") }
        router.get("/stream") { _, _ in
            Response.stream(headers: ["ETag": "\"s1\""]) { writer in
                streamRan.value.store(true, ordering: .relaxed)
                try await writer.write(Array("streamed".utf8))
            }
        }
        return router
    }

    @Test func aSuccessfulGetGetsAStrongETagOfItsBodyAndHeadTheSame() async throws {
        try await router().test { (client: TestClient) throws in
            let first = try await client.get("/post")
            let tag = try #require(first.headers.get("ETag"))
            #expect(tag.hasPrefix("\"") && tag.hasSuffix("\"") && !tag.hasPrefix("W/"))
            #expect(try await client.get("/post").headers.get("ETag") == tag)
            #expect(try await client.execute(.head, "/post").headers.get("ETag") == tag)
            #expect(try await client.get("/missing").headers.get("ETag") == nil)
            #expect(try await client.get("/clock").headers.get("ETag") == nil)
            #expect(EntityTag(body: Array("a".utf8)) != EntityTag(body: Array("b".utf8)))
        }
    }

    @Test func aBodysTagIsItsFNV1aHashAndLengthInBase36() {
        // Next.js's spelling; written digit by digit, so checked against String(_:radix:) here.
        for body in [[UInt8](), Array("a".utf8), Array(repeating: 0xFF, count: 70_000), (0..<4096).map { UInt8($0 % 251) }] {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in body { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            let expected = String(hash, radix: 36) + "-" + String(body.count, radix: 36)
            #expect(EntityTag(body: body).opaqueTag == expected)
            #expect(EntityTag.fieldValue(body: body) == "\"\(expected)\"")
        }
        #expect(EntityTag(body: Array("a".utf8)).opaqueTag == "2o0ongoiv4rrg-1")
    }

    @Test func aMatchingIfNoneMatchGets304WithTheValidatorsAndNoBody() async throws {
        try await router().test { (client: TestClient) throws in
            let tag = try #require(try await client.get("/post").headers.get("ETag"))
            for value in [tag, "\"other\", \(tag)", "W/\(tag)", "*"] {
                let again = try await client.get("/post", headers: ["If-None-Match": value])
                #expect(again.status == .notModified, "\(value)")
                #expect(again.body.isEmpty)
                #expect(again.headers.get("ETag") == tag)
                #expect(again.headers.get("Cache-Control") == "max-age=60")
                #expect(again.headers.get("Vary") == "Accept")
                #expect(again.headers.get("Content-Type") == nil)
            }
            #expect(try await client.get("/post", headers: ["If-None-Match": "\"stale\""]).status == .ok)
            // A weak tag of the handler's own matches weakly.
            #expect(try await client.get("/tagged", headers: ["If-None-Match": "\"v2\""]).status == .notModified)
            #expect(try await client.execute(.head, "/post", headers: ["If-None-Match": tag]).status == .notModified)
            // * matches any current representation, tagged or not; a 404 has none.
            #expect(try await client.get("/clock", headers: ["If-None-Match": "*"]).status == .notModified)
            #expect(try await client.get("/missing", headers: ["If-None-Match": "*"]).status == .notFound)
            // nginx answers the conditionals of a file it serves through X-Accel-Redirect.
            #expect(try await client.get("/download", headers: ["If-None-Match": "*"]).status == .ok)
        }
    }

    @Test func aStreamedAnswerWithAnETagIs304WithoutRunningItsStream() async throws {
        let ran = Flag()
        try await router(streamRan: ran).test { (client: TestClient) throws in
            let response = try await client.get("/stream", headers: ["If-None-Match": "\"s1\""])
            #expect(response.status == .notModified)
            let streamRan = ran.value.load(ordering: .relaxed)
            #expect(!streamRan)
            #expect(try await client.get("/stream").text == "streamed")
        }
    }

    @Test func aFailingIfMatchGets412() async throws {
        try await router().test { (client: TestClient) throws in
            let tag = try #require(try await client.get("/post").headers.get("ETag"))
            #expect(try await client.get("/post", headers: ["If-Match": tag]).status == .ok)
            #expect(try await client.get("/post", headers: ["If-Match": "*"]).status == .ok)
            let failed = try await client.get("/post", headers: ["If-Match": "\"old\""])
            #expect(failed.status == .preconditionFailed)
            #expect(failed.headers.get("Content-Type") == "application/problem+json")
            // If-Match compares strongly: a weak tag never passes.
            #expect(try await client.get("/tagged", headers: ["If-Match": "W/\"v2\""]).status == .preconditionFailed)
            // Evaluated before If-None-Match.
            #expect(try await client.get("/post", headers: ["If-Match": "\"old\"", "If-None-Match": tag]).status == .preconditionFailed)
        }
    }

    @Test func anUnsafeMethodChecksItsPreconditionsBeforeChangingAnything() async throws {
        let version = Mutex(1)
        var router = Router()
        router.put("/doc") { request, _ in
            let current = EntityTag("v\(version.withLock { $0 })")
            try request.checkPreconditions(current: current)
            let next = version.withLock { value in
                value += 1
                return value
            }
            return .text("saved", headers: ["ETag": EntityTag("v\(next)").description])
        }
        router.put("/new") { request, _ in
            try request.checkPreconditions(current: EntityTag("exists"))
            return .text("created", status: .created)
        }
        try await router.test { (client: TestClient) throws in
            let saved = try await client.execute(.put, "/doc", headers: ["If-Match": "\"v1\""])
            #expect(saved.status == .ok)
            #expect(saved.headers.get("ETag") == "\"v2\"")
            // A lost update: the client still holds v1.
            #expect(try await client.execute(.put, "/doc", headers: ["If-Match": "\"v1\""]).status == .preconditionFailed)
            #expect(version.withLock { $0 } == 2)
            #expect(try await client.execute(.put, "/new", headers: ["If-None-Match": "*"]).status == .preconditionFailed)
            #expect(try await client.execute(.put, "/new").status == .created)
        }
    }

    @Test func entityTagsParseAndCompareAsRFC9110Says() {
        #expect(EntityTag(parsing: "\"xyzzy\"") == EntityTag("xyzzy"))
        #expect(EntityTag(parsing: " W/\"xyzzy\" ") == EntityTag("xyzzy", weak: true))
        #expect(EntityTag(parsing: "xyzzy") == nil)
        #expect(EntityTag(parsing: "\"a\"b\"") == nil)
        #expect(EntityTag("1").matchesStrongly(EntityTag("1")))
        #expect(!EntityTag("1", weak: true).matchesStrongly(EntityTag("1", weak: true)))
        #expect(EntityTag("1", weak: true).matchesWeakly(EntityTag("1")))
        #expect(EntityTag("a,b").description == "\"a,b\"")
    }
}

private final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
