import RouteHandlers

func GET(_ request: Request, _ context: Context) -> Response {
    .json(["path": context.params.path.joined(separator: "/")])
}
