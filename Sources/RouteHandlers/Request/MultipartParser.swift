/// A `multipart/form-data` parser (RFC 7578 over RFC 2046) for a buffered body: the streaming
/// ``MultipartScanner`` fed the whole body at once, so that both readers accept and refuse the same bodies.
///
/// Lenient where clients differ harmlessly (a preamble, no CRLF after the closing delimiter, padding after a
/// delimiter, an epilogue), strict where data would be lost: a missing closing delimiter, a part without a
/// `Content-Disposition: form-data; name=…`, or text that is not UTF-8 is a 400.
enum MultipartParser {
    static func parse(_ body: [UInt8], boundary: String) throws(HTTPError) -> FormData {
        var scanner = try MultipartScanner(boundary: boundary)
        scanner.append(body)
        scanner.finish()
        var form = FormData()
        var head: MultipartPartHead?
        var content: [UInt8] = []
        while let event = try scanner.next() {
            switch event {
            case .part(let next):
                head = next
                content = []
            case .bodyChunk(let bytes):
                if content.isEmpty { content = bytes } else { content += bytes }
            case .partEnd:
                if let head { try form.entries.append(entry(head: head, content: content)) }
                head = nil
            case .end:
                return form
            }
        }
        return form  // not reached: a finished scanner always has an event
    }

    private static func entry(head: MultipartPartHead, content: [UInt8]) throws(HTTPError) -> (name: String, value: FormData.Value) {
        if let filename = head.filename {
            let file = FormData.File(filename: filename, contentType: head.contentType ?? "application/octet-stream", bytes: content)
            return (head.name, .file(file))
        }
        guard let text = String(validating: content, as: UTF8.self) else {
            throw HTTPError(.badRequest, "The multipart field \"\(head.name)\" is not valid UTF-8.")
        }
        return (head.name, .text(text))
    }
}
