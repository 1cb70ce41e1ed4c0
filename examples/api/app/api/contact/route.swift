import Crypto
import RouteHandlers

/// POST /api/contact: a contact form, urlencoded or multipart with an optional file. Answers 200 with the text
/// fields and, for a file, its name, type, size and SHA-256 (what a real handler would store or mail on).
/// A body that is not a form is 415.
func POST(_ request: Request) async throws -> Response {
    // 415 for a body that is not a form, 400 for a malformed one.
    let form = try await request.formData()
    var text: [String: String] = [:]
    var file: FileSummary?
    for (name, value) in form {
        switch value {
        case .text(let value):
            if text[name] == nil { text[name] = value }
        case .file(let upload):
            // A browser sends an empty part with no filename when no file was chosen.
            guard file == nil, !upload.filename.isEmpty else { continue }
            file = FileSummary(
                field: name, name: upload.filename, contentType: upload.contentType, size: upload.size,
                sha256: hex(SHA256.hash(data: upload.bytes)))
        }
    }
    return .json(ContactReceipt(fields: text, file: file))
}

struct ContactReceipt: Encodable, Sendable {
    /// Text fields by name (the first of a repeated name).
    var fields: [String: String]
    /// The first uploaded file, or null.
    var file: FileSummary?

    enum CodingKeys: String, CodingKey { case fields, file }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fields, forKey: .fields)
        try container.encode(file, forKey: .file)
    }
}

struct FileSummary: Encodable, Sendable {
    /// The form field that carried the file.
    var field: String
    var name: String
    var contentType: String
    var size: Int
    /// Lowercase hex, as `sha256sum` prints it.
    var sha256: String
}
