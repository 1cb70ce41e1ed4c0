import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// `--access-log`: one line per request in ``AccessLogFormat``, queued for the log's writer thread once the
/// response is written.
struct AccessLog: Sendable {
    let file: LogFile
    let format: AccessLogFormat
    let pool: String
    let masterPID: Int32

    func log(_ observation: Observation, response: Response) {
        file.write(line(observation, response: response))
    }

    func line(_ observation: Observation, response: Response) -> String {
        var out = ""
        for token in format.tokens {
            switch token {
            case .literal(let text): out += text
            case .remoteAddress: out += observation.request?.remoteAddress ?? "-"
            case .remoteUser: out += observation.remoteUser ?? "-"
            case .startTime(let pattern): out += Self.time(Int(observation.startedWall / 1_000_000), pattern)
            case .logTime(let pattern): out += Self.time(Int(Glibc.time(nil)), pattern)
            case .method: out += observation.method
            case .path: out += observation.path
            case .queryMark: out += observation.query.isEmpty ? "" : "?"
            case .query: out += observation.query
            case .status: out += String(response.status.code)
            case .pid: out += String(getpid())
            case .masterPID: out += String(masterPID)
            case .contentLength: out += String(observation.contentLength)
            case .pool: out += pool
            case .script: out += CommandLine.arguments.first ?? "-"
            case .environment: out += "-"
            case .duration(let unit):
                let nanoseconds = observation.nanoseconds
                switch unit {
                case "micro", "microseconds": out += String(nanoseconds / 1000)
                case "mili", "milli", "miliseconds", "milliseconds": out += Self.decimal(nanoseconds / 1000, scale: 1000)
                default: out += Self.decimal(nanoseconds / 1000, scale: 1_000_000)
                }
            case .memory(let unit):
                let bytes = observation.peakMemory
                out += String(unit == "kilo" ? bytes / 1024 : unit == "mega" ? bytes / 1_048_576 : bytes)
            case .cpu: out += StatusReport.twoDecimals(observation.cpuPercent)
            case .requestHeader(let name): out += observation.request?.headers[name] ?? "-"
            case .responseHeader(let name): out += response.headers[name] ?? "-"
            case .route: out += observation.route
            case .requestID: out += observation.requestID
            case .traceID: out += observation.traceID ?? "-"
            }
        }
        // One line per request, whatever a header held.
        return String(out.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    /// `value / scale` with three decimals.
    static func decimal(_ value: Int64, scale: Int64) -> String {
        let thousandths = value * 1000 / scale
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    static func time(_ seconds: Int, _ pattern: String) -> String {
        var value = time_t(seconds)
        var parts = tm()
        localtime_r(&value, &parts)
        var buffer = [CChar](repeating: 0, count: 256)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
