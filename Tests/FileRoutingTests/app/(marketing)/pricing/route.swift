import RouteHandlers

let revalidate = 30

/// Reads the value the group's middleware stored, with its type.
func GET(_ request: Request, _ context: Context) -> Response {
    .json(["campaign": context.locals[Campaign.self]?.name ?? "missing"])
}
