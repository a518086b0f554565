#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import ContractCore

/// Reads a file line by line with a fixed buffer, so memory stays flat however large the file is.
final class LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var isAtEnd = false
    let maxLineBytes: Int
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(path: String, maxLineBytes: Int) throws(FileBytes.ReadError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw .isDirectory(path: path)
        }
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    deinit { close(descriptor) }

    enum Line {
        case text([UInt8])
        /// The line was longer than the limit; its first bytes were dropped with the rest.
        case tooLong(length: Int)
    }

    /// The next line without its terminator, or `nil` at the end of the file.
    func next() throws(FileBytes.ReadError) -> Line? {
        var overflow = 0
        var collected: [UInt8] = []
        while true {
            if let newline = findNewline() {
                lineNumber += 1
                let length = overflow + collected.count + (newline - start)
                if overflow > 0 || length > maxLineBytes {
                    start = newline + 1
                    return .tooLong(length: length)
                }
                var line = collected
                line.append(contentsOf: buffer[start..<newline])
                start = newline + 1
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return .text(line)
            }
            // No newline in the buffer: keep what is there and read more.
            let pending = end - start
            if overflow > 0 || collected.count + pending > maxLineBytes {
                overflow += collected.count + pending
                collected = []
            } else {
                collected.append(contentsOf: buffer[start..<end])
            }
            start = 0
            end = 0
            if isAtEnd {
                if overflow == 0 && collected.isEmpty { return nil }
                lineNumber += 1
                if overflow > 0 { return .tooLong(length: overflow) }
                return .text(collected)
            }
            try fill()
        }
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBufferPointer { pointer -> Int? in
            guard let base = pointer.baseAddress else { return nil }
            guard let found = memchr(base + start, 0x0A, end - start) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func fill() throws(FileBytes.ReadError) {
        let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
            throw .unreadable(path: "", reason: String(cString: strerror(errno)))
        }
        if count == 0 { isAtEnd = true }
        end = count
    }
}

private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    while true {
        let result = read(descriptor, buffer, count)
        if result < 0 && errno == EINTR { continue }
        return result
    }
}
