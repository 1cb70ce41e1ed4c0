import RouteHandlers

// TODO(issue 4): replace with `request.formData()` once the fidelity branch is merged into main.

/// One field of a form: text, or an uploaded file.
struct ExampleFormField: Sendable {
    var name: String
    var value: String
    /// Set for a file part of a multipart body.
    var file: UploadedFile?
}

struct UploadedFile: Sendable {
    var filename: String
    var contentType: String
    var bytes: [UInt8]
}

/// The fields of an urlencoded or multipart body, in order; nil when the body is not a form.
/// - Throws: ``HTTPError`` 400 for a multipart body without a boundary or with a malformed part.
func exampleFormFields(_ request: Request) async throws -> [ExampleFormField]? {
    guard let contentType = request.headers.getAll("Content-Type").first else { return nil }
    let parameters = contentType.split(separator: ";").map { $0.trimmed }
    switch parameters.first?.lowercased() {
    case "application/x-www-form-urlencoded":
        return URLSearchParams(try await request.text()).map { ExampleFormField(name: $0.name, value: $0.value) }
    case "multipart/form-data":
        let boundary = parameters.dropFirst().first { $0.lowercased().hasPrefix("boundary=") }
            .map { unquoted(String($0.dropFirst("boundary=".count))) }
        guard let boundary, !boundary.isEmpty else { throw HTTPError(.badRequest, "The multipart body has no boundary.") }
        return try multipartFields(try await request.bytes(), boundary: boundary)
    default:
        return nil
    }
}

private func multipartFields(_ body: [UInt8], boundary: String) throws(HTTPError) -> [ExampleFormField] {
    let delimiter = Array("--\(boundary)".utf8)
    let separator = Array("\r\n--\(boundary)".utf8)
    guard body.starts(with: delimiter) else { throw HTTPError(.badRequest, "The multipart body does not start with its boundary.") }
    var fields: [ExampleFormField] = []
    var position = delimiter.count
    while true {
        // After a delimiter: "--" ends the body, CRLF starts a part.
        if body[position...].starts(with: Array("--".utf8)) { return fields }
        guard body[position...].starts(with: Array("\r\n".utf8)),
              let headEnd = firstIndex(of: Array("\r\n\r\n".utf8), in: body, from: position + 2),
              let partEnd = firstIndex(of: separator, in: body, from: headEnd + 4)
        else { throw HTTPError(.badRequest, "A multipart part is malformed.") }
        let head = String(decoding: body[(position + 2)..<headEnd], as: UTF8.self)
        fields.append(try part(head: head, content: Array(body[(headEnd + 4)..<partEnd])))
        position = partEnd + separator.count
    }
}

private func part(head: String, content: [UInt8]) throws(HTTPError) -> ExampleFormField {
    var name: String?
    var filename: String?
    var contentType = "text/plain"
    for line in head.split(separator: "\r\n") {
        let pair = line.split(separator: ":", maxSplits: 1)
        guard pair.count == 2 else { continue }
        switch pair[0].trimmed.lowercased() {
        case "content-disposition":
            for parameter in pair[1].split(separator: ";").dropFirst() {
                let item = parameter.split(separator: "=", maxSplits: 1).map { String($0.trimmed) }
                guard item.count == 2 else { continue }
                if item[0].lowercased() == "name" { name = unquoted(item[1]) }
                if item[0].lowercased() == "filename" { filename = unquoted(item[1]) }
            }
        case "content-type":
            contentType = String(pair[1].trimmed)
        default:
            continue
        }
    }
    guard let name else { throw HTTPError(.badRequest, "A multipart part has no name.") }
    guard let filename else { return ExampleFormField(name: name, value: String(decoding: content, as: UTF8.self)) }
    return ExampleFormField(name: name, value: filename, file: UploadedFile(filename: filename, contentType: contentType, bytes: content))
}

private func unquoted(_ value: String) -> String {
    guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
    return String(value.dropFirst().dropLast()).replacing("\\\"", with: "\"")
}

private func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard !needle.isEmpty, start <= haystack.count - needle.count else { return nil }
    var index = start
    while index <= haystack.count - needle.count {
        if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        index += 1
    }
    return nil
}
