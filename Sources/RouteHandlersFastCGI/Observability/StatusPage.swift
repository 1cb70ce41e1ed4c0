import CLinux
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// PHP-FPM's status page (`pm.status_path`) for the whole pool, read from the ``Scoreboard``: plain text by
/// default, `?json`, `?openmetrics` or `?html`, with `?full` for the per-worker list.
struct StatusPage: Sendable {
    let board: Scoreboard
    /// FPM's `pool`: the executable's name.
    let pool: String
    /// FPM's `process manager`: `static` (a master with N workers, or a process serving alone).
    let processManager = "static"
    let listener: Int32
    let isTCP: Bool

    /// FPM's `pool` for this process: its executable's name.
    static var poolName: String { String((CommandLine.arguments.first ?? "app").split(separator: "/").last ?? "app") }

    /// The ping path's answer (PHP-FPM's `ping.response`), never cached.
    static var pong: Response {
        Response(
            status: .ok, headers: ["Content-Type": "text/plain", "Cache-Control": "no-cache, no-store, must-revalidate, max-age=0"],
            body: ResponseBody("pong"))
    }

    enum Format {
        case text, json, openmetrics, html
    }

    func respond(to request: Request) -> Response {
        let names = Set(request.url.rawQuery.split(separator: "&").map { $0.split(separator: "=").first.map(String.init) ?? "" })
        let full = names.contains("full")
        let format: Format =
            names.contains("json") ? .json : names.contains("openmetrics") ? .openmetrics : names.contains("html") ? .html : .text
        let (queue, queueLength) = listenQueue()
        rh_atomic_max(board.word(.maxListenQueue), UInt64(queue))
        let report = StatusReport(
            snapshot: board.snapshot(), pool: pool, processManager: processManager, listenQueue: queue,
            listenQueueLength: queueLength, now: Int(time(nil)), nowMicros: WorkerSlot.nowMicros())
        let (body, contentType): (String, String)
        switch format {
        case .text: (body, contentType) = (report.text(full: full), "text/plain; charset=utf-8")
        case .json: (body, contentType) = (report.json(full: full), "application/json")
        case .openmetrics: (body, contentType) = (report.openMetrics(), "application/openmetrics-text; version=1.0.0; charset=utf-8")
        case .html: (body, contentType) = (report.html(full: full), "text/html; charset=utf-8")
        }
        var headers: Headers = ["Content-Type": contentType]
        headers.set("Cache-Control", "no-cache, no-store, must-revalidate, max-age=0")
        headers.set("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")
        return Response(status: .ok, headers: headers, body: ResponseBody(body))
    }

    /// Connections waiting to be accepted and the backlog, from TCP_INFO (`tcpi_unacked` and `tcpi_sacked` of a
    /// listening socket); 0 and 0 on a unix socket, as FPM reports.
    func listenQueue() -> (Int, Int) {
        guard isTCP else { return (0, 0) }
        var info = [UInt8](repeating: 0, count: 256)
        var length = socklen_t(info.count)
        guard getsockopt(listener, Int32(IPPROTO_TCP), 11 /* TCP_INFO */, &info, &length) == 0, length >= 32 else { return (0, 0) }
        func u32(_ offset: Int) -> Int {
            Int(info[offset]) | Int(info[offset + 1]) << 8 | Int(info[offset + 2]) << 16 | Int(info[offset + 3]) << 24
        }
        return (u32(24), u32(28))
    }
}
