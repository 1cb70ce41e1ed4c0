import RouteHandlers

func GET(_ request: Request, _ context: Context) -> Response {
    .json(["raw": context.params.name])
}
