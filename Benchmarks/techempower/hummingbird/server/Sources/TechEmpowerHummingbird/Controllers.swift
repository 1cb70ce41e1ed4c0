import Hummingbird
import PostgresNIO

/// GET /json and GET /plaintext: no database.
struct PlainController {
    var routes: RouteCollection<BasicRequestContext> {
        RouteCollection(context: BasicRequestContext.self)
            .get("json") { _, _ in Message(message: "Hello, World!") }
            .get("plaintext") { _, _ in "Hello, World!" }
    }
}

/// GET /db, /queries, /updates and /cached-queries: the World table.
struct WorldController {
    let worlds: WorldStore

    var routes: RouteCollection<BasicRequestContext> {
        RouteCollection(context: BasicRequestContext.self)
            .get("db", use: single)
            .get("queries", use: multiple)
            .get("updates", use: updates)
            .get("cached-queries", use: cached)
    }

    @Sendable func single(request: Request, context: BasicRequestContext) async throws -> World {
        try await worlds.world(id: World.random(), logger: context.logger)
    }

    @Sendable func multiple(request: Request, context: BasicRequestContext) async throws -> [World] {
        let ids = (0..<request.rowCount("queries")).map { _ in World.random() }
        return try await worlds.worlds(ids: ids, logger: context.logger)
    }

    /// N different rows (two updates of one row in one statement would store only one), each given a new
    /// number that differs from its old one, stored in one statement.
    @Sendable func updates(request: Request, context: BasicRequestContext) async throws -> [World] {
        let count = request.rowCount("queries")
        var ids = Set<Int32>(minimumCapacity: count)
        while ids.count < count { ids.insert(World.random()) }
        return try await worlds.update(ids: Array(ids), logger: context.logger) { world in
            var number = World.random()
            while number == world.randomNumber { number = World.random() }
            return number
        }
    }

    @Sendable func cached(request: Request, context: BasicRequestContext) async throws -> [World] {
        let cache = try await worlds.cached(logger: context.logger)
        return (0..<request.rowCount("count")).map { _ in cache.randomElement()! }
    }
}

/// GET /fortunes: every Fortune row and one added at request time, sorted by message, in TFB's HTML table.
struct FortunesController {
    let client: PostgresClient

    var routes: RouteCollection<BasicRequestContext> {
        RouteCollection(context: BasicRequestContext.self)
            .get("fortunes", use: fortunes)
    }

    @Sendable func fortunes(request: Request, context: BasicRequestContext) async throws -> HTML {
        var fortunes: [Fortune] = []
        for try await (id, message) in try await client.execute(SelectFortunes(), logger: context.logger) {
            fortunes.append(Fortune(id: id, message: message))
        }
        fortunes.append(Fortune(id: 0, message: "Additional fortune added at request time."))
        fortunes.sort { $0.message < $1.message }
        return HTML(fortunes: fortunes)
    }
}

/// TFB's fortunes page, each message HTML-escaped, as text/html; charset=utf-8.
struct HTML: ResponseGenerator {
    let fortunes: [Fortune]

    func response(from request: Request, context: some RequestContext) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(1_400)
        buffer.writeString("<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>")
        for fortune in fortunes {
            buffer.writeString("<tr><td>")
            buffer.writeString(String(fortune.id))
            buffer.writeString("</td><td>")
            for byte in fortune.message.utf8 {
                switch byte {
                case UInt8(ascii: "&"): buffer.writeString("&amp;")
                case UInt8(ascii: "<"): buffer.writeString("&lt;")
                case UInt8(ascii: ">"): buffer.writeString("&gt;")
                case UInt8(ascii: "\""): buffer.writeString("&quot;")
                case UInt8(ascii: "'"): buffer.writeString("&#39;")
                default: buffer.writeInteger(byte)
                }
            }
            buffer.writeString("</td></tr>")
        }
        buffer.writeString("</table></body></html>")
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: buffer))
    }
}
