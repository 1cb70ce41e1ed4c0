/// Values that middleware hands to the handlers behind it, keyed by their type:
///
/// ```swift
/// // in a middleware
/// var context = context
/// context.locals[CurrentUser.self] = user
/// return try await next(request, context)
///
/// // in a handler
/// guard let user = context.locals[CurrentUser.self] else { … }
/// ```
///
/// A type is its own key, so a value always comes back with the type it was stored with: no casting, no string
/// keys two libraries could both pick.
public struct Locals: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    /// The value stored for `key`, or `nil`; assigning `nil` removes it.
    public subscript<Value: Sendable>(_ key: Value.Type) -> Value? {
        get { values[ObjectIdentifier(key)] as? Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }

    /// Whether a value is stored for `key`.
    public func contains<Value: Sendable>(_ key: Value.Type) -> Bool {
        values[ObjectIdentifier(key)] != nil
    }

    public var isEmpty: Bool { values.isEmpty }
}
