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
        let lines = LineTable(bytes)
        return documentNode(at: index, file: file, lines: lines)
    }

    private func documentNode(at index: Int, file: String, lines: LineTable) -> DocumentNode {
        let token = tape[index]
        let offset = Int(token.start) - (token.kind == .string ? 1 : 0)
        let (line, column) = lines.position(of: offset, in: bytes)
        let location = SourceLocation(file: file, line: line, column: column)
        switch token.kind {
        case .null: return DocumentNode(.null, at: location)
        case .true: return DocumentNode(.bool(true), at: location)
        case .false: return DocumentNode(.bool(false), at: location)
        case .string: return DocumentNode(.string(string(at: index)), at: location)
        case .number:
            if let number = JSONNumber(utf8: rawUTF8(at: index)) { return DocumentNode(.number(number), at: location) }
            return DocumentNode(.string(numberText(at: index)), at: location)
        case .array:
            return DocumentNode(
                .array(elements(of: index).map { documentNode(at: $0, file: file, lines: lines) }), at: location)
        case .object:
            var entries: [DocumentNode.Entry] = []
            for (key, value) in members(of: index) {
                let keyOffset = Int(tape[key].start) - 1
                let (keyLine, keyColumn) = lines.position(of: keyOffset, in: bytes)
                let entry = DocumentNode.Entry(
                    key: string(at: key), keyLocation: SourceLocation(file: file, line: keyLine, column: keyColumn),
                    value: documentNode(at: value, file: file, lines: lines))
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
/// bytes, not the whole line before it.
public struct LineTable: Sendable {
    private var starts: [Int] = [0]
    /// Offsets inside long lines, in order, with the column at each.
    private var marks: [(offset: Int, column: Int)] = []
    /// The distance between two marks of a long line.
    static let markStep = 64 << 10

    public init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBufferPointer { buffer in LineTable(buffer) }
    }

    /// Finds the line feeds of `bytes` with `memchr`; after each `step` bytes (and at the end) calls
    /// `visited` with the offset reached, so a caller reading a mapped file can give back its pages.
    public init(_ bytes: UnsafeBufferPointer<UInt8>, step: Int = 16 << 20, visited: (Int) -> Void = { _ in }) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        var position = 0
        var nextVisit = step
        while position < count {
            let found = memchr(base + position, 0x0A, count - position)
            let end = found.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? count
            if end - position > Self.markStep { markLine(from: position, to: end, in: bytes) }
            guard found != nil else { break }
            starts.append(end + 1)
            position = end + 1
            if position >= nextVisit {
                visited(position)
                nextVisit = position + step
            }
        }
        visited(count)
    }

    /// Adds the marks of the long line `start..<end`.
    private mutating func markLine(from start: Int, to end: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        var column = 1
        var position = start
        var mark = start + Self.markStep
        while mark < end {
            column += Self.characters(in: bytes, from: position, to: mark)
            marks.append((mark, column))
            position = mark
            mark += Self.markStep
        }
    }

    /// The bytes of `bytes[from..<to]` that begin a character (all but continuation bytes), eight at a time.
    private static func characters(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
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
