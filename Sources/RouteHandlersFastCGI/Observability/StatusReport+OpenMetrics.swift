/// `?openmetrics`: the pool's gauges and counters (PHP-FPM's, prefixed `route_handlers_`) and the request metrics
/// with the names and labels of Hummingbird's `MetricsMiddleware`, summed over every worker. Valid OpenMetrics
/// 1.0 text, ending in `# EOF`.
extension StatusReport {
    func openMetrics() -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, unit: String? = nil) {
            out += "# TYPE \(name) \(type)\n"
            if let unit { out += "# UNIT \(name) \(unit)\n" }
            out += "# HELP \(name) \(help)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)] = [], _ value: String) {
            out += name
            if !labels.isEmpty {
                out += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
            }
            out += " \(value)\n"
        }
        let total = UInt64(snapshot.workers.count)
        let active = min(snapshot.activeProcesses, total)
        let pool = [("pool", self.pool)]
        let gauges: [(String, String, UInt64)] = [
            ("up", "Whether the pool answers.", 1),
            ("start_since", "Seconds since the pool started.", UInt64(max(0, now - snapshot.startTime))),
            ("listen_queue", "Connections waiting to be accepted (TCP only).", UInt64(listenQueue)),
            ("max_listen_queue", "The most connections seen waiting to be accepted.", max(snapshot.maxListenQueue, UInt64(listenQueue))),
            ("listen_queue_length", "The listen backlog (TCP only).", UInt64(listenQueueLength)),
            ("idle_processes", "Worker processes with no request.", total - active),
            ("active_processes", "Worker processes serving a request.", active),
            ("total_processes", "Worker processes.", total),
            ("max_active_processes", "The most worker processes active at once.", snapshot.maxActiveProcesses),
            ("active_requests", "Requests being served.", snapshot.activeRequests),
            ("max_active_requests", "The most requests served at once.", snapshot.maxActiveRequests),
        ]
        for (name, help, value) in gauges {
            family("route_handlers_\(name)", "gauge", help)
            sample("route_handlers_\(name)", pool, String(value))
        }
        let counters: [(String, String, UInt64)] = [
            ("accepted_connections", "Requests accepted by the pool.", snapshot.acceptedConnections),
            (
                "max_children_reached", "Times the process manager wanted more workers than allowed (always 0: static).",
                snapshot.maxChildrenReached
            ),
            ("slow_requests", "Requests that ran past --slowlog-timeout.", snapshot.slowRequests),
            ("respawns", "Workers started again after one exited unexpectedly.", snapshot.respawns),
            ("terminate_timeouts", "Handlers still running past --request-terminate-timeout.", snapshot.terminateTimeouts),
            ("refused_connections", "Connections closed unread: the peer is not in --allowed-clients.", snapshot.refusedConnections),
            ("dropped_connections", "Connections dropped for breaking the FastCGI protocol.", snapshot.droppedConnections),
        ]
        for (name, help, value) in counters {
            family("route_handlers_\(name)", "counter", help)
            sample("route_handlers_\(name)_total", pool, String(value))
        }

        family("route_handlers_reloads", "counter", "Reloads (SIGHUP, SIGUSR2) by result: done, or aborted with the old workers serving.")
        sample("route_handlers_reloads_total", pool + [("result", "done")], String(snapshot.reloads))
        sample("route_handlers_reloads_total", pool + [("result", "aborted")], String(snapshot.abortedReloads))

        let routes = snapshot.routes.sorted { $0.key < $1.key }
        family("hb_requests", "counter", "Requests by route pattern, method and status.")
        for (key, count) in routes {
            sample("hb_requests_total", Self.labels(key, statusLabel: "http_response_status_code"), String(count.count))
        }
        family("http_server_request_duration_seconds", "histogram", "Time to answer requests.", unit: "seconds")
        for (key, count) in routes {
            let labels = Self.labels(key, statusLabel: "http_response_status_code")
            var cumulative: UInt64 = 0
            for (bound, inBucket) in zip(Scoreboard.durationBuckets, count.buckets) {
                cumulative += inBucket
                sample("http_server_request_duration_seconds_bucket", labels + [("le", Self.bound(bound))], String(cumulative))
            }
            sample("http_server_request_duration_seconds_bucket", labels + [("le", "+Inf")], String(count.count))
            sample("http_server_request_duration_seconds_count", labels, String(count.count))
            sample("http_server_request_duration_seconds_sum", labels, Self.seconds(count.micros))
        }
        family("hb_request_errors", "counter", "Requests answered with a 5xx status.")
        for (key, count) in routes where count.errors > 0 {
            sample("hb_request_errors_total", Self.labels(key, statusLabel: "error_type"), String(count.errors))
        }
        family("http_server_active_requests", "gauge", "Requests being served.")
        sample("http_server_active_requests", [], String(snapshot.activeRequests))
        out += "# EOF\n"
        return out
    }

    static func labels(_ key: PoolSnapshot.RouteKey, statusLabel: String) -> [(String, String)] {
        [("http_route", key.route), ("http_request_method", key.method), (statusLabel, key.status)]
    }

    static func seconds(_ micros: UInt64) -> String {
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// A bucket bound in seconds, as OpenMetrics writes floats: `0.0001`, `0.25`, `1.0`.
    static func bound(_ micros: UInt64) -> String {
        var text = seconds(micros)
        while text.hasSuffix("0"), !text.hasSuffix(".0") { text.removeLast() }
        return text
    }

    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
