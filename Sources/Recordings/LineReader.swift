#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import ContractCore

/// Finds the lines of a memory-mapped file. Lines are handed out as byte ranges, not copies: each is
/// copied once, by the thread that decodes it, and the pages of lines already decoded are given back
/// (``release(before:)``), so memory stays flat however large the file is.
final class LineReader {
    let file: MappedFile
    private var start = 0
    /// Where the pages given back so far end.
    private var released = 0
    let maxLineBytes: Int
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(path: String, maxLineBytes: Int) throws(FileBytes.ReadError) {
        file = try MappedFile(path: path)
        self.maxLineBytes = maxLineBytes
    }

    enum Line {
        /// The bytes of the line in ``file``.
        case text(Range<Int>)
        /// The line was longer than the limit; its bytes were skipped.
        case tooLong(length: Int)
    }

    /// Where the next line starts.
    var offset: Int { start }

    /// Gives back the pages before `offset` (the lines there have been decoded).
    func release(before offset: Int) {
        // In steps of 8 MiB: each call makes every core drop the pages from its address cache.
        guard offset >= released + Self.releaseStep else { return }
        file.release(released..<offset)
        released = offset
    }

    private static let releaseStep = 8 << 20

    /// The next line without its terminator (LF, or CR LF), or `nil` at the end of the file.
    /// A last line without a line feed keeps a trailing CR.
    func next() -> Line? {
        let bytes = file.bytes
        let end = bytes.count
        guard start < end, let base = bytes.baseAddress else { return nil }
        lineNumber += 1
        let lineStart = start
        guard let found = memchr(base + lineStart, 0x0A, end - lineStart) else {
            start = end
            let length = end - lineStart
            if length > maxLineBytes { return .tooLong(length: length) }
            return .text(lineStart..<end)
        }
        let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        start = newline + 1
        let length = newline - lineStart
        if length > maxLineBytes { return .tooLong(length: length) }
        let kept = length > 0 && base[newline - 1] == UInt8(ascii: "\r") ? length - 1 : length
        return .text(lineStart..<(lineStart + kept))
    }
}
