import CStringScan

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension JSONDocument {
    /// The value at tape index `index` as a ``DocumentNode`` whose locations are lines and columns
    /// of this document in `file`.
    public func documentNode(at index: Int = 0, file: String) -> DocumentNode {
        bytes.withUnsafeBufferPointer { buffer in
            var lines = LineTable()
            lines.extend(through: buffer.count, in: buffer)
            return documentNode(at: index, file: file, lines: lines, buffer: buffer)
        }
    }

    private func documentNode(at index: Int, file: String, lines: LineTable, buffer: UnsafeBufferPointer<UInt8>)
        -> DocumentNode
    {
        let token = tape[index]
        let offset = Int(token.start) - (token.kind == .string ? 1 : 0)
        let (line, column) = lines.position(of: offset, in: buffer)
        let location = SourceLocation(file: file, line: line, column: column)
        switch token.kind {
        case .null: return DocumentNode(.null, at: location)
        case .true: return DocumentNode(.bool(true), at: location)
        case .false: return DocumentNode(.bool(false), at: location)
        case .string: return DocumentNode(.string(string(at: index)), at: location)
        case .number:
            if let number = withRawUTF8(at: index, { JSONNumber(utf8: $0) }) {
                return DocumentNode(.number(number), at: location)
            }
            return DocumentNode(.string(numberText(at: index)), at: location)
        case .array:
            return DocumentNode(
                .array(elements(of: index).map { documentNode(at: $0, file: file, lines: lines, buffer: buffer) }),
                at: location)
        case .object:
            var entries: [DocumentNode.Entry] = []
            for (key, value) in members(of: index) {
                let keyOffset = Int(tape[key].start) - 1
                let (keyLine, keyColumn) = lines.position(of: keyOffset, in: buffer)
                let entry = DocumentNode.Entry(
                    key: string(at: key), keyLocation: SourceLocation(file: file, line: keyLine, column: keyColumn),
                    value: documentNode(at: value, file: file, lines: lines, buffer: buffer))
                if let existing = entries.firstIndex(where: { $0.key == entry.key }) {
                    entries[existing] = entry
                } else {
                    entries.append(entry)
                }
            }
            return DocumentNode(.object(entries), at: location)
        }
    }

    /// The exact source bytes of the value at tape index `index` (strings with their quotes).
    public func valueBytes(at index: Int) -> ArraySlice<UInt8> {
        let token = tape[index]
        let start = Int(token.start)
        switch token.kind {
        case .string: return bytes[(start - 1)..<(start + Int(token.length) + 1)]
        default: return bytes[start..<(start + Int(token.length))]
        }
    }
}

/// Offsets where lines start, for many offset → line:column look-ups.
///
/// A line longer than ``markStep`` bytes (a HAR written on one line) also gets a mark every
/// ``markStep`` bytes holding the column there, so that placing an offset counts at most that many
/// bytes, not the whole line before it. The text is read as far as asked (``extend(through:in:)``).
public struct LineTable: Sendable {
    private var starts: [Int] = [0]
    /// Offsets inside long lines, in order, with the column at each.
    private var marks: [(offset: Int, column: Int)] = []
    /// How far the text has been read.
    private var scanned = 0
    /// The last mark of the line being read (its start while it has none), and the column there.
    private var markOffset = 0
    private var markColumn = 1
    /// The distance between two marks of a long line.
    static let markStep = 64 << 10

    /// An empty table, to be extended.
    public init() {}

    /// The table of the whole of `bytes`.
    public init(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in extend(through: buffer.count, in: buffer) }
    }

    /// Reads `bytes` (always the same text) up to `offset`, so that ``position(of:in:)`` can place any
    /// offset up to it: line feeds with `memchr`, marks in long lines.
    public mutating func extend(through offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        let target = min(offset, bytes.count)
        while scanned < target {
            let found = memchr(base + scanned, 0x0A, target - scanned)
            let end = found.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? target
            while markOffset + Self.markStep <= end {
                markColumn += Self.characters(in: bytes, from: markOffset, to: markOffset + Self.markStep)
                markOffset += Self.markStep
                marks.append((markOffset, markColumn))
            }
            guard found != nil else {
                scanned = target
                break
            }
            starts.append(end + 1)
            markOffset = end + 1
            markColumn = 1
            scanned = end + 1
        }
    }

    /// The bytes of `bytes[from..<to]` that begin a character (all but continuation bytes): 32 at a time
    /// where the processor has AVX2, else eight at a time.
    private static func characters(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let counted = conform_count_characters(base, start, end)
        if counted >= 0 { return counted }
        var count = 0
        var position = start
        while position + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let continuations = word & ~(word << 1) & 0x8080_8080_8080_8080
            count += 8 - continuations.nonzeroBitCount
            position += 8
        }
        while position < end {
            if base[position] & 0xC0 != 0x80 { count += 1 }
            position += 1
        }
        return count
    }

    /// 1-based line and column (in Unicode scalars) of a byte offset.
    public func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        bytes.withUnsafeBufferPointer { buffer in position(of: offset, in: buffer) }
    }

    /// 1-based line and column (in Unicode scalars) of a byte offset of `bytes`, the text the table was made from.
    public func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        var column = 1
        var position = starts[low]
        // The last mark of this line at or before the offset, if the line is long.
        var first = 0
        var last = marks.count
        while first < last {
            let middle = (first + last) / 2
            if marks[middle].offset <= offset { first = middle + 1 } else { last = middle }
        }
        if first > 0, marks[first - 1].offset >= position {
            position = marks[first - 1].offset
            column = marks[first - 1].column
        }
        let end = min(max(offset, position), bytes.count)
        return (low + 1, column + Self.characters(in: bytes, from: position, to: end))
    }
}

/// A ``LineTable`` of one text, read as far as the offsets placed so far need and shared by the threads
/// that place them (each under a lock): a HAR file's entries are placed by the threads that decode them,
/// so no thread reads the whole file for its lines before the first entry is checked.
public final class SharedLineTable: @unchecked Sendable {
    private var table = LineTable()
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// An empty table.
    public init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// 1-based line and column (in Unicode scalars) of a byte offset of `bytes` (always the same text).
    public func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        table.extend(through: offset, in: bytes)
        return table.position(of: offset, in: bytes)
    }
}
