import Foundation
import Logging

/// A log handler that keeps messages, to check what the server logged.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var _messages: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    var messages: [String] { lock.withLock { _messages } }

    init() {}

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { _messages.append("\(event.level) \(event.message)") }
    }
}
