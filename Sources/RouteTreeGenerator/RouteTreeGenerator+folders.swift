import RouteHandlers

extension RouteTreeGenerator {
    /// Next.js's interception markers, longest first: `(.)x` is the same level, `(..)x` one up, `(..)(..)x` two
    /// up, `(...)x` the root.
    static let interceptionMarkers = ["(..)(..)", "(...)", "(..)", "(.)"]

    /// Rejects folders the App Router gives a meaning only pages have: parallel route slots and intercepting
    /// routes both render into a layout, which route handlers and static pages do not have.
    static func checkFolder(_ folder: String) throws(RouteError) {
        if folder.hasPrefix("@") {
            throw RouteError(
                .invalidSegment,
                "Invalid route segment \"\(folder)\": parallel routes (@slot folders) are for pages only; Next.js renders a slot into a layout, which route handlers do not have. Write %40 for a literal @."
            )
        }
        if let marker = interceptionMarkers.first(where: { folder.hasPrefix($0) }) {
            throw RouteError(
                .invalidSegment,
                "Invalid route segment \"\(folder)\": intercepting routes (\(marker) folders) are for pages only; Next.js shows an intercepted page in the current layout on client-side navigation, which route handlers do not have."
            )
        }
    }

    /// Rejects a parameter name that cannot be a property of the route's generated `Params`, even as a raw
    /// identifier in backticks.
    static func checkSwiftSpelling(_ segment: RoutePattern.Segment, folder: String) throws(RouteError) {
        guard let name = segment.parameterName, let problem = SwiftSpelling.rawIdentifierProblem(name) else { return }
        throw RouteError(
            .invalidSegment,
            "Invalid route segment \"\(folder)\": the parameter name \"\(name)\" cannot be a property of the route's Params: \(problem).")
    }
}
