import Foundation
import Logging

/// A log handler that keeps what the server logged: each record's level and metadata, for a test to check
/// those rather than the wording, and its text.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        /// The handler's metadata with the record's own (such as `request-id`) over it.
        var metadata: Logger.Metadata
    }

    private let lock = NSLock()
    private var _records: [Record] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    var records: [Record] { lock.withLock { _records } }
    /// Each record as "level message".
    var messages: [String] { records.map { "\($0.level) \($0.message)" } }

    init() {}

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let record = Record(level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 })
        lock.withLock { _records.append(record) }
    }
}
