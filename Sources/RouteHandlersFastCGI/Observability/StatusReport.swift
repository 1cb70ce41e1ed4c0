import RouteHandlers
#if canImport(Glibc)
import Glibc
#endif

/// The status page's fields, with PHP-FPM's names, and their renderings.
struct StatusReport {
    let snapshot: PoolSnapshot
    let pool: String
    let processManager: String
    let listenQueue: Int
    let listenQueueLength: Int
    let now: Int
    let nowMicros: UInt64

    enum Value {
        case text(String)
        case number(UInt64)
        case decimal(Double)
        /// A unix time: a date in text and HTML, seconds in JSON.
        case time(Int)
    }

    var poolFields: [(String, Value)] {
        let total = UInt64(snapshot.workers.count)
        let active = min(snapshot.activeProcesses, total)
        return [
            ("pool", .text(pool)),
            ("process manager", .text(processManager)),
            ("start time", .time(snapshot.startTime)),
            ("start since", .number(UInt64(max(0, now - snapshot.startTime)))),
            ("accepted conn", .number(snapshot.acceptedConnections)),
            ("listen queue", .number(UInt64(listenQueue))),
            ("max listen queue", .number(max(snapshot.maxListenQueue, UInt64(listenQueue)))),
            ("listen queue len", .number(UInt64(listenQueueLength))),
            ("idle processes", .number(total - active)),
            ("active processes", .number(active)),
            ("total processes", .number(total)),
            ("max active processes", .number(snapshot.maxActiveProcesses)),
            ("max children reached", .number(snapshot.maxChildrenReached)),
            ("slow requests", .number(snapshot.slowRequests)),
            ("active requests", .number(snapshot.activeRequests)),
            ("max active requests", .number(snapshot.maxActiveRequests)),
        ] + latencyFields + [
            ("respawns", .number(snapshot.respawns)),
            ("reloads", .number(snapshot.reloads)),
            ("aborted reloads", .number(snapshot.abortedReloads)),
            ("terminate timeouts", .number(snapshot.terminateTimeouts)),
            ("refused connections", .number(snapshot.refusedConnections)),
            ("dropped connections", .number(snapshot.droppedConnections)),
        ]
    }

    /// The pool's tail latency since it started, in microseconds (as FPM's `request duration`), from the
    /// duration histogram every worker adds to.
    var latencyFields: [(String, Value)] {
        let all = snapshot.allRoutes
        return [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)].map { name, q in
            ("request duration \(name)", .number(all.quantile(q) ?? 0))
        }
    }

    /// FPM's per-process fields; `request duration` in microseconds, of the longest-running request (or the last
    /// one, when idle). `last request cpu` is the whole process's CPU use while that request ran (other requests
    /// running at once count too); `last request memory` the process's resident size when it ended.
    func workerFields(_ worker: PoolSnapshot.Worker) -> [(String, Value)] {
        let end = worker.requestEnd == 0 ? nowMicros : worker.requestEnd
        let duration = worker.requestStart == 0 ? 0 : end &- worker.requestStart
        return [
            ("pid", .number(UInt64(worker.pid))),
            ("state", .text(worker.state)),
            ("start time", .time(worker.startTime)),
            ("start since", .number(UInt64(max(0, now - worker.startTime)))),
            ("requests", .number(worker.requests)),
            ("active requests", .number(worker.activeRequests)),
            ("request duration", .number(duration)),
            ("request method", .text(worker.method)),
            ("request uri", .text(worker.uri)),
            ("content length", .number(worker.contentLength)),
            ("last request cpu", .decimal(worker.requestEnd == 0 ? 0 : Double(worker.lastCPU) / 100)),
            ("last request memory", .number(worker.requestEnd == 0 ? 0 : worker.lastMemory)),
        ]
    }

    static func date(_ time: Int) -> String {
        var seconds = time_t(time)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%d/%b/%Y:%H:%M:%S %z", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func plain(_ value: Value) -> String {
        switch value {
        case .text(let text): text
        case .number(let number): String(number)
        case .decimal(let number): Self.twoDecimals(number)
        case .time(let time): date(time)
        }
    }

    static func twoDecimals(_ number: Double) -> String {
        let hundredths = Int((number * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    func text(full: Bool) -> String {
        func lines(_ fields: [(String, Value)]) -> String {
            fields.map { name, value in
                let label = name + ":"
                return label + String(repeating: " ", count: max(1, 22 - label.count)) + Self.plain(value) + "\n"
            }.joined()
        }
        var out = lines(poolFields)
        if full {
            for worker in snapshot.workers {
                out += "\n************************\n" + lines(workerFields(worker))
            }
        }
        return out
    }

    /// The `?json` page, through the encoder every JSON answer uses (keys sorted, so the page is the same from
    /// one request to the next): FPM's field names, times as unix seconds, `?full` adding `processes`.
    func json(full: Bool) -> String {
        let page = JSONPage(fields: poolFields, processes: full ? snapshot.workers.map(workerFields) : nil)
        return (try? String(decoding: JSONBody.encode(page), as: UTF8.self)) ?? "{}"
    }

    private struct JSONPage: Encodable {
        let fields: [(String, Value)]
        let processes: [[(String, Value)]]?

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        struct Object: Encodable {
            let fields: [(String, Value)]

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                for (name, value) in fields {
                    let key = Key(stringValue: name)
                    switch value {
                    case .text(let text): try container.encode(text, forKey: key)
                    case .number(let number): try container.encode(number, forKey: key)
                    case .decimal(let number): try container.encode((number * 100).rounded() / 100, forKey: key)
                    case .time(let time): try container.encode(time, forKey: key)
                    }
                }
            }
        }

        func encode(to encoder: any Encoder) throws {
            try Object(fields: fields).encode(to: encoder)
            if let processes {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(processes.map(Object.init), forKey: Key(stringValue: "processes"))
            }
        }
    }

    func html(full: Bool) -> String {
        func table(_ fields: [(String, Value)]) -> String {
            "<table>\n" + fields.map { "<tr><th>\(escapeHTML($0.0))</th><td>\(escapeHTML(Self.plain($0.1)))</td></tr>\n" }.joined()
                + "</table>\n"
        }
        var out = "<!DOCTYPE html>\n<html><head><title>\(escapeHTML(pool)) status</title></head><body>\n" + table(poolFields)
        if full { out += snapshot.workers.map { "<hr>\n" + table(workerFields($0)) }.joined() }
        return out + "</body></html>\n"
    }
}
