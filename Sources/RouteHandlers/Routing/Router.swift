import HTTPTypes

/// A route table built in code, with the same pattern grammar as file-based routes:
///
/// ```swift
/// var router = Router()
/// router.get("/api/users/[id]") { request, context in
///     .json(["id": context.params.id])
/// }
/// ```
///
/// Problems with patterns (an invalid segment, two routes for one URL) are collected and reported together by
/// ``responder(configuration:)``.
public struct Router: Sendable {
    struct Entry: Sendable {
        var pattern: RoutePattern
        var source: String
        var methods: MethodTable
    }

    private var entries: [Entry] = []
    private var errors: [RouteError] = []

    public init() {}

    /// Adds a handler for `method` at `pattern`. `source` names the route in error messages and the route table
    /// (file-based routes pass their file).
    public mutating func add(_ pattern: String, _ method: HTTPRequest.Method, source: String? = nil, _ handler: @escaping RouteHandler) {
        do throws(RouteError) {
            let parsed = try RoutePattern(pattern)
            let source = source ?? pattern
            if let index = entries.firstIndex(where: { $0.pattern == parsed && $0.source == source }) {
                guard entries[index].methods.handlers[method] == nil else {
                    throw RouteError(.duplicateMethod, "\(method) \(parsed) is defined twice (\(source)).")
                }
                entries[index].methods.handlers[method] = handler
            } else {
                entries.append(Entry(pattern: parsed, source: source, methods: MethodTable(handlers: [method: handler])))
            }
        } catch {
            errors.append(error)
        }
    }

    public mutating func get(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .get, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .post, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .put, handler) }
    public mutating func patch(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .patch, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .delete, handler) }
    public mutating func head(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .head, handler) }
    public mutating func options(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .options, handler) }

    /// Freezes the table into the responder that serves requests.
    /// - Throws: ``RouteErrors`` listing every problem found in the table.
    public func responder(configuration: RouteResponder.Configuration = .init()) throws(RouteErrors) -> RouteResponder {
        var builder = RouteTreeBuilder<MethodTable>()
        var errors = self.errors
        for entry in entries {
            do throws(RouteError) {
                try builder.insert(entry.pattern, entry.methods, source: entry.source)
            } catch {
                errors.append(error)
            }
        }
        guard errors.isEmpty else { throw RouteErrors(errors: errors) }
        return RouteResponder(tree: builder.freeze(), configuration: configuration)
    }
}

/// The handlers of one route, by method.
@_spi(Internal) public struct MethodTable: Sendable {
    package var handlers: [HTTPRequest.Method: RouteHandler]

    package init(handlers: [HTTPRequest.Method: RouteHandler] = [:]) {
        self.handlers = handlers
    }

    /// The methods the route answers, sorted: its own, plus HEAD when it has GET, plus OPTIONS.
    package var allowedMethods: [String] {
        var names = Set(handlers.keys.map(\.rawValue))
        if names.contains("GET") { names.insert("HEAD") }
        names.insert("OPTIONS")
        return names.sorted()
    }
}
