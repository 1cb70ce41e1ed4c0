import RouteHandlers
import Testing

struct ScannedPart {
    var head: MultipartPartHead
    var body: [UInt8]
}

/// Scans `body` cut at `cuts` (ascending offsets), checking that events come in order.
func scan(
    _ body: [UInt8], boundary: String = MultipartScannerTests.boundary, cuts: [Int], limits: MultipartScanner.Limits = .init()
) throws -> Result<[ScannedPart], HTTPError> {
    var scanner = try MultipartScanner(boundary: boundary, limits: limits)
    var parts: [ScannedPart] = []
    var open = false
    var ended = false
    let bounds = [0] + cuts + [body.count]
    do {
        for index in 0..<bounds.count {
            if index + 1 < bounds.count { scanner.append(Array(body[bounds[index]..<bounds[index + 1]])) } else { scanner.finish() }
            while !ended, let event = try scanner.next() {
                switch event {
                case .part(let head):
                    #expect(!open)
                    parts.append(ScannedPart(head: head, body: []))
                    open = true
                case .bodyChunk(let bytes):
                    #expect(open && !bytes.isEmpty)
                    parts[parts.count - 1].body += bytes
                case .partEnd:
                    #expect(open)
                    open = false
                case .end:
                    #expect(!open)
                    ended = true
                }
            }
        }
    } catch {
        return .failure(error)
    }
    #expect(ended)
    return .success(parts)
}

/// The scanned parts as the buffered parser makes them into a form (text must be UTF-8).
func form(_ parts: [ScannedPart]) throws(HTTPError) -> FormData {
    var form = FormData()
    for part in parts {
        if let filename = part.head.filename {
            form.append(
                part.head.name,
                FormData.File(filename: filename, contentType: part.head.contentType ?? "application/octet-stream", bytes: part.body))
        } else {
            guard let text = String(validating: part.body, as: UTF8.self) else {
                throw HTTPError(.badRequest, "The multipart field \"\(part.head.name)\" is not valid UTF-8.")
            }
            form.append(part.head.name, text)
        }
    }
    return form
}

func describe(_ result: Result<FormData, HTTPError>) -> String {
    switch result {
    case .success(let form): "\(form.entries)"
    case .failure(let error): "\(error)"
    }
}

extension MultipartScannerTests {
    /// Whole, byte by byte, in pieces of 2 to 7, and cut at random: each the buffered parser's form or error.
    func expectSameAsBuffered(_ body: [UInt8], random: inout SeededGenerator) throws {
        let expected = describe(Result { () throws(HTTPError) in try FormData.parse(body, contentType: Self.contentType) })
        var splits: [[Int]] = [[], Array(1..<max(1, body.count))]
        for size in 2...7 { splits.append(Array(stride(from: size, to: body.count, by: size))) }
        for _ in 0..<8 { splits.append(Self.randomCuts(body.count, using: &random)) }
        for cuts in splits {
            let scanned = try scan(body, cuts: cuts).flatMap { parts in Result { () throws(HTTPError) in try form(parts) } }
            #expect(describe(scanned) == expected, "\(String(decoding: body, as: UTF8.self).debugDescription) cut at \(cuts)")
        }
    }

    static func randomCuts(_ count: Int, using random: inout SeededGenerator) -> [Int] {
        guard count > 1 else { return [] }
        return Set((0..<Int.random(in: 1...8, using: &random)).map { _ in Int.random(in: 1..<count, using: &random) }).sorted()
    }

    static func body(_ parts: [String], closing: String = "--\r\n") -> [UInt8] {
        Array((parts.map { "--\(boundary)\r\n" + $0 + "\r\n" }.joined() + "--\(boundary)" + closing).utf8)
    }
}
