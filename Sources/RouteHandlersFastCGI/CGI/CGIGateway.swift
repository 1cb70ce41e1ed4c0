import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Serves one request as a CGI script: parameters from the environment, the body from stdin, the response
/// (`Status:` line, headers, blank line, body) on stdout.
public enum CGIGateway {
    /// The largest request body accepted by default (10 MiB, as the FastCGI server's); larger ones get 413.
    public static let defaultMaxBodySize = 10 * 1024 * 1024

    /// Whether the process was started by a CGI host: `GATEWAY_INTERFACE` and `REQUEST_METHOD` are set.
    public static func isCGIEnvironment(_ environment: [String: String]) -> Bool {
        environment["GATEWAY_INTERFACE"] != nil && environment["REQUEST_METHOD"] != nil
    }

    /// Answers the one request described by `environment` and stdin, writing to stdout.
    ///
    /// `responder` sees the request's public path (for a script mounted at `SCRIPT_NAME`, that path plus
    /// `PATH_INFO`); ``Application`` also routes such a request on `PATH_INFO`.
    /// - Returns: `true` when the response was written completely.
    public static func serve(
        responder: some HTTPResponder, environment: [String: String], maxBodySize: Int = defaultMaxBodySize, logger: Logger
    ) async -> Bool {
        let params = environment.map { (name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
        let cgi = CGIEnvironment(params: params)
        return await serve(cgi, mountPoint: cgi.mountPoint, responder: responder, maxBodySize: maxBodySize, logger: logger)
    }

    /// Answers the request in `environment`, its path rebuilt under `mountPoint` when the script has one.
    static func serve(
        _ environment: CGIEnvironment, mountPoint: String?, responder: some HTTPResponder, maxBodySize: Int, logger: Logger
    ) async -> Bool {
        let declared = environment["CONTENT_LENGTH"].flatMap { Int($0) } ?? 0
        let response: Response
        let method = environment["REQUEST_METHOD"].flatMap { HTTPRequestMethod($0) } ?? .get
        if declared > maxBodySize {
            response = HTTPError(.contentTooLarge, "The request body is larger than the limit of \(maxBodySize) bytes.").response
        } else {
            // CGI hosts need not close stdin after the body: read exactly CONTENT_LENGTH bytes.
            let body = readStandardInput(count: declared)
            do throws(HTTPError) {
                var request = try Request(cgiParams: environment.params, body: RequestBody(bytes: body))
                if let mountPoint {
                    request.url.pathname = CGIEnvironment.pathname(
                        request.url.pathname, fromRequestURI: !(environment["REQUEST_URI"] ?? "").isEmpty,
                        mount: mountPoint, pathInfo: environment["PATH_INFO"])
                }
                // nginx's $request_id when fcgiwrap passes it on, so that a 500's id matches the access log.
                let requestID = environment["REQUEST_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? RequestID.next()
                response = await responder.respond(to: request, requestID: requestID, logger: logger)
            } catch {
                response = error.response
            }
        }
        let written = await write(response, method: method, logger: logger)
        if let afterWork = response.afterWork, !afterWork.isEmpty {
            // The host has the whole response once stdout is closed; after() work runs before the process exits.
            close(1)
            await afterWork.run()
        }
        return written
    }

    private static func readStandardInput(count: Int) -> [UInt8] {
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

    private static func write(_ response: Response, method: HTTPRequestMethod, logger: Logger) async -> Bool {
        var response = response
        var head: [UInt8]
        do {
            head = try CGIResponseHead.serialize(response, method: method)
        } catch {
            logger.error("Refusing to send a response: \(error)")
            response = HTTPError(.internalServerError, "The response had an invalid header.").response
            head = (try? CGIResponseHead.serialize(response, method: method)) ?? []
        }
        let sendsBody = method != .head && !CGIResponseHead.forbidsBody(response.status)
        switch response.body.storage {
        case .bytes(let bytes):
            // One write for head and body: one system call for the usual small response.
            if sendsBody { head += bytes }
            return writeAll(head)
        case .stream(let produce):
            guard writeAll(head) else { return false }
            guard sendsBody else { return true }
            var writer: any ResponseBodyWriter = StandardOutputWriter()
            do {
                try await produce(&writer)
                return true
            } catch {
                logger.error("Streaming response failed: \(String(reflecting: error))")
                return false
            }
        }
    }

    static func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + offset, bytes.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    struct StandardOutputWriter: ResponseBodyWriter {
        mutating func write(_ bytes: [UInt8]) async throws {
            guard CGIGateway.writeAll(bytes) else { throw CancellationError() }
        }
    }
}

import HTTPTypes

typealias HTTPRequestMethod = HTTPRequest.Method
