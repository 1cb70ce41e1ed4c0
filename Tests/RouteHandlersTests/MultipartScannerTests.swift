import RouteHandlers
import Testing

/// The incremental multipart scanner fed the same bodies cut every way: its parts are the buffered parser's.
@Suite struct MultipartScannerTests {
    static let boundary = "XyZ-boundary-Q"
    static let contentType = "multipart/form-data; boundary=\(boundary)"

    @Test func fixedBodiesScanAsTheBufferedParserParsesThemAtEverySplit() throws {
        var random = SeededGenerator(state: 26)
        for body in Self.fixedCorpus {
            try expectSameAsBuffered(body, random: &random)
        }
    }

    @Test func randomBodiesScanAsTheBufferedParserParsesThem() throws {
        var random = SeededGenerator(state: 7578)
        for _ in 0..<300 {
            let body = Self.randomBody(using: &random)
            try expectSameAsBuffered(body, random: &random)
        }
    }

    @Test func aDelimiterSplitAtEveryPointStillEndsThePart() throws {
        let body = Self.body(["Content-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n0123456789"])
        let delimiterStart = body.count - Array("\r\n--\(Self.boundary)--\r\n".utf8).count
        for cut in delimiterStart...(body.count - 1) {
            let scanned = try scan(body, cuts: [cut]).get()
            #expect(scanned.map(\.body) == [Array("0123456789".utf8)], "cut at \(cut)")
        }
    }

    @Test func aLargePartIsHandedOnWithAWindowOfADelimiter() throws {
        var random = SeededGenerator(state: 1)
        var file = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) }
        file.replaceSubrange(5000..<5020, with: Array("\r\n--XyZ-boundary-\r\n-".utf8))
        var body = Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big\"\r\n\r\n".utf8)
        body += file + Array("\r\n--\(Self.boundary)--".utf8)
        var scanner = try MultipartScanner(boundary: Self.boundary)
        var received: [UInt8] = []
        var mostHeld = 0
        for offset in stride(from: 0, to: body.count, by: 4096) {
            scanner.append(Array(body[offset..<min(offset + 4096, body.count)]))
            while let event = try scanner.next(), event != .end {
                if case .bodyChunk(let bytes) = event { received += bytes }
            }
            mostHeld = max(mostHeld, scanner.bufferedCount)
        }
        scanner.finish()
        #expect(try scanner.next() == .end)
        #expect(received == file)
        #expect(mostHeld < Self.boundary.utf8.count + 4)
    }

    @Test func limitsAndTruncationsAre400sAtEverySplit() throws {
        let longHeader = "Content-Disposition: form-data; name=\"a\"\r\nX-Pad: \(String(repeating: "p", count: 300))\r\n\r\n1"
        let cases: [([UInt8], MultipartScanner.Limits, String)] = [
            (Self.body([longHeader]), .init(maxHeaderBytes: 256), "headers are larger than 256 bytes"),
            (Array(Self.body([longHeader]).prefix(200)), .init(maxHeaderBytes: 256), "do not end with a blank line"),
            (
                Self.body(Array(repeating: "Content-Disposition: form-data; name=\"a\"\r\n\r\n1", count: 4)), .init(maxParts: 3),
                "more than 3 parts"
            ),
            (
                Array(Self.body(["Content-Disposition: form-data; name=\"a\"\r\n\r\n1"]).dropLast(4)), .init(),
                "without its closing boundary"
            ),
            (Array("preamble only\r\n--XyZ-boundary".utf8), .init(), "does not contain its boundary"),
        ]
        var random = SeededGenerator(state: 413)
        for (body, limits, message) in cases {
            for cuts in [[], Array(1..<body.count)] + (0..<10).map({ _ in Self.randomCuts(body.count, using: &random) }) {
                let result = try scan(body, cuts: cuts, limits: limits)
                guard case .failure(let error) = result else {
                    Issue.record("\(message): no error")
                    continue
                }
                #expect(error.status == .badRequest)
                #expect(error.message?.contains(message) == true, "\(error)")
            }
        }
    }

    @Test func theScannerStaysFailedAndIgnoresTheEpilogue() throws {
        var scanner = try MultipartScanner(boundary: "b")
        scanner.append(Array("--b\r\nContent-Type: x\r\n\r\n".utf8))
        #expect(throws: HTTPError.self) { try scanner.next() }
        #expect(throws: HTTPError.self) { try scanner.next() }
        var closed = try MultipartScanner(boundary: "b")
        closed.append(Array("--b--\r\nanything".utf8))
        #expect(try closed.next() == .end)
        closed.append(Array(repeating: 0, count: 1000))
        #expect(closed.bufferedCount == 0)
        #expect(throws: HTTPError.self) { try MultipartScanner(boundary: "") }
    }
}
