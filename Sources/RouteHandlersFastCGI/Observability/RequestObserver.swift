import Logging
import RouteHandlers
import Synchronization
import Tracing

#if canImport(Glibc)
import Glibc
#endif

/// Everything the server observes of a request, around the responder: the status and ping pages (answered
/// before routing), the scoreboard, the access and slow logs, swift-metrics and a tracing span. Made only when
/// one of them is on.
final class RequestObserver: Sendable {
    /// `http.route` and `%{route}` of a request that matched no route.
    static let unmatchedRoute = "NotFound"

    let statusPath: String?
    let pingPath: String?
    let slot: WorkerSlot?
    let statusPage: StatusPage?
    let accessLog: AccessLog?
    let slowLog: SlowLog?
    let metrics: RequestMetrics?
    let tracing: RequestTracing?

    init(
        statusPath: String?, pingPath: String?, slot: WorkerSlot?, statusPage: StatusPage?, accessLog: AccessLog?,
        slowLog: SlowLog?, metrics: RequestMetrics?, tracing: RequestTracing?
    ) {
        self.statusPath = statusPath
        self.pingPath = pingPath
        self.slot = slot
        self.statusPage = statusPage
        self.accessLog = accessLog
        self.slowLog = slowLog
        self.metrics = metrics
        self.tracing = tracing
    }

    /// Counts the request as started (scoreboard, active-requests meter, slow-log watch).
    func begin(_ gateway: GatewayRequest) -> Observation {
        let request = try? gateway.request.get()
        let observation = Observation(
            requestID: gateway.requestID, request: request, remoteUser: gateway.remoteUser,
            contentLength: gateway.declaredLength ?? 0, measuresUsage: slot != nil || accessLog?.format.needsUsage == true)
        if let slot {
            observation.slotToken = slot.begin(
                .init(
                    started: observation.startedWall, method: observation.method, uri: observation.uri,
                    contentLength: observation.contentLength))
        }
        metrics?.begin(method: observation.method)
        slowLog?.watch(observation)
        return observation
    }

    /// The status or ping page, if the request is for one of them.
    func answer(_ request: Request, _ observation: Observation) -> Response? {
        let path = request.url.pathname
        if path == pingPath {
            observation.fixedRoute.withLock { $0 = path }
            return StatusPage.pong
        }
        if path == statusPath, let statusPage {
            observation.fixedRoute.withLock { $0 = path }
            return statusPage.respond(to: request)
        }
        return nil
    }

    /// Runs the responder with the route recorder (and the request's span) in place.
    func run(_ request: Request, _ observation: Observation, _ body: () async -> Response) async -> Response {
        await RouteRecorder.$current.withValue(observation.recorder) {
            guard let tracing else { return await body() }
            let span = tracing.start(request)
            observation.span = span
            return await tracing.run(span, body)
        }
    }

    /// Counts the request as done, once its response is written.
    func end(_ observation: Observation, response: Response) {
        let elapsed = ContinuousClock.now - observation.started
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        observation.finish(nanoseconds: nanoseconds)
        let route = observation.route
        let status = Int(response.status.code)
        slowLog?.unwatch(observation)
        if let slot {
            slot.end(
                observation.slotToken, route: route, method: observation.method, status: status, micros: UInt64(max(0, nanoseconds / 1000)),
                cpu: observation.cpuPercent, memory: observation.peakMemory)
        }
        metrics?.end(route: route, method: observation.method, status: status, nanoseconds: nanoseconds)
        if let tracing, let span = observation.span {
            tracing.end(span, route: observation.recorder.recorded?.description, response: response)
        }
        accessLog?.log(observation, response: response)
    }

    /// SIGUSR1: open the log files again.
    /// Adds one to a pool-wide counter of the scoreboard (refused and dropped connections, terminate-timeouts).
    func count(_ field: Scoreboard.Pool) {
        slot?.board.count(field)
    }

    func reopenLogs() {
        accessLog?.file.reopen()
        slowLog?.file.reopen()
    }

    func close() {
        slowLog?.stop()
        accessLog?.file.close()
        slowLog?.file.close()
    }
}
