import RouteHandlers

extension MultipartScannerTests {
    /// Well-formed and malformed bodies: preamble, epilogue, padding, bare LFs, empty parts, truncations.
    static var fixedCorpus: [[UInt8]] {
        let field = "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
        let file = "Content-Disposition: form-data; name=\"f\"; filename=\"dir/x.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        let delimiter = "--\(boundary)"
        var bodies: [[UInt8]] = [
            body([field + "1", file + "line\r\n\r\n--XyZ-boundary\r\n", field]),
            body([field + "x"], closing: "--"),
            body([field + "x"], closing: "--\r\nepilogue \r\n--\(boundary)--"),
            body([]),
            Array("preamble\r\n\(delimiter)\r\n\(field)v\r\n\(delimiter)--".utf8),
            Array("\(delimiter) \t \r\n\(field)v\r\n\(delimiter)\t\n\(field)w\r\n\(delimiter)--".utf8),
            Array("\(delimiter)\n\r\n1\r\n\(delimiter)--".utf8),
            Array("\(delimiter)\r\n\r\n1\r\n\(delimiter)--".utf8),
            Array("\(delimiter)\r\nContent-Disposition: form-data;\r\n name=\"folded\"\r\n\r\n1\r\n\(delimiter)--".utf8),
            Array("\(delimiter)\r\n\(field)".utf8),
            Array("\(delimiter)\r\n\(field)truncated".utf8),
            Array("\(delimiter)\r\n\(field)almost\r\n\(delimiter)".utf8),
            Array("\(delimiter)\r\n\(field)almost\r\n\(delimiter)-".utf8),
            Array("\(delimiter)\r\n\(field)v\r\n\(delimiter)junk\r\n".utf8),
            Array("\(delimiter)\r\n\(field)v\r\n\(delimiter)  --".utf8),
            Array("\(delimiter)\r\nContent-Disposition: form-data; name=\"a\"".utf8),
            Array("\(delimiter)\r".utf8),
            Array("\(delimiter)".utf8),
            Array("no boundary here".utf8),
            Array("-".utf8),
            [],
            Array("\(delimiter)\r\n\(field)".utf8) + [0xC3, 0x28] + Array("\r\n\(delimiter)--".utf8),
            Array("\(delimiter)\r\nContent-Disposition: form-data; name=\"a\"\r\nbroken\r\n\r\n1\r\n\(delimiter)--".utf8),
            Array(
                "\(delimiter)\r\nContent-Disposition: form-data; name=\"g\"; filename*=UTF-8''na%C3%AFve.txt\r\n\r\n\r\n\(delimiter)--".utf8
            ),
            Array("--\(boundary)X\r\n\(field)1\r\n\(delimiter)--".utf8),
        ]
        bodies.append(Array("\r\n\(delimiter)\r\n\(field)after CRLF preamble\r\n\(delimiter)--\r\n".utf8))
        return bodies
    }

    /// A body of random parts whose contents are full of near-misses of the delimiter (never the whole of it: the
    /// alphabet lacks the boundary's last character), with random preambles, padding, line breaks and epilogues.
    static func randomBody(using random: inout SeededGenerator) -> [UInt8] {
        let alphabet: [UInt8] = [13, 10, 45, 88, 121, 97, 0, 0xFF, 0xC3, 0xA9]
        let delimiter = Array("\r\n--\(boundary)".utf8)
        func content(_ count: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            while bytes.count < count {
                if Int.random(in: 0..<4, using: &random) == 0 {
                    bytes += delimiter.prefix(Int.random(in: 1..<delimiter.count, using: &random))
                } else {
                    bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)])
                }
            }
            return bytes
        }
        func lineBreak() -> String { Bool.random(using: &random) ? "\r\n" : "\n" }
        var body: [UInt8] = Bool.random(using: &random) ? [] : content(Int.random(in: 0...20, using: &random)) + Array("\r\n".utf8)
        for index in 0..<Int.random(in: 0...4, using: &random) {
            body += Array("--\(boundary)\(Bool.random(using: &random) ? "" : "  ")\(lineBreak())".utf8)
            let isFile = Bool.random(using: &random)
            var headers = "Content-Disposition: form-data; name=\"p\(index)\""
            if isFile { headers += "; filename=\"f\(index).bin\"\r\nContent-Type: application/x-\(index)" }
            body += Array("\(headers)\r\n\r\n".utf8)
            body += content(Int.random(in: 0...(isFile ? 200 : 12), using: &random))
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--".utf8)
        if Bool.random(using: &random) { body += Array("\r\n".utf8) + content(Int.random(in: 0...10, using: &random)) }
        return body
    }
}
