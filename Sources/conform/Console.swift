#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes results to stdout and diagnostics to stderr.
enum Console {
    static func out(_ line: String) { write(line + "\n", to: STDOUT_FILENO) }

    static func err(_ line: String) { write(line + "\n", to: STDERR_FILENO) }

    /// Writes to stderr without a newline (progress lines).
    static func errRaw(_ text: String) { write(text, to: STDERR_FILENO) }

    /// Whether the stream is a terminal and colour is allowed (`NO_COLOR` unset).
    static func usesColor(_ descriptor: Int32 = STDOUT_FILENO) -> Bool {
        isatty(descriptor) == 1 && getenv("NO_COLOR") == nil
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

private func systemWrite(_ descriptor: Int32, _ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}
