import RouteHandlers
import Testing

@Suite struct URLEncodedFormTests {
    @Test func parsesWithWHATWGSemantics() async throws {
        let request = post(contentType: "application/x-www-form-urlencoded", "name=Ada+Lovelace&tag=a&tag=b%2Bc&x=%zz&e=%C3%A9&flag&=empty")
        let form = try await request.formData()
        #expect(form.string("name") == "Ada Lovelace")
        #expect(form.getAll("tag").compactMap(\.text) == ["a", "b+c"])
        #expect(form.string("x") == "%zz")
        #expect(form.string("e") == "é")
        #expect(form.string("flag") == "")
        #expect(form.string("") == "empty")
        #expect(form.has("flag"))
        #expect(form.file("name") == nil)
        #expect(form.map(\.name) == ["name", "tag", "tag", "x", "e", "flag", ""])
    }

    @Test func charsetParameterAndCaseAreAccepted() async throws {
        let form = try await post(contentType: "Application/X-WWW-Form-URLEncoded; charset=UTF-8", "a=1").formData()
        #expect(form.string("a") == "1")
        #expect(try await post(contentType: "application/x-www-form-urlencoded", "").formData().entries.isEmpty)
    }

    @Test func badEncodingsAre400And415() async {
        let invalidUTF8 = post(contentType: "application/x-www-form-urlencoded", [UInt8(ascii: "a"), UInt8(ascii: "="), 0xFF])
        let error = await expectHTTPError(400) { _ = try await invalidUTF8.formData() }
        #expect(error?.message?.contains("UTF-8") == true)
        await expectHTTPError(415) {
            _ = try await post(contentType: "application/x-www-form-urlencoded; charset=latin1", "a=1").formData()
        }
        await expectHTTPError(415) { _ = try await post(contentType: "application/json", "{}").formData() }
        let missing = await expectHTTPError(415) { _ = try await post(contentType: nil, "a=1").formData() }
        #expect(missing?.message?.contains("no Content-Type") == true)
    }
}

@Suite struct MultipartFormTests {
    static func multipart(_ parts: [String], boundary: String = "XyZ", closing: String = "--\r\n") -> [UInt8] {
        Array((parts.map { "--\(boundary)\r\n" + $0 + "\r\n" }.joined() + "--\(boundary)" + closing).utf8)
    }

    @Test func fieldsAndFilesWithFilenameAndContentType() async throws {
        let body = Self.multipart([
            "Content-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\nWorld",
            "Content-Disposition: form-data; name=\"doc\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n",
            "content-disposition: form-data; name=\"raw\"; filename=\"C:\\\\Users\\\\me\\\\a.bin\"\r\n\r\n\u{1}\u{2}",
            "Content-Disposition: form-data; name=\"title\"\r\n\r\n",
        ])
        let form = try await post(contentType: "multipart/form-data; boundary=XyZ", body).formData()
        #expect(form.getAll("title").compactMap(\.text) == ["Hello\r\nWorld", ""])
        let doc = try #require(form.file("doc"))
        #expect(doc.filename == "notes.txt")
        #expect(doc.contentType == "text/plain")
        #expect(doc.text() == "line 1\r\nline 2\r\n")
        let raw = try #require(form.file("raw"))
        #expect(raw.filename == "a.bin")
        #expect(raw.contentType == "application/octet-stream")
        #expect(raw.bytes == [1, 2])
        #expect(form.string("doc") == nil)
    }

    @Test func noTrailingCRLFPreambleEpilogueAndQuotedBoundary() async throws {
        let boundary = "----WebKit Form:Boundary'7MA4"
        var text = "This is a preamble.\r\n"
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
        text += "--\(boundary)   \r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
        text += "--\(boundary)--"
        let form = try await post(contentType: "multipart/form-data; boundary=\"\(boundary)\"; charset=utf-8", text).formData()
        #expect(form.string("a") == "1")
        #expect(form.string("b") == "2")

        let withEpilogue = Self.multipart(["Content-Disposition: form-data; name=\"x\"\r\n\r\ny"], closing: "--\r\nepilogue\r\n")
        #expect(try await post(contentType: "multipart/form-data; boundary=XyZ", withEpilogue).formData().string("x") == "y")
    }

    @Test func unicodeFilenamesBothSpellings() async throws {
        let body = Self.multipart([
            "Content-Disposition: form-data; name=\"f\"; filename=\"caf\u{E9}.txt\"\r\n\r\nx",
            "Content-Disposition: form-data; name=\"g\"; filename=\"fallback.txt\"; filename*=UTF-8''na%C3%AFve%20file.txt\r\n\r\ny",
            "Content-Disposition: form-data; name=\"h\"; filename=\"with \\\"quotes\\\".txt\"\r\n\r\nz",
        ])
        let form = try await post(contentType: "multipart/form-data; boundary=XyZ", body).formData()
        #expect(form.file("f")?.filename == "café.txt")
        #expect(form.file("g")?.filename == "naïve file.txt")
        #expect(form.file("h")?.filename == "with \"quotes\".txt")
    }

    @Test func largeFilesArriveByteForByte() async throws {
        var generator = SystemRandomNumberGenerator()
        var file = (0..<(3 * 1024 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Near-misses of the delimiter ("\r\n--XyZ") must stay in the file.
        file.replaceSubrange(1000..<1016, with: Array("\r\n--XyY\n--XyZ\r--X".utf8))
        var body = Array(
            "--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                .utf8)
        body += file
        body += Array("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nok\r\n--XyZ--\r\n".utf8)
        let form = try await post(contentType: "multipart/form-data; boundary=XyZ", body).formData()
        #expect(form.file("upload")?.bytes == file)
        #expect(form.string("after") == "ok")
    }

    @Test func malformedBodiesAre400WithAMessage() async {
        let cases: [(String, [UInt8], String)] = [
            ("multipart/form-data", Self.multipart(["Content-Disposition: form-data; name=\"a\"\r\n\r\n1"]), "no boundary"),
            (
                "multipart/form-data; boundary=Other", Self.multipart(["Content-Disposition: form-data; name=\"a\"\r\n\r\n1"]),
                "does not contain its boundary"
            ),
            (
                "multipart/form-data; boundary=XyZ", Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ntruncated".utf8),
                "without its closing boundary"
            ),
            ("multipart/form-data; boundary=XyZ", Self.multipart(["Content-Type: text/plain\r\n\r\n1"]), "Content-Disposition"),
            ("multipart/form-data; boundary=XyZ", Self.multipart(["Content-Disposition: form-data\r\n\r\n1"]), "no name"),
            (
                "multipart/form-data; boundary=XyZ",
                Self.multipart(["Content-Disposition: form-data; name=\"a\"\r\nbroken header\r\n\r\n1"]), "malformed header"
            ),
            ("multipart/form-data; boundary=XyZ", Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"".utf8), "blank line"),
            (
                "multipart/form-data; boundary=XyZ",
                Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n".utf8) + [0xC3, 0x28] + Array("\r\n--XyZ--".utf8),
                "not valid UTF-8"
            ),
            ("multipart/form-data; boundary=\(String(repeating: "b", count: 71))", [], "1 to 70"),
            ("multipart/form-data; boundary=XyZ", [], "does not contain its boundary"),
        ]
        for (contentType, body, message) in cases {
            let error = await expectHTTPError(400) { _ = try await post(contentType: contentType, body).formData() }
            #expect(error?.message?.contains(message) == true, "\(contentType): \(error?.message ?? "")")
        }
    }
}
