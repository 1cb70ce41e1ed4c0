import RouteHandlers

// As /api/upload: bodies up to 4 GiB, passed on by nginx as they arrive.
let bodyLimit = "4g"
let requestBuffering = false

/// POST /api/upload/multipart: streams a `multipart/form-data` body part by part, hashing file parts as they
/// arrive, and answers the parts in order:
/// `{"parts":[{"name":"note","value":"hi"},{"filename":"a.bin","name":"file","sha256":"<hex>","size":N}]}`
/// (a file part has `filename`, `size` and `sha256`; a field its `value`; keys sorted). Memory stays flat
/// whatever the size of a file; a malformed body is a 400 problem.
func POST(_ request: Request) async throws -> Response {
    var parts: [PartSummary] = []
    for try await part in try request.multipartParts() {
        if let filename = part.filename {
            let (size, digest) = try await UploadDigest.of(part.chunks)
            parts.append(PartSummary(name: part.name, filename: filename, size: size, sha256: digest))
        } else {
            parts.append(PartSummary(name: part.name, value: try await part.text(limit: 64 * 1024)))
        }
    }
    return .json(["parts": parts])
}

/// One part of the answer: a file's name, size and digest, or a field's value.
struct PartSummary: Encodable {
    var name: String
    var filename: String?
    var size: Int?
    var sha256: String?
    var value: String?
}
