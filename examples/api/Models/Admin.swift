/// An authenticated admin, stored by app/api/admin/middleware.swift in `context.locals[Admin.self]` for the
/// admin routes.
struct Admin: Sendable {
    /// The request that authenticated.
    var requestID: String
}
