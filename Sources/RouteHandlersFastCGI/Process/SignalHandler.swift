import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Turns termination signals into a callback on a dispatch queue. A second signal while shutting down exits
/// at once, as an operator pressing Ctrl-C twice expects.
final class SignalHandler: @unchecked Sendable {
    private let queue = DispatchQueue(label: "route-handlers.signals")
    private var sources: [DispatchSourceSignal] = []
    private var handler: (@Sendable (Int32) -> Void)?
    private var received = false

    static func install(_ signals: [Int32]) -> SignalHandler {
        let result = SignalHandler()
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: result.queue)
            source.setEventHandler { [result] in result.fire(number) }
            source.resume()
            result.sources.append(source)
        }
        return result
    }

    func onSignal(_ handler: @escaping @Sendable (Int32) -> Void) {
        queue.sync { self.handler = handler }
    }

    private func fire(_ number: Int32) {
        if received { exit(128 + number) }
        received = true
        handler?(number)
    }
}
