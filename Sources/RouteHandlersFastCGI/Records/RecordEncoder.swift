/// The records this responder sends: `FCGI_STDOUT`, `FCGI_END_REQUEST` and the management answers.
enum RecordEncoder {
    /// The most content one record carries.
    static let maximumContentLength = 65535

    /// Appends `bytes` as `FCGI_STDOUT` records (none for an empty buffer: an empty record ends the stream).
    static func appendStdout(_ bytes: UnsafeRawBufferPointer, requestID: UInt16, to buffer: inout [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = min(maximumContentLength, bytes.count - offset)
            FastCGIRecordHeader(type: .stdout, requestID: requestID, contentLength: count).append(to: &buffer)
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
            offset += count
        }
    }

    /// Appends the empty `FCGI_STDOUT` record that ends the response and `FCGI_END_REQUEST`.
    static func appendEnd(requestID: UInt16, appStatus: UInt32 = 0, to buffer: inout [UInt8]) {
        FastCGIRecordHeader(type: .stdout, requestID: requestID, contentLength: 0).append(to: &buffer)
        appendEndRequest(requestID: requestID, status: .requestComplete, appStatus: appStatus, to: &buffer)
    }

    static func appendEndRequest(requestID: UInt16, status: FastCGIProtocolStatus, appStatus: UInt32 = 0, to buffer: inout [UInt8]) {
        FastCGIRecordHeader(type: .endRequest, requestID: requestID, contentLength: 8).append(to: &buffer)
        buffer.append(UInt8(truncatingIfNeeded: appStatus >> 24))
        buffer.append(UInt8(truncatingIfNeeded: appStatus >> 16))
        buffer.append(UInt8(truncatingIfNeeded: appStatus >> 8))
        buffer.append(UInt8(truncatingIfNeeded: appStatus))
        buffer.append(status.rawValue)
        buffer.append(contentsOf: [0, 0, 0])
    }

    static func appendUnknownType(_ type: UInt8, to buffer: inout [UInt8]) {
        FastCGIRecordHeader(type: .unknownType, requestID: 0, contentLength: 8).append(to: &buffer)
        buffer.append(type)
        buffer.append(contentsOf: [0, 0, 0, 0, 0, 0, 0])
    }

    /// Appends `FCGI_GET_VALUES_RESULT` with the values asked for in `query` that `known` has (the
    /// specification: unknown names are left out). An invalid query gets an empty result.
    static func appendGetValuesResult(query: UnsafeRawBufferPointer, known: [(name: String, value: String)], to buffer: inout [UInt8]) {
        var content: [UInt8] = []
        try? NameValuePairs.forEach(in: query) { pair in
            let name = UnsafeRawBufferPointer(rebasing: query[pair.name])
            if let entry = known.first(where: { $0.name.utf8.elementsEqual(name) }),
                content.count + entry.name.utf8.count + entry.value.utf8.count + 8 <= maximumContentLength
            {
                NameValuePairs.append(name: Array(entry.name.utf8), value: Array(entry.value.utf8), to: &content)
            }
        }
        FastCGIRecordHeader(type: .getValuesResult, requestID: 0, contentLength: content.count).append(to: &buffer)
        buffer.append(contentsOf: content)
    }
}
