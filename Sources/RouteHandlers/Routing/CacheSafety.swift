/// Keeps a cacheable route's answer out of shared caches when it is personal.
///
/// A route with `revalidate` answers GET with `Cache-Control: public, s-maxage=…`, and the generated nginx include
/// caches it under a key without cookies or credentials. An answer whose making read `Authorization` or `Cookie`
/// (``HeaderReads``), or that sets a cookie, is sent `private` instead, with `Vary` naming what was read. A
/// `Cache-Control` the handler set itself is its own decision and is kept.
enum CacheSafety {
    /// The `Cache-Control` of a personal answer: browsers may not reuse it either without asking.
    static let personal = "private, no-cache, no-store, max-age=0, must-revalidate"

    /// Starts noting reads of `request`'s personal headers when its route's answers may be stored shared.
    static func watch(_ request: inout Request, routeCacheControl: String?) -> HeaderReads? {
        guard let routeCacheControl, routeCacheControl.hasPrefix("public") else { return nil }
        let reads = HeaderReads()
        request.headers.reads = reads
        return reads
    }

    /// `response` sent `private` when it carries the route's shared `Cache-Control` but is personal.
    static func apply(to response: inout Response, reads: HeaderReads, routeCacheControl: String) {
        guard response.headers.storage[.cacheControl] == routeCacheControl else { return }
        let read = reads.read
        let setsCookie = response.headers.storage.contains(.setCookie)
        guard !read.isEmpty || setsCookie else { return }
        response.headers.set("Cache-Control", personal)
        let vary = response.headers.storage[values: .vary].flatMap { $0.split(separator: ",").map { String($0.trimmingWhitespace()) } }
        let missing = read.filter { name in !vary.contains { $0.lowercased() == name.lowercased() || $0 == "*" } }
        if !missing.isEmpty { response.headers.append("Vary", missing.joined(separator: ", ")) }
    }
}
