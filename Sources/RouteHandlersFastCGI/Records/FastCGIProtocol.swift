// The FastCGI 1.0 wire format: record types, roles, statuses and the 8-byte record header.
//
// Everything in Records/ is pure Swift (standard library only, no I/O) so that the fuzz target
// (Tests/Fuzz, built by .ci/fuzz-records) can compile these files on their own.

/// Record types (FastCGI specification, section 8).
enum FastCGIRecordType: UInt8, Sendable {
    case beginRequest = 1
    case abortRequest = 2
    case endRequest = 3
    case params = 4
    case stdin = 5
    case stdout = 6
    case stderr = 7
    case data = 8
    case getValues = 9
    case getValuesResult = 10
    case unknownType = 11
}

/// The roles a web server may ask for in `FCGI_BEGIN_REQUEST`; only the responder is served.
enum FastCGIRole: UInt16, Sendable {
    case responder = 1
    case authorizer = 2
    case filter = 3
}

/// `protocolStatus` of `FCGI_END_REQUEST`.
enum FastCGIProtocolStatus: UInt8, Sendable {
    case requestComplete = 0
    case cantMultiplexConnection = 1
    case overloaded = 2
    case unknownRole = 3
}

/// The fixed 8-byte header in front of every record.
struct FastCGIRecordHeader: Equatable, Sendable {
    static let size = 8
    static let version: UInt8 = 1
    /// The largest record: header, 65535 bytes of content, 255 of padding.
    static let maximumRecordSize = size + 65535 + 255

    var version: UInt8
    var type: UInt8
    var requestID: UInt16
    var contentLength: Int
    var paddingLength: Int

    /// The header at the start of `bytes`, which must hold at least ``size`` bytes.
    init(_ bytes: UnsafeRawBufferPointer) {
        version = bytes[0]
        type = bytes[1]
        requestID = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        contentLength = Int(bytes[4]) << 8 | Int(bytes[5])
        paddingLength = Int(bytes[6])
    }

    init(type: FastCGIRecordType, requestID: UInt16, contentLength: Int, paddingLength: Int = 0) {
        self.version = Self.version
        self.type = type.rawValue
        self.requestID = requestID
        self.contentLength = contentLength
        self.paddingLength = paddingLength
    }

    var recordLength: Int { Self.size + contentLength + paddingLength }

    func append(to buffer: inout [UInt8]) {
        buffer.append(version)
        buffer.append(type)
        buffer.append(UInt8(truncatingIfNeeded: requestID >> 8))
        buffer.append(UInt8(truncatingIfNeeded: requestID))
        buffer.append(UInt8(truncatingIfNeeded: contentLength >> 8))
        buffer.append(UInt8(truncatingIfNeeded: contentLength))
        buffer.append(UInt8(truncatingIfNeeded: paddingLength))
        buffer.append(0)
    }
}
