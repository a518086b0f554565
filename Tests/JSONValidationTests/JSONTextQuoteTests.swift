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

    @Test func plainTextIsOnlyQuoted() {
        #expect(JSONText.quote("") == "\"\"")
        #expect(JSONText.quote("GET /status/{kickoff_id}") == "\"GET /status/{kickoff_id}\"")
    }
}
