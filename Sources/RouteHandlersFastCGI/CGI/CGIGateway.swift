import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// Serves one request as a CGI script: parameters from the environment, the body from stdin, the response
/// (`Status:` line, headers, blank line, body) on stdout.
public enum CGIGateway {
    /// The largest request body accepted by default (10 MiB, as the FastCGI server's); larger ones get 413. A
    /// route's own `bodyLimit` replaces it. A body over 64 KiB is streamed from stdin as the handler reads it.
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
        let gateway = GatewayRequest(params: environment.params, mount: mountPoint)
        let response: Response
        var conditions = RequestConditions.none
        switch gateway.request {
        case .success(var request):
            conditions = request.conditions
            // The global limit is the request's; a route's own replaces it (413 for a declared length above).
            request.body = CGIStandardInput.body(count: gateway.declaredLength ?? 0)
            request.bodyLimit = maxBodySize
            response = await responder.respond(to: request, requestID: gateway.requestID, logger: logger)
        case .failure(let error):
            response = error.response
        }
        let outcome = await ResponseWriter.write(
            response, method: gateway.method, conditions: conditions, requestID: gateway.requestID, logger: logger,
            to: StandardOutputSink())
        if let afterWork = response.afterWork, !afterWork.isEmpty {
            // The host has the whole response once stdout is closed; after() work runs before the process exits.
            // /dev/null takes fd 1's place rather than leaving it free: a file opened later must not become stdout.
            let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
            if null >= 0 {
                dup2(null, 1)
                close(null)
            } else {
                close(1)
            }
            await afterWork.run()
        }
        return outcome == .complete
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

    /// stdout, written straight through: a CGI response is the process's only output.
    struct StandardOutputSink: ResponseSink {
        func writeHead(_ head: ResponseHead, body: [UInt8]?) async -> Bool {
            // One write for head and body: one system call for the usual small response.
            CGIGateway.writeAll(head.cgiBytes + (body ?? []))
        }

        func writeChunk(_ bytes: [UInt8]) async -> Bool {
            CGIGateway.writeAll(bytes)
        }
    }
}
