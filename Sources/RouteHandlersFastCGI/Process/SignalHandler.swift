import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Turns signals into a callback on a dispatch queue, called for every signal received. The signals are
/// ignored by the process until the callback is set, so that none arriving before can kill it.
final class SignalHandler: @unchecked Sendable {
    private let queue = DispatchQueue(label: "route-handlers.signals")
    private var sources: [DispatchSourceSignal] = []
    private var handler: (@Sendable (Int32) -> Void)?

    static func install(_ signals: [Int32]) -> SignalHandler {
        let result = SignalHandler()
        let registered = DispatchSemaphore(value: 0)
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: result.queue)
            source.setEventHandler { [result] in result.handler?(number) }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            result.sources.append(source)
        }
        // libdispatch registers a source later, on its own thread; until then the signal is ignored and lost
        // (a worker told to stop right after it started would never stop). Return once they all listen.
        for _ in signals { _ = registered.wait(timeout: .now() + 2) }
        return result
    }

    func onSignal(_ handler: @escaping @Sendable (Int32) -> Void) {
        queue.sync { self.handler = handler }
    }

    static func name(_ number: Int32) -> String {
        switch number {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGTERM: "SIGTERM"
        case SIGUSR2: "SIGUSR2"
        case SIGUSR1: "SIGUSR1"
        case SIGKILL: "SIGKILL"
        case SIGABRT: "SIGABRT"
        case SIGSEGV: "SIGSEGV"
        case SIGBUS: "SIGBUS"
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        default: "signal \(number)"
        }
    }
}
