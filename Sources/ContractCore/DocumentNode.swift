/// A node of a loaded document (YAML or JSON) that remembers where it came from.
///
/// Specs, policies and recordings in YAML are read into this tree; every node, and every
/// mapping key, keeps its 1-based source location so that findings can point at it.
public struct DocumentNode: Sendable {
    /// The node's value.
    public var value: Value
    /// Where the node starts.
    public var location: SourceLocation

    /// Creates a node.
    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// A document value, with mapping keys always read as strings.
    public enum Value: Sendable {
        case null
        case bool(Bool)
        case number(JSONNumber)
        case string(String)
        case array([DocumentNode])
        case object([Entry])
    }

    /// One member of a mapping, in document order.
    public struct Entry: Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: DocumentNode

        public init(key: String, keyLocation: SourceLocation, value: DocumentNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }
}

extension DocumentNode {
    /// The member named `key` of a mapping, or `nil`.
    public subscript(key: String) -> DocumentNode? {
        guard case .object(let entries) = value else { return nil }
        return entries.first(where: { $0.key == key })?.value
    }

    /// The entry named `key` of a mapping, with its key's location.
    public func entry(_ key: String) -> Entry? {
        guard case .object(let entries) = value else { return nil }
        return entries.first(where: { $0.key == key })
    }

    /// The mapping's entries, or `nil` when this is not a mapping.
    public var entries: [Entry]? {
        if case .object(let entries) = value { return entries }
        return nil
    }

    /// The sequence's elements, or `nil` when this is not a sequence.
    public var elements: [DocumentNode]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    /// The string value, or `nil`.
    public var string: String? {
        if case .string(let string) = value { return string }
        return nil
    }

    /// The boolean value, or `nil`.
    public var bool: Bool? {
        if case .bool(let bool) = value { return bool }
        return nil
    }

    /// The number value, or `nil`.
    public var number: JSONNumber? {
        if case .number(let number) = value { return number }
        return nil
    }

    /// Whether the node is `null`.
    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The node's kind, as a JSON type name (`object`, `array`, `string`, `number`, `boolean`, `null`).
    public var typeName: String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Follows a JSON Pointer's unescaped tokens from this node.
    public func descend(_ tokens: some Sequence<String>) -> DocumentNode? {
        var node = self
        for token in tokens {
            switch node.value {
            case .object(let entries):
                guard let next = entries.first(where: { $0.key == token }) else { return nil }
                node = next.value
            case .array(let elements):
                guard let index = Int(token), token == String(index), elements.indices.contains(index) else {
                    return nil
                }
                node = elements[index]
            default:
                return nil
            }
        }
        return node
    }

    /// Compact JSON text of the node (for messages; keys in document order).
    public var jsonText: String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    private func writeJSON(into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let bool): out += bool ? "true" : "false"
        case .number(let number): out += number.description
        case .string(let string): out += JSONText.quote(string)
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                element.writeJSON(into: &out)
            }
            out += "]"
        case .object(let entries):
            out += "{"
            for (index, entry) in entries.enumerated() {
                if index > 0 { out += "," }
                out += JSONText.quote(entry.key)
                out += ":"
                entry.value.writeJSON(into: &out)
            }
            out += "}"
        }
    }
}

/// JSON text helpers shared by every module that writes JSON.
public enum JSONText {
    /// `string` as a JSON string literal, with quotes, escaping what RFC 8259 requires, and also
    /// U+007F, the C1 controls (U+0080 to U+009F) and U+2028/U+2029 (as `\\u` escapes), which some
    /// readers and terminals treat as line breaks or controls.
    public static func quote(_ string: String) -> String {
        var string = string
        // Every finding and parameter value is quoted: one pass over the bytes counts what grows,
        // a second writes the result into a string of exactly that size.
        return string.withUTF8 { bytes in
            var grows = 0
            var i = plainPrefix(bytes)
            while i < bytes.count {
                grows &+= escapeGrowth(bytes, at: i)
                i &+= 1
            }
            if grows == 0 {
                return String(unsafeUninitializedCapacity: bytes.count &+ 2) { out in
                    out[0] = 0x22
                    if let base = bytes.baseAddress { (out.baseAddress! + 1).update(from: base, count: bytes.count) }
                    out[bytes.count &+ 1] = 0x22
                    return bytes.count &+ 2
                }
            }
            return String(unsafeUninitializedCapacity: bytes.count &+ grows &+ 2) { out in
                var n = 0
                out[n] = 0x22
                n &+= 1
                var i = 0
                while i < bytes.count {
                    let b = bytes[i]
                    let growth = escapeGrowth(bytes, at: i)
                    if growth == 0 {
                        out[n] = b
                        n &+= 1
                        i &+= 1
                        continue
                    }
                    out[n] = 0x5C
                    switch b {
                    case 0x22, 0x5C: out[n &+ 1] = b
                    case 0x0A: out[n &+ 1] = 0x6E  // n
                    case 0x0D: out[n &+ 1] = 0x72  // r
                    case 0x09: out[n &+ 1] = 0x74  // t
                    case 0x08: out[n &+ 1] = 0x62  // b
                    case 0x0C: out[n &+ 1] = 0x66  // f
                    default:
                        // \u and four lowercase hex digits of the code point (one, two or three bytes).
                        let width = b < 0x80 ? 1 : (b == 0xC2 ? 2 : 3)
                        let scalar: UInt32 =
                            width == 1
                            ? UInt32(b)
                            : width == 2 ? UInt32(bytes[i &+ 1]) : 0x2000 | UInt32(bytes[i &+ 2] & 0x3F)
                        out[n &+ 1] = 0x75  // u
                        for k in 0..<4 {
                            let digit = UInt8(truncatingIfNeeded: scalar >> (12 - 4 * UInt32(k))) & 0x0F
                            out[n &+ 2 &+ k] = digit < 10 ? 0x30 &+ digit : 0x57 &+ digit
                        }
                        n &+= 6
                        i &+= width
                        continue
                    }
                    n &+= 2
                    i &+= 1
                }
                out[n] = 0x22
                return n &+ 1
            }
        }
    }

    /// The length of the leading run of bytes that are copied as they are and need no look at their
    /// neighbours (printable ASCII but `"` and `\\`), rounded down to 8: found 8 bytes at a time.
    @inline(__always)
    private static func plainPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return 0 }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i &+ 8 <= bytes.count {
            let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte is flagged when its high bit is set, it is below 0x20, or it is `"`, `\\` or DEL.
            let below = (word &- ones &* 0x20) & ~word
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let delete = word ^ (ones &* 0x7F)
            let equal = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((delete &- ones) & ~delete)
            if (word | below | equal) & highs != 0 { break }
            i &+= 8
        }
        return i
    }

    /// How many bytes longer the character starting at `i` is once escaped by ``quote(_:)`` (0 when it
    /// is copied as is, also for continuation bytes). `bytes` is well-formed UTF-8.
    @inline(__always)
    private static func escapeGrowth(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b = bytes[i]
        if b >= 0x20 && b < 0x7F { return b == 0x22 || b == 0x5C ? 1 : 0 }
        switch b {
        case 0x0A, 0x0D, 0x09, 0x08, 0x0C: return 1
        case 0..<0x20, 0x7F: return 5
        case 0xC2: return bytes[i &+ 1] < 0xA0 ? 4 : 0  // U+0080 ... U+009F
        case 0xE2: return bytes[i &+ 1] == 0x80 && (bytes[i &+ 2] == 0xA8 || bytes[i &+ 2] == 0xA9) ? 3 : 0
        default: return 0
        }
    }
}
