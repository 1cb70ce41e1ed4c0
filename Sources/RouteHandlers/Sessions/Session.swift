import Synchronization

/// One request's session, as ``SessionMiddleware`` hands it to handlers (`try context.session(Cart.self)`):
/// read and change ``data``; the middleware saves it after the response is made, only if it changed.
public final class Session<Data: Codable & Sendable>: Sendable {
    private struct State {
        var data: Data?
        var changed = false
        var destroyed = false
        var renewed = false
    }

    private let state: Mutex<State>

    init(data: Data?) {
        state = Mutex(State(data: data))
    }

    /// The session's data; `nil` for a visitor without one. Setting it starts or changes the session.
    public var data: Data? {
        get { state.withLock { $0.data } }
        set {
            state.withLock {
                $0.data = newValue
                $0.changed = true
                $0.destroyed = false
            }
        }
    }

    /// Changes the data in place (`session.update { $0 = ($0 ?? Cart()).adding(item) }`).
    public func update(_ body: (inout Data?) -> Void) {
        state.withLock {
            body(&$0.data)
            $0.changed = true
            $0.destroyed = false
        }
    }

    /// Ends the session: its stored data is deleted and its cookie expired (logging out).
    public func destroy() {
        state.withLock {
            $0.data = nil
            $0.destroyed = true
        }
    }

    /// Gives the session a new id, keeping its data: call it when the user's privileges change (logging in), so
    /// that an id someone planted before (session fixation) is worth nothing after.
    public func renew() {
        state.withLock {
            $0.renewed = true
            $0.changed = true
        }
    }

    var outcome: (data: Data?, changed: Bool, destroyed: Bool, renewed: Bool) {
        state.withLock { ($0.data, $0.changed, $0.destroyed, $0.renewed) }
    }
}

extension RouteContext {
    /// The session ``SessionMiddleware`` loaded for this request.
    /// - Throws: ``HTTPError`` 500 when no session middleware of this data type runs in front of the route.
    public func session<Data: Codable & Sendable>(_ type: Data.Type) throws(HTTPError) -> Session<Data> {
        guard let session = locals[Session<Data>.self] else {
            logger.error("No SessionMiddleware<\(Data.self)> in front of this route")
            throw HTTPError(.internalServerError, "Sessions are not configured for this route.")
        }
        return session
    }
}
