import ContractCore
import Testing

/// `JSONText.quote` writes every finding and parameter value; it works on UTF-8 bytes, so these tests
/// hold it to a scalar-by-scalar rendering of the same rules and read its output back.
@Suite struct JSONTextQuoteTests {
    /// The rules, one Unicode scalar at a time.
    private func reference(_ string: String) -> String {
        var out = "\""
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
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0x2028 || value == 0x2029
                {
                    let hex = String(value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    @Test func everyEscapedCharacterMatchesTheScalarRules() throws {
        var scalars = (0..<0xA1).compactMap(Unicode.Scalar.init)
        scalars += [0x00A0, 0x00FF, 0x0100, 0x07FF, 0x0800, 0x2027, 0x2028, 0x2029, 0x202A, 0x20AC, 0xFFFD]
            .compactMap(Unicode.Scalar.init)
        scalars += [0x1_0000, 0x1_F600, 0x10_FFFF].compactMap(Unicode.Scalar.init)
        for scalar in scalars {
            for text in [String(scalar), "a\(scalar)b", "\(scalar)\(scalar)", "中\(scalar)"] {
                let quoted = JSONText.quote(text)
                #expect(quoted == reference(text), "U+\(String(scalar.value, radix: 16)) in \(Array(text.utf8))")
                let document = try JSONDocument(text: quoted)
                #expect(document.string(at: 0) == text)
            }
        }
    }

    @Test func generatedTextMatchesTheScalarRules() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces: [String] = [
            "a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "\u{80}",
            "\u{9F}",
            "\u{A0}", "é", "中文", "\u{2028}", "\u{2029}", "€", "😀", "/",
        ]
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...24, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let quoted = JSONText.quote(text)
            #expect(quoted == reference(text), "\(Array(text.utf8))")
            #expect(try JSONDocument(text: quoted).string(at: 0) == text)
        }
    }

    /// Plain ASCII is passed 8 bytes at a time: a character to escape (or a non-ASCII one) at any offset
    /// after such a run is still seen.
    @Test func aCharacterToEscapeIsSeenAfterAPlainRunOfAnyLength() throws {
        let specials = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "é", "\u{2028}", "😀", "~"]
        for length in 0..<40 {
            for special in specials {
                for text in [
                    String(repeating: "x", count: length) + special,
                    String(repeating: "y", count: length) + special + String(repeating: "z", count: 9),
                ] {
                    let quoted = JSONText.quote(text)
                    #expect(quoted == reference(text), "\(length) plain bytes, then \(Array(special.utf8))")
                    #expect(try JSONDocument(text: quoted).string(at: 0) == text)
                }
            }
        }
    }

    /// `JSONDocument(string:)` puts a string that needs no escape on the tape directly: the same value,
    /// length and flags as reading its quoted text.
    @Test func aStringDocumentIsTheDocumentOfTheQuotedText() throws {
        var random = SeededRandom(7)
        let pieces: [String] = [
            "a", "0", "-", " ", "\"", "\\", "\n", "\u{01}", "\u{7F}", "\u{85}", "é", "中文", "\u{2028}", "😀", "/", "%",
        ]
        var texts = ["", "056cac4b-28da-460b-a54e-b8c4d42831a0", "café", "\u{7F}", "a\"b"]
        for _ in 0..<2_000 { texts.append((0..<random(20)).map { _ in pieces[random(pieces.count)] }.joined()) }
        for text in texts {
            let direct = try JSONDocument(string: text)
            let read = try JSONDocument(text: JSONText.quote(text))
            #expect(direct.tape.count == 1 && direct.tape[0].kind == .string, "\(Array(text.utf8))")
            #expect(direct.string(at: 0) == text, "\(Array(text.utf8))")
            #expect(direct.tape[0].count == read.tape[0].count, "\(Array(text.utf8))")
            #expect(direct.tape[0].count == UInt32(text.unicodeScalars.count), "\(Array(text.utf8))")
            let asciiFlag = { (document: JSONDocument) in document.tape[0].flags & JSONToken.isASCII }
            #expect(asciiFlag(direct) == asciiFlag(read), "\(Array(text.utf8))")
            // Without characters quote escapes, the documents are the same bytes and tape.
            if JSONText.quote(text).utf8.count == text.utf8.count + 2 {
                let bytes = { (document: JSONDocument) in document.bytes.withUnsafeBufferPointer { Array($0) } }
                #expect(direct.tape == read.tape && bytes(direct) == bytes(read), "\(Array(text.utf8))")
            }
        }
    }

    @Test func plainTextIsOnlyQuoted() {
        #expect(JSONText.quote("") == "\"\"")
        #expect(JSONText.quote("GET /status/{kickoff_id}") == "\"GET /status/{kickoff_id}\"")
    }
}
