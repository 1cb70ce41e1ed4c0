import Crypto
import Foundation
import RouteHandlersTestHarness
import Testing

/// POST /api/upload of the example: a body streamed through nginx (`fastcgi_request_buffering off`) to a handler
/// that hashes it as it arrives, in flat memory.
@Suite("Example API: streamed upload", .timeLimit(.minutes(3)))
struct ExampleUploadTests {
    /// The peak resident size (`VmHWM`) of process `pid`, in bytes.
    static func peakResidentBytes(of pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { throw HarnessError("no VmHWM in /proc/\(pid)/status") }
        return kilobytes * 1024
    }

    @Test func a96MiBUploadIsHashedRightInFlatMemory() async throws {
        try await withExampleAPI { api in
            let directory = try TemporaryDirectory()
            let path = directory.file("upload.bin")
            // 96 MiB of a pattern that is not all one byte, written (and hashed) 1 MiB at a time.
            var hash = SHA256()
            FileManager.default.createFile(atPath: path, contents: nil)
            let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            for block in 0..<96 {
                let chunk = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ block) })
                hash.update(data: chunk)
                try file.write(contentsOf: chunk)
            }
            try file.close()
            let expected = hash.finalize().map { String(format: "%02x", $0) }.joined()
            let result = try await runCommand(
                "/usr/bin/curl",
                [
                    "-s", "--max-time", "120", "-H", "Expect:", "-H", "Content-Type: application/octet-stream", "-X", "POST",
                    "-T", path, "-w", "\n%{http_code}", api.nginx.baseURL + "/api/upload",
                ],
                seconds: 150)
            let lines = String(decoding: result.output, as: UTF8.self).split(separator: "\n")
            #expect(lines.last == "200", "\(lines) \(api.appLog)")
            #expect(lines.first.map(String.init) == #"{"size":100663296,"sha256":"\#(expected)"}"#)
            let peak = try Self.peakResidentBytes(of: api.process.pid)
            #expect(peak < 64 << 20, "VmHWM \(peak >> 20) MiB")
        }
    }

    @Test func anEmptyBodyIsTheHashOfNothingAndGETIs405() async throws {
        try await withExampleAPI { api in
            let empty = try await api.request("/api/upload", method: "POST", body: [])
            #expect(empty.status == 200)
            #expect(empty.header("Content-Type") == "application/json")
            #expect(empty.text == #"{"size":0,"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}"#)
            let small = try await api.request("/api/upload", method: "POST", body: Array("hello".utf8))
            #expect(small.text == #"{"size":5,"sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}"#)
            let get = try await api.request("/api/upload")
            #expect(get.status == 405)
            #expect(get.header("Allow")?.contains("POST") == true)
        }
    }

    @Test func aBodyOverTheGlobalLimitIs413ElsewhereAndTheConnectionStaysGood() async throws {
        // The app's global limit is 1 MiB here; /api/upload's own 4 GiB replaces it, /api/echo keeps it.
        try await withExampleAPI(environment: ["ROUTE_HANDLERS_MAX_BODY_SIZE": "1m"]) { api in
            let body = [UInt8](repeating: 0x62, count: 2 << 20)
            let rejected = try await api.request("/api/echo", method: "POST", headers: ["Expect:"], body: body)
            #expect(rejected.status == 413)
            #expect(rejected.problemDetail.contains("1048576"))
            let accepted = try await api.request("/api/upload", method: "POST", headers: ["Expect:"], body: body)
            #expect(accepted.status == 200)
            #expect(accepted.text.hasPrefix(#"{"size":2097152,"#))
            #expect(try await api.request("/api/hello").status == 200)
        }
    }
}
