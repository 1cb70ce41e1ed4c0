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
        ]
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

    func json(full: Bool) -> String {
        func object(_ fields: [(String, Value)]) -> String {
            "{" + fields.map { name, value in
                let rendered: String
                switch value {
                case .text(let text): rendered = Self.jsonString(text)
                case .number(let number): rendered = String(number)
                case .decimal(let number): rendered = Self.twoDecimals(number)
                case .time(let time): rendered = String(time)
                }
                return Self.jsonString(name) + ":" + rendered
            }.joined(separator: ",") + "}"
        }
        var out = object(poolFields)
        if full {
            out.removeLast()
            out += ",\"processes\":[" + snapshot.workers.map { object(workerFields($0)) }.joined(separator: ",") + "]}"
        }
        return out
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
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
