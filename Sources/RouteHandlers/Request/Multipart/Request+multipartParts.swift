extension Request {
    /// The parts of a `multipart/form-data` body, read as the body arrives: a file part is a stream of chunks,
    /// never held whole, so a route with `requestBuffering = false` takes uploads of any size in flat memory.
    ///
    /// ```swift
    /// for try await part in try request.multipartParts() {
    ///     if part.isFile {
    ///         for try await chunk in part.chunks { hash.update(data: chunk) }
    ///     } else {
    ///         fields[part.name] = try await part.text()
    ///     }
    /// }
    /// ```
    ///
    /// The body is read once, in order: read a part's ``MultipartPart/chunks`` before asking for the next part,
    /// which skips what is left of it. ``formData()`` reads the same format whole, under the body limit.
    /// - Throws: ``HTTPError`` 415 when the body is not `multipart/form-data` (or names a charset other than
    ///   UTF-8), 400 when its boundary is missing or invalid. Iterating throws 400 for a malformed body and 413
    ///   over ``bodyLimit``.
    public func multipartParts(limits: MultipartLimits = MultipartLimits()) throws(HTTPError) -> MultipartParts {
        let boundary = try FormData.multipartBoundary(contentType: headers.get("Content-Type"))
        let scanner = try MultipartScanner(
            boundary: boundary, limits: MultipartScanner.Limits(maxParts: limits.maxParts, maxHeaderBytes: limits.maxHeaderBytes))
        return MultipartParts(reader: MultipartReader(chunks: bodyChunks, scanner: scanner))
    }
}

extension FormData {
    /// The boundary of a `multipart/form-data` Content-Type.
    /// - Throws: ``HTTPError`` 415 for another type (or a charset other than UTF-8), 400 without a boundary.
    static func multipartBoundary(contentType: String?) throws(HTTPError) -> String {
        guard let contentType, let mediaType = MediaType(contentType) else {
            throw HTTPError(.unsupportedMediaType, "Expected a multipart/form-data body; the request has no Content-Type.")
        }
        try checkCharset(mediaType)
        guard mediaType.type == "multipart/form-data" else {
            throw HTTPError(.unsupportedMediaType, "Expected a multipart/form-data body, not \(mediaType.type).")
        }
        guard let boundary = mediaType.parameter("boundary") else {
            throw HTTPError(.badRequest, "The multipart/form-data Content-Type has no boundary parameter.")
        }
        return boundary
    }

    static func checkCharset(_ mediaType: MediaType) throws(HTTPError) {
        if let charset = mediaType.parameter("charset")?.lowercased(), charset != "utf-8", charset != "us-ascii" {
            throw HTTPError(.unsupportedMediaType, "Form bodies must be UTF-8, not \(charset).")
        }
    }
}
