import Logging

/// The handler of a request's logger: the application's handler, with the request's id (`request-id`) added to
/// each message as it is emitted.
///
/// Setting the id as ordinary metadata would cost every request a re-render of the handler's metadata
/// (swift-log's `StreamLogHandler` renders it on each change), whether or not the request logs anything.
struct RequestLogHandler: LogHandler {
    static let key = "request-id"

    private var base: any LogHandler
    private var requestID: Logger.Metadata.Value?

    /// Wraps `base`. A handler that is already a request's (a responder inside another) is wrapped again: the
    /// outer id is the one messages get, and no dynamic cast is paid per request to unwrap it.
    static func wrapping(_ base: any LogHandler, requestID: String) -> RequestLogHandler {
        RequestLogHandler(base: base, requestID: .string(requestID))
    }

    private init(base: any LogHandler, requestID: Logger.Metadata.Value?) {
        self.base = base
        self.requestID = requestID
    }

    func log(event: LogEvent) {
        guard let requestID else { return base.log(event: event) }
        var event = event
        var metadata = event.metadata ?? [:]
        // A message's own metadata wins, as it does over a handler's.
        if metadata[Self.key] == nil { metadata[Self.key] = requestID }
        event.metadata = metadata
        base.log(event: event)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { key == Self.key ? requestID : base[metadataKey: key] }
        set {
            if key == Self.key { requestID = newValue } else { base[metadataKey: key] = newValue }
        }
    }

    var metadata: Logger.Metadata {
        get {
            var metadata = base.metadata
            if let requestID { metadata[Self.key] = requestID }
            return metadata
        }
        set {
            var rest = newValue
            requestID = rest.removeValue(forKey: Self.key)
            base.metadata = rest
        }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }
}
