import RouteHandlers

let revalidat = 60
let maxduration = 2
let BodyLimit = 1024
let runtime = "edge"
// Not near any option: a helper like any other.
let pageSize = 20

func GET() -> Response { .text("\(pageSize)") }
