/// Thrown by ``TestClient`` when a streamed body failed after its head was sent.
public struct IncompleteResponse: Error, Sendable {
    /// What was received before the stream failed.
    public var partial: TestResponse?
}

/// Why a live test request (``TestingMode/live``) got no response.
public struct TestClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it was, for a test to tell them apart.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let rawValue: String
        /// The code's name.
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

    /// What kind of failure it was.
    public var code: Code
    /// What happened, for a person to read.
    public var message: String

    /// An error of `code`.
    /// - Parameters:
    ///   - code: what kind of failure it was.
    ///   - message: what happened.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message.
    public var description: String { "\(code): \(message)" }
}
