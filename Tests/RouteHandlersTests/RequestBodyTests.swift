import RouteHandlers
import RouteHandlersTesting
import Testing

@Suite struct RequestBodyTests {
    struct Payload: Codable, Equatable {
        var name: String
        var count: Int
        var tags: [String]?
    }

    @Test func bytesTextAndJSON() async throws {
        let request = post(contentType: "application/json", #"{"name":"caf\u00e9","count":2}"#)
        #expect(try await request.text() == #"{"name":"caf\u00e9","count":2}"#)
        #expect(try await request.json(Payload.self) == Payload(name: "café", count: 2))
        let typed: Payload = try await request.json()
        #expect(typed.count == 2)
        let invalidUTF8 = post(contentType: "text/plain", [0x61, 0xFF, 0x62])
        #expect(try await invalidUTF8.text() == "a\u{FFFD}b")
    }

    @Test func untypedJSON() async throws {
        let request = post(contentType: "application/json", #"{"a":[1,2.5,"x",true,null],"b":{"c":"d"},"n":-3}"#)
        let value = try await request.json()
        #expect(value["a"]?[0]?.intValue == 1)
        #expect(value["a"]?[1]?.doubleValue == 2.5)
        #expect(value["a"]?[1]?.intValue == nil)
        #expect(value["a"]?[2]?.stringValue == "x")
        #expect(value["a"]?[3]?.boolValue == true)
        #expect(value["a"]?[4]?.isNull == true)
        #expect(value["a"]?[5] == nil)
        #expect(value["b"]?["c"] == "d")
        #expect(value["n"] == -3)
        #expect(value["missing"] == nil)
        let literal: JSONValue = ["a": [1, 2.5, "x", true, nil], "b": ["c": "d"], "n": -3]
        #expect(value == literal)
        #expect(try JSONBody.decode(JSONValue.self, from: JSONBody.encode(literal)) == literal)
        #expect(try await post(contentType: nil, "42").json() == 42)
        #expect(try await post(contentType: nil, #""s""#).json() == "s")
    }

    @Test func badJSONIs400AndTheWrongShapeIs422NamingTheField() async {
        let malformed = await expectHTTPError(400) { _ = try await post(contentType: "application/json", "{not json").json() }
        #expect(malformed?.message == "The request body is not valid JSON.")
        await expectHTTPError(400) { _ = try await post(contentType: "application/json", "{not json").json(Payload.self) }
        await expectHTTPError(400) { _ = try await post(contentType: "application/json", "").json() }
        let missing = await expectHTTPError(422) { _ = try await post(contentType: nil, #"{"name":"x"}"#).json(Payload.self) }
        #expect(missing?.message == #"Missing field "count"."#)
        let wrongType = await expectHTTPError(422) {
            _ = try await post(contentType: nil, #"{"name":"x","count":1,"tags":[1]}"#).json(Payload.self)
        }
        #expect(wrongType?.message == #"Field "tags[0]" must be a string."#)
    }

    @Test func rawBytesStayAvailableAfterAnotherReaderRan() async throws {
        // A webhook: decode, then verify a signature over the exact bytes, then read the form and text again.
        let raw = #"{"name":"a","count":1}"#
        let request = post(contentType: "application/json", raw)
        _ = try await request.json(Payload.self)
        _ = try await request.json()
        #expect(try await request.bytes() == Array(raw.utf8))
        #expect(try await request.text() == raw)
        var collected: [UInt8] = []
        for try await chunk in request.bodyChunks { collected += chunk }
        #expect(collected == Array(raw.utf8))
        #expect(try await request.bytes() == Array(raw.utf8))
    }

    @Test func bodyAsAnAsyncSequenceOfChunks() async throws {
        let body = (0..<(150 * 1024)).map { UInt8(truncatingIfNeeded: $0) }
        let request = post(contentType: nil, body)
        var chunks: [[UInt8]] = []
        for try await chunk in request.bodyChunks { chunks.append(chunk) }
        #expect(chunks.map(\.count) == [65536, 65536, 22528])
        #expect(chunks.flatMap { $0 } == body)
        var empty = 0
        for try await _ in post(contentType: nil, [UInt8]()).bodyChunks { empty += 1 }
        #expect(empty == 0)
    }

    @Test func perRouteBodyLimitIs413ForEveryReader() async throws {
        var router = Router()
        router.post("/small", bodyLimit(10) { request, _ in .text(try await request.text()) })
        router.post("/small-form", bodyLimit(10) { request, _ in .text(try await request.formData().string("a") ?? "") })
        router.post(
            "/small-chunks",
            bodyLimit(10) { request, _ in
                var count = 0
                for try await chunk in request.bodyChunks { count += chunk.count }
                return .text("\(count)")
            })
        router.post("/small-json", bodyLimit(10) { request, _ in .json(try await request.json()) })
        router.post("/large") { request, _ in .text("\(try await request.bytes().count)") }
        try await router.test { client in
            let fits = try await client.post("/small", body: "0123456789")
            #expect(fits.status == .ok)
            #expect(fits.text == "0123456789")
            for path in ["/small", "/small-form", "/small-chunks", "/small-json"] {
                let over = try await client.post(path, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: "a=012345678")
                #expect(over.status.code == 413, "\(path)")
                #expect(over.headers.get("Content-Type") == "application/problem+json")
                #expect(over.text.contains("limit of 10 bytes"))
            }
            #expect(try await client.post("/large", body: "0123456789ABCDEF").text == "16")
        }
        // A tighter limit set further in wins; a looser one does not lift it.
        let nested: RouteHandler = bodyLimit(100, bodyLimit(5) { request, _ in .text(try await request.text()) })
        let outer: RouteHandler = bodyLimit(5, bodyLimit(100) { request, _ in .text(try await request.text()) })
        let context = Context(params: RouteParameters(), requestID: "t", logger: .init(label: "t"))
        for handler in [nested, outer] {
            await expectHTTPError(413) { _ = try await handler(post(contentType: nil, "123456"), context) }
        }
        // Inside a handler (file-based routes).
        let request = post(contentType: nil, "123456")
        await expectHTTPError(413) { _ = try await request.limitingBody(to: 5).text() }
        #expect(try await request.limitingBody(to: 6).text() == "123456")
        #expect(request.limitingBody(to: 5).limitingBody(to: 100).bodyLimit == 5)
    }
}
