import Crypto
import Foundation
import RouteHandlersTestHarness
import Testing

/// POST /api/upload/multipart of the example: a multipart body streamed through nginx part by part, a file part
/// hashed as it arrives, in flat memory.
@Suite("Example API: streamed multipart upload", .timeLimit(.minutes(3)))
struct ExampleMultipartUploadTests {
    @Test func a1GiBFilePartIsHashedRightInFlatMemory() async throws {
        try await withExampleAPI { api in
            let directory = try TemporaryDirectory()
            let path = directory.file("big.bin")
            // 1 GiB written (and hashed) 1 MiB at a time: one pattern, each block marked with its number.
            var block = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            var hash = SHA256()
            FileManager.default.createFile(atPath: path, contents: nil)
            let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            for number in 0..<1024 {
                withUnsafeBytes(of: UInt32(number).littleEndian) { block.replaceSubrange(0..<4, with: $0) }
                hash.update(data: block)
                try file.write(contentsOf: block)
            }
            try file.close()
            let expected = hash.finalize().map { String(format: "%02x", $0) }.joined()
            let started = ContinuousClock.now
            let result = try await runCommand(
                "/usr/bin/curl",
                [
                    "-s", "--max-time", "120", "-H", "Expect:", "-F", "note=hi", "-F", "file=@\(path)", "-w", "\n%{http_code}",
                    api.nginx.baseURL + "/api/upload/multipart",
                ],
                seconds: 150)
            let elapsed = ContinuousClock.now - started
            let lines = String(decoding: result.output, as: UTF8.self).split(separator: "\n")
            #expect(lines.last == "200", "\(lines) \(api.appLog)")
            #expect(
                lines.first.map(String.init)
                    == #"{"parts":[{"name":"note","value":"hi"},{"filename":"big.bin","name":"file","sha256":"\#(expected)","size":1073741824}]}"#
            )
            let peak = try ExampleUploadTests.peakResidentBytes(of: api.process.pid)
            print("1 GiB multipart upload: \(elapsed), worker VmHWM \(peak >> 20) MiB")
            #expect(peak < 64 << 20, "VmHWM \(peak >> 20) MiB")
        }
    }

    @Test func aBodyWithoutItsClosingBoundaryIs400AndTheWorkerStaysUp() async throws {
        try await withExampleAPI { api in
            let broken = try await api.request(
                "/api/upload/multipart", method: "POST", headers: ["Expect:", "Content-Type: multipart/form-data; boundary=xyz"],
                body: Array("--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\nno end".utf8))
            #expect(broken.status == 400)
            #expect(broken.header("Content-Type") == "application/problem+json")
            #expect(broken.problemDetail.contains("closing boundary"))
            let notMultipart = try await api.request("/api/upload/multipart", method: "POST", headers: ["Expect:"], body: Array("x".utf8))
            #expect(notMultipart.status == 415)
            #expect(try await api.request("/api/hello").status == 200)
        }
    }
}
