import CStringScan

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// A strict RFC 8259 JSON reader that turns UTF-8 bytes into a flat token tape in one pass.

/// The kind of a tape token.
public enum JSONKind: UInt8, Sendable {
    /// The literal `null`.
    case null
    /// The literal `false`.
    case `false`
    /// The literal `true`.
    case `true`
    /// A number, kept as its exact text (see ``JSONDocument/numberText(at:)``).
    case number
    /// A string: a value or an object key.
    case string
    /// An array; its elements follow its token on the tape.
    case array
    /// An object; each member follows its token as a key token and then the value's tokens.
    case object
}

/// One token of a ``JSONDocument`` tape (20 bytes).
///
/// Offsets are 0-based byte offsets into ``JSONDocument/bytes``; indices are positions in
/// ``JSONDocument/tape``. Containers have no end token: ``next`` skips over a whole value.
public struct JSONToken: Sendable, Equatable {
    /// What the token is.
    public var kind: JSONKind
    /// A bit set of ``hasEscapes``, ``isASCII``, ``isIntegerText`` and ``isNegative``.
    public var flags: UInt8
    /// Strings: offset of the first byte after the opening quote. Numbers and literals: offset of
    /// the first character. Containers: offset of the `[` or `{`.
    public var start: UInt32
    /// Strings: raw byte length between the quotes. Numbers: length of the text. Literals: 4 or 5.
    /// Containers: byte length from the opening to the closing bracket, both included.
    public var length: UInt32
    /// Index of the token after this value: the skip pointer (a scalar's own index + 1).
    public var next: UInt32
    /// Arrays: element count. Objects: member count. Strings: number of Unicode code points of the
    /// decoded string (a surrogate pair escape is one, a lone surrogate escape is one). Others: 0.
    public var count: UInt32

    /// Creates a token from its fields.
    public init(kind: JSONKind, flags: UInt8, start: UInt32, length: UInt32, next: UInt32, count: UInt32) {
        self.kind = kind
        self.flags = flags
        self.start = start
        self.length = length
        self.next = next
        self.count = count
    }
}

extension JSONToken {
    /// Flag: the string contains at least one backslash escape.
    public static let hasEscapes: UInt8 = 1
    /// Flag: the decoded string is pure ASCII.
    public static let isASCII: UInt8 = 2
    /// Flag: the number has neither a fraction nor an exponent.
    public static let isIntegerText: UInt8 = 4
    /// Flag: the number starts with `-`.
    public static let isNegative: UInt8 = 8
    /// Flag: a long string value only skimmed (see ``JSONDocument/init(bytes:limits:deferringStringsFrom:)``):
    /// not checked, its ``JSONToken/count`` is 0, and its text is read through
    /// ``JSONDocument/checkedDecodedBytes(at:)``.
    public static let isDeferred: UInt8 = 16
}

/// Limits a ``JSONDocument`` enforces while reading.
public struct JSONLimits: Sendable {
    /// The deepest nesting of arrays and objects accepted; a top-level `[` is level 1.
    public var maxDepth: Int = 512
    /// The largest document accepted, in bytes; values above `UInt32.max - 1` act as that.
    public var maxBytes: Int = Int(UInt32.max) - 1

    /// 512 levels, `UInt32.max - 1` bytes.
    public static let `default` = JSONLimits()

    /// Creates limits; both count from 1.
    public init(maxDepth: Int = 512, maxBytes: Int = Int(UInt32.max) - 1) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }
}

/// An object key that appears more than once in the same object.
///
/// RFC 8259 allows duplicate names but leaves their meaning open, so conform reports a warning.
public struct JSONDuplicateKey: Sendable, Equatable {
    /// The decoded key.
    public var key: String
    /// The JSON Pointer (RFC 6901, escaped) of the object holding the key; `""` for the root.
    public var pointer: String
    /// 0-based byte offset of the opening quote of the repeated (later) key.
    public var offset: Int
    /// 1-based line of ``offset``.
    public var line: Int
    /// 1-based column of ``offset``, counted in Unicode code points.
    public var column: Int

    /// Creates a record; `offset` is 0-based, `line` and `column` 1-based.
    public init(key: String, pointer: String, offset: Int, line: Int, column: Int) {
        self.key = key
        self.pointer = pointer
        self.offset = offset
        self.line = line
        self.column = column
    }
}

/// Why bytes are not a well-formed JSON document.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `leading zeros are not allowed`.
    public var message: String
    /// 0-based byte offset of the offending byte (the input length when the input ended early).
    public var offset: Int
    /// 1-based line of ``offset``.
    public var line: Int
    /// 1-based column of ``offset``, counted in Unicode code points.
    public var column: Int

    /// Creates an error; `offset` is 0-based, `line` and `column` 1-based.
    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// `line:column: message (byte offset N)`.
    public var description: String { "\(line):\(column): \(message) (byte offset \(offset))" }
}

/// A well-formed JSON text (RFC 8259) read into a flat token tape.
///
/// One linear pass over the UTF-8 bytes produces ``tape``: no tree, no copied strings. Walk it by
/// index: a container's token is followed by its elements (objects: key token, then value
/// tokens), and every token's ``JSONToken/next`` skips the whole value.
///
/// Policies:
/// - Accepted: any value at the top level (scalars too), surrounded by space, tab, LF or CR.
/// - A UTF-8 byte order mark is rejected (`byte order mark is not allowed`): RFC 8259 §8.1 says
///   implementations MUST NOT add one, and conform checks what servers send.
/// - Escapes of lone surrogates (`"\ud800"`, `"\udc00"`, a high surrogate not followed by a low
///   one) are accepted, decode to U+FFFD and count as one code point. Surrogates *encoded in
///   UTF-8* (`ED A0 80`) are invalid UTF-8 and rejected.
/// - Duplicate keys are allowed (RFC 8259 only says names SHOULD be unique) and listed in
///   ``duplicateKeys``.
/// - Numbers keep their exact text; nothing is converted to a floating-point value.
/// - Lines end at LF, CR LF or a lone CR; columns count Unicode code points, both from 1.
public struct JSONDocument: Sendable {
    /// The UTF-8 text the document was read from.
    public let bytes: JSONBytes
    /// The tokens in document order; index 0 is the top-level value.
    public private(set) var tape: [JSONToken]
    /// Duplicate keys found while reading, in document order (RFC 8259 allows them; conform reports a warning);
    /// at most ``maxDuplicateKeysKept`` of them.
    public private(set) var duplicateKeys: [JSONDuplicateKey]
    /// How many duplicate keys the text holds, also those not kept in ``duplicateKeys``.
    public private(set) var duplicateKeyCount: Int
    /// The most duplicate keys listed per document: a hostile body may hold millions.
    public static let maxDuplicateKeysKept = 1000

    /// Reads a JSON text from UTF-8 bytes.
    /// - Throws: ``JSONSyntaxError`` for the first violation of RFC 8259 or of `limits`.
    public init(bytes: [UInt8], limits: JSONLimits = .default) throws(JSONSyntaxError) {
        try self.init(bytes: bytes, limits: limits, deferringStringsFrom: Int.max)
    }

    /// Reads a JSON text whose string values of `threshold` bytes or more are only skimmed: their
    /// closing quote is found, and nothing else is looked at until ``checkedDecodedBytes(at:)``
    /// decodes and checks one. For a text that carries another JSON text in one long string (a HAR
    /// entry's `content.text`): the body is then checked once, as it is decoded, not read twice.
    ///
    /// The document is well-formed only if every deferred string passes ``checkedDecodedBytes(at:)``;
    /// until then, other accessors must not read them. When one fails, read the text again with
    /// ``init(bytes:limits:)`` for the exact error.
    public init(bytes: [UInt8], limits: JSONLimits = .default, deferringStringsFrom threshold: Int)
        throws(JSONSyntaxError)
    {
        try self.init(text: JSONBytes(bytes), limits: limits, deferringStringsFrom: threshold)
    }

    /// Reads a JSON text from bytes that `owner` keeps alive and unchanged (a stretch of a file read in
    /// chunks, or mapped): the document reads them where they are, without a copy, and keeps `owner`
    /// alive. With `threshold`, long strings are skimmed as ``init(bytes:limits:deferringStringsFrom:)``
    /// describes.
    /// - Throws: ``JSONSyntaxError`` for the first violation of RFC 8259 or of `limits`.
    public init(
        borrowing buffer: UnsafeBufferPointer<UInt8>, owner: any AnyObject & Sendable, limits: JSONLimits = .default,
        deferringStringsFrom threshold: Int = Int.max
    ) throws(JSONSyntaxError) {
        try self.init(text: JSONBytes(borrowing: buffer, owner: owner), limits: limits, deferringStringsFrom: threshold)
    }

    private init(text bytes: JSONBytes, limits: JSONLimits, deferringStringsFrom threshold: Int)
        throws(JSONSyntaxError)
    {
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            TapeBuilder.run(buffer, limits: limits, deferringStringsFrom: max(threshold, 1))
        }
        switch outcome {
        case .failure(let failure):
            let position = bytes.withUnsafeBufferPointer { buffer in
                TextPosition.at(failure.offset, in: buffer)
            }
            throw JSONSyntaxError(
                message: failure.message, offset: failure.offset, line: position.line, column: position.column)
        case .success(let built):
            self.bytes = bytes
            self.tape = built.tape
            self.duplicateKeys = bytes.withUnsafeBufferPointer { buffer in
                TextPosition.locate(built.duplicates, in: buffer)
            }
            self.duplicateKeyCount = built.duplicateCount
        }
    }

    /// Reads a JSON text from a string (its UTF-8 form).
    /// - Throws: ``JSONSyntaxError`` for the first violation of RFC 8259 or of `limits`.
    public init(text: String, limits: JSONLimits = .default) throws(JSONSyntaxError) {
        try self.init(bytes: Array(text.utf8), limits: limits)
    }

    /// A document whose value is `string`, a JSON string: the document of `JSONText.quote(string)`.
    /// A string that needs no escape (a request's path parameter, as a rule) is put on the tape
    /// directly, without reading the text back.
    /// - Throws: ``JSONSyntaxError`` only for a string past the size limit of a document.
    public init(string: String) throws(JSONSyntaxError) {
        var string = string
        let direct: (bytes: [UInt8], token: JSONToken)? = string.withUTF8 { utf8 in
            var characters = 0
            var isASCII = true
            for byte in utf8 {
                if byte < 0x20 || byte == 0x22 || byte == 0x5C { return nil }
                if byte >= 0x80 { isASCII = false }
                if byte & 0xC0 != 0x80 { characters &+= 1 }
            }
            guard utf8.count < Int(UInt32.max) - 2 else { return nil }
            let bytes = [UInt8](unsafeUninitializedCapacity: utf8.count + 2) { out, count in
                out[0] = 0x22
                if let base = utf8.baseAddress { (out.baseAddress! + 1).update(from: base, count: utf8.count) }
                out[utf8.count + 1] = 0x22
                count = utf8.count + 2
            }
            let token = JSONToken(
                kind: .string, flags: isASCII ? JSONToken.isASCII : 0, start: 1, length: UInt32(utf8.count), next: 1,
                count: UInt32(characters))
            return (bytes, token)
        }
        guard let direct else {
            // Escapes and all: read as any text (a quoted string is well-formed).
            try self.init(text: JSONText.quote(string))
            return
        }
        self.init(bytes: JSONBytes(direct.bytes), tape: [direct.token])
    }

    private init(bytes: JSONBytes, tape: [JSONToken]) {
        self.bytes = bytes
        self.tape = tape
        duplicateKeys = []
        duplicateKeyCount = 0
    }

    /// The decoded value of the string token at `index` (escapes applied, lone surrogates as U+FFFD).
    ///
    /// For any other token: its raw text (see ``rawUTF8(at:)``); for an invalid index: `""`.
    public func string(at index: Int) -> String {
        guard let token = token(at: index) else { return "" }
        return bytes.withUnsafeBufferPointer { buffer in TextOps.decodedString(buffer, token) }
    }

    /// The raw bytes of the token at `index`: between the quotes for a string, the text of a number
    /// or literal, from bracket to bracket for a container; empty for an invalid index.
    /// A copy when the document borrows its bytes; the slice's indices start at 0 either way (use
    /// ``withRawUTF8(at:_:)`` to read them without a copy).
    public func rawUTF8(at index: Int) -> ArraySlice<UInt8> {
        guard let token = token(at: index) else { return [] }
        let start = Int(token.start)
        return bytes[start..<(start + Int(token.length))]
    }

    /// Calls `body` with the raw bytes of the token at `index` (as ``rawUTF8(at:)`` gives them, empty
    /// for an invalid index), where they lie.
    public func withRawUTF8<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let token = token(at: index) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return bytes.withUnsafeBufferPointer { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[TextOps.rawRange(buffer, token)]))
        }
    }

    /// The exact text of the number token at `index`, e.g. `12345678901234567890` or `1e400`.
    ///
    /// For other tokens: their raw text (see ``rawUTF8(at:)``).
    public func numberText(at index: Int) -> String {
        withRawUTF8(at: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the string token at `index`, decoded, equals the UTF-8 bytes `utf8`.
    ///
    /// Without escapes this is a byte comparison of the raw text; `false` for non-strings.
    public func keyEquals(_ index: Int, _ utf8: [UInt8]) -> Bool {
        guard let token = token(at: index), token.kind == .string else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            utf8.withUnsafeBufferPointer { other in TextOps.decodedEquals(buffer, token, other) }
        }
    }

    /// Whether the string token at `index`, decoded, equals `text` (compared as UTF-8, nothing copied).
    public func keyEquals(_ index: Int, _ text: String) -> Bool {
        guard let token = token(at: index), token.kind == .string else { return false }
        var text = text
        return text.withUTF8 { other in
            bytes.withUnsafeBufferPointer { buffer in TextOps.decodedEquals(buffer, token, other) }
        }
    }

    /// The value of the first member of the object at `object` whose key, decoded, is `name`; `nil`
    /// when there is none or the token is not an object. Keys are compared as UTF-8 bytes, nothing
    /// decoded or copied unless a key holds an escape.
    public func firstMember(named name: String, of object: Int) -> Int? {
        guard object >= 0, object < tape.count, tape[object].kind == .object else { return nil }
        var name = name
        return name.withUTF8 { other in
            bytes.withUnsafeBufferPointer { buffer in
                tape.withUnsafeBufferPointer { tokens in
                    var cursor = object &+ 1
                    var remaining = Int(tokens[object].count)
                    while remaining > 0 && cursor &+ 1 < tokens.count {
                        let key = tokens[cursor]
                        if key.kind == .string,
                            key.flags & JSONToken.hasEscapes != 0 || Int(key.length) == other.count,
                            TextOps.decodedEquals(buffer, key, other)
                        {
                            return cursor &+ 1
                        }
                        cursor = Int(tokens[cursor &+ 1].next)
                        remaining &-= 1
                    }
                    return nil
                }
            }
        }
    }

    /// The 1-based line and column of a 0-based byte offset; the column counts Unicode code points.
    ///
    /// Offsets are clamped to `0...bytes.count`.
    public func lineColumn(ofOffset offset: Int) -> (line: Int, column: Int) {
        bytes.withUnsafeBufferPointer { buffer in TextPosition.at(offset, in: buffer) }
    }

    /// ``lineColumn(ofOffset:)`` of many offsets, in any order, in one pass over the text.
    public func lineColumns(ofOffsets offsets: [Int]) -> [(line: Int, column: Int)] {
        bytes.withUnsafeBufferPointer { buffer in
            var result = [(line: Int, column: Int)](repeating: (1, 1), count: offsets.count)
            var cursor = TextPosition.Cursor()
            for index in offsets.indices.sorted(by: { offsets[$0] < offsets[$1] }) {
                result[index] = cursor.advance(to: offsets[index], in: buffer)
            }
            return result
        }
    }

    /// The members of the object at `objectIndex` as tape indices of each key and its value, in
    /// document order (duplicates included); empty when the token is not an object.
    ///
    /// The sequence is a concrete type, so callers in other modules iterate it without looking up
    /// opaque type metadata at run time.
    @inlinable
    public func members(of objectIndex: Int) -> JSONMemberIndices {
        var remaining = 0
        if objectIndex >= 0, objectIndex < tape.count, tape[objectIndex].kind == .object {
            remaining = Int(tape[objectIndex].count)
        }
        return JSONMemberIndices(tape: tape, cursor: objectIndex + 1, remaining: remaining)
    }

    /// The tape indices of the elements of the array at `arrayIndex`; empty when it is not an array.
    @inlinable
    public func elements(of arrayIndex: Int) -> JSONElementIndices {
        var remaining = 0
        if arrayIndex >= 0, arrayIndex < tape.count, tape[arrayIndex].kind == .array {
            remaining = Int(tape[arrayIndex].count)
        }
        return JSONElementIndices(tape: tape, cursor: arrayIndex + 1, remaining: remaining)
    }

    /// A compact JSON rendering of the value at `index` for messages.
    ///
    /// Strings and numbers keep their source text (escapes included). When the rendering has more
    /// than `limit` Unicode code points it is cut so that, with a trailing `…`, it has `limit`.
    public func jsonText(at index: Int, limit: Int) -> String {
        guard token(at: index) != nil else { return "" }
        var writer = LimitedWriter(limit: limit)
        bytes.withUnsafeBufferPointer { buffer in
            TextOps.render(tape: tape, from: index, in: buffer, into: &writer)
        }
        return writer.finish()
    }

    /// Whether the values at tape indices `a` and `b` are equal as JSON values.
    ///
    /// Strings compare decoded; numbers compare as exact decimals (`1.0`, `1` and `10e-1` are equal,
    /// `-0` equals `0`); arrays compare in order; objects compare as maps regardless of member
    /// order, where a repeated key means its last value. Numbers whose exponent exceeds about 5 × 10^18
    /// in magnitude are equal only to numbers written with the same exponent text and scale.
    public func valuesEqual(_ a: Int, _ b: Int) -> Bool {
        guard token(at: a) != nil, token(at: b) != nil else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            ValueComparer(tape: tape, buffer: buffer).equal(a, b)
        }
    }

    private func token(at index: Int) -> JSONToken? {
        guard index >= 0, index < tape.count else { return nil }
        return tape[index]
    }
}

// MARK: - Sequences

/// The members of an object as tape indices of each key and its value, in document order.
public struct JSONMemberIndices: Sequence, IteratorProtocol {
    @usableFromInline let tape: [JSONToken]
    @usableFromInline var cursor: Int
    @usableFromInline var remaining: Int

    @inlinable
    init(tape: [JSONToken], cursor: Int, remaining: Int) {
        self.tape = tape
        self.cursor = cursor
        self.remaining = remaining
    }

    /// The next member's key and value indices, or `nil` after the last member.
    @inlinable
    public mutating func next() -> (key: Int, value: Int)? {
        guard remaining > 0, cursor + 1 < tape.count else { return nil }
        let key = cursor
        let value = cursor + 1
        cursor = Int(tape[value].next)
        remaining -= 1
        return (key, value)
    }
}

/// The elements of an array as tape indices, in document order.
public struct JSONElementIndices: Sequence, IteratorProtocol {
    @usableFromInline let tape: [JSONToken]
    @usableFromInline var cursor: Int
    @usableFromInline var remaining: Int

    @inlinable
    init(tape: [JSONToken], cursor: Int, remaining: Int) {
        self.tape = tape
        self.cursor = cursor
        self.remaining = remaining
    }

    /// The next element's index, or `nil` after the last element.
    @inlinable
    public mutating func next() -> Int? {
        guard remaining > 0, cursor < tape.count else { return nil }
        let element = cursor
        cursor = Int(tape[element].next)
        remaining -= 1
        return element
    }
}

// MARK: - Reading

private struct ParseFailure: Error {
    var message: String
    var offset: Int
}

private struct PendingDuplicate {
    var key: String
    var pointer: String
    var offset: Int
}

private struct BuiltTape {
    var tape: [JSONToken]
    var duplicates: [PendingDuplicate]
    var duplicateCount: Int
}

/// An open array or object while reading.
private struct Frame {
    var tapeIndex: UInt32
    /// Elements or members started so far (the one being read is `count - 1`).
    var count: UInt32
    /// Tape index of the last key read (objects).
    var lastKey: UInt32
    /// Where this object's keys start in ``TapeBuilder/keys``.
    var keyBase: UInt32
    var isObject: Bool
}

extension JSONDocument {
    /// The offset of the closing quote of the string whose first byte is at `start` in `bytes`, the byte
    /// after each backslash skipped and nothing checked; an offset at or past the end when the text ends
    /// first. 64 bytes at a time with AVX2, else 16: HAR entries hold bodies as long strings.
    public static func closingQuote(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return count }
        // Most strings are short (keys, names, numbers as text): a quote before any backslash in the
        // first 16 bytes ends them without a call to the long-string skimmer.
        if start >= 0, start &+ 16 <= count {
            let v = UnsafeRawPointer(base + start).loadUnaligned(as: SIMD16<UInt8>.self)
            let quote = firstLane(laneBits(v .== splat(0x22)))
            if quote < firstLane(laneBits(v .== splat(0x5C))) { return start &+ quote }
        }
        let found = conform_skip_string(base, start, count)
        if found >= 0 { return found }
        var index = start
        while index < count {
            while index &+ 16 <= count {
                let v = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<UInt8>.self)
                let stops = laneBits((v .== splat(0x22)) .| (v .== splat(0x5C)))
                if stops == (0, 0) {
                    index &+= 16
                    continue
                }
                index &+= stops.0 != 0 ? stops.0.trailingZeroBitCount &>> 3 : 8 &+ stops.1.trailingZeroBitCount &>> 3
                break
            }
            while index < count && base[index] != 0x22 && base[index] != 0x5C { index &+= 1 }
            guard index < count else { return count }
            if base[index] == 0x22 { return index }
            index &+= 2
        }
        return index
    }

    /// The decoded bytes of the string token at `index`, as ``decodedBytes(at:)``. A deferred string
    /// (see ``init(bytes:limits:deferringStringsFrom:)``) is checked as it is decoded, by the rules
    /// ``init(bytes:limits:)`` applies to strings: `nil` when it holds a control character, an
    /// unknown escape, a `\u` without four hex digits, or malformed UTF-8.
    public func checkedDecodedBytes(at index: Int) -> [UInt8]? {
        guard tape.indices.contains(index), tape[index].kind == .string,
            tape[index].flags & JSONToken.isDeferred != 0
        else { return decodedBytes(at: index) }
        let start = Int(tape[index].start)
        let end = start + Int(tape[index].length)
        var isValid = true
        let decoded = bytes.withUnsafeBufferPointer { buffer in
            [UInt8](unsafeUninitializedCapacity: end - start) { out, count in
                guard let base = buffer.baseAddress, let target = out.baseAddress else { return }
                // 32 bytes at a time where the processor can (AVX2).
                let decoded = conform_unescape_string(base, start, end, target)
                if decoded != -2 {
                    isValid = decoded >= 0
                    count = max(decoded, 0)
                    return
                }
                // The input ends with the string, so a character or escape cut short by it is an error.
                let input = ByteInput(base: base, end: end)
                var written = 0
                var i = start
                // The last block ended inside a character: the next one is checked even if it is ASCII.
                var carried = false
                while i < end {
                    // Sixteen bytes at a time, stored before they are looked at: the output is never
                    // longer than the input read, so the store stays inside it. The UTF-8 check reads
                    // the three bytes before a block, so a string at the very start is begun below.
                    while i &+ 16 <= end && i >= 3 {
                        let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
                        UnsafeMutableRawPointer(target + written).storeBytes(of: v, as: SIMD16<UInt8>.self)
                        let stops = laneBits((v .== splat(0x5C)) .| (v .< splat(0x20)))
                        let high = laneBits(v .>= splat(0x80))
                        if stops == (0, 0) {
                            if high != (0, 0) || carried {
                                if laneBits(input.utf8Errors(v, at: i)) != (0, 0) {
                                    isValid = false
                                    return
                                }
                                carried = v[15] >= 0xC0 || v[14] >= 0xE0 || v[13] >= 0xF0
                            }
                            i &+= 16
                            written &+= 16
                            continue
                        }
                        let stop =
                            stops.0 != 0 ? stops.0.trailingZeroBitCount &>> 3 : 8 &+ stops.1.trailingZeroBitCount &>> 3
                        let before = prefixLanes(stop)
                        if (high.0 & before.0) | (high.1 & before.1) != 0 || carried {
                            // The stop byte too: a character it cuts short is an error.
                            let within = prefixLanes(stop &+ 1)
                            let bad = laneBits(input.utf8Errors(v, at: i))
                            if (bad.0 & within.0) | (bad.1 & within.1) != 0 {
                                isValid = false
                                return
                            }
                        }
                        carried = false
                        i &+= stop
                        written &+= stop
                        break
                    }
                    if carried && i &+ 16 > end {
                        // Back to the first byte of the character the last block cut: the bytes below
                        // read it whole.
                        let lead = input.leadOfCutCharacter(before: i)
                        written &-= i &- lead
                        i = lead
                        carried = false
                    }
                    guard i < end else { break }
                    let c = base[i]
                    if c == 0x5C {
                        guard let next = input.decodeCheckedEscape(at: i, into: target, written: &written) else {
                            isValid = false
                            return
                        }
                        i = next
                    } else if c < 0x20 {
                        isValid = false
                        return
                    } else if c >= 0x80 {
                        // The last bytes, fewer than sixteen (or a character a block left cut).
                        guard let width = try? input.checkUTF8(at: i, quote: start &- 1) else {
                            isValid = false
                            return
                        }
                        (target + written).initialize(from: base + i, count: width)
                        written &+= width
                        i &+= width
                    } else {
                        target[written] = c
                        written &+= 1
                        i &+= 1
                    }
                }
                count = written
            }
        }
        return isValid ? decoded : nil
    }
}

/// An object key seen while reading: its tape index and a fingerprint of its decoded bytes.
private struct SeenKey {
    var fingerprint: UInt64
    var index: UInt32
}

private let swarOnes: UInt64 = 0x0101_0101_0101_0101
private let swarHighs: UInt64 = 0x8080_8080_8080_8080

/// Marks (high bit of a byte) the bytes of `word` that end the fast path in a string: `"`, `\`,
/// bytes below 0x20 and bytes from 0x80. The lowest mark is always exact.
@inline(__always)
private func stringStopMask(_ word: UInt64) -> UInt64 {
    let quotes = word ^ (swarOnes &* 0x22)
    let backslashes = word ^ (swarOnes &* 0x5C)
    let quoteHits = (quotes &- swarOnes) & ~quotes
    let backslashHits = (backslashes &- swarOnes) & ~backslashes
    let controlHits = (word &- swarOnes &* 0x20) & ~word
    return (quoteHits | backslashHits | controlHits | word) & swarHighs
}

/// A vector of `byte` in every lane: comparing vectors compiles to a few instructions, where the
/// standard library's vector-to-scalar operators loop over the lanes.
@inline(__always)
private func splat(_ byte: UInt8) -> SIMD16<UInt8> { SIMD16(repeating: byte) }

/// A 16-lane mask as two words, a byte per lane (0xFF or 0): testing it is two scalar operations,
/// where `any(_:)` is a call into the standard library.
@inline(__always)
private func laneBits(_ mask: SIMDMask<SIMD16<Int8>>) -> (UInt64, UInt64) {
    let words = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
    return (words[0], words[1])
}

/// The first lane set in a ``laneBits(_:)`` mask; 16 when none is.
@inline(__always)
private func firstLane(_ words: (UInt64, UInt64)) -> Int {
    words.0 != 0 ? words.0.trailingZeroBitCount &>> 3 : (words.1 != 0 ? 8 &+ words.1.trailingZeroBitCount &>> 3 : 16)
}

/// The continuation bytes (10xxxxxx) of `v` among `lanes` (``laneBits(_:)`` words).
@inline(__always)
private func continuationCount(_ v: SIMD16<UInt8>, lanes: (UInt64, UInt64) = (.max, .max)) -> Int {
    let words = laneBits((v & splat(0xC0)) .== splat(0x80))
    return ((words.0 & lanes.0).nonzeroBitCount &+ (words.1 & lanes.1).nonzeroBitCount) &>> 3
}

/// The first `count` lanes (0 to 16) as ``laneBits(_:)`` words.
@inline(__always)
private func prefixLanes(_ count: Int) -> (UInt64, UInt64) {
    let low = count >= 8 ? UInt64.max : (UInt64(1) &<< UInt64(count &* 8)) &- 1
    let high = count >= 16 ? UInt64.max : (count <= 8 ? 0 : (UInt64(1) &<< UInt64((count &- 8) &* 8)) &- 1)
    return (low, high)
}

@inline(__always)
private func hexValue(_ byte: UInt8) -> UInt32? {
    let digit = byte &- 0x30
    if digit < 10 { return UInt32(digit) }
    let letter = (byte | 0x20) &- 0x61
    if letter < 6 { return UInt32(letter) + 10 }
    return nil
}

/// The value of four hex digits packed little-endian in `word` (the first digit in the low byte),
/// or `nil` when any of the four bytes is not a hex digit. Branch-free apart from that check.
@inline(__always)
func hexQuad(_ word: UInt32) -> UInt32? {
    let highs: UInt32 = 0x8080_8080
    if word & highs != 0 { return nil }
    // Every byte is below 0x80, so adding at most 0x50 carries into no other byte.
    let digits = (word &+ 0x5050_5050) & ~(word &+ 0x4646_4646) & highs  // 0x30...0x39
    let lower = word | 0x2020_2020
    let letters = (lower &+ 0x1F1F_1F1F) & ~(lower &+ 0x1919_1919) & highs  // a...f, A...F
    if digits | letters != highs { return nil }
    let nibbles = (word & 0x0F0F_0F0F) &+ (letters &>> 7) &* 9
    return (nibbles & 0xFF) &<< 12 | (nibbles &>> 8 & 0xFF) &<< 8 | (nibbles &>> 16 & 0xFF) &<< 4 | nibbles &>> 24
}

/// `'x'` for printable ASCII, `control character U+000A` below 0x20, `byte 0xC3` otherwise.
private func describe(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
    if byte < 0x20 { return "control character U+00\(hexByte(byte))" }
    if byte == 0x20 { return "space" }
    return "byte 0x\(hexByte(byte))"
}

/// `'x'` for printable ASCII, otherwise as ``describe(_:)``.
private func quoted(_ byte: UInt8) -> String {
    byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : describe(byte)
}

private func hexByte(_ byte: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

/// Where a resumable read stopped.
private enum ReadStep {
    /// The document is complete.
    case finished
    /// The tape is full; reading resumes with the value at this offset.
    case needsRoom(Int)
}

/// Reads bytes into a tape. Frames and keys live in buffers it allocates (``release()`` frees
/// them); the tape is lent to it by ``run(_:limits:)`` one array at a time, so tokens are written
/// straight into the final array.
private struct TapeBuilder {
    let base: UnsafePointer<UInt8>
    let end: Int
    let maxDepth: Int
    /// String values this long or longer are skimmed (`Int.max`: none are).
    let deferFrom: Int
    var tape: UnsafeMutablePointer<JSONToken>
    var tapeCount = 0
    var tapeCapacity = 0
    let spareTape: UnsafeMutablePointer<JSONToken>
    var frames: UnsafeMutablePointer<Frame>
    var depth = 0
    var frameCapacity: Int
    /// Keys of the open objects, innermost last.
    var keys: UnsafeMutablePointer<SeenKey>
    var keyCount = 0
    var keyCapacity: Int
    var duplicates: [PendingDuplicate] = []
    /// Every duplicate key seen, also those past ``JSONDocument/maxDuplicateKeysKept``.
    var duplicateCount = 0

    var input: ByteInput { ByteInput(base: base, end: end, scansWide: scansWide) }
    let scansWide = ByteInput.scansThirtyTwoBytes

    init(base: UnsafePointer<UInt8>, end: Int, maxDepth: Int, deferFrom: Int) {
        self.base = base
        self.end = end
        self.maxDepth = maxDepth
        self.deferFrom = deferFrom
        spareTape = .allocate(capacity: 1)
        tape = spareTape
        // The capacity grows up to `maxDepth` exactly, so `depth == frameCapacity` guards both.
        frameCapacity = min(16, maxDepth)
        frames = .allocate(capacity: max(frameCapacity, 1))
        keyCapacity = 64
        keys = .allocate(capacity: keyCapacity)
    }

    func release() {
        spareTape.deallocate()
        frames.deallocate()
        keys.deallocate()
    }

    static func run(_ buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits, deferringStringsFrom deferFrom: Int)
        -> Result<BuiltTape, ParseFailure>
    {
        let maxBytes = min(limits.maxBytes, Int(UInt32.max) - 1)
        if buffer.count > maxBytes {
            return .failure(ParseFailure(message: "document is larger than \(maxBytes) bytes", offset: maxBytes))
        }
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            return .failure(ParseFailure(message: "empty document", offset: 0))
        }
        var builder = TapeBuilder(
            base: base, end: buffer.count, maxDepth: max(limits.maxDepth, 0), deferFrom: deferFrom)
        defer { builder.release() }
        var resume: Int
        do {
            resume = try builder.input.firstValue()
        } catch {
            return .failure(error)
        }
        // A token takes at least two bytes (`0,` `[]` `"":`), save one top-level scalar.
        let bound = buffer.count / 2 + 4
        var capacity = min(buffer.count / 8 + 16, bound)
        var tape: [JSONToken] = []
        var failure: ParseFailure?
        while true {
            var step = ReadStep.finished
            let previous = tape
            tape = [JSONToken](unsafeUninitializedCapacity: capacity) { out, initialized in
                guard let outBase = out.baseAddress else { return }
                previous.withUnsafeBufferPointer { old in
                    if let oldBase = old.baseAddress { outBase.initialize(from: oldBase, count: old.count) }
                }
                builder.lend(outBase, count: previous.count, capacity: out.count)
                do throws(ParseFailure) {
                    step = try builder.read(from: resume)
                } catch {
                    failure = error
                }
                initialized = builder.tapeCount
            }
            if let failure { return .failure(failure) }
            guard case .needsRoom(let offset) = step else { break }
            resume = offset
            capacity = max(min(capacity * 2, bound), tape.count + 16)
        }
        return .success(BuiltTape(tape: tape, duplicates: builder.duplicates, duplicateCount: builder.duplicateCount))
    }

    mutating func lend(_ buffer: UnsafeMutablePointer<JSONToken>, count: Int, capacity: Int) {
        tape = buffer
        tapeCount = count
        tapeCapacity = capacity
    }

    @inline(__always)
    mutating func append(_ token: JSONToken) {
        tape[tapeCount] = token
        tapeCount &+= 1
    }

    /// Reads from the value at `start` on; stops early when the lent tape may not hold two more tokens.
    mutating func read(from start: Int) throws(ParseFailure) -> ReadStep {
        let p = base
        var i = start
        parsing: while true {
            // A value starts at `i` (whitespace skipped). At most two tokens are added before the next check.
            if tapeCount &+ 2 > tapeCapacity { return .needsRoom(i) }
            guard i < end else { throw ParseFailure(message: "unexpected end of input, expected a value", offset: i) }
            switch p[i] {
            case 0x22:  // "
                if deferFrom < Int.max, let after = skimString(at: i) {
                    i = after
                } else {
                    i = try scanString(at: i)
                }
            case 0x7B:  // {
                try open(isObject: true, at: i)
                i = input.skipWhitespace(from: i &+ 1)
                if i < end && p[i] == 0x7D {
                    close(at: i)
                    i &+= 1
                } else {
                    i = try scanKey(at: i, afterComma: false)
                    continue parsing
                }
            case 0x5B:  // [
                try open(isObject: false, at: i)
                i = input.skipWhitespace(from: i &+ 1)
                if i < end && p[i] == 0x5D {
                    close(at: i)
                    i &+= 1
                } else {
                    frames[depth &- 1].count = 1
                    continue parsing
                }
            case 0x2D, 0x30...0x39:  // - 0-9
                i = try scanNumber(at: i)
            case 0x74:  // t
                i = try scanLiteral(at: i, kind: .true)
            case 0x66:  // f
                i = try scanLiteral(at: i, kind: .false)
            case 0x6E:  // n
                i = try scanLiteral(at: i, kind: .null)
            default:
                throw input.valueStartFailure(at: i)
            }
            // After a value: a comma, a closing bracket, or the end of the document.
            while true {
                i = input.skipWhitespace(from: i)
                if depth == 0 {
                    if i < end { throw input.unexpected(at: i, context: " after the top-level value") }
                    return .finished
                }
                let isObject = frames[depth &- 1].isObject
                guard i < end else { throw input.endInContainer(isObject: isObject, at: i) }
                let c = p[i]
                if c == 0x2C {  // ,
                    i = input.skipWhitespace(from: i &+ 1)
                    if isObject {
                        i = try scanKey(at: i, afterComma: true)
                    } else {
                        if i < end && p[i] == 0x5D {
                            throw ParseFailure(message: "trailing comma before ']'", offset: i)
                        }
                        frames[depth &- 1].count &+= 1
                    }
                    continue parsing
                }
                if c == (isObject ? 0x7D : 0x5D) {
                    close(at: i)
                    i &+= 1
                    continue
                }
                throw input.unexpected(at: i, context: isObject ? ", expected ',' or '}'" : ", expected ',' or ']'")
            }
        }
    }

    @inline(__always)
    mutating func open(isObject: Bool, at i: Int) throws(ParseFailure) {
        if depth == frameCapacity {
            if depth >= maxDepth { throw Self.depthFailure(maxDepth, at: i) }
            growFrames()
        }
        frames[depth] = Frame(
            tapeIndex: UInt32(truncatingIfNeeded: tapeCount), count: 0, lastKey: 0,
            keyBase: UInt32(truncatingIfNeeded: keyCount), isObject: isObject)
        depth &+= 1
        append(
            JSONToken(
                kind: isObject ? .object : .array, flags: 0, start: UInt32(truncatingIfNeeded: i), length: 0,
                next: 0, count: 0))
    }

    @inline(never)
    mutating func growFrames() {
        let capacity = min(frameCapacity * 2, maxDepth)
        let grown = UnsafeMutablePointer<Frame>.allocate(capacity: capacity)
        grown.moveInitialize(from: frames, count: depth)
        frames.deallocate()
        frames = grown
        frameCapacity = capacity
    }

    @inline(never)
    static func depthFailure(_ maxDepth: Int, at i: Int) -> ParseFailure {
        ParseFailure(message: "nesting deeper than \(maxDepth) levels", offset: i)
    }

    @inline(__always)
    mutating func close(at i: Int) {
        let frame = frames[depth &- 1]
        let index = Int(frame.tapeIndex)
        tape[index].length = UInt32(truncatingIfNeeded: i &- Int(tape[index].start) &+ 1)
        tape[index].next = UInt32(truncatingIfNeeded: tapeCount)
        tape[index].count = frame.count
        if frame.isObject {
            let keyBase = Int(frame.keyBase)
            if frame.count > 1 { findDuplicates(from: keyBase) }
            keyCount = keyBase
        }
        depth &-= 1
    }

    /// Reads `"key"` `:` at `i` and returns the offset of the value.
    @inline(__always)
    mutating func scanKey(at i: Int, afterComma: Bool) throws(ParseFailure) -> Int {
        guard i < end, base[i] == 0x22 else { throw input.keyFailure(at: i, afterComma: afterComma) }
        let keyIndex = tapeCount
        var j = try scanString(at: i)
        if keyCount == keyCapacity { growKeys() }
        keys[keyCount] = SeenKey(
            fingerprint: input.fingerprint(of: tape[keyIndex]), index: UInt32(truncatingIfNeeded: keyIndex))
        keyCount &+= 1
        frames[depth &- 1].count &+= 1
        frames[depth &- 1].lastKey = UInt32(truncatingIfNeeded: keyIndex)
        j = input.skipWhitespace(from: j)
        guard j < end, base[j] == 0x3A else { throw input.colonFailure(at: j) }
        return input.skipWhitespace(from: j &+ 1)
    }

    @inline(never)
    mutating func growKeys() {
        let capacity = keyCapacity * 2
        let grown = UnsafeMutablePointer<SeenKey>.allocate(capacity: capacity)
        grown.moveInitialize(from: keys, count: keyCount)
        keys.deallocate()
        keys = grown
        keyCapacity = capacity
    }

    // MARK: Scalars

    @inline(__always)
    mutating func scanString(at quote: Int) throws(ParseFailure) -> Int {
        let p = base
        let start = quote &+ 1
        var i = start
        var extra = 0  // raw bytes that do not begin a decoded code point
        var flags = JSONToken.isASCII
        while true {
            if i >= 3 { i = input.wideScan(from: i, extra: &extra, flags: &flags) }
            while i &+ 8 <= end {
                let word = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                let stops = stringStopMask(word)
                if stops != 0 {
                    i &+= stops.trailingZeroBitCount &>> 3
                    break
                }
                i &+= 8
            }
            guard i < end else { throw ParseFailure(message: "unterminated string", offset: quote) }
            let c = p[i]
            if c == 0x22 { break }
            if c >= 0x80 {
                flags &= ~JSONToken.isASCII
                // Non-ASCII text the wide scan left (a malformed block, or the last 16 bytes) stays
                // in this loop, across single spaces between its words.
                while true {
                    var width = input.utf8Width(at: i)
                    if width == 0 { width = try input.checkUTF8(at: i, quote: quote) }
                    extra &+= width &- 1
                    i &+= width
                    guard i < end else { break }
                    if p[i] >= 0x80 { continue }
                    guard p[i] == 0x20, i &+ 1 < end, p[i &+ 1] >= 0x80 else { break }
                    i &+= 1
                }
            } else if c == 0x5C {
                // Escaped text is read 64 bytes at a time where the processor can (AVX2): `\uXXXX`
                // escapes (surrogate pairs too) and the plain ASCII between them; it stops at anything
                // else, which the loops here and above read.
                if scansWide {
                    var escaped = 0
                    var wide: Int32 = 0
                    let next = conform_scan_escaped(p, i, end, &escaped, &wide)
                    if escaped > 0 {
                        extra &+= escaped
                        flags |= JSONToken.hasEscapes
                        if wide != 0 { flags &= ~JSONToken.isASCII }
                    }
                    if next > i {
                        i = next
                        continue
                    }
                }
                // So do runs of escapes (escaped non-ASCII text), across single spaces.
                while true {
                    if input.isEscapedPair(at: i) {
                        extra &+= 10
                        flags = (flags | JSONToken.hasEscapes) & ~JSONToken.isASCII
                        i &+= 12
                    } else {
                        i = try input.scanEscape(at: i, quote: quote, extra: &extra, flags: &flags)
                    }
                    guard i < end else { break }
                    if p[i] == 0x5C { continue }
                    guard p[i] == 0x20, i &+ 1 < end, p[i &+ 1] == 0x5C else { break }
                    i &+= 1
                }
            } else if c < 0x20 {
                throw input.controlFailure(c, at: i)
            } else {
                i &+= 1
            }
        }
        let length = i &- start
        append(
            JSONToken(
                kind: .string, flags: flags, start: UInt32(truncatingIfNeeded: start),
                length: UInt32(truncatingIfNeeded: length), next: UInt32(truncatingIfNeeded: tapeCount &+ 1),
                count: UInt32(truncatingIfNeeded: length &- extra)))
        return i &+ 1
    }

    /// Skims the string value at `quote` when it is at least ``deferFrom`` bytes long: finds its
    /// closing quote (the byte after each backslash skipped) and adds a token flagged
    /// ``JSONToken/isDeferred``. Returns the offset after it, or `nil` for a shorter or unterminated
    /// string, which ``scanString(at:)`` then reads.
    @inline(never)
    mutating func skimString(at quote: Int) -> Int? {
        let start = quote &+ 1
        let i = JSONDocument.closingQuote(in: UnsafeBufferPointer(start: base, count: end), from: start)
        guard i < end else { return nil }
        // Whether it holds an escape is not looked at, so it is assumed.
        let flags = JSONToken.isDeferred | JSONToken.hasEscapes
        let length = i &- start
        guard length >= deferFrom else { return nil }
        append(
            JSONToken(
                kind: .string, flags: flags, start: UInt32(truncatingIfNeeded: start),
                length: UInt32(truncatingIfNeeded: length), next: UInt32(truncatingIfNeeded: tapeCount &+ 1),
                count: 0))
        return i &+ 1
    }

    @inline(__always)
    mutating func scanNumber(at start: Int) throws(ParseFailure) -> Int {
        let p = base
        var i = start
        var flags = JSONToken.isIntegerText
        if p[i] == 0x2D {
            flags |= JSONToken.isNegative
            i &+= 1
            guard i < end, p[i] &- 0x30 < 10 else { throw input.minusFailure(at: start) }
        }
        if p[i] == 0x30 {
            i &+= 1
            if i < end && p[i] &- 0x30 < 10 {
                throw ParseFailure(message: "leading zeros are not allowed", offset: i)
            }
        } else {
            i = input.skipDigits(from: i &+ 1)
        }
        if i < end && p[i] == 0x2E {  // .
            flags &= ~JSONToken.isIntegerText
            i &+= 1
            guard i < end, p[i] &- 0x30 < 10 else {
                throw ParseFailure(message: "expected a digit after the decimal point", offset: i)
            }
            i = input.skipDigits(from: i &+ 1)
        }
        if i < end && p[i] | 0x20 == 0x65 {  // e E
            flags &= ~JSONToken.isIntegerText
            i &+= 1
            if i < end && (p[i] == 0x2B || p[i] == 0x2D) { i &+= 1 }
            guard i < end, p[i] &- 0x30 < 10 else {
                throw ParseFailure(message: "expected a digit in the exponent", offset: i)
            }
            i = input.skipDigits(from: i &+ 1)
        }
        append(
            JSONToken(
                kind: .number, flags: flags, start: UInt32(truncatingIfNeeded: start),
                length: UInt32(truncatingIfNeeded: i &- start), next: UInt32(truncatingIfNeeded: tapeCount &+ 1),
                count: 0))
        return i
    }

    @inline(__always)
    mutating func scanLiteral(at start: Int, kind: JSONKind) throws(ParseFailure) -> Int {
        let width = kind == .false ? 5 : 4
        var matched = false
        if start &+ width <= end {
            let head = UInt32(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt32.self))
            switch kind {
            case .true: matched = head == 0x6575_7274  // "true"
            case .false: matched = head == 0x736C_6166 && base[start &+ 4] == 0x65  // "fals" "e"
            default: matched = head == 0x6C6C_756E  // "null"
            }
        }
        if !matched { throw input.literalFailure(at: start, kind: kind) }
        append(
            JSONToken(
                kind: kind, flags: 0, start: UInt32(truncatingIfNeeded: start),
                length: UInt32(truncatingIfNeeded: width), next: UInt32(truncatingIfNeeded: tapeCount &+ 1),
                count: 0))
        return start &+ width
    }

    /// Records the keys from `keys[first...]` (the closing object's) that repeat an earlier one.
    @inline(never)
    mutating func findDuplicates(from first: Int) {
        let buffer = UnsafeBufferPointer(start: base, count: end)
        var repeated: [Int] = []
        if keyCount &- first <= 32 {
            // A 64-bit Bloom filter (two bits a key) spares most keys the scan over earlier ones.
            var seen: UInt64 = 0
            for later in first..<keyCount {
                let print = keys[later].fingerprint
                let bits = (1 as UInt64) &<< (print & 63) | (1 as UInt64) &<< ((print &>> 6) & 63)
                if seen & bits == bits {
                    for earlier in first..<later where keys[earlier].fingerprint == print {
                        let laterToken = tape[Int(keys[later].index)]
                        if TextOps.stringsEqual(buffer, tape[Int(keys[earlier].index)], laterToken) {
                            repeated.append(Int(keys[later].index))
                            break
                        }
                    }
                }
                seen |= bits
            }
        } else {
            let ordered: (SeenKey, SeenKey) -> Bool = {
                $0.fingerprint != $1.fingerprint ? $0.fingerprint < $1.fingerprint : $0.index < $1.index
            }
            let sorted = UnsafeBufferPointer(start: keys + first, count: keyCount &- first).sorted(by: ordered)
            var runStart = 0
            while runStart < sorted.count {
                var runEnd = runStart &+ 1
                while runEnd < sorted.count && sorted[runEnd].fingerprint == sorted[runStart].fingerprint {
                    runEnd &+= 1
                }
                if runEnd &- runStart > 1 {
                    // Long keys that differ only in the middle share a fingerprint: split by a full hash.
                    let run = sorted[runStart..<runEnd].map {
                        SeenKey(fingerprint: TextOps.hash(buffer, tape[Int($0.index)]), index: $0.index)
                    }.sorted(by: ordered)
                    for later in 1..<run.count {
                        for earlier in stride(from: later &- 1, through: 0, by: -1) {
                            guard run[earlier].fingerprint == run[later].fingerprint else { break }
                            let laterToken = tape[Int(run[later].index)]
                            if TextOps.stringsEqual(buffer, tape[Int(run[earlier].index)], laterToken) {
                                repeated.append(Int(run[later].index))
                                break
                            }
                        }
                    }
                }
                runStart = runEnd
            }
        }
        guard !repeated.isEmpty else { return }
        let pointer = currentPointer(buffer)
        for keyIndex in repeated {
            duplicateCount += 1
            guard duplicates.count < JSONDocument.maxDuplicateKeysKept else { continue }
            let token = tape[keyIndex]
            duplicates.append(
                PendingDuplicate(
                    key: TextOps.decodedString(buffer, token), pointer: pointer, offset: Int(token.start) &- 1))
        }
    }

    /// The JSON Pointer of the innermost open container (the last frame).
    func currentPointer(_ buffer: UnsafeBufferPointer<UInt8>) -> String {
        var pointer = ""
        for level in 0..<(depth &- 1) {
            let frame = frames[level]
            pointer += "/"
            if frame.isObject {
                pointer += escapePointerToken(TextOps.decodedString(buffer, tape[Int(frame.lastKey)]))
            } else {
                pointer += String(frame.count &- 1)
            }
        }
        return pointer
    }
}

/// The input bytes and the checks that only read them (kept apart from ``TapeBuilder`` so that
/// calls pass two registers instead of a copy of the builder).
private struct ByteInput {
    /// Whether ``wideScan(from:extra:flags:)`` first reads 32 bytes at a time (x86-64 with AVX2).
    static let scansThirtyTwoBytes = conform_scan_string_available() != 0

    let base: UnsafePointer<UInt8>
    let end: Int
    /// ``scansThirtyTwoBytes``, read once per document (a static is checked at every access).
    var scansWide = false
    /// Rejects a byte order mark and an empty document; returns the offset of the top-level value.
    func firstValue() throws(ParseFailure) -> Int {
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            throw ParseFailure(message: "byte order mark is not allowed", offset: 0)
        }
        let i = skipWhitespace(from: 0)
        guard i < end else { throw ParseFailure(message: "empty document", offset: 0) }
        return i
    }

    @inline(__always)
    func skipWhitespace(from start: Int) -> Int {
        var i = start
        while i < end {
            let c = base[i]
            if c > 0x20 || (c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09) { return i }
            i &+= 1
        }
        return i
    }

    /// Skips string text 16 bytes at a time from `i` (a character boundary, at least 3), then, past
    /// the first block, 32 at a time where the processor has AVX2 (`conform_scan_string`): plain
    /// ASCII, and well-formed UTF-8, which it checks without decoding and whose continuation bytes
    /// it adds to `extra`. Returns the offset of the first `"`, `\\` or control byte, or of the
    /// character where it stopped: fewer than 16 bytes left, or malformed UTF-8, which the
    /// byte-at-a-time path then reports precisely. Never returns inside a character: `i` must
    /// not be inside one either.
    @inline(__always)
    func wideScan(from i: Int, extra: inout Int, flags: inout UInt8) -> Int {
        var i = i
        // A run longer than one block is read on 32 bytes at a time where the processor can (AVX2), by
        // the same rules; this loop then reads what it leaves. Short runs (escaped text) stay here.
        var handedOver = !scansWide
        // The last block ended inside a character: the next block's first bytes are due as its
        // continuation, which the check verifies even when they are ASCII (then an error).
        var carried = false
        while i &+ 16 <= end {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let stops = laneBits((v .== splat(0x22)) .| (v .== splat(0x5C)) .| (v .< splat(0x20)))
            let high = laneBits(v .>= splat(0x80))
            if stops == (0, 0) {
                if high != (0, 0) || carried {
                    if laneBits(utf8Errors(v, at: i)) != (0, 0) { break }
                    extra &+= continuationCount(v)
                    flags &= ~JSONToken.isASCII
                    carried = v[15] >= 0xC0 || v[14] >= 0xE0 || v[13] >= 0xF0
                }
                i &+= 16
                if !handedOver && !carried {
                    handedOver = true
                    var continuations = 0
                    var nonASCII: Int32 = 0
                    i = conform_scan_string(base, i, end, &continuations, &nonASCII)
                    extra &+= continuations
                    if nonASCII != 0 { flags &= ~JSONToken.isASCII }
                }
                continue
            }
            let stop = stops.0 != 0 ? stops.0.trailingZeroBitCount &>> 3 : 8 &+ stops.1.trailingZeroBitCount &>> 3
            let before = prefixLanes(stop)
            let highBefore = (high.0 & before.0, high.1 & before.1)
            if highBefore != (0, 0) || carried {
                // The stop byte is checked too: a character it cuts short is an error.
                let within = prefixLanes(stop &+ 1)
                let bad = laneBits(utf8Errors(v, at: i))
                if (bad.0 & within.0) | (bad.1 & within.1) != 0 { break }
                extra &+= continuationCount(v, lanes: before)
                flags &= ~JSONToken.isASCII
            }
            return i &+ stop
        }
        guard carried else { return i }
        // Back to the first byte of the character the last block left incomplete, whose
        // continuation bytes were counted: the byte-at-a-time path reads it whole.
        let lead = leadOfCutCharacter(before: i)
        extra &-= i &- lead &- 1
        return lead
    }

    /// The first byte of the character that a block ending at `i` left incomplete (the last three
    /// bytes before `i` hold its lead).
    @inline(__always)
    func leadOfCutCharacter(before i: Int) -> Int {
        base[i &- 1] >= 0xC0 ? i &- 1 : (base[i &- 2] >= 0xE0 ? i &- 2 : i &- 3)
    }

    /// Whether the 16 bytes at `i` begin with two `\uXXXX` escapes that stand for one character
    /// each, the second non-ASCII: escaped non-ASCII text, checked twelve bytes at a time. Whatever
    /// the first is, it is one character (a surrogate there is alone, so U+FFFD: the second is none)
    /// and the string is not ASCII. The second must be U+0100 or above and not DXXX (it could begin a
    /// pair with a third); otherwise ``scanEscape(at:quote:extra:flags:)`` reads them.
    @inline(__always)
    func isEscapedPair(at i: Int) -> Bool {
        guard i &+ 16 <= end, base[i &+ 1] == 0x75 else { return false }
        let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
        let pattern = SIMD16<UInt8>(0x5C, 0x75, 0, 0, 0, 0, 0x5C, 0x75, 0, 0, 0, 0, 0, 0, 0, 0)
        let hexLanes = SIMD16<UInt8>(0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0) .== splat(1)
        let digit = (v &- splat(0x30)) .< splat(10)
        let letter = ((v | splat(0x20)) &- splat(0x61)) .< splat(6)
        let good = laneBits(((v .== pattern) .& .!hexLanes) .| (hexLanes .& (digit .| letter)))
        guard good.0 == UInt64.max, good.1 & 0xFFFF_FFFF == 0xFFFF_FFFF else { return false }
        return !(v[8] == 0x30 && v[9] == 0x30) && v[8] | 0x20 != 0x64
    }

    /// The lanes of `v` (the 16 bytes at `i`, `i` ≥ 3) that break UTF-8, given the three bytes
    /// before it: a continuation byte where none is due or a missing one, bytes that never occur
    /// (C0, C1, F5 to FF), and second bytes out of range (overlong forms, surrogates, code points
    /// above U+10FFFF).
    @inline(__always)
    func utf8Errors(_ v: SIMD16<UInt8>, at i: Int) -> SIMDMask<SIMD16<Int8>> {
        let p1 = UnsafeRawPointer(base + (i &- 1)).loadUnaligned(as: SIMD16<UInt8>.self)
        let p2 = UnsafeRawPointer(base + (i &- 2)).loadUnaligned(as: SIMD16<UInt8>.self)
        let p3 = UnsafeRawPointer(base + (i &- 3)).loadUnaligned(as: SIMD16<UInt8>.self)
        let isContinuation = (v & splat(0xC0)) .== splat(0x80)
        let due = (p1 .>= splat(0xC0)) .| (p2 .>= splat(0xE0)) .| (p3 .>= splat(0xF0))
        var bad = isContinuation .^ due
        bad .|= ((v & splat(0xFE)) .== splat(0xC0)) .| (v .>= splat(0xF5))
        bad .|= (p1 .== splat(0xE0)) .& (v .< splat(0xA0))
        bad .|= (p1 .== splat(0xED)) .& (v .>= splat(0xA0))
        bad .|= (p1 .== splat(0xF0)) .& (v .< splat(0x90))
        bad .|= (p1 .== splat(0xF4)) .& (v .>= splat(0x90))
        return bad
    }

    /// The width of the well-formed UTF-8 sequence at `i` (lead byte ≥ 0x80), or 0 when it needs
    /// the careful check (malformed, or too close to the end of the input).
    @inline(__always)
    func utf8Width(at i: Int) -> Int {
        guard i &+ 4 <= end else { return 0 }
        let lead = base[i]
        let word = UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self))
        if lead &- 0xE1 < 0x0C {  // E1...EC: no range restriction on the second byte
            return word & 0x00C0_C000 == 0x0080_8000 ? 3 : 0
        }
        if lead &- 0xC2 < 0x1E {  // C2...DF
            return word & 0xC000 == 0x8000 ? 2 : 0
        }
        if lead == 0xEE || lead == 0xEF {
            return word & 0x00C0_C000 == 0x0080_8000 ? 3 : 0
        }
        return 0
    }

    /// Checks the UTF-8 sequence at `i` byte by byte; returns its width or throws the precise error.
    @inline(never)
    func checkUTF8(at i: Int, quote: Int) throws(ParseFailure) -> Int {
        let p = base
        let lead = p[i]
        if lead < 0xC2 {
            if lead < 0xC0 {
                throw ParseFailure(
                    message: "invalid UTF-8: unexpected continuation byte 0x\(hexByte(lead))", offset: i)
            }
            throw ParseFailure(message: "invalid UTF-8: overlong encoding", offset: i)
        }
        if lead > 0xF4 {
            throw ParseFailure(message: "invalid UTF-8: byte 0x\(hexByte(lead)) is not allowed", offset: i)
        }
        let width = lead < 0xE0 ? 2 : (lead < 0xF0 ? 3 : 4)
        var k = 1
        while k < width {
            guard i &+ k < end else { throw ParseFailure(message: "unterminated string", offset: quote) }
            guard p[i &+ k] & 0xC0 == 0x80 else {
                throw ParseFailure(message: "invalid UTF-8: truncated multi-byte sequence", offset: i &+ k)
            }
            k &+= 1
        }
        let second = p[i &+ 1]
        switch lead {
        case 0xE0 where second < 0xA0, 0xF0 where second < 0x90:
            throw ParseFailure(message: "invalid UTF-8: overlong encoding", offset: i)
        case 0xED where second >= 0xA0:
            throw ParseFailure(message: "invalid UTF-8: encoded surrogate (U+D800 to U+DFFF)", offset: i)
        case 0xF4 where second >= 0x90:
            throw ParseFailure(message: "invalid UTF-8: code point above U+10FFFF", offset: i)
        default:
            return width
        }
    }

    @inline(never)
    func controlFailure(_ c: UInt8, at i: Int) -> ParseFailure {
        ParseFailure(message: "unescaped \(describe(c)) in string", offset: i)
    }

    /// Checks the escape at `i` (a backslash) and returns the offset after it.
    @inline(__always)
    func scanEscape(at i: Int, quote: Int, extra: inout Int, flags: inout UInt8) throws(ParseFailure) -> Int {
        flags |= JSONToken.hasEscapes
        guard i &+ 1 < end else { throw ParseFailure(message: "unterminated string", offset: quote) }
        let e = base[i &+ 1]
        if e == 0x75 {  // u: the common case in escaped non-ASCII text, tested before the others
            let unit = try hex4(at: i &+ 2, quote: quote)
            var j = i &+ 6
            if unit >= 0xD800 && unit < 0xDC00 && j &+ 6 <= end && base[j] == 0x5C && base[j &+ 1] == 0x75,
                let low = hex4IfValid(at: j &+ 2), low >= 0xDC00 && low < 0xE000
            {
                extra &+= 11
                j &+= 6
                flags &= ~JSONToken.isASCII
            } else {
                extra &+= 5
                if unit >= 0x80 { flags &= ~JSONToken.isASCII }
            }
            return j
        }
        switch e {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:  // " \ / b f n r t
            extra &+= 1
            return i &+ 2
        default:
            throw escapeFailure(e, at: i &+ 1)
        }
    }

    /// Decodes the escape at `i` (a backslash) into `target[written...]` as ``JSONDocument/decodedBytes(at:)``
    /// does (a lone surrogate as U+FFFD), checking it as ``scanEscape(at:quote:extra:flags:)`` does;
    /// returns the offset after it, or `nil` when it is malformed.
    @inline(__always)
    func decodeCheckedEscape(at i: Int, into target: UnsafeMutablePointer<UInt8>, written: inout Int) -> Int? {
        guard i &+ 1 < end else { return nil }
        let e = base[i &+ 1]
        let simple: UInt8
        switch e {
        case 0x75:  // u
            guard let unit = hex4IfValid(at: i &+ 2) else { return nil }
            var scalar = unit
            var next = i &+ 6
            if unit >= 0xD800 && unit < 0xDC00 {
                if next &+ 6 <= end && base[next] == 0x5C && base[next &+ 1] == 0x75,
                    let low = hex4IfValid(at: next &+ 2), low >= 0xDC00 && low < 0xE000
                {
                    scalar = 0x10000 &+ ((unit &- 0xD800) << 10) &+ (low &- 0xDC00)
                    next &+= 6
                } else {
                    scalar = 0xFFFD
                }
            } else if unit >= 0xDC00 && unit < 0xE000 {
                scalar = 0xFFFD
            }
            JSONDocument.encode(scalar, into: target, written: &written)
            return next
        case 0x22, 0x5C, 0x2F: simple = e  // " \ /
        case 0x62: simple = 0x08  // b
        case 0x66: simple = 0x0C  // f
        case 0x6E: simple = 0x0A  // n
        case 0x72: simple = 0x0D  // r
        case 0x74: simple = 0x09  // t
        default: return nil
        }
        target[written] = simple
        written &+= 1
        return i &+ 2
    }

    @inline(never)
    func escapeFailure(_ e: UInt8, at i: Int) -> ParseFailure {
        if e >= 0x21 && e < 0x7F {
            return ParseFailure(message: "invalid escape sequence '\\\(Character(Unicode.Scalar(e)))'", offset: i)
        }
        return ParseFailure(message: "invalid escape sequence: '\\' followed by \(describe(e))", offset: i)
    }

    @inline(__always)
    func hex4(at i: Int, quote: Int) throws(ParseFailure) -> UInt32 {
        if i &+ 4 <= end,
            let value = hexQuad(UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self)))
        {
            return value
        }
        return try hex4Slowly(at: i, quote: quote)
    }

    /// ``hex4(at:quote:)`` one byte at a time, for the precise error.
    @inline(never)
    func hex4Slowly(at i: Int, quote: Int) throws(ParseFailure) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            let at = i &+ k
            guard at < end else { throw ParseFailure(message: "unterminated string", offset: quote) }
            guard let digit = hexValue(base[at]) else { throw hexFailure(at: at) }
            value = value << 4 | digit
        }
        return value
    }

    @inline(never)
    func hexFailure(at i: Int) -> ParseFailure {
        ParseFailure(message: "invalid hex digit \(quoted(base[i])) in \\u escape", offset: i)
    }

    @inline(__always)
    func hex4IfValid(at i: Int) -> UInt32? {
        guard i &+ 4 <= end else { return nil }
        return hexQuad(UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self)))
    }

    /// The offset of the first byte at or after `start` that is not an ASCII digit.
    @inline(__always)
    func skipDigits(from start: Int) -> Int {
        var i = start
        while i &+ 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            // A byte is a digit when its high nibble is 3 and adding 6 keeps it so. A carry out of a
            // byte ≥ 0xFA only disturbs bytes after a non-digit, so the lowest mark is exact.
            let high = swarOnes &* 0xF0
            let threes = swarOnes &* 0x30
            let other = ((word & high) ^ threes) | (((word &+ swarOnes &* 0x06) & high) ^ threes)
            let marks = (other | ((other & ~swarHighs) &+ ~swarHighs)) & swarHighs
            if marks != 0 { return i &+ (marks.trailingZeroBitCount &>> 3) }
            i &+= 8
        }
        while i < end && base[i] &- 0x30 < 10 { i &+= 1 }
        return i
    }

    @inline(never)
    func minusFailure(at start: Int) -> ParseFailure {
        let i = start &+ 1
        if i < end && base[i] == 0x49 && matches("Infinity", at: i) {
            return ParseFailure(message: "Infinity is not allowed", offset: start)
        }
        return ParseFailure(message: "expected a digit after '-'", offset: i)
    }

    @inline(never)
    func literalFailure(at start: Int, kind: JSONKind) -> ParseFailure {
        let word: StaticString = kind == .true ? "true" : (kind == .false ? "false" : "null")
        let text = word.utf8Start
        for k in 1..<word.utf8CodeUnitCount {
            let at = start &+ k
            guard at < end else {
                return ParseFailure(message: "unexpected end of input, expected '\(word)'", offset: at)
            }
            if base[at] != text[k] {
                return ParseFailure(message: "invalid literal, expected '\(word)'", offset: at)
            }
        }
        return ParseFailure(message: "invalid literal, expected '\(word)'", offset: start)
    }

    func matches(_ word: StaticString, at i: Int) -> Bool {
        let count = word.utf8CodeUnitCount
        guard i &+ count <= end else { return false }
        let text = word.utf8Start
        for k in 0..<count where base[i &+ k] != text[k] { return false }
        return true
    }

    @inline(never)
    func valueStartFailure(at i: Int) -> ParseFailure {
        switch base[i] {
        case 0x2B: return ParseFailure(message: "a number must not start with '+'", offset: i)
        case 0x2E: return ParseFailure(message: "a number must not start with '.'", offset: i)
        case 0x27: return ParseFailure(message: "single-quoted strings are not allowed", offset: i)
        case 0x4E where matches("NaN", at: i): return ParseFailure(message: "NaN is not allowed", offset: i)
        case 0x49 where matches("Infinity", at: i):
            return ParseFailure(message: "Infinity is not allowed", offset: i)
        default: return unexpected(at: i, context: ", expected a value")
        }
    }

    @inline(never)
    func keyFailure(at i: Int, afterComma: Bool) -> ParseFailure {
        let expected = afterComma ? "a string key" : "a string key or '}'"
        guard i < end else {
            return ParseFailure(message: "unexpected end of input, expected \(expected)", offset: i)
        }
        switch base[i] {
        case 0x7D where afterComma: return ParseFailure(message: "trailing comma before '}'", offset: i)
        case 0x27: return ParseFailure(message: "single-quoted strings are not allowed", offset: i)
        default: return unexpected(at: i, context: ", expected \(expected)")
        }
    }

    @inline(never)
    func colonFailure(at j: Int) -> ParseFailure {
        guard j < end else { return ParseFailure(message: "unexpected end of input, expected ':'", offset: j) }
        return unexpected(at: j, context: ", expected ':' after the object key")
    }

    @inline(never)
    func endInContainer(isObject: Bool, at i: Int) -> ParseFailure {
        ParseFailure(message: "unexpected end of input, expected ',' or '\(isObject ? "}" : "]")'", offset: i)
    }

    /// `unexpected <byte><context>`, or the comment message for `/`.
    @inline(never)
    func unexpected(at i: Int, context: String) -> ParseFailure {
        let c = base[i]
        if c == 0x2F { return ParseFailure(message: "comments are not allowed", offset: i) }
        return ParseFailure(message: "unexpected \(describe(c))\(context)", offset: i)
    }

    /// A hash of the decoded key: its byte length and its first and last eight bytes.
    @inline(__always)
    func fingerprint(of token: JSONToken) -> UInt64 {
        var first: UInt64 = 0
        var last: UInt64 = 0
        var length = Int(token.length)
        if token.flags & JSONToken.hasEscapes == 0 {
            let start = Int(token.start)
            if length >= 8 {
                first = UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
                last = UInt64(
                    littleEndian: UnsafeRawPointer(base + (start &+ length &- 8)).loadUnaligned(as: UInt64.self))
            } else if length > 0 {
                if start &+ 8 <= end {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
                    first = word & ((1 &<< UInt64(length &* 8)) &- 1)
                } else {
                    for k in 0..<length { first |= UInt64(base[start &+ k]) &<< UInt64(k &* 8) }
                }
                last = first
            }
        } else {
            (first, last, length) = decodedEnds(of: token)
        }
        var h = first &* 0x9E37_79B9_7F4A_7C15
        h ^= last &+ UInt64(truncatingIfNeeded: length) &* 0xC2B2_AE3D_27D4_EB4F
        h = (h ^ (h &>> 29)) &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h &>> 32)
    }

    /// The first and last eight decoded bytes of an escaped key (packed little-endian) and its
    /// decoded length, as ``fingerprint(of:)`` reads them from an unescaped key.
    @inline(never)
    func decodedEnds(of token: JSONToken) -> (first: UInt64, last: UInt64, length: Int) {
        var first: UInt64 = 0
        var last: UInt64 = 0
        var length = 0
        var decoded = DecodedUTF8(UnsafeBufferPointer(start: base, count: end), token)
        while let byte = decoded.next() {
            if length < 8 { first |= UInt64(byte) &<< UInt64(length &* 8) }
            last = last &>> 8 | UInt64(byte) &<< 56
            length &+= 1
        }
        if length == 0 {
            last = 0
        } else if length < 8 {
            last = last &>> UInt64((8 &- length) &* 8)
        }
        return (first, last, length)
    }
}

private func escapePointerToken(_ token: String) -> String {
    guard token.utf8.contains(where: { $0 == 0x7E || $0 == 0x2F }) else { return token }
    var out = ""
    for scalar in token.unicodeScalars {
        switch scalar {
        case "~": out += "~0"
        case "/": out += "~1"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

// MARK: - Positions

private enum TextPosition {
    /// 1-based line and code-point column of `offset` (clamped to the text).
    static func at(_ offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var cursor = Cursor()
        return cursor.advance(to: offset, in: buffer)
    }

    static func locate(_ pending: [PendingDuplicate], in buffer: UnsafeBufferPointer<UInt8>) -> [JSONDuplicateKey] {
        guard !pending.isEmpty else { return [] }
        let sorted = pending.sorted { $0.offset < $1.offset }
        var cursor = Cursor()
        return sorted.map { item in
            let position = cursor.advance(to: item.offset, in: buffer)
            return JSONDuplicateKey(
                key: item.key, pointer: item.pointer, offset: item.offset, line: position.line,
                column: position.column)
        }
    }

    /// Scans forward; successive calls must not go backwards. Each byte is looked at once, whatever the
    /// number of calls, so placing many offsets on one long line stays linear.
    struct Cursor {
        var position = 0
        var line = 1
        var column = 1

        mutating func advance(to target: Int, in buffer: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
            let offset = min(max(target, 0), buffer.count)
            // A long stretch without a line end (a finding far into a recording's line): its characters
            // are counted 32 bytes at a time where the processor has AVX2.
            if let base = buffer.baseAddress, offset &- position >= 256,
                memchr(base + position, 0x0A, offset &- position) == nil,
                memchr(base + position, 0x0D, offset &- position) == nil
            {
                let counted = conform_count_characters(base, position, offset)
                if counted >= 0 {
                    column &+= counted
                    position = offset
                    return (line, column)
                }
            }
            // Eight bytes at a time while they hold no line end: the column grows by the bytes that
            // begin a character (all but continuation bytes, 10xxxxxx).
            if let base = buffer.baseAddress {
                while position &+ 8 <= offset {
                    let word = UInt64(
                        littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                    let lineFeeds = word ^ (swarOnes &* 0x0A)
                    let returns = word ^ (swarOnes &* 0x0D)
                    let ends = ((lineFeeds &- swarOnes) & ~lineFeeds | (returns &- swarOnes) & ~returns) & swarHighs
                    if ends != 0 { break }
                    let continuations = word & ~(word << 1) & swarHighs
                    column &+= 8 &- continuations.nonzeroBitCount
                    position &+= 8
                }
            }
            while position < offset {
                let c = buffer[position]
                if c == 0x0A || (c == 0x0D && (position + 1 >= buffer.count || buffer[position + 1] != 0x0A)) {
                    line += 1
                    column = 1
                } else if c & 0xC0 != 0x80 {
                    column += 1
                }
                position += 1
            }
            return (line, column)
        }
    }
}

// MARK: - Decoded text

/// Yields the decoded UTF-8 bytes of a validated raw string (escapes applied).
private struct DecodedUTF8: IteratorProtocol {
    let buffer: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int
    var pending: UInt32 = 0
    var pendingCount = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>, _ token: JSONToken) {
        self.buffer = buffer
        self.position = Int(token.start)
        self.end = min(Int(token.start) + Int(token.length), buffer.count)
    }

    mutating func next() -> UInt8? {
        if pendingCount > 0 {
            let byte = UInt8(truncatingIfNeeded: pending)
            pending >>= 8
            pendingCount -= 1
            return byte
        }
        guard position < end else { return nil }
        let c = buffer[position]
        guard c == 0x5C, position + 1 < end else {
            position += 1
            return c
        }
        let e = buffer[position + 1]
        position += 2
        switch e {
        case 0x62: return 0x08
        case 0x66: return 0x0C
        case 0x6E: return 0x0A
        case 0x72: return 0x0D
        case 0x74: return 0x09
        case 0x75: break
        default: return e
        }
        var scalar = hex4(at: position)
        position += 4
        if scalar >= 0xD800 && scalar < 0xDC00 {
            if position + 6 <= end && buffer[position] == 0x5C && buffer[position + 1] == 0x75 {
                let low = hex4(at: position + 2)
                if low >= 0xDC00 && low < 0xE000 {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                } else {
                    scalar = 0xFFFD
                }
            } else {
                scalar = 0xFFFD
            }
        } else if scalar >= 0xDC00 && scalar < 0xE000 {
            scalar = 0xFFFD
        }
        return emit(scalar)
    }

    private func hex4(at i: Int) -> UInt32 {
        var value: UInt32 = 0
        var k = i
        while k < i + 4 && k < end {
            value = value << 4 | (hexValue(buffer[k]) ?? 0)
            k += 1
        }
        return value
    }

    private mutating func emit(_ scalar: UInt32) -> UInt8 {
        if scalar < 0x80 { return UInt8(truncatingIfNeeded: scalar) }
        if scalar < 0x800 {
            pending = 0x80 | (scalar & 0x3F)
            pendingCount = 1
            return UInt8(truncatingIfNeeded: 0xC0 | (scalar >> 6))
        }
        if scalar < 0x10000 {
            pending = (0x80 | ((scalar >> 6) & 0x3F)) | (0x80 | (scalar & 0x3F)) << 8
            pendingCount = 2
            return UInt8(truncatingIfNeeded: 0xE0 | (scalar >> 12))
        }
        pending =
            (0x80 | ((scalar >> 12) & 0x3F)) | (0x80 | ((scalar >> 6) & 0x3F)) << 8
            | (0x80 | (scalar & 0x3F)) << 16
        pendingCount = 3
        return UInt8(truncatingIfNeeded: 0xF0 | (scalar >> 18))
    }
}

private enum TextOps {
    static func rawRange(_ buffer: UnsafeBufferPointer<UInt8>, _ token: JSONToken) -> Range<Int> {
        let start = min(Int(token.start), buffer.count)
        return start..<min(start + Int(token.length), buffer.count)
    }

    static func decodedString(_ buffer: UnsafeBufferPointer<UInt8>, _ token: JSONToken) -> String {
        let range = rawRange(buffer, token)
        guard token.kind == .string, token.flags & JSONToken.hasEscapes != 0 else {
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
        }
        // A decoded string is never longer than its raw text.
        return String(unsafeUninitializedCapacity: max(range.count, 1)) { out in
            var decoded = DecodedUTF8(buffer, token)
            var count = 0
            while count < out.count, let byte = decoded.next() {
                out[count] = byte
                count += 1
            }
            return count
        }
    }

    static func bytesEqual(_ buffer: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ count: Int) -> Bool {
        guard let base = buffer.baseAddress else { return count == 0 }
        var k = 0
        while k + 8 <= count {
            let x = UnsafeRawPointer(base + a + k).loadUnaligned(as: UInt64.self)
            let y = UnsafeRawPointer(base + b + k).loadUnaligned(as: UInt64.self)
            if x != y { return false }
            k += 8
        }
        while k < count {
            if base[a + k] != base[b + k] { return false }
            k += 1
        }
        return true
    }

    /// Whether two string tokens decode to the same text.
    static func stringsEqual(_ buffer: UnsafeBufferPointer<UInt8>, _ a: JSONToken, _ b: JSONToken) -> Bool {
        guard a.count == b.count else { return false }
        if (a.flags | b.flags) & JSONToken.hasEscapes == 0 {
            return a.length == b.length && bytesEqual(buffer, Int(a.start), Int(b.start), Int(a.length))
        }
        var x = DecodedUTF8(buffer, a)
        var y = DecodedUTF8(buffer, b)
        while true {
            let p = x.next()
            if p != y.next() { return false }
            if p == nil { return true }
        }
    }

    static func decodedEquals(
        _ buffer: UnsafeBufferPointer<UInt8>, _ token: JSONToken, _ other: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        if token.flags & JSONToken.hasEscapes == 0 {
            guard Int(token.length) == other.count else { return false }
            let range = rawRange(buffer, token)
            guard range.count == other.count else { return false }
            guard let a = buffer.baseAddress, let b = other.baseAddress else { return true }
            return memcmp(a + range.lowerBound, b, range.count) == 0
        }
        var decoded = DecodedUTF8(buffer, token)
        var k = 0
        while let byte = decoded.next() {
            guard k < other.count, other[k] == byte else { return false }
            k += 1
        }
        return k == other.count
    }

    /// FNV-1a over the decoded bytes.
    static func hash(_ buffer: UnsafeBufferPointer<UInt8>, _ token: JSONToken) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        if token.flags & JSONToken.hasEscapes == 0 {
            for k in rawRange(buffer, token) { h = (h ^ UInt64(buffer[k])) &* 0x100_0000_01B3 }
        } else {
            var decoded = DecodedUTF8(buffer, token)
            while let byte = decoded.next() { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        }
        return h
    }

    /// Writes a compact rendering of the value at `index`, walking the tape without recursion.
    static func render(
        tape: [JSONToken], from index: Int, in buffer: UnsafeBufferPointer<UInt8>, into writer: inout LimitedWriter
    ) {
        var open: [(remaining: UInt32, isObject: Bool)] = []
        var t = index
        func writeKey(_ k: Int, _ writer: inout LimitedWriter) {
            guard k < tape.count else { return }
            writer.put(0x22)
            writer.put(buffer, rawRange(buffer, tape[k]))
            writer.put(0x22)
            writer.put(0x3A)
        }
        rendering: while !writer.isFull && t < tape.count {
            let token = tape[t]
            switch token.kind {
            case .array, .object:
                let isObject = token.kind == .object
                writer.put(isObject ? 0x7B : 0x5B)
                if token.count == 0 {
                    writer.put(isObject ? 0x7D : 0x5D)
                    t = Int(token.next)
                } else {
                    open.append((token.count, isObject))
                    t += 1
                    if isObject {
                        writeKey(t, &writer)
                        t += 1
                    }
                    continue rendering
                }
            case .string:
                writer.put(0x22)
                writer.put(buffer, rawRange(buffer, token))
                writer.put(0x22)
                t += 1
            default:
                writer.put(buffer, rawRange(buffer, token))
                t += 1
            }
            while let top = open.last {
                if top.remaining > 1 {
                    open[open.count - 1].remaining -= 1
                    writer.put(0x2C)
                    if top.isObject {
                        writeKey(t, &writer)
                        t += 1
                    }
                    continue rendering
                }
                open.removeLast()
                writer.put(top.isObject ? 0x7D : 0x5D)
            }
            break
        }
    }
}

/// Collects UTF-8 up to a number of code points, then marks itself full.
private struct LimitedWriter {
    let limit: Int
    var out: [UInt8] = []
    var codePoints = 0
    var isFull = false

    init(limit: Int) {
        self.limit = max(limit, 0)
        out.reserveCapacity(min(self.limit, 4096) + 4)
    }

    mutating func put(_ byte: UInt8) {
        if isFull { return }
        if byte & 0xC0 != 0x80 {
            if codePoints == limit {
                isFull = true
                return
            }
            codePoints += 1
        }
        out.append(byte)
    }

    mutating func put(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        for k in range {
            put(buffer[k])
            if isFull { return }
        }
    }

    /// The text; when cut, its last code point gives way to `…`.
    mutating func finish() -> String {
        if isFull {
            if let last = out.lastIndex(where: { $0 & 0xC0 != 0x80 }) {
                out.removeSubrange(last...)
            }
            out.append(contentsOf: [0xE2, 0x80, 0xA6])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

// MARK: - Equality

/// An exact decimal view of a number's text: value = ± significand × 10^exponent.
private struct DecimalNumber {
    var isNegative = false
    var integerStart = 0
    var integerCount = 0
    var fractionStart = 0
    var fractionCount = 0
    /// First and last non-zero digit among the integer digits followed by the fraction digits.
    var firstSignificant = 0
    var lastSignificant = -1
    var exponent = 0
    /// The exponent text had too many digits to add exactly; `exponentStart`/`exponentCount` hold it.
    var hasHugeExponent = false
    var exponentIsNegative = false
    var exponentStart = 0
    var exponentCount = 0

    var isZero: Bool { lastSignificant < 0 }
    var significantCount: Int { lastSignificant - firstSignificant + 1 }

    init(_ buffer: UnsafeBufferPointer<UInt8>, _ token: JSONToken) {
        var i = Int(token.start)
        let end = min(i + Int(token.length), buffer.count)
        if i < end && buffer[i] == 0x2D {
            isNegative = true
            i += 1
        }
        integerStart = i
        while i < end && buffer[i] &- 0x30 < 10 { i += 1 }
        integerCount = i - integerStart
        if i < end && buffer[i] == 0x2E {
            i += 1
            fractionStart = i
            while i < end && buffer[i] &- 0x30 < 10 { i += 1 }
            fractionCount = i - fractionStart
        }
        var written = 0
        if i < end && buffer[i] | 0x20 == 0x65 {
            i += 1
            if i < end && (buffer[i] == 0x2B || buffer[i] == 0x2D) {
                exponentIsNegative = buffer[i] == 0x2D
                i += 1
            }
            while i < end && buffer[i] == 0x30 { i += 1 }
            exponentStart = i
            while i < end && buffer[i] &- 0x30 < 10 {
                if written < 1 << 59 {
                    written = written * 10 + Int(buffer[i] &- 0x30)
                } else {
                    hasHugeExponent = true
                }
                i += 1
            }
            exponentCount = i - exponentStart
        }
        let total = integerCount + fractionCount
        var first = 0
        while first < total && digit(buffer, first) == 0x30 { first += 1 }
        var last = total - 1
        while last >= first && digit(buffer, last) == 0x30 { last -= 1 }
        firstSignificant = first
        lastSignificant = last >= first ? last : -1
        let trailingZeros = total - 1 - last
        exponent = (exponentIsNegative ? -written : written) - fractionCount + trailingZeros
    }

    /// The `k`th digit of the integer digits followed by the fraction digits.
    func digit(_ buffer: UnsafeBufferPointer<UInt8>, _ k: Int) -> UInt8 {
        k < integerCount ? buffer[integerStart + k] : buffer[fractionStart + k - integerCount]
    }

    static func equal(_ buffer: UnsafeBufferPointer<UInt8>, _ a: JSONToken, _ b: JSONToken) -> Bool {
        let x = DecimalNumber(buffer, a)
        let y = DecimalNumber(buffer, b)
        if x.isZero || y.isZero { return x.isZero && y.isZero }
        guard x.isNegative == y.isNegative, x.significantCount == y.significantCount else { return false }
        if x.hasHugeExponent || y.hasHugeExponent {
            guard x.hasHugeExponent && y.hasHugeExponent, x.exponentIsNegative == y.exponentIsNegative,
                x.exponentCount == y.exponentCount,
                TextOps.bytesEqual(buffer, x.exponentStart, y.exponentStart, x.exponentCount),
                x.exponent == y.exponent
            else { return false }
        } else if x.exponent != y.exponent {
            return false
        }
        for k in 0..<x.significantCount
        where x.digit(buffer, x.firstSignificant + k) != y.digit(buffer, y.firstSignificant + k) {
            return false
        }
        return true
    }
}

private struct ValueComparer {
    let tape: [JSONToken]
    let buffer: UnsafeBufferPointer<UInt8>

    func equal(_ a: Int, _ b: Int) -> Bool {
        var pending: [(Int, Int)] = [(a, b)]
        while let (x, y) = pending.popLast() {
            if x == y { continue }
            let tx = tape[x]
            let ty = tape[y]
            guard tx.kind == ty.kind else { return false }
            switch tx.kind {
            case .null, .true, .false:
                continue
            case .string:
                if !TextOps.stringsEqual(buffer, tx, ty) { return false }
            case .number:
                if !DecimalNumber.equal(buffer, tx, ty) { return false }
            case .array:
                guard tx.count == ty.count else { return false }
                var i = x + 1
                var j = y + 1
                for _ in 0..<tx.count {
                    pending.append((i, j))
                    i = Int(tape[i].next)
                    j = Int(tape[j].next)
                }
            case .object:
                guard pairMembers(x, y, into: &pending) else { return false }
            }
        }
        return true
    }

    /// Members as (key, value) tape indices.
    func members(_ object: Int) -> [(key: Int, value: Int)] {
        var out: [(key: Int, value: Int)] = []
        out.reserveCapacity(Int(tape[object].count))
        var k = object + 1
        for _ in 0..<tape[object].count {
            out.append((k, k + 1))
            k = Int(tape[k + 1].next)
        }
        return out
    }

    /// Queues the value pairs of two objects compared as maps (last duplicate wins); `false` when
    /// their key sets differ.
    func pairMembers(_ x: Int, _ y: Int, into pending: inout [(Int, Int)]) -> Bool {
        let left = members(x)
        let right = members(y)
        let leftIndex = KeyIndex(left, tape: tape, buffer: buffer)
        let rightIndex = KeyIndex(right, tape: tape, buffer: buffer)
        for (position, member) in left.enumerated() {
            // Only the last occurrence of a key counts.
            guard leftIndex.lastPosition(of: member.key) == position else { continue }
            guard let match = rightIndex.lastPosition(of: member.key) else { return false }
            pending.append((member.value, right[match].value))
        }
        for member in right where leftIndex.lastPosition(of: member.key) == nil {
            return false
        }
        return true
    }
}

/// Finds members by decoded key: a linear scan for small objects, hashes for large ones.
private struct KeyIndex {
    let members: [(key: Int, value: Int)]
    let tape: [JSONToken]
    let buffer: UnsafeBufferPointer<UInt8>
    /// (hash, position) sorted; empty for small objects.
    let hashed: [(hash: UInt64, position: Int)]

    init(_ members: [(key: Int, value: Int)], tape: [JSONToken], buffer: UnsafeBufferPointer<UInt8>) {
        self.members = members
        self.tape = tape
        self.buffer = buffer
        if members.count > 16 {
            hashed = members.enumerated().map { (TextOps.hash(buffer, tape[$0.element.key]), $0.offset) }
                .sorted { $0.hash != $1.hash ? $0.hash < $1.hash : $0.position < $1.position }
        } else {
            hashed = []
        }
    }

    /// The position of the last member whose key equals the key token at `keyIndex`.
    func lastPosition(of keyIndex: Int) -> Int? {
        let key = tape[keyIndex]
        if hashed.isEmpty {
            for position in members.indices.reversed()
            where TextOps.stringsEqual(buffer, tape[members[position].key], key) {
                return position
            }
            return nil
        }
        let h = TextOps.hash(buffer, key)
        var low = 0
        var high = hashed.count
        while low < high {
            let mid = (low + high) / 2
            if hashed[mid].hash < h { low = mid + 1 } else { high = mid }
        }
        var found: Int?
        var k = low
        while k < hashed.count && hashed[k].hash == h {
            if TextOps.stringsEqual(buffer, tape[members[hashed[k].position].key], key) {
                found = hashed[k].position
            }
            k += 1
        }
        return found
    }
}
