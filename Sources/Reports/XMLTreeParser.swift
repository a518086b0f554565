import ContractCore

/// An element of a parsed XML document: name, attributes, child elements and character data.
struct XMLTreeElement: Sendable {
    /// The element's name as written (`testsuite`, `xsi:schemaLocation`, …).
    var name: String
    /// The attributes in document order; values have entities resolved and white space normalised.
    var attributes: [XMLTreeAttribute]
    /// The child elements in document order.
    var children: [XMLTreeElement] = []
    /// The character data directly inside the element (text and CDATA sections in document order, not that of
    /// child elements), with line ends normalised to line feeds and references resolved.
    var text = ""
    /// The byte offset of the element's `<` in the document.
    var offset: Int

    /// The value of the attribute named `name`, or `nil`.
    func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }
}

/// One `name="value"` of an element.
struct XMLTreeAttribute: Sendable {
    var name: String
    var value: String
}

/// A small XML 1.0 parser for reports, written to be safe on hostile input.
///
/// It reads elements, attributes, character data, CDATA sections, comments and processing instructions, the five
/// predefined entities (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`) and numeric character references. It refuses
/// every `<!DOCTYPE`, so no external entity is ever fetched and no entity can expand: other named entities are
/// errors. It reads UTF-8 only, nests at most `maxDepth` elements (with an explicit stack, so depth costs no
/// native stack), and reports each error once, with its 1-based line and column. Control characters other than
/// NUL are tolerated in character data (some producers write raw terminal escapes), which XML 1.0 strictly
/// forbids.
struct XMLTreeParser {
    private let bytes: [UInt8]
    private let file: String
    private let maxDepth: Int
    private var index = 0

    init(bytes: [UInt8], file: String, maxDepth: Int) {
        self.bytes = bytes
        self.file = file
        self.maxDepth = maxDepth
    }

    /// Parses the whole document and returns its root element.
    mutating func parseDocument() throws -> XMLTreeElement {
        try checkEncoding()
        var sawDeclaration = false
        // Prolog: declaration, comments, processing instructions, white space.
        while true {
            skipWhiteSpace()
            guard index < bytes.count else {
                if bytes.isEmpty { throw error("the file is empty: an empty report", at: 0) }
                throw error("the document has no root element (an empty or truncated report)", at: index)
            }
            if starts(with: "<?") {
                let isDeclaration = starts(with: "<?xml") && index + 5 < bytes.count && isWhiteSpace(bytes[index + 5])
                if isDeclaration {
                    if sawDeclaration || index != declarationStart {
                        throw error("the XML declaration must come first, and only once", at: index)
                    }
                    sawDeclaration = true
                    try declaration()
                } else {
                    try processingInstruction()
                }
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<!") {
                try refuseMarkupDeclaration()
            } else if bytes[index] == UInt8(ascii: "<") {
                break
            } else {
                throw error("text before the root element: a JUnit report starts with `<`", at: index)
            }
        }
        let root = try element()
        // Epilog: only comments, processing instructions and white space.
        while true {
            skipWhiteSpace()
            guard index < bytes.count else { return root }
            if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<?") {
                try processingInstruction()
            } else if starts(with: "<!") {
                try refuseMarkupDeclaration()
            } else {
                throw error("content after the root element </\(root.name)>: a document has one root", at: index)
            }
        }
    }

    // MARK: - Elements

    /// Parses the element starting at `index` (a `<` followed by a name) and everything inside it.
    private mutating func element() throws -> XMLTreeElement {
        var stack: [XMLTreeElement] = []
        while true {
            if stack.isEmpty
                || bytes[index] == UInt8(ascii: "<") && !starts(with: "</") && !starts(with: "<!")
                    && !starts(with: "<?")
            {
                let (opened, isEmpty) = try startTag()
                if stack.count >= maxDepth {
                    throw error("elements nest deeper than \(maxDepth) levels", at: opened.offset)
                }
                if isEmpty {
                    if stack.isEmpty { return opened }
                    stack[stack.count - 1].children.append(opened)
                } else {
                    stack.append(opened)
                }
            } else if starts(with: "</") {
                let closing = index
                index += 2
                let name = try self.name(what: "an element name after `</`")
                skipWhiteSpace()
                try expect(">", "`>` to end </\(name)")
                guard let open = stack.popLast() else { throw error("unexpected </\(name)>", at: closing) }
                guard open.name == name else {
                    let (line, column) = lineAndColumn(in: bytes, offset: open.offset)
                    throw error(
                        "</\(name)> does not close <\(open.name)> (opened at line \(line), column \(column))",
                        at: closing)
                }
                if stack.isEmpty { return open }
                stack[stack.count - 1].children.append(open)
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<![CDATA[") {
                let start = index + 9
                guard let end = find("]]>", from: start) else {
                    throw error("a CDATA section is not closed with `]]>` (a truncated report?)", at: index)
                }
                stack[stack.count - 1].text += try decode(start, end, inAttribute: false, resolvingReferences: false)
                index = end + 3
            } else if starts(with: "<!") {
                try refuseMarkupDeclaration()
            } else if starts(with: "<?") {
                try processingInstruction()
            } else {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
                stack[stack.count - 1].text += try decode(start, index, inAttribute: false, resolvingReferences: true)
            }
            if index >= bytes.count, let open = stack.last {
                let (line, column) = lineAndColumn(in: bytes, offset: open.offset)
                throw error(
                    "the file ends inside <\(open.name)> (opened at line \(line), column \(column)): "
                        + "the report is truncated", at: bytes.count)
            }
        }
    }

    /// Parses `<name attr="value" …>` or `<name …/>`; `isEmpty` tells the second form.
    private mutating func startTag() throws -> (element: XMLTreeElement, isEmpty: Bool) {
        let offset = index
        index += 1
        let name = try self.name(what: "an element name after `<`")
        var attributes: [XMLTreeAttribute] = []
        while true {
            let hadSpace = skipWhiteSpace()
            guard index < bytes.count else {
                throw error("the file ends inside the tag <\(name)>: the report is truncated", at: index)
            }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                return (XMLTreeElement(name: name, attributes: attributes, offset: offset), false)
            }
            if starts(with: "/>") {
                index += 2
                return (XMLTreeElement(name: name, attributes: attributes, offset: offset), true)
            }
            guard hadSpace else { throw error("expected white space, `>` or `/>` in the tag <\(name)>", at: index) }
            let attributeStart = index
            let attributeName = try self.name(what: "an attribute name, `>` or `/>` in the tag <\(name)>")
            skipWhiteSpace()
            try expect("=", "`=` after the attribute \(attributeName)")
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw error("expected a quoted value for the attribute \(attributeName)", at: index)
            }
            let quote = bytes[index]
            let valueStart = index + 1
            var end = valueStart
            while end < bytes.count, bytes[end] != quote {
                if bytes[end] == UInt8(ascii: "<") {
                    throw error("`<` in the value of the attribute \(attributeName) (write it as &lt;)", at: end)
                }
                end += 1
            }
            guard end < bytes.count else {
                throw error(
                    "the value of the attribute \(attributeName) is not closed (a truncated report?)", at: index)
            }
            if attributes.contains(where: { $0.name == attributeName }) {
                throw error("the attribute \(attributeName) appears twice in <\(name)>", at: attributeStart)
            }
            let value = try decode(valueStart, end, inAttribute: true, resolvingReferences: true)
            attributes.append(XMLTreeAttribute(name: attributeName, value: value))
            index = end + 1
        }
    }

    // MARK: - Other markup

    /// Where the declaration may start: 0, or 3 after a UTF-8 byte order mark.
    private var declarationStart: Int { hasByteOrderMark ? 3 : 0 }

    private var hasByteOrderMark: Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// Refuses byte order marks of other encodings and bytes that are not UTF-8; skips a UTF-8 byte order mark.
    private mutating func checkEncoding() throws {
        if bytes.count >= 2, bytes[0] == 0xFE && bytes[1] == 0xFF || bytes[0] == 0xFF && bytes[1] == 0xFE {
            throw error("the report is UTF-16 (it starts with a byte order mark); only UTF-8 reports are read", at: 0)
        }
        if let offset = UTF8Check.firstInvalidOffset(in: bytes) {
            let hex = String(bytes[offset], radix: 16, uppercase: true)
            throw error(
                "invalid UTF-8: byte 0x\(hex) at byte offset \(offset); only UTF-8 reports are read", at: offset)
        }
        if hasByteOrderMark { index = 3 }
    }

    /// `<?xml version="1.0" encoding="…"?>`: the encoding, when named, must be UTF-8 (or its subset ASCII).
    private mutating func declaration() throws {
        let start = index
        guard let end = find("?>", from: index) else {
            throw error("the XML declaration is not closed with `?>`", at: start)
        }
        let text = String(decoding: bytes[(start + 5)..<end], as: UTF8.self)
        if let range = text.firstRange(of: "encoding") {
            var rest = text[range.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            if rest.first == "=" {
                rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
                if let quote = rest.first, quote == "\"" || quote == "'" {
                    let name = rest.dropFirst().prefix { $0 != quote }
                    let accepted = ["utf-8", "utf8", "us-ascii", "ascii"]
                    if !accepted.contains(name.lowercased()) {
                        throw error(
                            "the report declares encoding \"\(name)\"; only UTF-8 reports are read", at: start)
                    }
                }
            }
        }
        index = end + 2
    }

    private mutating func processingInstruction() throws {
        guard let end = find("?>", from: index + 2) else {
            throw error("a processing instruction is not closed with `?>` (a truncated report?)", at: index)
        }
        index = end + 2
    }

    private mutating func comment() throws {
        guard let end = find("-->", from: index + 4) else {
            throw error("a comment is not closed with `-->` (a truncated report?)", at: index)
        }
        index = end + 3
    }

    /// Every `<!…` that is not a comment or a CDATA section: DOCTYPE, ENTITY and the like are refused.
    private func refuseMarkupDeclaration() throws -> Never {
        let word = String(decoding: bytes[index..<min(bytes.count, index + 9)], as: UTF8.self)
        if word.uppercased() == "<!DOCTYPE" {
            let rest = bytes[(index + 9)..<min(bytes.count, index + 15)].drop { isWhiteSpace($0) }
            if String(decoding: rest.prefix(4), as: UTF8.self).lowercased() == "html" {
                throw error("this is an HTML page (<!DOCTYPE html>), not a JUnit report", at: index)
            }
            throw error(
                "a DOCTYPE declaration is refused: it could define entities (external entities, entity expansion "
                    + "bombs), and a JUnit report needs none", at: index)
        }
        throw error("markup declarations (`<!…`) are refused in reports; only comments and CDATA sections", at: index)
    }

    // MARK: - Lexical pieces

    /// Reads an XML name: letters, digits, `_`, `:`, `-`, `.` and any non-ASCII character, not starting with a
    /// digit, `-` or `.`.
    private mutating func name(what: String) throws -> String {
        let start = index
        while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }
        guard index > start else { throw error("expected \(what)", at: start) }
        let first = bytes[start]
        if (0x30...0x39).contains(first) || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") {
            throw error("a name cannot start with `\(Character(Unicode.Scalar(first)))`", at: start)
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: true
        case UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "."): true
        case 0x80...: true
        default: false
        }
    }

    /// Decodes `bytes[start..<end]`: resolves references (unless in a CDATA section), normalises line ends to
    /// line feeds, and in attribute values turns tabs and line ends into spaces (XML's attribute normalisation).
    private func decode(_ start: Int, _ end: Int, inAttribute: Bool, resolvingReferences: Bool) throws -> String {
        var needsWork = false
        for position in start..<end {
            let byte = bytes[position]
            if byte == 0 { throw error("a NUL character, which XML does not allow", at: position) }
            if byte == UInt8(ascii: "&") && resolvingReferences || byte == 0x0D
                || inAttribute && (byte == 0x0A || byte == 0x09)
            {
                needsWork = true
            }
        }
        guard needsWork else { return String(decoding: bytes[start..<end], as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(end - start)
        var position = start
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "&") && resolvingReferences {
                let (scalar, next) = try reference(at: position, end: end)
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
                position = next
            } else if byte == 0x0D {
                output.append(inAttribute ? 0x20 : 0x0A)
                position += position + 1 < end && bytes[position + 1] == 0x0A ? 2 : 1
            } else if inAttribute && (byte == 0x0A || byte == 0x09) {
                output.append(0x20)
                position += 1
            } else {
                output.append(byte)
                position += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Resolves the reference starting with `&` at `start`; returns the character and the offset after `;`.
    private func reference(at start: Int, end: Int) throws -> (Unicode.Scalar, Int) {
        var semicolon = start + 1
        while semicolon < end, semicolon - start <= 32, bytes[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
        guard semicolon < end, bytes[semicolon] == UInt8(ascii: ";"), semicolon > start + 1 else {
            throw error("`&` must start a reference such as &amp; or &#10; (write a literal & as &amp;)", at: start)
        }
        let body = String(decoding: bytes[(start + 1)..<semicolon], as: UTF8.self)
        switch body {
        case "lt": return ("<", semicolon + 1)
        case "gt": return (">", semicolon + 1)
        case "amp": return ("&", semicolon + 1)
        case "quot": return ("\"", semicolon + 1)
        case "apos": return ("'", semicolon + 1)
        default: break
        }
        guard body.hasPrefix("#") else {
            throw error(
                "undefined entity &\(body); (reports may use only &lt; &gt; &amp; &quot; &apos; and character "
                    + "references)", at: start)
        }
        let digits = body.dropFirst()
        let value: UInt32?
        if digits.hasPrefix("x") {
            let hex = digits.dropFirst()
            value = hex.allSatisfy(\.isHexDigit) ? UInt32(hex, radix: 16) : nil
        } else {
            value = digits.allSatisfy { $0.isASCII && $0.isNumber } ? UInt32(digits) : nil
        }
        guard let value, let scalar = Unicode.Scalar(value), Self.isXMLCharacter(value) else {
            throw error("the character reference &\(body); names no character XML allows", at: start)
        }
        return (scalar, semicolon + 1)
    }

    /// XML 1.0's `Char` production.
    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        value == 0x09 || value == 0x0A || value == 0x0D || (0x20...0xD7FF).contains(value)
            || (0xE000...0xFFFD).contains(value) || (0x1_0000...0x10_FFFF).contains(value)
    }

    @discardableResult
    private mutating func skipWhiteSpace() -> Bool {
        let start = index
        while index < bytes.count, isWhiteSpace(bytes[index]) { index += 1 }
        return index > start
    }

    private func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private mutating func expect(_ character: Unicode.Scalar, _ what: String) throws {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else {
            if index >= bytes.count {
                throw error("the file ends where \(what) was expected: a truncated report", at: index)
            }
            throw error("expected \(what)", at: index)
        }
        index += 1
    }

    private func starts(with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return text.withUTF8Buffer { pattern in
            for offset in 0..<count where bytes[index + offset] != pattern[offset] { return false }
            return true
        }
    }

    private func find(_ text: StaticString, from start: Int) -> Int? {
        text.withUTF8Buffer { pattern -> Int? in
            guard let first = pattern.first, pattern.count <= bytes.count else { return nil }
            var position = start
            while position + pattern.count <= bytes.count {
                if bytes[position] == first {
                    var matches = true
                    for offset in 1..<pattern.count where bytes[position + offset] != pattern[offset] {
                        matches = false
                        break
                    }
                    if matches { return position }
                }
                position += 1
            }
            return nil
        }
    }

    private func error(_ message: String, at offset: Int) -> JUnitReadError {
        let (line, column) = lineAndColumn(in: bytes, offset: offset)
        return .malformed(message, at: SourceLocation(file: file, line: line, column: column))
    }
}
