/// The UTF-8 text a ``JSONDocument`` reads: an array it owns, or a stretch of memory that an owner
/// object keeps alive and unchanged (a chunk of a file read in pieces), so that a recording's line is
/// parsed where it was read, not copied first.
public struct JSONBytes: @unchecked Sendable {
    // Immutable: the array, or the owner and the stretch it keeps.
    @usableFromInline let storage: [UInt8]
    @usableFromInline let owner: AnyObject?
    @usableFromInline let start: UnsafePointer<UInt8>?
    /// The number of bytes.
    public let count: Int

    /// Bytes held in an array.
    public init(_ bytes: [UInt8]) {
        storage = bytes
        owner = nil
        start = nil
        count = bytes.count
    }

    /// Bytes `owner` keeps: `buffer` must stay valid and unchanged as long as `owner` lives.
    public init(borrowing buffer: UnsafeBufferPointer<UInt8>, owner: any AnyObject & Sendable) {
        storage = []
        self.owner = owner
        start = buffer.baseAddress
        count = buffer.count
    }

    /// Calls `body` with the bytes.
    @inlinable @inline(__always)
    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R
    {
        guard let owner else { return try storage.withUnsafeBufferPointer(body) }
        // The owner must outlive the call even if this value is not used after it (as Array's own
        // withUnsafeBufferPointer keeps its storage).
        defer { _fixLifetime(owner) }
        return try body(UnsafeBufferPointer(start: start, count: count))
    }

    /// A copy of the bytes of `range`, indexed from 0; a range reaching past the bytes is cut at
    /// their ends.
    public subscript(range: Range<Int>) -> ArraySlice<UInt8> {
        let start = min(max(range.lowerBound, 0), count)
        let end = min(max(range.upperBound, start), count)
        return withUnsafeBufferPointer { ArraySlice(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }
}
