import Synchronization
import Tracing

/// A tracer for tests: continues a W3C `traceparent` (extracted into the context) and records every span it
/// ends. Bootstrapped once per test process (``bootstrap``), before a server that should trace starts.
final class RecordingTracer: Tracer {
    static let shared = RecordingTracer()
    /// Bootstraps the instrumentation system with ``shared``; evaluated once.
    static let bootstrap: Void = { InstrumentationSystem.bootstrap(RecordingTracer.shared) }()

    let finished = Mutex<[RecordedSpan]>([])

    enum TraceKey: InstrumentationContextKey {
        typealias Value = TraceParent
    }

    struct TraceParent: Sendable {
        var traceID: String
        var spanID: String
    }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> RecordedSpan {
        let parent = context()
        let hex = "0123456789abcdef"
        let spanID = String((0..<16).map { _ in hex.randomElement()! })
        let traceID = parent[TraceKey.self]?.traceID ?? String((0..<32).map { _ in hex.randomElement()! })
        var own = parent
        own[TraceKey.self] = TraceParent(traceID: traceID, spanID: spanID)
        return RecordedSpan(
            operationName: operationName, kind: kind, traceID: traceID, parentSpanID: parent[TraceKey.self]?.spanID, context: own,
            tracer: self)
    }

    func forceFlush() {}

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier) else { return }
        let parts = header.split(separator: "-")
        guard parts.count == 4, parts[1].count == 32, parts[2].count == 16 else { return }
        context[TraceKey.self] = TraceParent(traceID: String(parts[1]), spanID: String(parts[2]))
    }

    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {}
}

/// A span the ``RecordingTracer`` made.
final class RecordedSpan: Span {
    let kind: SpanKind
    let traceID: String
    let parentSpanID: String?
    let context: InstrumentationContext
    private let tracer: RecordingTracer
    private struct State {
        var operationName: String
        var attributes = SpanAttributes()
        var status: SpanStatus?
    }
    private let state: Mutex<State>

    init(
        operationName: String, kind: SpanKind, traceID: String, parentSpanID: String?, context: InstrumentationContext,
        tracer: RecordingTracer
    ) {
        self.kind = kind
        self.traceID = traceID
        self.parentSpanID = parentSpanID
        self.context = context
        self.tracer = tracer
        self.state = Mutex(State(operationName: operationName))
    }

    var operationName: String {
        get { state.withLock { $0.operationName } }
        set { state.withLock { $0.operationName = newValue } }
    }

    var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { $0.attributes = newValue } }
    }

    var status: SpanStatus? { state.withLock { $0.status } }
    var isRecording: Bool { true }

    func setStatus(_ status: SpanStatus) { state.withLock { $0.status = status } }
    func addEvent(_ event: SpanEvent) {}
    func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {}
    func addLink(_ link: SpanLink) {}

    func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        tracer.finished.withLock { $0.append(self) }
    }
}
