// The Swift floor: a CGI hello in plain Swift, no framework (swiftc -O, with and without -static-stdlib).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

var name = "World"
if let query = getenv("QUERY_STRING").map({ String(cString: $0) }), query.hasPrefix("name=") {
    name = String(query.dropFirst(5).prefix { $0 != "&" })
}
let body = "Hello, \(name)!"
print("Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)", terminator: "")
