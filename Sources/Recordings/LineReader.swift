#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import ContractCore

/// Reads a file line by line from a memory mapping, giving back the pages already read, so memory
/// stays flat however large the file is and no byte is copied twice.
final class LineReader {
    private let file: MappedFile
    private var start = 0
    /// Where the next pages are given back.
    private var nextRelease = LineReader.releaseStep
    let maxLineBytes: Int
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0
    /// Pages are given back in steps of this many bytes.
    private static let releaseStep = 4 << 20

    init(path: String, maxLineBytes: Int) throws(FileBytes.ReadError) {
        file = try MappedFile(path: path)
        self.maxLineBytes = maxLineBytes
    }

    enum Line {
        case text([UInt8])
        /// The line was longer than the limit; its bytes were skipped.
        case tooLong(length: Int)
    }

    /// The next line without its terminator (LF, or CR LF), or `nil` at the end of the file.
    /// A last line without a line feed keeps a trailing CR.
    func next() throws(FileBytes.ReadError) -> Line? {
        let bytes = file.bytes
        let end = bytes.count
        guard start < end, let base = bytes.baseAddress else { return nil }
        if start >= nextRelease {
            file.release((nextRelease - Self.releaseStep)..<start)
            nextRelease = start + Self.releaseStep
        }
        lineNumber += 1
        let lineStart = start
        guard let found = memchr(base + lineStart, 0x0A, end - lineStart) else {
            start = end
            let length = end - lineStart
            if length > maxLineBytes { return .tooLong(length: length) }
            return .text(Array(UnsafeBufferPointer(start: base + lineStart, count: length)))
        }
        let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        start = newline + 1
        let length = newline - lineStart
        if length > maxLineBytes { return .tooLong(length: length) }
        let kept = length > 0 && base[newline - 1] == UInt8(ascii: "\r") ? length - 1 : length
        return .text(Array(UnsafeBufferPointer(start: base + lineStart, count: kept)))
    }
}
