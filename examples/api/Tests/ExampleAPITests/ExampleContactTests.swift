import Crypto
import Foundation
import RouteHandlersTestHarness
import Testing

/// POST /api/contact of the example: urlencoded and multipart forms, with an optional file, through nginx.
@Suite("Example API: contact form", .timeLimit(.minutes(2)))
struct ExampleContactTests {
    /// `curl -F` for each of `fields` (`name=value`, taken literally, or `name=@path` for a file), as a browser would
    /// post them.
    func postMultipart(_ api: ExampleAPIServer, _ path: String, _ fields: [String]) async throws -> ReceivedResponse {
        let result = try await runCommand(
            "/usr/bin/curl",
            ["-s", "-i", "--max-time", "10", "-H", "Expect:"] + fields.flatMap { [$0.contains("=@") ? "-F" : "--form-string", $0] } + [
                api.nginx.baseURL + path
            ],
            seconds: 15)
        guard result.status == 0 else { throw HarnessError("curl failed: \(result.error)") }
        return try ReceivedResponse.parse(result.output)
    }

    @Test func anUrlencodedFormIsEchoed() async throws {
        try await withExampleAPI { api in
            let response = try await api.request(
                "/api/contact", method: "POST", headers: ["Content-Type: application/x-www-form-urlencoded"],
                body: Array("name=Ada+Lovelace&email=ada%40example.com&message=Hello%2C+world%21".utf8))
            #expect(response.status == 200, "\(response)")
            #expect(response.text == #"{"fields":{"email":"ada@example.com","message":"Hello, world!","name":"Ada Lovelace"},"file":null}"#)
        }
    }

    @Test func aMultipartFormWithAFileIsSummarized() async throws {
        try await withExampleAPI { api in
            let directory = try TemporaryDirectory()
            var content = Array("line one\r\n--not-a-boundary\r\n".utf8)
            content += (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let file = directory.file("report.bin")
            try Data(content).write(to: URL(fileURLWithPath: file))
            let response = try await postMultipart(
                api, "/api/contact", ["name=Ada", "message=See attached; thanks", "attachment=@\(file);type=application/octet-stream"])
            #expect(response.status == 200, "\(response)")
            let json = try response.json()
            #expect(json["fields"] as? [String: String] == ["name": "Ada", "message": "See attached; thanks"])
            let summary = json["file"] as? [String: Any]
            #expect(summary?["field"] as? String == "attachment")
            #expect(summary?["name"] as? String == "report.bin")
            #expect(summary?["contentType"] as? String == "application/octet-stream")
            #expect(summary?["size"] as? Int == content.count)
            #expect(summary?["sha256"] as? String == SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined())
        }
    }

    @Test func aMultipartFormWithoutAFile() async throws {
        try await withExampleAPI { api in
            let response = try await postMultipart(api, "/api/contact", ["name=Ada", "email=ada@example.com"])
            #expect(response.status == 200, "\(response)")
            #expect(response.text == #"{"fields":{"email":"ada@example.com","name":"Ada"},"file":null}"#)
        }
    }

    @Test func aBodyThatIsNotAFormIs415() async throws {
        try await withExampleAPI { api in
            let response = try await api.send("POST", "/api/contact", json: #"{"name":"Ada"}"#)
            #expect(response.status == 415)
            #expect(response.header("Content-Type") == "application/problem+json")
            let broken = try await api.request(
                "/api/contact", method: "POST", headers: ["Content-Type: multipart/form-data; boundary=xyz"],
                body: Array("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated".utf8))
            #expect(broken.status == 400)
        }
    }

    @Test func echoListsMultipartFieldsWithFilenames() async throws {
        try await withExampleAPI { api in
            let directory = try TemporaryDirectory()
            let file = directory.file("hello.txt")
            try Data("hi".utf8).write(to: URL(fileURLWithPath: file))
            let response = try await postMultipart(api, "/api/echo/upload", ["a=1", "doc=@\(file)", "b=2"])
            #expect(try response.json()["form"] as? [[String]] == [["a", "1"], ["doc", "hello.txt"], ["b", "2"]])
        }
    }
}
