import RouteHandlers

func GET(_ request: Request, _ context: Context) -> Response {
    .json(["abc": context.params.id])
}
