import RouteHandlers
import RouteHandlersTesting
import Testing

/// `request.multipartParts()`: parts streamed from a body that arrives in pieces, and their errors as problems.
@Suite struct MultipartPartsTests {
    static let contentType = "multipart/form-data; boundary=XyZ"

    static func body(_ parts: [String], closing: String = "--\r\n") -> [UInt8] {
        Array((parts.map { "--XyZ\r\n" + $0 + "\r\n" }.joined() + "--XyZ" + closing).utf8)
    }

    @Test func partsStreamFromABodyThatArrivesInSmallPieces() async throws {
        let file = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n".utf8)
        body += Array("--XyZ\r\nContent-Disposition: form-data; name=\"skipped\"; filename=\"s.bin\"\r\n\r\nnot read\r\n".utf8)
        body += Array("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a/b.bin\"\r\nContent-Type: x/y\r\n\r\n".utf8)
        body += file + Array("\r\n--XyZ--\r\n".utf8)
        let stream = RequestBodyStream(highWaterMark: 4096)
        let request = Request(method: .post, "/", headers: ["Content-Type": Self.contentType], body: RequestBody(stream: stream))
        let producer = Task {
            for offset in stride(from: 0, to: body.count, by: 1000) {
                stream.append(Array(body[offset..<min(offset + 1000, body.count)]))
                while stream.bufferedCount > 4096 { try await Task.sleep(for: .milliseconds(1)) }
            }
            stream.finish()
        }
        var seen: [String] = []
        var received: [UInt8] = []
        var skipped: MultipartPart?
        for try await part in try request.multipartParts() {
            seen.append("\(part.name):\(part.filename ?? "-"):\(part.contentType ?? "-")")
            if part.name == "note" { #expect(try await part.text() == "hi") }
            if part.name == "skipped" { skipped = part }
            if part.name == "file" {
                for try await chunk in part.chunks { received += chunk }
            }
        }
        try await producer.value
        #expect(seen == ["note:-:-", "skipped:s.bin:-", "file:b.bin:x/y"])
        #expect(received == file)
        let late = try #require(skipped)
        await #expect(throws: MultipartPartSkippedError.self) { _ = try await late.bytes() }
    }

    @Test func badTypesAndBodiesAre415And400() async throws {
        let json = Request(method: .post, "/", headers: ["Content-Type": "application/json"], body: RequestBody("{}"))
        await expectHTTPError(415) { _ = try json.multipartParts() }
        await expectHTTPError(400) { _ = try post(contentType: "multipart/form-data", Self.body([])).multipartParts() }
        let truncated = post(
            contentType: Self.contentType, Array(Self.body(["Content-Disposition: form-data; name=\"a\"\r\n\r\n1"]).dropLast(6)))
        let error = await expectHTTPError(400) {
            for try await part in try truncated.multipartParts() { _ = try await part.bytes() }
        }
        #expect(error?.message?.contains("closing boundary") == true)
        let big = post(contentType: Self.contentType, Self.body(["Content-Disposition: form-data; name=\"a\"\r\n\r\n123456"]))
        await expectHTTPError(413) {
            for try await part in try big.multipartParts() { _ = try await part.text(limit: 5) }
        }
    }

    @Test func aRouteAnswersAMalformedBodyWithAProblem() async throws {
        var router = Router()
        router.post("/upload") { request, _ in
            var names: [String] = []
            for try await part in try request.multipartParts(limits: MultipartLimits(maxParts: 2)) {
                names.append("\(part.name)=\(try await part.bytes().count)")
            }
            return .json(names)
        }
        try await router.test { (client: TestClient) throws in
            let headers: Headers = ["Content-Type": Self.contentType]
            let field = "Content-Disposition: form-data; name=\"a\"\r\n\r\n12"
            let ok = try await client.post("/upload", headers: headers, body: RequestBody(bytes: Self.body([field, field])))
            #expect(ok.text == #"["a=2","a=2"]"#)
            let tooMany = try await client.post("/upload", headers: headers, body: RequestBody(bytes: Self.body([field, field, field])))
            #expect(tooMany.status == .badRequest)
            #expect(tooMany.headers.get("Content-Type") == "application/problem+json")
            #expect(try tooMany.json(JSONValue.self)["detail"]?.stringValue == "The multipart body has more than 2 parts.")
            let unclosed = try await client.post(
                "/upload", headers: headers, body: RequestBody(bytes: Array(Self.body([field]).dropLast(4))))
            #expect(unclosed.status == .badRequest)
            let wrongType = try await client.post("/upload", headers: ["Content-Type": "text/plain"], body: RequestBody("x"))
            #expect(wrongType.status == .unsupportedMediaType)
        }
    }
}
