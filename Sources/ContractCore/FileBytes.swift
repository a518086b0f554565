#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole files with POSIX calls (no Foundation on the start-up path).
public enum FileBytes {
    /// Why a file could not be read.
    public enum ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file does not exist.
        case missing(path: String)
        /// The path names a directory.
        case isDirectory(path: String)
        /// The file is larger than the limit, in bytes.
        case tooLarge(path: String, size: Int, limit: Int)
        /// Any other operating-system error.
        case unreadable(path: String, reason: String)

        public var description: String {
            switch self {
            case .missing(let path): "\(path): error: no such file"
            case .isDirectory(let path): "\(path): error: is a directory, expected a file"
            case .tooLarge(let path, let size, let limit):
                "\(path):1:1: error: file is \(size) bytes, more than the limit of \(limit) bytes"
            case .unreadable(let path, let reason): "\(path): error: cannot read: \(reason)"
            }
        }
    }

    /// Reads the file at `path`, refusing files larger than `limit` bytes; with `prefix`, reads at most
    /// that many bytes from the start instead.
    public static func read(_ path: String, limit: Int = Int.max, prefix: Int? = nil) throws(ReadError) -> [UInt8] {
        let (fd, info) = try openForReading(path)
        defer { close(fd) }
        let expected = Int(info.st_size)
        if prefix == nil, expected > limit { throw .tooLarge(path: path, size: expected, limit: limit) }
        var result = [UInt8]()
        result.reserveCapacity(max(min(expected, prefix ?? expected), 0))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
            if let prefix, result.count >= prefix { return Array(result.prefix(prefix)) }
            if result.count > limit { throw .tooLarge(path: path, size: result.count, limit: limit) }
        }
        return result
    }

    /// Opens `path` for reading and reads its status; the caller closes the descriptor.
    /// - Throws: ``ReadError/missing(path:)``, ``ReadError/isDirectory(path:)`` or ``ReadError/unreadable(path:reason:)``.
    static func openForReading(_ path: String) throws(ReadError) -> (fd: Int32, info: stat) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unreadable(path: path, reason: reason)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .isDirectory(path: path)
        }
        return (fd, info)
    }

    /// Whether `path` names an existing directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}

/// Computes 1-based line and column (in Unicode scalars) of a byte offset in UTF-8 text.
public func lineAndColumn(in bytes: some Collection<UInt8>, offset: Int) -> (line: Int, column: Int) {
    linesAndColumns(in: bytes, offsets: [offset])[0]
}

/// ``lineAndColumn(in:offset:)`` of many offsets (in any order) in one pass over `bytes`: placing every
/// finding of a large body costs one read of it, not one per finding.
public func linesAndColumns(in bytes: some Collection<UInt8>, offsets: [Int]) -> [(line: Int, column: Int)] {
    var result = [(line: Int, column: Int)](repeating: (1, 1), count: offsets.count)
    var line = 1
    var column = 1
    var position = 0
    var iterator = bytes.makeIterator()
    for index in offsets.indices.sorted(by: { offsets[$0] < offsets[$1] }) {
        while position < offsets[index], let byte = iterator.next() {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            position += 1
        }
        result[index] = (line, column)
    }
    return result
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// A file read from start to end with `read(2)`, in pieces the caller's buffers hold: for inputs
/// read once, in order (JSON Lines cassettes), where mapping would cost a page fault per 64 KiB and a
/// call to give the pages back, for every page of the file. Works on pipes and special files too.
public final class SequentialFile {
    /// The path the file was opened at.
    public let path: String
    private let fd: Int32

    /// Opens the file at `path` for reading.
    /// - Throws: ``FileBytes/ReadError`` as ``FileBytes/read(_:limit:prefix:)`` does.
    public init(path: String) throws(FileBytes.ReadError) {
        self.path = path
        fd = try FileBytes.openForReading(path).fd
        #if canImport(Glibc)
            _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
    }

    deinit { close(fd) }

    /// Reads until `buffer` is full or the file ends; returns the number of bytes read (fewer than
    /// `buffer.count` only at the end of the file).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileBytes.ReadError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let count = systemRead(fd, base + filled, buffer.count - filled)
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            filled += count
        }
        return filled
    }
}

/// A file mapped read-only into memory, so that reading it copies nothing into the process.
///
/// Pages are read from the page cache as they are touched; ``release(_:)`` gives back the pages
/// already read, so resident memory stays flat however large the file is. Immutable, so it may be
/// shared between threads. Files that cannot be mapped (pipes, special files) are read whole instead.
public final class MappedFile: @unchecked Sendable {
    /// The path the file was opened at.
    public let path: String
    /// The bytes of the file; valid as long as this object lives.
    public let bytes: UnsafeBufferPointer<UInt8>
    private let mapping: UnsafeMutableRawPointer?
    private let mappedLength: Int
    /// The copy of a file that could not be mapped.
    private let owned: UnsafeMutablePointer<UInt8>?
    private static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)

    /// Maps the file at `path`, refusing files larger than `limit` bytes.
    /// - Throws: ``FileBytes/ReadError`` as ``FileBytes/read(_:limit:prefix:)`` does.
    public init(path: String, limit: Int = Int.max) throws(FileBytes.ReadError) {
        self.path = path
        let (fd, info) = try FileBytes.openForReading(path)
        defer { close(fd) }
        let size = Int(info.st_size)
        if (info.st_mode & S_IFMT) == S_IFREG, size > 0, size <= limit,
            let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
            mapped != UnsafeMutableRawPointer(bitPattern: -1)
        {
            _ = madvise(mapped, size, MADV_SEQUENTIAL)
            mapping = mapped
            mappedLength = size
            owned = nil
            bytes = UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: size)
            return
        }
        if (info.st_mode & S_IFMT) == S_IFREG, size > limit { throw .tooLarge(path: path, size: size, limit: limit) }
        // Empty, or not mappable: read it whole.
        let whole = try FileBytes.read(path, limit: limit)
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(whole.count, 1))
        whole.withUnsafeBufferPointer { source in
            if let start = source.baseAddress { copy.initialize(from: start, count: source.count) }
        }
        mapping = nil
        mappedLength = 0
        owned = copy
        bytes = UnsafeBufferPointer(start: copy, count: whole.count)
    }

    deinit {
        if let mapping { munmap(mapping, mappedLength) }
        owned?.deallocate()
    }

    /// Gives the resident pages of `range` back to the system (from the page holding its start to
    /// the last whole page before its end). Reading them again stays correct (they come back from
    /// the page cache, or the file); it only costs a page fault.
    public func release(_ range: Range<Int>) {
        guard let mapping else { return }
        let start = max(range.lowerBound, 0) / Self.pageSize * Self.pageSize
        let end = min(range.upperBound, mappedLength) / Self.pageSize * Self.pageSize
        if end > start { _ = madvise(mapping + start, end - start, MADV_DONTNEED) }
    }
}
