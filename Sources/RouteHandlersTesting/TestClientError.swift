/// Why a live test request (``TestingMode/live``) got no response.
public struct TestClientError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public var description: String { rawValue }
        init(_ rawValue: String) { self.rawValue = rawValue }

        /// The test server could not be started.
        public static let serverFailed = Code("serverFailed")
        /// The client could not connect, or the connection failed while sending.
        public static let connectionFailed = Code("connectionFailed")
        /// The server broke the FastCGI protocol or sent an unreadable response head.
        public static let protocolError = Code("protocolError")
        /// The server did not answer in time.
        public static let timedOut = Code("timedOut")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
