/// Where a gateway's bytes go: a FastCGI request's stdout, a CGI script's stdout, the test client's buffer.
/// ``ResponseWriter`` is the only caller.
package protocol ResponseSink: Sendable {
    /// Sends the head; with `body`, a fixed body that follows it (together, so that a small response is one
    /// write), else a streamed body follows in ``writeChunk(_:)`` calls and the head is sent now.
    /// Returns `false` when the web server went away.
    func writeHead(_ head: ResponseHead, body: [UInt8]?) async -> Bool

    /// Sends one chunk of a streamed body now (flushed). Returns `false` when the web server went away.
    func writeChunk(_ bytes: [UInt8]) async -> Bool
}
