import Foundation
import RouteHandlersTestHarness
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The example on PostgreSQL across 3 hosts in network namespaces behind one nginx (nginx/run-cluster): the
/// contract through any host, one host killed under load, a rolling reload under load. Serialized: one cluster at
/// a time owns 10.200.0.0/24. Skipped, with the reason, where network namespaces cannot be made (not root).
@Suite(
    "Example API: cluster", .serialized, .timeLimit(.minutes(4)),
    .enabled(if: ClusterHarness.unavailable == nil, Comment(rawValue: ClusterHarness.unavailable ?? "")))
struct ClusterTests {
    static let bearer = "Authorization: Bearer \(ExampleAPIServer.adminToken)"

    @Test func theContractHoldsThroughAnyHost() async throws {
        try await withCluster { cluster in
            // Writes through one host are read through the others: no host keeps state.
            var upstreams: Set<String> = []
            var ids: [Int] = []
            for index in 0..<9 {
                let created = try await cluster.send(
                    "POST", "/api/users", json: #"{"name":"User \#(index)","email":"u\#(index)@example.com"}"#)
                #expect(created.status == 201, "\(created)")
                let location = try #require(created.header("Location"))
                #expect(location.hasPrefix("/api/users/"))
                ids.append(Int(location.dropFirst("/api/users/".count)) ?? 0)
                upstreams.insert(created.header("X-Upstream") ?? "")
                let read = try await cluster.request(location)
                #expect(read.status == 200)
                #expect(try read.json()["email"] as? String == "u\(index)@example.com")
                upstreams.insert(read.header("X-Upstream") ?? "")
            }
            #expect(upstreams == Set((1...3).map(cluster.address(ofHost:))), "\(upstreams)")
            #expect(ids == ids.sorted() && Set(ids).count == 9)
            #expect(try await cluster.request("/api/users").jsonArray().count == 9)

            // 422, 404, 409 (also when many hosts race for one email: the database's UNIQUE constraint decides).
            #expect(try await cluster.send("POST", "/api/users", json: #"{"name":"X","email":"nope"}"#).status == 422)
            #expect(try await cluster.request("/api/users/999999").status == 404)
            #expect(try await cluster.send("POST", "/api/users", json: #"{"name":"Again","email":"u0@example.com"}"#).status == 409)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await cluster.send("POST", "/api/users", json: #"{"name":"Twin \#(index)","email":"twin@example.com"}"#).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.sorted() == [201] + Array(repeating: 409, count: 11), "\(statuses)")

            // Posts, the cascade, and the audit log written after each response.
            let author = ids[0]
            let post = try await cluster.send("POST", "/api/posts", json: #"{"title":"T","body":"B","authorId":\#(author)}"#)
            #expect(post.status == 201, "\(post)")
            #expect(try await cluster.send("POST", "/api/posts", json: #"{"title":"T","body":"B","authorId":999999}"#).status == 422)
            // The post's own path, cached by nginx through whichever host answered it.
            let postPath = "/api/posts/\(try post.json()["id"] as? Int ?? 0)"
            #expect(try await cluster.request(postPath).status == 200)
            #expect(try await cluster.request(postPath).header("X-Cache-Status") == "HIT")
            #expect(try await cluster.request("/api/users/\(author)", method: "DELETE").status == 204)
            #expect(try await cluster.request("/api/posts").text == "[]")
            // The delete, on any host, refreshed it: the hosts note the paths they answered in the shared database.
            let gone = try await cluster.request(postPath)
            #expect(gone.status == 404, "\(gone)")

            // A session started through one host goes on through the others: it lives in the shared database.
            var cookie: String?
            var sessionUpstreams: Set<String> = []
            for visit in 1...6 {
                let response = try await cluster.request("/api/session", headers: cookie.map { ["Cookie: session=\($0)"] } ?? [])
                #expect(try response.json()["visits"] as? Int == visit, "\(response)")
                sessionUpstreams.insert(response.header("X-Upstream") ?? "")
                cookie = cookie ?? ExampleSessionTests.sessionCookie(response)
            }
            #expect(cookie != nil)
            #expect(sessionUpstreams.count == 3, "\(sessionUpstreams)")
            let audited = await eventually(seconds: 5) {
                let entries = (try? await cluster.request("/api/admin/audit", headers: [Self.bearer]).jsonArray()) ?? []
                return entries.first?["action"] as? String == "user.deleted" && entries.count == 11
            }
            let audit = try await cluster.request("/api/admin/audit", headers: [Self.bearer]).text
            #expect(audited, "\(audit)")

            // Hosts run as masters with workers (--processes): a peer on the network that is not nginx (host 2,
            // talking FastCGI to host 1 straight) is closed by host 1's worker without an answer.
            let intruder = try await runCommand(
                "/usr/bin/env",
                ["ip", "netns", "exec", cluster.namespace(ofHost: 2), "cgi-fcgi", "-bind", "-connect", cluster.address(ofHost: 1)],
                environment: [
                    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "REQUEST_METHOD": "GET", "REQUEST_URI": "/api/users",
                    "SERVER_PROTOCOL": "HTTP/1.1",
                ],
                seconds: 10)
            #expect(intruder.status != 0 && intruder.output.isEmpty, "\(intruder)")
            let refusedLine = "Refused a FastCGI connection from \(ClusterHarness.subnet).12"
            #expect(await eventually { cluster.log(ofHost: 1).contains(refusedLine) }, "\(cluster.log(ofHost: 1))")
        }
    }

    @Test func killingOneHostUnderLoadFailsOnlyItsRequestsInFlight() async throws {
        try await withCluster { cluster in
            let victim = 2
            let victimAddress = cluster.address(ofHost: victim)
            let oldPID = try #require(cluster.appPID(ofHost: victim))
            let outcome = Locked(LoadOutcome())
            let workers = 6
            let deadline = Date().addingTimeInterval(8)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var index = 0
                        // Bounded: 8 s, at most 400 iterations per worker.
                        while Date() < deadline, index < 400 {
                            index += 1
                            let email = "w\(worker)-\(index)@example.com"
                            let created = try await cluster.send("POST", "/api/users", json: #"{"name":"N","email":"\#(email)"}"#)
                            if created.status == 201, let location = created.header("Location") {
                                outcome.withLock { $0.created.append((location, email)) }
                                let read = try await cluster.request(location)
                                outcome.withLock { $0.reads.append((read.status, read.header("X-Upstream") ?? "")) }
                            } else {
                                outcome.withLock { $0.failedCreates.append((created.status, created.header("X-Upstream") ?? "")) }
                            }
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    kill(oldPID, SIGKILL)
                    outcome.withLock { $0.killedAt = Date() }
                }
                try await group.waitForAll()
            }
            let result = outcome.withLock { $0 }
            #expect(result.killedAt != nil)
            // Reads never failed: a GET that met the dead host was retried on another (fastcgi_next_upstream).
            #expect(result.reads.allSatisfy { $0.status == 200 }, "\(result.reads.filter { $0.status != 200 })")
            #expect(result.created.count > 20, "too little load to mean anything: \(result.created.count)")
            // The only failures are creates that were in flight on the dead host when it died: at most one per
            // worker, each a 502 from that host (a POST already sent is never retried elsewhere).
            print(
                "cluster failover: \(result.created.count) created, \(result.reads.count) read, \(result.failedCreates.count) failed creates in flight on \(victimAddress): \(result.failedCreates)"
            )
            #expect(result.failedCreates.count <= workers, "\(result.failedCreates)")
            #expect(result.failedCreates.allSatisfy { $0.status == 502 && $0.upstream.contains(victimAddress) }, "\(result.failedCreates)")
            // Every create answered 201 is readable afterwards, through any host.
            for (location, email) in result.created {
                let read = try await cluster.request(location)
                #expect(read.status == 200 && (try? read.json())?["email"] as? String == email, "\(location): \(read)")
            }
            // The host was restarted (run-cluster, as Restart=always) and nginx sends it requests again.
            let restarted = await eventually(seconds: 10) { (cluster.appPID(ofHost: victim) ?? oldPID) != oldPID }
            #expect(restarted, "\(cluster.logs)")
            let rejoined = await eventually(seconds: 20) {
                (try? await cluster.request("/api/hello"))?.header("X-Upstream") == victimAddress
            }
            #expect(rejoined, "\(cluster.logs)")
        }
    }

    @Test func aRollingReloadUnderLoadFailsNothing() async throws {
        try await withCluster { cluster in
            let outcome = Locked(LoadOutcome())
            let done = Locked(false)
            let workers = 6
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var index = 0
                        // Bounded: until the reloads are done, at most 2000 iterations per worker.
                        while !done.withLock({ $0 }), index < 2000 {
                            index += 1
                            let created = try await cluster.send(
                                "POST", "/api/users", json: #"{"name":"N","email":"r\#(worker)-\#(index)@example.com"}"#)
                            if created.status == 201, let location = created.header("Location") {
                                outcome.withLock { $0.created.append((location, "")) }
                                let read = try await cluster.request(location)
                                outcome.withLock { $0.reads.append((read.status, read.header("X-Upstream") ?? "")) }
                            } else {
                                outcome.withLock { $0.failedCreates.append((created.status, created.header("X-Upstream") ?? "")) }
                            }
                        }
                    }
                }
                group.addTask {
                    defer { done.withLock { $0 = true } }
                    try await Task.sleep(for: .seconds(1))
                    // One host after another, each reloaded (SIGHUP to its master, as `systemctl reload`) and
                    // done before the next starts: a rolling deploy.
                    for host in 1...cluster.hosts {
                        let pid = try #require(cluster.appPID(ofHost: host))
                        let before = cluster.log(ofHost: host).components(separatedBy: "Reload complete").count
                        kill(pid, SIGHUP)
                        let reloaded = await eventually(seconds: 60) {
                            cluster.log(ofHost: host).components(separatedBy: "Reload complete").count > before
                        }
                        #expect(reloaded, "host \(host): \(cluster.log(ofHost: host))")
                    }
                    try await Task.sleep(for: .seconds(1))
                }
                try await group.waitForAll()
            }
            let result = outcome.withLock { $0 }
            print(
                "cluster rolling reload: \(result.created.count) created, \(result.reads.count) read, \(result.failedCreates.count) failed")
            #expect(result.created.count > 20, "too little load to mean anything: \(result.created.count)")
            #expect(result.failedCreates.isEmpty, "\(result.failedCreates)")
            #expect(result.reads.allSatisfy { $0.status == 200 }, "\(result.reads.filter { $0.status != 200 })")
        }
    }
}

/// A value behind a lock, shareable between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

/// What the load in the failover test saw.
struct LoadOutcome: Sendable {
    var created: [(location: String, email: String)] = []
    var reads: [(status: Int, upstream: String)] = []
    var failedCreates: [(status: Int, upstream: String)] = []
    var killedAt: Date?
}
