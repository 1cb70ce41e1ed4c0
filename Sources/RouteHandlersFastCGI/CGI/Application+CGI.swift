import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

extension Application {
    /// Serves the one request of a CGI invocation and exits: 0 when the response was written, 1 otherwise.
    ///
    /// A CGI process lives for one request, so this path does only what that request needs: no option parsing,
    /// no signal handling, no threads of its own.
    func runCGI(_ environment: CGIEnvironment) async -> Never {
        var environment = environment
        // Before any handler (or route table) code runs.
        environment.removeProxyVariable()
        // A host that stops reading (its client went away) fails the write, which is logged, instead of
        // killing the process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let settings = environment.dictionary
        Self.bootstrapLogging(environment: settings)
        let logger = Logger(label: "route-handlers")

        // Not FastCGIServerConfiguration's default: building one counts the CPUs, a file read CGI does not need.
        var maxBodySize = CGIGateway.defaultMaxBodySize
        // Read as the FastCGI server reads it (a CGI script gets no arguments).
        if let size = ServerOptions.given(nil, "--max-body-size", settings, "ROUTE_HANDLERS_MAX_BODY_SIZE") {
            do throws(ServerError) {
                maxBodySize = try size.byteCount()
            } catch {
                Self.fail(error.message)
            }
        }
        let mountPoint = environment.mountPoint
        let responder: any HTTPResponder
        do {
            responder = try makeResponder(mountPoint ?? "", settings)
        } catch {
            Self.fail("the route table is invalid:\n\(error)")
        }
        let request = environment
        let limit = maxBodySize
        do {
            let written = try await withServices(logger: logger) {
                await CGIGateway.serve(request, mountPoint: mountPoint, responder: responder, maxBodySize: limit, logger: logger)
            }
            exit(written ? 0 : 1)
        } catch {
            Self.fail("a service failed: \(error)")
        }
    }
}
