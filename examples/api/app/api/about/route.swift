import RouteHandlers

// Rendered once by `example-api export` and served by nginx from a file: this handler runs only where no export is
// in front (the test client, CGI) or when the file is missing.
let dynamic = .forceStatic

/// GET /api/about: what the API is, as JSON; browsers and proxies may keep it for five minutes.
func GET() -> Response {
    .json(
        ["name": "example-api", "rendered": "ahead of time", "docs": "/api/docs/getting-started"],
        headers: ["Cache-Control": "public, max-age=300"])
}
