import RouteHandlers

func GET() -> Response {
    .json(["user": "me"])
}
