// The Swift floor with the concurrency runtime: the plain hello, answered from a task (async main), as every
// route handler is.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

func greeting() async -> String {
    var name = "World"
    if let query = getenv("QUERY_STRING").map({ String(cString: $0) }), query.hasPrefix("name=") {
        name = String(query.dropFirst(5).prefix { $0 != "&" })
    }
    return "Hello, \(name)!"
}

let body = await Task.detached { await greeting() }.value
print("Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)", terminator: "")
