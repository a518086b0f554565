import ContractCore
import Testing

@testable import JSONValidation

/// A malformed input and the exact error it must produce.
struct MalformedJSON: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let message: String
    let offset: Int
    let line: Int
    let column: Int

    var testDescription: String { name }

    init(_ text: String, _ message: String, _ offset: Int, _ line: Int = 1, _ column: Int? = nil) {
        self.init(bytes: Array(text.utf8), name: text, message, offset, line, column)
    }

    init(bytes: [UInt8], name: String, _ message: String, _ offset: Int, _ line: Int = 1, _ column: Int? = nil) {
        self.name = name
        self.bytes = bytes
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column ?? offset + 1
    }

    static let all: [MalformedJSON] = [
        // Empty input and byte order mark.
        MalformedJSON("", "empty document", 0),
        MalformedJSON(" \t\r\n ", "empty document", 0),
        MalformedJSON(bytes: [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], name: "BOM {}", "byte order mark is not allowed", 0),
        // Commas.
        MalformedJSON("[1,]", "trailing comma before ']'", 3),
        MalformedJSON("{\"a\":1,}", "trailing comma before '}'", 7),
        MalformedJSON("[1,,2]", "unexpected character ',', expected a value", 3),
        MalformedJSON("[,1]", "unexpected character ',', expected a value", 1),
        MalformedJSON("[1 2]", "unexpected character '2', expected ',' or ']'", 3),
        MalformedJSON("{\"a\":1 \"b\":2}", "unexpected character '\"', expected ',' or '}'", 7),
        // Numbers.
        MalformedJSON("01", "leading zeros are not allowed", 1),
        MalformedJSON("-01", "leading zeros are not allowed", 2),
        MalformedJSON("[00]", "leading zeros are not allowed", 2),
        MalformedJSON("+1", "a number must not start with '+'", 0),
        MalformedJSON(".5", "a number must not start with '.'", 0),
        MalformedJSON("1.", "expected a digit after the decimal point", 2),
        MalformedJSON("1.e5", "expected a digit after the decimal point", 2),
        MalformedJSON("1e", "expected a digit in the exponent", 2),
        MalformedJSON("1e+", "expected a digit in the exponent", 3),
        MalformedJSON("1E-x", "expected a digit in the exponent", 3),
        MalformedJSON("-", "expected a digit after '-'", 1),
        MalformedJSON("-a", "expected a digit after '-'", 1),
        MalformedJSON("NaN", "NaN is not allowed", 0),
        MalformedJSON("[Infinity]", "Infinity is not allowed", 1),
        MalformedJSON("-Infinity", "Infinity is not allowed", 0),
        MalformedJSON("0x10", "unexpected character 'x' after the top-level value", 1),
        MalformedJSON("1.5.2", "unexpected character '.' after the top-level value", 3),
        // Literals.
        MalformedJSON("tru", "unexpected end of input, expected 'true'", 3),
        MalformedJSON("trux", "invalid literal, expected 'true'", 3),
        MalformedJSON("nul", "unexpected end of input, expected 'null'", 3),
        MalformedJSON("fals", "unexpected end of input, expected 'false'", 4),
        MalformedJSON("[nulL]", "invalid literal, expected 'null'", 4),
        MalformedJSON("True", "unexpected character 'T', expected a value", 0),
        MalformedJSON("truex", "unexpected character 'x' after the top-level value", 4),
        // Quotes and comments.
        MalformedJSON("'a'", "single-quoted strings are not allowed", 0),
        MalformedJSON("{'a':1}", "single-quoted strings are not allowed", 1),
        MalformedJSON("// c\n1", "comments are not allowed", 0),
        MalformedJSON("[1 /* c */]", "comments are not allowed", 3),
        MalformedJSON("{\"a\":1}/", "comments are not allowed", 7),
        // Strings.
        MalformedJSON("\"abc", "unterminated string", 0),
        MalformedJSON("[\"abc\\\"]", "unterminated string", 1),
        MalformedJSON("\"a\u{1}b\"", "unescaped control character U+0001 in string", 2),
        MalformedJSON("\"a\nb\"", "unescaped control character U+000A in string", 2),
        MalformedJSON("\"a\tb\"", "unescaped control character U+0009 in string", 2),
        MalformedJSON("\"\\x\"", "invalid escape sequence '\\x'", 2),
        MalformedJSON("\"\\U0041\"", "invalid escape sequence '\\U'", 2),
        MalformedJSON("\"\\\n\"", "invalid escape sequence: '\\' followed by control character U+000A", 2),
        MalformedJSON("\"\\u12G4\"", "invalid hex digit 'G' in \\u escape", 5),
        MalformedJSON("\"\\u12\"", "invalid hex digit '\"' in \\u escape", 5),
        MalformedJSON("\"\\ud800\\u12\"", "invalid hex digit '\"' in \\u escape", 11),
        MalformedJSON("\"\\u00", "unterminated string", 0),
        // Invalid UTF-8 inside strings.
        MalformedJSON(bytes: [0x22, 0xC0, 0x80, 0x22], name: "overlong C0 80", "invalid UTF-8: overlong encoding", 1),
        MalformedJSON(bytes: [0x22, 0xC1, 0xBF, 0x22], name: "overlong C1 BF", "invalid UTF-8: overlong encoding", 1),
        MalformedJSON(
            bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], name: "overlong E0 80 AF", "invalid UTF-8: overlong encoding", 1),
        MalformedJSON(
            bytes: [0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22], name: "overlong F0 8F", "invalid UTF-8: overlong encoding",
            1),
        MalformedJSON(
            bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], name: "UTF-8 surrogate ED A0 80",
            "invalid UTF-8: encoded surrogate (U+D800 to U+DFFF)", 1),
        MalformedJSON(
            bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], name: "above U+10FFFF",
            "invalid UTF-8: code point above U+10FFFF", 1),
        MalformedJSON(
            bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], name: "F5 lead", "invalid UTF-8: byte 0xF5 is not allowed", 1),
        MalformedJSON(bytes: [0x22, 0xFF, 0x22], name: "FF byte", "invalid UTF-8: byte 0xFF is not allowed", 1),
        MalformedJSON(
            bytes: [0x22, 0x61, 0x80, 0x22], name: "stray continuation",
            "invalid UTF-8: unexpected continuation byte 0x80", 2),
        MalformedJSON(
            bytes: [0x22, 0xE4, 0xB8, 0x22], name: "truncated before quote",
            "invalid UTF-8: truncated multi-byte sequence", 3, 1, 3),
        MalformedJSON(
            bytes: [0x22, 0xC3, 0x41, 0x42, 0x43, 0x44, 0x22], name: "truncated before ASCII",
            "invalid UTF-8: truncated multi-byte sequence", 2, 1, 3),
        MalformedJSON(bytes: [0x22, 0xE4, 0xB8], name: "truncated at end", "unterminated string", 0),
        MalformedJSON(
            bytes: Array("\"0123456789abcdef".utf8) + [0xF0, 0x9F, 0x98, 0x41, 0x22], name: "truncated after SWAR",
            "invalid UTF-8: truncated multi-byte sequence", 20, 1, 19),
        // Bytes outside strings.
        MalformedJSON(bytes: [0xC3, 0xA9], name: "é outside", "unexpected byte 0xC3, expected a value", 0),
        MalformedJSON("[1,\u{0}]", "unexpected control character U+0000, expected a value", 3),
        MalformedJSON("\u{0B}1", "unexpected control character U+000B, expected a value", 0),
        MalformedJSON("]", "unexpected character ']', expected a value", 0),
        MalformedJSON("[}", "unexpected character '}', expected a value", 1),
        MalformedJSON("[1}", "unexpected character '}', expected ',' or ']'", 2),
        MalformedJSON("{\"a\":1]", "unexpected character ']', expected ',' or '}'", 6),
        // Objects.
        MalformedJSON("{1:2}", "unexpected character '1', expected a string key or '}'", 1),
        MalformedJSON("{\"a\":1,2}", "unexpected character '2', expected a string key", 7),
        MalformedJSON("{\"a\" 1}", "unexpected character '1', expected ':' after the object key", 5),
        MalformedJSON("{\"a\"=1}", "unexpected character '=', expected ':' after the object key", 4),
        // Trailing garbage.
        MalformedJSON("[1] x", "unexpected character 'x' after the top-level value", 4),
        MalformedJSON("1 2", "unexpected character '2' after the top-level value", 2),
        MalformedJSON("{}{}", "unexpected character '{' after the top-level value", 2),
        // Unexpected end of input.
        MalformedJSON("[", "unexpected end of input, expected a value", 1),
        MalformedJSON("[1", "unexpected end of input, expected ',' or ']'", 2),
        MalformedJSON("[1,", "unexpected end of input, expected a value", 3),
        MalformedJSON("{", "unexpected end of input, expected a string key or '}'", 1),
        MalformedJSON("{\"a\":1,", "unexpected end of input, expected a string key", 7),
        MalformedJSON("{\"a\"", "unexpected end of input, expected ':'", 4),
        MalformedJSON("{\"a\":", "unexpected end of input, expected a value", 5),
        MalformedJSON("{\"a\":1", "unexpected end of input, expected ',' or '}'", 6),
        // Lines and columns.
        MalformedJSON("{\n  \"a\": 01\n}", "leading zeros are not allowed", 10, 2, 9),
        MalformedJSON("[\"é\", x]", "unexpected character 'x', expected a value", 7, 1, 7),
        MalformedJSON("[\"日本\",\n \"語\", tru]", "invalid literal, expected 'true'", 22, 2, 10),
        MalformedJSON("[\r\n1,\r\n]", "trailing comma before ']'", 7, 3, 1),
        MalformedJSON("[\r1,\r]", "trailing comma before ']'", 5, 3, 1),
        // Depth.
        MalformedJSON(
            bytes: Array(repeating: 0x5B, count: 100_000), name: "100 000 × [", "nesting deeper than 512 levels", 512),
        MalformedJSON(
            bytes: Array(String(repeating: "{\"a\":", count: 600).utf8), name: "600 nested objects",
            "nesting deeper than 512 levels", 512 * 5),
    ]
}

@Suite struct JSONDocumentSyntaxErrorTests {
    @Test(arguments: MalformedJSON.all)
    func rejectsMalformedInput(_ input: MalformedJSON) {
        #expect(
            throws: JSONSyntaxError(
                message: input.message, offset: input.offset, line: input.line, column: input.column)
        ) {
            _ = try JSONDocument(bytes: input.bytes)
        }
    }

    @Test func describesTheErrorWithLineColumnAndOffset() {
        do {
            _ = try JSONDocument(text: "{\n  \"a\": 01\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "2:9: leading zeros are not allowed (byte offset 10)")
        }
    }

    @Test func honoursCustomDepthLimit() throws {
        #expect(throws: JSONSyntaxError(message: "nesting deeper than 2 levels", offset: 2, line: 1, column: 3)) {
            _ = try JSONDocument(text: "[[[]]]", limits: JSONLimits(maxDepth: 2))
        }
        let document = try JSONDocument(text: "[[]]", limits: JSONLimits(maxDepth: 2))
        #expect(document.tape.count == 2)
    }

    @Test func defaultDepthLimitIsExact() throws {
        let nested = { (depth: Int) in String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        #expect(try JSONDocument(text: nested(512)).tape.count == 512)
        #expect(throws: JSONSyntaxError(message: "nesting deeper than 512 levels", offset: 512, line: 1, column: 513)) {
            _ = try JSONDocument(text: nested(513))
        }
        #expect(try JSONDocument(text: "[1,2]", limits: JSONLimits(maxBytes: 5)).tape.count == 3)
    }

    @Test func honoursByteLimit() {
        #expect(throws: JSONSyntaxError(message: "document is larger than 3 bytes", offset: 3, line: 1, column: 4)) {
            _ = try JSONDocument(text: "[1,2]", limits: JSONLimits(maxBytes: 3))
        }
    }

    @Test func readsVeryDeepNestingWithoutRecursionWhenAllowed() throws {
        let depth = 100_000
        let text = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        let document = try JSONDocument(text: text, limits: JSONLimits(maxDepth: depth))
        #expect(document.tape.count == depth + 1)
        #expect(document.tape[0].next == UInt32(depth + 1))
        #expect(document.tape[depth - 1].count == 1)
        #expect(document.valuesEqual(0, 0))
        #expect(document.jsonText(at: 0, limit: 5) == "[[[[…")
    }
}

@Suite struct JSONDocumentReadingTests {
    @Test(arguments: [
        ("null", JSONKind.null), ("true", .true), ("false", .false), ("0", .number), ("-0", .number),
        ("1e400", .number), ("12345678901234567890", .number), ("\"\"", .string), ("[]", .array), ("{}", .object),
        (" \t\r\n 1 \n", .number),
    ])
    func readsAnyValueAtTopLevel(_ text: String, _ kind: JSONKind) throws {
        let document = try JSONDocument(text: text)
        #expect(document.tape.count == 1)
        #expect(document.tape[0].kind == kind)
        #expect(document.tape[0].next == 1)
    }

    @Test func keepsBigNumbersAsExactText() throws {
        let document = try JSONDocument(text: "[12345678901234567890, 1e400, -0, -1.5E+3, 42]")
        let numbers = Array(document.elements(of: 0))
        #expect(
            numbers.map { document.numberText(at: $0) } == ["12345678901234567890", "1e400", "-0", "-1.5E+3", "42"])
        let flags = numbers.map { document.tape[$0].flags }
        #expect(flags[0] == JSONToken.isIntegerText)
        #expect(flags[1] == 0)
        #expect(flags[2] == JSONToken.isIntegerText | JSONToken.isNegative)
        #expect(flags[3] == JSONToken.isNegative)
    }

    @Test func buildsTheTape() throws {
        let text = #"{"a": [1, {"b": null}], "c": "d"}"#
        let document = try JSONDocument(text: text)
        let tape = document.tape
        #expect(tape.map(\.kind) == [.object, .string, .array, .number, .object, .string, .null, .string, .string])
        #expect(tape.map(\.next) == [9, 2, 7, 4, 7, 6, 7, 8, 9])
        #expect(tape.map(\.count) == [2, 1, 2, 0, 1, 1, 0, 1, 1])
        #expect(tape[0].start == 0 && tape[0].length == UInt32(text.utf8.count))
        #expect(tape[2].start == 6 && tape[2].length == 16)
        #expect(tape[1].start == 2 && tape[1].length == 1)
        #expect(Array(document.members(of: 0)).map { [$0.key, $0.value] } == [[1, 2], [7, 8]])
        #expect(Array(document.elements(of: 2)) == [3, 4])
        #expect(Array(document.elements(of: 0)).isEmpty)
        #expect(Array(document.members(of: 2)).isEmpty)
        #expect(document.keyEquals(1, Array("a".utf8)))
        #expect(!document.keyEquals(1, Array("b".utf8)))
        #expect(document.string(at: 8) == "d")
        #expect(Array(document.rawUTF8(at: 2)) == Array("[1, {\"b\": null}]".utf8))
        #expect(MemoryLayout<JSONToken>.size <= 20)
    }

    @Test(arguments: [
        (#""plain""#, "plain", 5, true, false),
        (#""a\nb\t\"\\\/""#, "a\nb\t\"\\/", 7, true, true),
        (#""\u0041\u00e9""#, "Aé", 2, false, true),
        (#""\u0041""#, "A", 1, true, true),
        (#""héllo""#, "héllo", 5, false, false),
        (#""日本語""#, "日本語", 3, false, false),
        (#""😀""#, "😀", 1, false, false),
        (#""\ud83d\ude00""#, "😀", 1, false, true),
        (#""x\uD834\uDD1Ey""#, "x𝄞y", 3, false, true),
        (#""\ud800""#, "\u{FFFD}", 1, false, true),
        (#""\udc00""#, "\u{FFFD}", 1, false, true),
        (#""\ud800x""#, "\u{FFFD}x", 2, false, true),
        (#""\ud800\u0041""#, "\u{FFFD}A", 2, false, true),
        (#""\ud800\ud800\udc00""#, "\u{FFFD}𐀀", 2, false, true),
        (#""\udc00\ud800""#, "\u{FFFD}\u{FFFD}", 2, false, true),
        (#""\u0000""#, "\u{0}", 1, true, true),
        (
            #""a long ASCII string that spans several eight-byte words""#,
            "a long ASCII string that spans several eight-byte words", 55, true, false
        ),
    ])
    func decodesStrings(_ text: String, _ decoded: String, _ codePoints: UInt32, _ isASCII: Bool, _ hasEscapes: Bool)
        throws
    {
        let document = try JSONDocument(text: text)
        let token = document.tape[0]
        #expect(document.string(at: 0) == decoded)
        #expect(token.count == codePoints)
        #expect(token.count == UInt32(decoded.unicodeScalars.count))
        #expect((token.flags & JSONToken.isASCII != 0) == isASCII)
        #expect((token.flags & JSONToken.hasEscapes != 0) == hasEscapes)
        #expect(document.keyEquals(0, Array(decoded.utf8)))
        #expect(Array(document.rawUTF8(at: 0)) == Array(text.utf8.dropFirst().dropLast()))
    }

    @Test(arguments: [("0", 1), ("[]", 1), ("{}", 1), ("\"\"", 1), ("{\"\":0}", 3), ("[[0]]", 3)])
    func growsTheTapeForDenseDocuments(_ element: String, _ tokensPerElement: Int) throws {
        let count = 20_000
        let text = "[" + Array(repeating: element, count: count).joined(separator: ",") + "]"
        let document = try JSONDocument(text: text)
        #expect(document.tape.count == 1 + count * tokensPerElement)
        #expect(document.tape[0].count == UInt32(count))
        #expect(document.tape[0].next == UInt32(document.tape.count))
        #expect(document.jsonText(at: 0, limit: Int.max) == text)
    }

    @Test func reportsLineAndColumnOfOffsets() throws {
        let document = try JSONDocument(text: "[\n\"日本\",\r\n  1]")
        #expect(document.lineColumn(ofOffset: 0) == (1, 1))
        #expect(document.lineColumn(ofOffset: 2) == (2, 1))
        #expect(document.lineColumn(ofOffset: 9) == (2, 4))
        #expect(document.lineColumn(ofOffset: 14) == (3, 2))
        #expect(document.lineColumn(ofOffset: 1_000) == (3, 5))
        #expect(document.lineColumn(ofOffset: -3) == (1, 1))
    }
}

@Suite struct JSONDocumentDuplicateKeyTests {
    @Test func recordsDuplicateKeysWithPointers() throws {
        let text = #"{"a": 1, "b": {"x": 1, "x": 2}, "a": 3}"#
        let document = try JSONDocument(text: text)
        #expect(
            document.duplicateKeys == [
                JSONDuplicateKey(key: "x", pointer: "/b", offset: 23, line: 1, column: 24),
                JSONDuplicateKey(key: "a", pointer: "", offset: 32, line: 1, column: 33),
            ])
    }

    @Test func comparesDecodedKeys() throws {
        let document = try JSONDocument(text: #"{"ab": 1, "a\u0062": 2, "\u00e9": 3, "é": 4}"#)
        #expect(document.duplicateKeys.map(\.key) == ["ab", "é"])
    }

    @Test func escapesPointerTokens() throws {
        let document = try JSONDocument(text: #"{"a/b": {"~": [0, {"k": 1, "k": 2}]}}"#)
        #expect(document.duplicateKeys.map(\.pointer) == ["/a~1b/~0/1"])
    }

    @Test func findsDuplicatesInLargeObjects() throws {
        // 60 long keys that share length, prefix and suffix, so only a full comparison tells them apart.
        var members = (0..<60).map { "\"prefix-prefix-\(1000 + $0)-suffix-suffix\": \($0)" }
        members.append("\"prefix-prefix-1042-suffix-suffix\": 0")
        members.append("\"short\": 1")
        members.append("\"sh\\u006frt\": 2")
        let document = try JSONDocument(text: "{" + members.joined(separator: ", ") + "}")
        #expect(document.duplicateKeys.map(\.key) == ["prefix-prefix-1042-suffix-suffix", "short"])
        #expect(document.tape[0].count == 63)
    }

    @Test func acceptsDistinctKeys() throws {
        let keys = (0..<100).map { "\"k\($0)\": [\($0)]" }.joined(separator: ",")
        let document = try JSONDocument(text: "[{" + keys + "}, {\"a\": 1, \"b\": {\"a\": 2}}]")
        #expect(document.duplicateKeys.isEmpty)
    }
}

@Suite struct JSONDocumentRenderingTests {
    @Test(arguments: [
        (#"{"a": [1, 2, 3], "b": "x\ny"}"#, 100, #"{"a":[1,2,3],"b":"x\ny"}"#),
        (#"{"a": [1, 2, 3], "b": "xyz"}"#, 10, #"{"a":[1,2…"#),
        (#" [ ] "#, 10, "[]"),
        (#"{"a":{},"b":[[]]}"#, 100, #"{"a":{},"b":[[]]}"#),
        (#""日本語""#, 3, "\"日…"),
        (#""日本語""#, 5, "\"日本語\""),
        ("12345", 1, "…"),
        ("12345", 0, "…"),
        ("true", 4, "true"),
    ])
    func rendersCompactTextWithinLimit(_ text: String, _ limit: Int, _ expected: String) throws {
        let document = try JSONDocument(text: text)
        #expect(document.jsonText(at: 0, limit: limit) == expected)
    }

    @Test func rendersASubvalue() throws {
        let document = try JSONDocument(text: #"{"a": {"b": [true, null]}, "c": 1}"#)
        #expect(document.jsonText(at: 2, limit: 80) == #"{"b":[true,null]}"#)
        #expect(document.jsonText(at: 99, limit: 80) == "")
    }
}

@Suite struct JSONDocumentEqualityTests {
    @Test(arguments: [
        ("[1.0, 1]", true), ("[10e-1, 1]", true), ("[100, 1e2]", true), ("[0, -0]", true), ("[0.0e10, -0.000]", true),
        ("[1.5, 1.50001]", false), ("[12345678901234567890, 12345678901234567891]", false),
        ("[1e400, 10e399]", true), ("[-1, 1]", false), ("[0.001, 1e-3]", true), ("[1E+2, 100.00]", true),
        ("[1, \"1\"]", false), ("[\"é\", \"\\u00e9\"]", true), ("[\"a\", \"b\"]", false), ("[null, null]", true),
        ("[true, false]", false), ("[[1, 2], [1, 2.0]]", true), ("[[1, 2], [2, 1]]", false), ("[[1], [1, 1]]", false),
        (#"[{"a": 1, "b": [1, 2]}, {"b": [1.0, 2], "a": 1}]"#, true),
        (#"[{"a": 1}, {"a": 1, "b": 2}]"#, false),
        (#"[{"a": 1, "b": 2}, {"a": 1, "c": 2}]"#, false),
        (#"[{"a": 1, "a": 2}, {"a": 2}]"#, true),
        (#"[{}, []]"#, false),
        ("[1e99999999999999999999, 1e99999999999999999999]", true),
        ("[1e-99999999999999999999, 2e-99999999999999999999]", false),
    ])
    func comparesValues(_ text: String, _ equal: Bool) throws {
        let document = try JSONDocument(text: text)
        let elements = Array(document.elements(of: 0))
        #expect(document.valuesEqual(elements[0], elements[1]) == equal)
        #expect(document.valuesEqual(elements[1], elements[0]) == equal)
    }

    @Test func comparesLargeObjectsRegardlessOfOrder() throws {
        let forward = (0..<50).map { "\"key\($0)\": \($0)" }.joined(separator: ",")
        let backward = (0..<50).reversed().map { "\"key\($0)\": \($0).0" }.joined(separator: ",")
        let different = (0..<50).map { "\"key\($0)\": \($0 == 7 ? 8 : $0)" }.joined(separator: ",")
        let document = try JSONDocument(text: "[{\(forward)}, {\(backward)}, {\(different)}]")
        let objects = Array(document.elements(of: 0))
        #expect(document.valuesEqual(objects[0], objects[1]))
        #expect(!document.valuesEqual(objects[0], objects[2]))
    }
}

@Suite struct DecodedBytesTests {
    @Test(arguments: [
        #""plain text""#, #""a\"b\\c\/d\b\f\n\r\t""#, #""\u00e9\u4e2d\ud83d\ude80""#, #""lone \ud800 and \udc00 high""#,
        #""\ud800\u0041""#, #""{\"status\": \"running\", \"n\": [1, 2]}""#, #""中文 and \u6587""#, #""""#,
    ])
    func decodedBytesMatchTheDecodedString(text: String) throws {
        let document = try JSONDocument(text: text)
        #expect(document.decodedBytes(at: 0) == Array(document.string(at: 0).utf8))
    }
}
