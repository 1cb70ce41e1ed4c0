import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// A CGI request's body on stdin: read at once when small, else streamed to the handler by a thread of its own
/// (blocking reads never run on Swift's cooperative pool), which waits while the handler is behind.
enum CGIStandardInput {
    /// Bodies up to this size are read before the handler runs.
    static let bufferedLimit = 64 * 1024

    /// The body of `count` bytes (`CONTENT_LENGTH`: CGI hosts need not close stdin after it).
    static func body(count: Int) -> RequestBody {
        guard count > bufferedLimit else { return RequestBody(bytes: readAll(count: count)) }
        return RequestBody(stream: stream(count: count))
    }

    /// Counts the stream's calls to resume, so that a reader told to pause never misses one.
    private final class Gate: @unchecked Sendable {
        let condition = ConditionLock()
        var resumes = 0
    }

    private static func stream(count: Int) -> RequestBodyStream {
        let gate = Gate()
        let stream = RequestBodyStream {
            gate.condition.withLock {
                gate.resumes += 1
                gate.condition.signal()
            }
        }
        let thread = spawnThread(name: "cgi-stdin") {
            var remaining = count
            let size = 64 * 1024
            while remaining > 0 {
                var chunk = [UInt8](repeating: 0, count: min(size, remaining))
                let got = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if got < 0, errno == EINTR { continue }
                guard got > 0 else {
                    stream.fail(HTTPError(.badRequest, "The request body ended before its CONTENT_LENGTH of \(count) bytes."))
                    return
                }
                chunk.removeLast(chunk.count - got)
                remaining -= got
                let epoch = gate.condition.withLock { gate.resumes }
                if !stream.append(chunk) {
                    gate.condition.withLock {
                        while gate.resumes == epoch { gate.condition.wait() }
                    }
                }
            }
            stream.finish()
        }
        // Never joined: the process exits once the response is written, whether or not the body was read.
        pthread_detach(thread)
        return stream
    }

    private static func readAll(count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var body = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = body.withUnsafeMutableBytes { read(0, $0.baseAddress! + filled, count - filled) }
            if got > 0 {
                filled += got
            } else if got < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        body.removeLast(count - filled)
        return body
    }
}
