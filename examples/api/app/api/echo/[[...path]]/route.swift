import RouteHandlers

// Answers any method with what the server saw: a debugging aid, and a check that requests arrive intact through
// nginx. Every method is exported and shares one handler.

func GET(_ request: Request, _ context: Context) async throws -> Response { try await echo(request, context) }
func POST(_ request: Request, _ context: Context) async throws -> Response { try await echo(request, context) }
func PUT(_ request: Request, _ context: Context) async throws -> Response { try await echo(request, context) }
func PATCH(_ request: Request, _ context: Context) async throws -> Response { try await echo(request, context) }
func DELETE(_ request: Request, _ context: Context) async throws -> Response { try await echo(request, context) }
func HEAD(_ request: Request, _ context: Context) async throws -> Response { try await echo(request, context) }
func OPTIONS(_ request: Request, _ context: Context) async throws -> Response { try await echo(request, context) }

/// `method`, `pathname`, `params`, `search` and `headers` (pairs, in order), `cookies`, `ip`, the body as `text`,
/// and for a form body its fields as `form` pairs (a file's value is its filename).
func echo(_ request: Request, _ context: Context) async throws -> Response {
    var cookies: [String: String] = [:]
    // The first of a repeated name wins, as `cookies.get` does (browsers send the most specific first).
    for cookie in request.cookies where cookies[cookie.name] == nil {
        cookies[cookie.name] = cookie.value
    }
    var seen = Echo(
        method: request.method.rawValue,
        pathname: request.url.pathname,
        params: EchoParams(path: context.params.path),
        search: request.url.searchParams.map { [$0.name, $0.value] },
        headers: request.headers.map { [$0.name, $0.value] },
        cookies: cookies,
        ip: request.ip,
        text: try await request.text())
    if request.mediaType == "application/x-www-form-urlencoded" || request.mediaType == "multipart/form-data" {
        // A malformed form is still echoed, as text, without `form`: this route reports, it does not judge.
        seen.form = (try? await request.formData())?.map { [$0.name, $0.value.text ?? $0.value.file?.filename ?? ""] }
    }
    return .json(seen)
}

struct EchoParams: Encodable, Sendable {
    /// Omitted when the URL has no segments after /api/echo, as Next.js does.
    var path: [String]?
}

struct Echo: Encodable, Sendable {
    var method: String
    var pathname: String
    var params: EchoParams
    var search: [[String]]
    var headers: [[String]]
    var cookies: [String: String]
    var ip: String?
    var text: String
    var form: [[String]]?

    enum CodingKeys: String, CodingKey {
        case method, pathname, params, search, headers, cookies, ip, text, form
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(method, forKey: .method)
        try container.encode(pathname, forKey: .pathname)
        try container.encode(params, forKey: .params)
        try container.encode(search, forKey: .search)
        try container.encode(headers, forKey: .headers)
        try container.encode(cookies, forKey: .cookies)
        try container.encode(ip, forKey: .ip)  // null when unknown, rather than missing
        try container.encode(text, forKey: .text)
        try container.encodeIfPresent(form, forKey: .form)
    }
}
