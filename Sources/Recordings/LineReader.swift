#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import ContractCore

/// A stretch of a cassette, read with `read(2)`. Lines are handed out as ranges of it; it goes back
/// to its pool when the last unit holding one of its lines is gone, so memory stays bounded by the
/// lines in flight, however large the file is. Written once by the reader before any line of it is
/// handed out, then only read, so it may be shared between threads.
final class LineChunk: @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    /// How many bytes of the chunk hold text.
    fileprivate(set) var count = 0
    private let pool: ChunkPool

    fileprivate init(capacity: Int, pool: ChunkPool) {
        self.capacity = max(capacity, 1)
        self.pool = pool
        base = pool.take(capacity: self.capacity)
    }

    deinit { pool.give(base, capacity: capacity) }

    /// The bytes read into the chunk.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Copies the bytes of `range` of `other` to the start of the chunk (the start of a line that
    /// `other` cut), then fills the rest from `file`.
    fileprivate func fill(carrying range: Range<Int>, of other: LineChunk?, from file: SequentialFile)
        throws(FileBytes.ReadError)
    {
        if let other, !range.isEmpty { base.update(from: other.base + range.lowerBound, count: range.count) }
        count = range.count
        count += try file.read(into: UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count))
    }
}

/// Buffers of the usual chunk size, kept for reuse: a fresh one would cost a page fault per page
/// the first time each is written. Chunks are freed on the threads that decode their lines, so the
/// list is locked.
private final class ChunkPool: @unchecked Sendable {
    private let size: Int
    private var free: [UnsafeMutablePointer<UInt8>] = []
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Enough for the chunks of two batches (4 MiB each) in flight, and some.
    private static let kept = 12

    init(size: Int) {
        self.size = size
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        for buffer in free { buffer.deallocate() }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func take(capacity: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity == size {
            pthread_mutex_lock(mutex)
            let reused = free.popLast()
            pthread_mutex_unlock(mutex)
            if let reused { return reused }
        }
        return UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    func give(_ buffer: UnsafeMutablePointer<UInt8>, capacity: Int) {
        if capacity == size {
            pthread_mutex_lock(mutex)
            let kept = free.count < Self.kept
            if kept { free.append(buffer) }
            pthread_mutex_unlock(mutex)
            if kept { return }
        }
        buffer.deallocate()
    }
}

/// Finds the lines of a cassette read sequentially in chunks of about ``chunkBytes``. Lines are
/// handed out as ranges of their chunk, not copies: each is parsed where it lies, by the thread that
/// decodes it. A line the chunk cuts is carried to the start of the next one, which grows to hold a
/// line up to the limit; once a line is past the limit, the rest of it is counted and skipped
/// without being held.
final class LineReader {
    private let file: SequentialFile
    private var chunk: LineChunk?
    /// Where the next line starts in ``chunk``.
    private var start = 0
    private var atEnd = false
    let maxLineBytes: Int
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0
    private let chunkBytes: Int
    private let pool: ChunkPool

    /// Reads `path`; `chunkBytes` (at least 1) is the size of each read (tests make it small).
    init(path: String, maxLineBytes: Int, chunkBytes: Int = 1 << 20) throws(FileBytes.ReadError) {
        file = try SequentialFile(path: path)
        self.maxLineBytes = maxLineBytes
        self.chunkBytes = max(chunkBytes, 1)
        pool = ChunkPool(size: self.chunkBytes)
    }

    enum Line {
        /// The bytes of the line in a chunk.
        case text(LineChunk, Range<Int>)
        /// The line was longer than the limit; its bytes were skipped.
        case tooLong(length: Int)
    }

    /// The next line without its terminator (LF, or CR LF), or `nil` at the end of the file.
    /// A last line without a line feed keeps a trailing CR.
    func next() throws(FileBytes.ReadError) -> Line? {
        while true {
            if let chunk, let base = chunk.bytes.baseAddress, start < chunk.count,
                let found = memchr(base + start, 0x0A, chunk.count - start)
            {
                let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let lineStart = start
                start = newline + 1
                lineNumber += 1
                let length = newline - lineStart
                if length > maxLineBytes { return .tooLong(length: length) }
                let kept = length > 0 && base[newline - 1] == UInt8(ascii: "\r") ? length - 1 : length
                return .text(chunk, lineStart..<(lineStart + kept))
            }
            let pending = (chunk?.count ?? 0) - start
            if atEnd {
                guard pending > 0, let chunk else { return nil }
                let lineStart = start
                start = chunk.count
                lineNumber += 1
                if pending > maxLineBytes { return .tooLong(length: pending) }
                return .text(chunk, lineStart..<chunk.count)
            }
            if pending > maxLineBytes {
                lineNumber += 1
                return .tooLong(length: try skipLine(counted: pending))
            }
            // The line the chunk cut goes to the start of the next one, with room for as much again,
            // but no more than a line of the limit and its line feed need.
            let next = LineChunk(capacity: max(chunkBytes, min(pending * 2, maxLineBytes) + 1), pool: pool)
            try next.fill(carrying: start..<(start + pending), of: chunk, from: file)
            atEnd = next.count < next.capacity
            chunk = next
            start = 0
        }
    }

    /// Reads on to the end of a line of which `counted` bytes have been read and none holds a line
    /// feed, keeping none of it; returns its length (a CR before the line feed included).
    private func skipLine(counted: Int) throws(FileBytes.ReadError) -> Int {
        var length = counted
        let scratch = LineChunk(capacity: chunkBytes, pool: pool)
        while true {
            try scratch.fill(carrying: 0..<0, of: nil, from: file)
            let count = scratch.count
            if let base = scratch.bytes.baseAddress, count > 0, let found = memchr(base, 0x0A, count) {
                let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                length += newline
                // What follows the line feed is the next line: it stays for ``next()``.
                chunk = scratch
                start = newline + 1
                atEnd = count < scratch.capacity
                return length
            }
            length += count
            if count < scratch.capacity {
                atEnd = true
                chunk = nil
                start = 0
                return length
            }
        }
    }
}
