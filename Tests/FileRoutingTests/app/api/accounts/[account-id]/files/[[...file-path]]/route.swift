import RouteHandlers

func GET(_ request: Request, _ context: Context) -> Response {
    let path: [String]? = context.params.`file-path`
    return .json(["account": context.params.`account-id`, "path": path?.joined(separator: "/") ?? "none"])
}
