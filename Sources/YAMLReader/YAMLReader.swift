public import ContractCore

/// Reads one YAML 1.2 (or JSON) document into a ``DocumentNode`` tree with source locations.
///
/// Plain scalars resolve by the YAML 1.2 core schema: `null`/`~`/empty → null, `true`/`false`
/// → booleans, decimal, `0x` and `0o` integers and floats → numbers; everything else, every
/// quoted scalar and every scalar tagged `!!str` is a string (`yes`, `no`, `on`, `off` stay
/// strings). Mapping keys are always strings, as written (`200:` is the key `"200"`).
/// Anchors and aliases are expanded (aliases share storage, so expansion is cheap, but the
/// expanded size counts against ``YAMLLimits/maxNodes``). YAML 1.1 merge keys (`<<`) are honoured.
public enum YAMLReader {
    /// Reads the document in `bytes`; `file` names it in locations and messages.
    public static func read(
        bytes: [UInt8], file: String, limits: YAMLLimits = .default
    ) throws(YAMLError) -> DocumentNode {
        if bytes.count > limits.maxBytes {
            throw .tooLarge(
                size: bytes.count, limit: limits.maxBytes, at: SourceLocation(file: file, line: 1, column: 1))
        }
        if let offset = UTF8Check.firstInvalidOffset(in: bytes) {
            let (line, column) = lineAndColumn(in: bytes, offset: offset)
            throw .invalidUTF8(
                "byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) at byte offset \(offset)",
                at: SourceLocation(file: file, line: line, column: column))
        }
        var builder = TreeBuilder(file: file, limits: limits)
        var stream = EventStream(bytes: bytes, file: file)
        return try builder.build(from: &stream)
    }

    /// Reads the file at `path`; the path is used as the file name in locations.
    public static func read(path: String, limits: YAMLLimits = .default) throws -> DocumentNode {
        let bytes = try FileBytes.read(path, limit: limits.maxBytes)
        return try read(bytes: bytes, file: path, limits: limits)
    }
}

/// Builds the tree from events with an explicit stack (no recursion, whatever the depth).
private struct TreeBuilder {
    let file: String
    let limits: YAMLLimits

    private struct Anchored {
        var node: DocumentNode
        var size: Int
    }

    private enum Frame {
        case sequence(SequenceFrame)
        case mapping(MappingFrame)
    }

    private struct SequenceFrame {
        var location: SourceLocation
        var anchor: String?
        var elements: [DocumentNode] = []
        var size = 1
    }

    private struct MappingFrame {
        var location: SourceLocation
        var anchor: String?
        var entries: [DocumentNode.Entry] = []
        var keyIndex: [String: Int] = [:]
        var pendingKey: (key: String, location: SourceLocation, isMerge: Bool)?
        var merged: [DocumentNode] = []
        var size = 1
    }

    private var anchors: [String: Anchored] = [:]
    private var stack: [Frame] = []
    private var expandedNodes = 0

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    mutating func build(from stream: inout EventStream) throws(YAMLError) -> DocumentNode {
        var root: DocumentNode?
        var documents = 0
        while true {
            let (event, location) = try stream.next()
            switch event {
            case .streamStart, .documentEnd:
                continue
            case .documentStart:
                documents += 1
                if documents > 1 { throw .multipleDocuments(at: location) }
            case .streamEnd:
                guard let root else { throw .emptyDocument(at: SourceLocation(file: file, line: 1, column: 1)) }
                return root
            case .alias(let name):
                guard let target = anchors[name] else { throw .unknownAnchor(name, at: location) }
                try count(target.size, at: location)
                var node = target.node
                node.location = location
                if let done = try add(node, size: target.size, isAlias: true) { root = done }
            case .scalar(let value, let anchor, let tag, let isPlain):
                try count(1, at: location)
                if case .mapping(var frame) = stack.last, frame.pendingKey == nil {
                    stack.removeLast()
                    try setKey(value, isPlain: isPlain, at: location, in: &frame)
                    stack.append(.mapping(frame))
                    if let anchor {
                        anchors[anchor] = Anchored(node: DocumentNode(.string(value), at: location), size: 1)
                    }
                    continue
                }
                let node = DocumentNode(Self.resolve(value, tag: tag, isPlain: isPlain), at: location)
                if let anchor { anchors[anchor] = Anchored(node: node, size: 1) }
                if let done = try add(node, size: 1, isAlias: false) { root = done }
            case .sequenceStart(let anchor):
                try enter(at: location)
                stack.append(.sequence(SequenceFrame(location: location, anchor: anchor)))
            case .mappingStart(let anchor):
                try enter(at: location)
                stack.append(.mapping(MappingFrame(location: location, anchor: anchor)))
            case .sequenceEnd:
                guard case .sequence(let frame) = stack.popLast() else {
                    throw .syntax("unbalanced sequence end", at: location)
                }
                let node = DocumentNode(.array(frame.elements), at: frame.location)
                if let anchor = frame.anchor { anchors[anchor] = Anchored(node: node, size: frame.size) }
                if let done = try add(node, size: frame.size, isAlias: false) { root = done }
            case .mappingEnd:
                guard case .mapping(var frame) = stack.popLast() else {
                    throw .syntax("unbalanced mapping end", at: location)
                }
                for source in frame.merged {
                    for entry in source.entries ?? [] where frame.keyIndex[entry.key] == nil {
                        frame.keyIndex[entry.key] = frame.entries.count
                        frame.entries.append(entry)
                    }
                }
                let node = DocumentNode(.object(frame.entries), at: frame.location)
                if let anchor = frame.anchor { anchors[anchor] = Anchored(node: node, size: frame.size) }
                if let done = try add(node, size: frame.size, isAlias: false) { root = done }
            }
        }
    }

    private mutating func count(_ nodes: Int, at location: SourceLocation) throws(YAMLError) {
        expandedNodes += nodes
        if expandedNodes > limits.maxNodes { throw .aliasExpansion(limit: limits.maxNodes, at: location) }
    }

    private mutating func enter(at location: SourceLocation) throws(YAMLError) {
        if case .mapping(let frame) = stack.last, frame.pendingKey == nil { throw .complexKey(at: location) }
        try count(1, at: location)
        if stack.count >= limits.maxDepth { throw .tooDeep(limit: limits.maxDepth, at: location) }
    }

    private func setKey(
        _ key: String, isPlain: Bool, at location: SourceLocation, in frame: inout MappingFrame
    ) throws(YAMLError) {
        if isPlain && key == "<<" {
            frame.pendingKey = (key, location, true)
            return
        }
        if let existing = frame.keyIndex[key] {
            throw .duplicateKey(key, at: location, first: frame.entries[existing].keyLocation)
        }
        frame.pendingKey = (key, location, false)
    }

    /// Adds a finished node to its parent; returns it when it is the document's root.
    private mutating func add(_ node: DocumentNode, size: Int, isAlias: Bool) throws(YAMLError) -> DocumentNode? {
        guard let top = stack.popLast() else { return node }
        switch top {
        case .sequence(var frame):
            frame.elements.append(node)
            frame.size += size
            stack.append(.sequence(frame))
        case .mapping(var frame):
            guard let key = frame.pendingKey else {
                // A collection or alias in key position.
                throw .complexKey(at: node.location)
            }
            frame.pendingKey = nil
            frame.size += size
            if key.isMerge {
                frame.merged.append(contentsOf: node.elements ?? [node])
            } else {
                frame.keyIndex[key.key] = frame.entries.count
                frame.entries.append(DocumentNode.Entry(key: key.key, keyLocation: key.location, value: node))
            }
            stack.append(.mapping(frame))
        }
        return nil
    }

    /// YAML 1.2 core-schema resolution of one scalar.
    static func resolve(_ text: String, tag: String?, isPlain: Bool) -> DocumentNode.Value {
        if let tag {
            switch tag {
            case "tag:yaml.org,2002:str", "!": return .string(text)
            case "tag:yaml.org,2002:null": return .null
            default: break
            }
        }
        guard isPlain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let number = YAMLNumber.parse(text) { return .number(number) }
        return .string(text)
    }
}

/// Core-schema numbers, normalised to JSON number text.
enum YAMLNumber {
    static func parse(_ text: String) -> JSONNumber? {
        let utf8 = Array(text.utf8)
        guard let first = utf8.first else { return nil }
        guard
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return nil }
        if utf8.count > 2, utf8[0] == UInt8(ascii: "0"), utf8[1] == UInt8(ascii: "x") || utf8[1] == UInt8(ascii: "o") {
            let radix = utf8[1] == UInt8(ascii: "x") ? 16 : 8
            guard let value = UInt64(String(decoding: utf8[2...], as: UTF8.self), radix: radix) else { return nil }
            return JSONNumber(text: String(value))
        }
        var index = 0
        var negative = false
        if utf8[index] == UInt8(ascii: "-") || utf8[index] == UInt8(ascii: "+") {
            negative = utf8[index] == UInt8(ascii: "-")
            index += 1
        }
        func digits() -> [UInt8] {
            let begin = index
            while index < utf8.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(utf8[index]) { index += 1 }
            return Array(utf8[begin..<index])
        }
        var integer = digits()
        var fraction: [UInt8] = []
        var hasDot = false
        if index < utf8.count, utf8[index] == UInt8(ascii: ".") {
            hasDot = true
            index += 1
            fraction = digits()
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return nil }
        if hasDot && integer.isEmpty && fraction.isEmpty { return nil }
        var exponent = ""
        if index < utf8.count, utf8[index] == UInt8(ascii: "e") || utf8[index] == UInt8(ascii: "E") {
            guard !integer.isEmpty || hasDot else { return nil }
            index += 1
            var sign = ""
            if index < utf8.count, utf8[index] == UInt8(ascii: "-") || utf8[index] == UInt8(ascii: "+") {
                sign = utf8[index] == UInt8(ascii: "-") ? "-" : "+"
                index += 1
            }
            let expDigits = digits()
            guard !expDigits.isEmpty else { return nil }
            exponent = "e" + sign + String(decoding: expDigits, as: UTF8.self)
        }
        guard index == utf8.count else { return nil }
        while integer.count > 1, integer.first == UInt8(ascii: "0") { integer.removeFirst() }
        if integer.isEmpty { integer = [UInt8(ascii: "0")] }
        var json = negative ? "-" : ""
        json += String(decoding: integer, as: UTF8.self)
        if !fraction.isEmpty { json += "." + String(decoding: fraction, as: UTF8.self) }
        json += exponent
        return JSONNumber(text: json)
    }
}
