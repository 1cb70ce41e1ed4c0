// The Swift floor with FoundationEssentials, which the framework links for JSON: the plain hello, its body
// made by JSONEncoder.
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

var name = "World"
if let query = getenv("QUERY_STRING").map({ String(cString: $0) }), query.hasPrefix("name=") {
    name = String(query.dropFirst(5).prefix { $0 != "&" })
}
let json = (try? JSONEncoder().encode("Hello, \(name)!")) ?? Data()
let body = String(decoding: json.dropFirst().dropLast(), as: UTF8.self)
print("Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)", terminator: "")
