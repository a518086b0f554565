import ContractCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The wall clock and the machine's name, for report headers.
enum WallClock {
    static var secondsSince1970: Int { Int(time(nil)) }

    static var hostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let name = String(decoding: bytes, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}

/// A progress line on stderr for runs that take more than a second, only on a terminal.
struct Progress {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let started = MonotonicClock.now
    private var lastShown = 0.0
    private var shown = false

    mutating func update(exchanges: Int, failed: Int) {
        guard isTerminal else { return }
        let now = MonotonicClock.now
        guard now - started > 1, now - lastShown > 0.25 else { return }
        lastShown = now
        shown = true
        Console.errRaw("\r\u{1B}[K\(exchanges) exchanges checked, \(failed) failed…")
    }

    mutating func finish() {
        if shown { Console.errRaw("\r\u{1B}[K") }
    }
}
