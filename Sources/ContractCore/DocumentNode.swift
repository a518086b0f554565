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
    /// `string` as a JSON string literal, with quotes, escaping what RFC 8259 requires.
    public static func quote(_ string: String) -> String {
        var text = string
        // Contiguous bytes, checked in one loop: every finding and parameter value is quoted.
        if text.withUTF8({ $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C } }) {
            var out = "\""
            out.reserveCapacity(text.utf8.count + 2)
            out += text
            out += "\""
            return out
        }
        var out = "\""
        out.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029
                {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }
}
