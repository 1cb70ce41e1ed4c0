import RouteHandlers

/* A block comment /* nested */ with func GET() in it. */
let banner = """
    func POST() is not a handler: it is in a string
    """
let raw = #"func PUT() "quoted" \(not interpolated)"#

private func helper(_ value: String) -> String {
    "\(value.uppercased())\("!")"
}

public func GET(request: Request) throws -> Response {
    .text(helper(request.url.searchParams.get("q") ?? "none") + "|" + banner + "|" + raw)
}

// An explicit HEAD wins over GET's fallback.
func HEAD() -> Response {
    Response(status: .ok, headers: ["X-Head": "explicit"])
}

func OPTIONS() -> Response {
    .empty(headers: ["X-Options": "custom"])
}
