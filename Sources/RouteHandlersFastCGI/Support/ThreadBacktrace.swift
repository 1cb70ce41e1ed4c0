import CLinux
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The stack of another thread of this process, for the slow log (PHP-FPM's slow log shows the script's stack):
/// a real-time signal sent to that thread runs `backtrace()` there, into a buffer set aside up front, and the
/// caller symbolicates the addresses (Swift names demangled). One capture at a time.
///
/// A signal interrupts a blocking system call of that thread (`sleep`, `poll` return early, as any signal makes
/// them); the event loops retry theirs. A thread that does not take the signal within a moment gives no stack.
enum ThreadBacktrace {
    static let capacity = 64
    /// Where the signal handler writes: the frames, then the count with bit 32 set once done. Allocated once,
    /// before the handler is installed, and never freed.
    nonisolated(unsafe) static let frames = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: capacity)
    nonisolated(unsafe) static let result = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    private static let lock = Mutex(false)

    static var signalNumber: Int32 { __libc_current_sigrtmin() + 3 }

    /// The demangled frames of `thread`'s stack now, innermost first; `nil` when it could not be taken.
    static func capture(_ thread: pthread_t) -> [String]? {
        lock.withLock { installed -> [String]? in
            if !installed {
                guard install() else { return nil }
                installed = true
            }
            rh_atomic_store(result, 0)
            guard pthread_kill(thread, signalNumber) == 0 else { return nil }
            var waited = 0
            while rh_atomic_load(result) & (1 << 32) == 0 {
                guard waited < 200 else { return nil }
                usleep(1000)
                waited += 1
            }
            let count = Int(rh_atomic_load(result) & 0xFFFF_FFFF)
            return symbolicate(count)
        }
    }

    /// Lets the calling thread take the capture signal. Threads started from Swift's pool (libdispatch's threads)
    /// inherit a mask that blocks every signal: ``spawnThread(name:_:)`` calls this for each thread it starts.
    static func unblockSignal() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signalNumber)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    private static func install() -> Bool {
        // backtrace() loads libgcc on its first call, which allocates: do that here, not in the handler.
        _ = backtrace(frames, Int32(capacity))
        rh_atomic_store(result, 0)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = captureHandler
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        return sigaction(signalNumber, &action, nil) == 0
    }

    private static func symbolicate(_ count: Int) -> [String] {
        // The handler's own frames (it, and the kernel's signal trampoline) come first.
        let skip = min(count, 2)
        guard count > skip, let symbols = backtrace_symbols(frames + skip, Int32(count - skip)) else { return [] }
        defer { free(symbols) }
        return (0..<(count - skip)).map { index in
            guard let text = symbols[index] else { return "?" }
            let line = String(cString: text)
            return fromSymbolTable(line) ?? demangled(line)
        }
    }

    /// `binary(+0x3f7427) [0x55…]`, a frame `backtrace_symbols` could not name (every function of an executable
    /// not linked with `--export-dynamic`), named from the file's own symbol table: `binary(function +0x27) [0x55…]`.
    /// The offset it prints is the address less the file's load address, which is what the symbols count in.
    static func fromSymbolTable(_ line: String) -> String? {
        guard let open = line.firstIndex(of: "("), line[open...].hasPrefix("(+0x"), let close = line[open...].firstIndex(of: ")"),
            let offset = UInt64(line[line.index(open, offsetBy: 4)..<close], radix: 16), offset > 0
        else { return nil }
        let path = String(line[..<open])
        // The executable may be named relative to a directory the process has left: then it is /proc/self/exe.
        let file = access(path, F_OK) == 0 ? path : "/proc/self/exe"
        guard let symbols = ELFSymbols.of(file) else { return nil }
        // A return address points after its call: look up the byte before it.
        guard let (name, into) = symbols.function(containing: offset - 1) else { return nil }
        return path + "(" + (demangle(name) ?? name) + " +0x" + String(into + 1, radix: 16) + String(line[close...])
    }

    /// `binary(mangled+0x1f) [0x55…]` with the Swift name demangled: `binary(Fixture.spin() -> () +0x1f) [0x55…]`.
    static func demangled(_ line: String) -> String {
        guard let open = line.firstIndex(of: "("), let plus = line[open...].firstIndex(of: "+") else { return line }
        let mangled = String(line[line.index(after: open)..<plus])
        guard !mangled.isEmpty, let name = demangle(mangled) else { return line }
        return String(line[...open]) + name + " " + String(line[plus...])
    }

    static func demangle(_ mangled: String) -> String? {
        guard mangled.hasPrefix("$s") || mangled.hasPrefix("_$s") || mangled.hasPrefix("$S") else { return nil }
        let result: UnsafeMutablePointer<CChar>? = mangled.withCString { swift_demangle($0, strlen($0), nil, nil, 0) }
        guard let result else { return nil }
        defer { free(result) }
        return String(cString: result)
    }
}

/// The Swift runtime's demangler.
@_silgen_name("swift_demangle")
private func swift_demangle(
    _ mangledName: UnsafePointer<CChar>, _ mangledNameLength: Int, _ outputBuffer: UnsafeMutablePointer<CChar>?,
    _ outputBufferSize: UnsafeMutablePointer<Int>?, _ flags: UInt32
) -> UnsafeMutablePointer<CChar>?

/// Runs on the thread being looked at: only async-signal-safe work (backtrace's library is loaded already).
private func captureHandler(_ signal: Int32) {
    let count = backtrace(ThreadBacktrace.frames, Int32(ThreadBacktrace.capacity))
    rh_atomic_store(ThreadBacktrace.result, UInt64(max(0, count)) | 1 << 32)
}
