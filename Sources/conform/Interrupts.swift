import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINT and SIGTERM during a run: the run stops at the next safe point and still writes the
/// report of what finished, with an `<error>` case saying why it stopped.
final class Interrupts: @unchecked Sendable {
    private let lock = NSLockLike()
    private var received: Int32 = 0
    private var handlers: [@Sendable () -> Void] = []
    private var sources: [any DispatchSourceSignal] = []

    /// Starts listening for SIGINT and SIGTERM.
    static func install() -> Interrupts {
        let interrupts = Interrupts()
        let queue = DispatchQueue(label: "conform.interrupts")
        for number in [SIGINT, SIGTERM] {
            ignoreSignal(number)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { interrupts.fire(number) }
            source.resume()
            interrupts.sources.append(source)
        }
        return interrupts
    }

    /// The signal received, if any.
    var signal: Int32? {
        var value: Int32 = 0
        lock.run { value = received }
        return value == 0 ? nil : value
    }

    /// `SIGINT` or `SIGTERM`, for messages.
    var signalName: String { signal == SIGTERM ? "SIGTERM" : "SIGINT" }

    /// The exit code for the signal received: 128 + its number (130 for SIGINT, 143 for SIGTERM).
    var exitCode: Int32 { 128 + (signal ?? SIGINT) }

    /// Calls `handler` when a signal arrives (at once if one already has).
    func onSignal(_ handler: @escaping @Sendable () -> Void) {
        var already = false
        lock.run {
            handlers.append(handler)
            already = received != 0
        }
        if already { handler() }
    }

    private func fire(_ number: Int32) {
        var toCall: [@Sendable () -> Void] = []
        lock.run {
            if received == 0 { received = number }
            toCall = handlers
        }
        for handler in toCall { handler() }
    }
}

private func ignoreSignal(_ number: Int32) {
    signal(number, SIG_IGN)
}
