import Testing

@testable import ContractCore

/// The reader scans strings eight bytes at a time and decodes `\u` escapes four digits at a time;
/// these tests put every kind of byte at every position modulo 8 and across the end of the input.
@Suite struct JSONDocumentWideScanTests {
    /// The value of four hex digits, one byte at a time.
    private func hexValue(_ digits: [UInt8]) -> UInt32? {
        var value: UInt32 = 0
        for digit in digits {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt32(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt32(digit - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value << 4 | UInt32(digit - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return value
    }

    @Test func hexQuadAgreesWithByteByByteDecodingForEveryByteAtEveryPosition() {
        var mismatches: [String] = []
        for base in ["c0Fe", "9aF0", "0000", "ffff"] {
            for position in 0..<4 {
                for byte in 0...255 {
                    var digits = Array(base.utf8)
                    digits[position] = UInt8(byte)
                    let word = digits.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
                    if hexQuad(word) != hexValue(digits) { mismatches.append("\(base) byte \(byte) at \(position)") }
                }
            }
        }
        #expect(mismatches.isEmpty)
    }

    @Test(arguments: 0..<17)
    func decodesEscapesAtEveryAlignment(padding: Int) throws {
        let pad = String(repeating: "a", count: padding)
        let text = "\"\(pad)\\u00e9\\u20AC\\uD83D\\uDE00\\n\\\"\\\\x\""
        let document = try JSONDocument(text: text)
        let expected = pad + "é€😀\n\"\\x"
        #expect(document.string(at: 0) == expected)
        #expect(document.decodedBytes(at: 0) == Array(expected.utf8))
        #expect(document.tape[0].count == UInt32(expected.unicodeScalars.count))
        #expect(document.tape[0].flags & JSONToken.isASCII == 0)
    }

    @Test(arguments: 0..<9)
    func decodesAnEscapeThatEndsTheInput(padding: Int) throws {
        let pad = String(repeating: "b", count: padding)
        let document = try JSONDocument(text: "\"\(pad)\\u0041\"")
        #expect(document.string(at: 0) == pad + "A")
        #expect(document.tape[0].flags & JSONToken.isASCII != 0)
        let lone = try JSONDocument(text: "\"\(pad)\\uD800\"")
        #expect(lone.string(at: 0) == pad + "\u{FFFD}")
    }

    @Test(arguments: 0..<9)
    func reportsTheExactBadHexDigitAtEveryPosition(padding: Int) throws {
        let pad = String(repeating: "c", count: padding)
        for position in 0..<4 {
            for (bad, shown) in [("G", "'G'"), ("\"", "'\"'"), (" ", "space"), ("é", "byte 0xC3")] {
                var digits = ["1", "2", "3", "4"]
                digits[position] = bad
                let text = "[\"\(pad)\\u\(digits.joined())5678\"]"
                let offset = 2 + padding + 2 + position
                #expect(
                    throws: JSONSyntaxError(
                        message: "invalid hex digit \(shown) in \\u escape", offset: offset, line: 1, column: offset + 1
                    )
                ) {
                    try JSONDocument(text: text)
                }
            }
        }
    }

    @Test(arguments: 0..<4)
    func reportsAnEscapeCutShortByTheEndOfTheInput(digits: Int) {
        let text = "\"\\u" + String(repeating: "7", count: digits)
        #expect(throws: JSONSyntaxError(message: "unterminated string", offset: 0, line: 1, column: 1)) {
            try JSONDocument(text: text)
        }
    }

    @Test(arguments: 0..<17)
    func stopsAtEverySpecialByteWhereverItFalls(position: Int) throws {
        let before = String(repeating: "d", count: position)
        let after = String(repeating: "e", count: 11)
        let quoted = try JSONDocument(text: "[\"\(before)\\\"\(after)\",1]")
        #expect(quoted.string(at: 1) == before + "\"" + after)
        #expect(quoted.tape[2].kind == .number)
        let accented = try JSONDocument(text: "\"\(before)ü中😀\(after)\"")
        #expect(accented.string(at: 0) == before + "ü中😀" + after)
        #expect(accented.tape[0].count == UInt32(position + 3 + 11))
        let ended = try JSONDocument(text: "\"\(before)\"")
        #expect(ended.string(at: 0) == before)
        #expect(
            throws: JSONSyntaxError(
                message: "unescaped control character U+001F in string", offset: 1 + position, line: 1,
                column: 2 + position)
        ) {
            try JSONDocument(bytes: Array("\"\(before)".utf8) + [0x1F] + Array("\(after)\"".utf8))
        }
        #expect(
            throws: JSONSyntaxError(
                message: "invalid UTF-8: unexpected continuation byte 0x80", offset: 1 + position, line: 1,
                column: 2 + position)
        ) {
            try JSONDocument(bytes: Array("\"\(before)".utf8) + [0x80] + Array("\(after)\"".utf8))
        }
        #expect(throws: JSONSyntaxError(message: "unterminated string", offset: 0, line: 1, column: 1)) {
            try JSONDocument(text: "\"\(before)")
        }
    }

    @Test func readsWordsOfNonASCIIAndOfEscapesSeparatedBySpaces() throws {
        let text = "[\"中文 ру ελ  x \\u4e2d\\u6587 \\u0440 \\n\\u0443  \\u00e9 é \\uD83D\\uDE00 😀\", \"中 \"]"
        let document = try JSONDocument(text: text)
        let expected = "中文 ру ελ  x 中文 р \nу  é é 😀 😀"
        #expect(document.string(at: 1) == expected)
        #expect(document.tape[1].count == UInt32(expected.unicodeScalars.count))
        #expect(document.string(at: 2) == "中 ")
    }

    @Test(
        arguments: [
            ("\"中文 ", [0x01], "unescaped control character U+0001 in string", 0),
            ("\"中文 ", [0xC3, 0x28], "invalid UTF-8: truncated multi-byte sequence", 1),
            ("\"中文 ", [0xED, 0xA0, 0x80], "invalid UTF-8: encoded surrogate (U+D800 to U+DFFF)", 0),
            ("\"\\u4e2d \\", Array("x".utf8), "invalid escape sequence '\\x'", 0),
            ("\"\\u4e2d \\u12", Array("G4".utf8), "invalid hex digit 'G' in \\u escape", 0),
        ] as [(String, [UInt8], String, Int)])
    func keepsTheFirstErrorInsideRunsOfNonASCIIAndEscapes(prefix: String, bad: [UInt8], message: String, shift: Int) {
        let bytes = Array(prefix.utf8) + bad + Array(" tail\"".utf8)
        let offset = prefix.utf8.count + shift
        let column = prefix.unicodeScalars.count + 1 + shift
        #expect(throws: JSONSyntaxError(message: message, offset: offset, line: 1, column: column)) {
            try JSONDocument(bytes: bytes)
        }
    }

    @Test(arguments: ["\"中 ", "\"中文", "\"\\u4e2d ", "\"\\u4e2d", "\"\\u4e2d \\u4e2d"])
    func reportsARunCutShortByTheEndOfTheInput(text: String) {
        #expect(throws: JSONSyntaxError(message: "unterminated string", offset: 0, line: 1, column: 1)) {
            try JSONDocument(text: text)
        }
    }

    @Test(arguments: 0..<17)
    func decodesBytesOfRunsOfEveryLengthBetweenEscapes(padding: Int) throws {
        let run = String(repeating: "r", count: padding)
        let document = try JSONDocument(text: "\"\\n\(run)\\\"\(run)\\u00e9\(run)\\uD83D\\uDE00\(run)\\\\\"")
        #expect(document.decodedBytes(at: 0) == Array("\n\(run)\"\(run)é\(run)😀\(run)\\".utf8))
        #expect(document.decodedBytes(at: 0) == Array(document.string(at: 0).utf8))
    }
}

/// Strings read 16 bytes at a time, UTF-8 checked without decoding: checked against a byte-by-byte
/// reference on generated text, every kind of sequence, well-formed and not, at every alignment.
@Suite struct JSONDocumentUTF8BlockTests {
    /// The first error, as the byte-by-byte rules of RFC 3629 report it, or nil.
    private func referenceError(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        var i = start
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            if lead < 0xC0 { return ("invalid UTF-8: unexpected continuation byte 0x\(hex(lead))", i) }
            if lead < 0xC2 { return ("invalid UTF-8: overlong encoding", i) }
            if lead > 0xF4 { return ("invalid UTF-8: byte 0x\(hex(lead)) is not allowed", i) }
            let width = lead < 0xE0 ? 2 : (lead < 0xF0 ? 3 : 4)
            for k in 1..<width where i + k >= bytes.count || bytes[i + k] & 0xC0 != 0x80 {
                return ("invalid UTF-8: truncated multi-byte sequence", i + k)
            }
            let second = bytes[i + 1]
            if (lead == 0xE0 && second < 0xA0) || (lead == 0xF0 && second < 0x90) {
                return ("invalid UTF-8: overlong encoding", i)
            }
            if lead == 0xED && second >= 0xA0 { return ("invalid UTF-8: encoded surrogate (U+D800 to U+DFFF)", i) }
            if lead == 0xF4 && second >= 0x90 { return ("invalid UTF-8: code point above U+10FFFF", i) }
            i += width
        }
        return nil
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// Pieces of text: ASCII, characters of each width, edge code points, and malformed sequences.
    private static let pieces: [[UInt8]] = [
        Array("a".utf8), Array("plain ascii text ".utf8), Array("é".utf8), Array("中".utf8), Array("😀".utf8),
        [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
        [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF1, 0x80, 0x80, 0x80],
        Array("中文字符 ".utf8), Array("ünïcödé ".utf8),
    ]
    private static let malformed: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC3], [0xC3, 0x28], [0xE4, 0xB8], [0xE4, 0x28, 0x80],
        [0xE0, 0x9F, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x8F, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xF0, 0x90, 0x80], [0xE4, 0xB8, 0xAD, 0xAD],
    ]

    @Test func agreesWithTheByteByByteRulesOnGeneratedText() throws {
        var next = SeededRandom(0x9E37_79B9_7F4A_7C15)
        var checked = 0
        var failures: [String] = []
        for round in 0..<6000 {
            var content: [UInt8] = []
            let pieceCount = next(12)
            for _ in 0..<pieceCount { content += Self.pieces[next(Self.pieces.count)] }
            // One round in three carries one malformed sequence somewhere.
            if round % 3 == 0 {
                let at = content.isEmpty ? 0 : next(content.count + 1)
                content.insert(contentsOf: Self.malformed[next(Self.malformed.count)], at: at)
            }
            let prefix = Array("{\"k\":".utf8) + Array(repeating: 0x20, count: next(17))
            let bytes = prefix + [0x22] + content + Array("\",\"n\":1}".utf8)
            let start = prefix.count + 1
            let expected = referenceError(content, from: 0)
            do {
                let document = try JSONDocument(bytes: bytes)
                if let expected {
                    failures.append("accepted \(content) (expected \(expected.0) at \(expected.1))")
                } else {
                    let text = String(decoding: content, as: UTF8.self)
                    let token = document.tape[2]
                    if document.string(at: 2) != text || token.count != UInt32(text.unicodeScalars.count)
                        || (token.flags & JSONToken.isASCII != 0) != content.allSatisfy({ $0 < 0x80 })
                    {
                        failures.append("misread \(content)")
                    }
                }
            } catch {
                if let expected {
                    if error.message != expected.0 || error.offset != start + expected.1 {
                        failures.append("\(content): \(error.message) at \(error.offset - start), expected \(expected)")
                    }
                } else {
                    failures.append("rejected \(content): \(error.message) at \(error.offset - start)")
                }
            }
            checked += 1
            if failures.count > 5 { break }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(checked == 6000)
    }

    /// Long runs are read 64 bytes a step; a block after one that ended inside a character is checked
    /// even when it is all ASCII. A character cut short there, at every offset, must be refused, and
    /// the same text with the character whole read back exactly.
    @Test func aCharacterCutShortAtEveryOffsetOfALongRunIsRefused() throws {
        let characters: [[UInt8]] = [[0xC3, 0xA9], [0xE4, 0xB8, 0xAD], [0xF0, 0x9F, 0x98, 0x80]]
        var accepted: [String] = []
        var misread: [String] = []
        for padding in 0..<160 {
            for character in characters {
                for cut in 1..<character.count {
                    for filler: [UInt8] in [[0x62], [0xC3, 0xBC]] {
                        // Non-ASCII text first, so that the run after it is read in long steps.
                        let before =
                            Array([[UInt8]](repeating: [0xC3, 0xBC], count: 20).joined())
                            + Array(repeating: UInt8(0x61), count: padding)
                        let after = Array([[UInt8]](repeating: filler, count: 300 / filler.count).joined())
                        let broken = [0x22] + before + character.prefix(cut) + [0x62] + after + [0x22]
                        if (try? JSONDocument(bytes: broken)) != nil {
                            accepted.append("\(padding) \(character) cut at \(cut)")
                        }
                        let whole = Array(before + character + after)
                        let document = try JSONDocument(bytes: [0x22] + whole + [0x22])
                        if Array(document.string(at: 0).utf8) != whole { misread.append("\(padding) \(character)") }
                    }
                }
            }
        }
        #expect(accepted.isEmpty)
        #expect(misread.isEmpty)
    }
}

/// Runs of `\uXXXX` escapes are read two at a time where they stand for non-ASCII code points
/// outside U+D000 to U+DFFF; checked against a byte-by-byte reference on generated runs.
@Suite struct JSONDocumentEscapeRunTests {
    /// The code points a run of escapes stands for, a lone surrogate as U+FFFD.
    private func decode(_ units: [UInt32]) -> String {
        var scalars: [Unicode.Scalar] = []
        var index = 0
        while index < units.count {
            let unit = units[index]
            if unit >= 0xD800 && unit < 0xDC00 && index + 1 < units.count && units[index + 1] >= 0xDC00
                && units[index + 1] < 0xE000
            {
                let value = 0x10000 + ((unit - 0xD800) << 10) + (units[index + 1] - 0xDC00)
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                index += 2
                continue
            }
            scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
            index += 1
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    /// A long run of escapes of ASCII characters is ASCII text, from every starting lane; one escape of
    /// U+0080 or above anywhere in it makes it non-ASCII.
    @Test func escapesOfASCIICharactersLeaveTextASCII() throws {
        var next = SeededRandom(0x5EED_A5C1_1234_0001)
        for padding in 0..<72 {
            var units: [UInt32] = (0..<(12 + next(20))).map { _ in UInt32(0x20 + next(0x5F)) }
            for wide in [false, true] {
                if wide { units[next(units.count)] = UInt32(0x80 + next(0x700)) }
                let text = units.map { unit in
                    var digits = String(unit, radix: 16)
                    while digits.count < 4 { digits = "0" + digits }
                    return "\\u" + digits + (next(3) == 0 ? " " : "")
                }.joined()
                let bytes = Array("[\"\(String(repeating: "p", count: padding))\(text)\",1]".utf8)
                let document = try JSONDocument(bytes: bytes)
                let isASCII = document.tape[1].flags & JSONToken.isASCII != 0
                #expect(isASCII == !wide, "\(String(decoding: bytes, as: UTF8.self))")
                #expect(document.string(at: 1).unicodeScalars.allSatisfy(\.isASCII) == !wide)
            }
        }
    }

    /// Surrogate pairs (emoji) among other escapes and words, from every starting lane: a pair is one
    /// character wherever a 64- or 32-byte block cuts it, a lone surrogate one U+FFFD.
    @Test func surrogatePairsAreOneCharacterWhereverABlockCutsThem() throws {
        var next = SeededRandom(0x0DDB_A11C_0FFE_E123)
        var failures: [String] = []
        for padding in 0..<72 {
            for _ in 0..<12 {
                var units: [[UInt32]] = [[]]
                var fillers: [String] = []
                var text = ""
                for _ in 0..<(4 + next(30)) {
                    if !units[units.count - 1].isEmpty && next(5) == 0 {
                        let filler = [" ", "ok", " a b ", "x"][next(4)]
                        fillers.append(filler)
                        text += filler
                        units.append([])
                    }
                    var written: [UInt32]
                    switch next(6) {
                    case 0, 1, 2: written = [UInt32(0xD800 + next(0x400)), UInt32(0xDC00 + next(0x400))]  // a pair
                    case 3: written = [UInt32(0xD800 + next(0x800))]  // alone
                    case 4: written = [UInt32(0x4E00 + next(0x100))]
                    default: written = [UInt32(0x20 + next(0x60))]
                    }
                    for unit in written {
                        units[units.count - 1].append(unit)
                        var digits = String(unit, radix: 16)
                        while digits.count < 4 { digits = "0" + digits }
                        text += "\\u" + (next(2) == 0 ? digits : digits.uppercased())
                    }
                }
                var decoded = decode(units[0])
                for (filler, segment) in zip(fillers, units.dropFirst()) { decoded += filler + decode(segment) }
                let lead = String(repeating: "p", count: padding)
                let bytes = Array("[\"\(lead)\(text)\",1]".utf8)
                let expected = lead + decoded
                do {
                    let document = try JSONDocument(bytes: bytes)
                    if document.string(at: 1) != expected
                        || document.tape[1].count != UInt32(expected.unicodeScalars.count)
                        || (document.tape[1].flags & JSONToken.isASCII != 0)
                            != expected.unicodeScalars.allSatisfy(\.isASCII)
                    {
                        failures.append("misread \(String(decoding: bytes, as: UTF8.self))")
                    }
                } catch {
                    failures.append("\(String(decoding: bytes, as: UTF8.self)): \(error.message)")
                }
                if failures.count > 5 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func agreesWithTheReferenceOnGeneratedRuns() throws {
        var next = SeededRandom(0x2545_F491_4F6C_DD1D)
        var failures: [String] = []
        for round in 0..<4000 {
            // Escapes, now and then with plain ASCII between them (so that an escape may start at any
            // lane of a 32-byte block, or be cut by its end); a pair is one only when adjacent.
            var segments: [[UInt32]] = [[]]
            var fillers: [String] = []
            var text = ""
            // One round in four keeps to code points below U+0100, so that whether a long run stands for
            // non-ASCII text rests on its U+0080...U+00FF escapes alone.
            let lowOnly = next(4) == 0
            for _ in 0..<(1 + next(24)) {
                if !segments[segments.count - 1].isEmpty && next(3) == 0 {
                    // Plain ASCII, or raw UTF-8 (which ends what the wide escape scan takes).
                    let filler = String(
                        repeating: ["a", " ", "z", ".", "é", "中"][next(lowOnly ? 4 : 6)], count: 1 + next(3))
                    fillers.append(filler)
                    text += filler
                    segments.append([])
                }
                let unit: UInt32
                switch next(lowOnly ? 2 : 6) {
                case 0: unit = UInt32(next(0x80))  // ASCII
                case 1: unit = UInt32(0x80 + next(0x80))  // U+0080...U+00FF
                case 2: unit = UInt32(0xD800 + next(0x800))  // surrogates, paired or not
                case 3: unit = UInt32(0xD000 + next(0x800))  // DXXX below the surrogates
                default: unit = UInt32(0x100 + next(0xCF00))  // the fast path's own
                }
                segments[segments.count - 1].append(unit)
                // Hex digits in either case.
                var digits = Array(String(unit, radix: 16).utf8)
                while digits.count < 4 { digits.insert(UInt8(ascii: "0"), at: 0) }
                if next(2) == 0 { digits = Array(String(decoding: digits, as: UTF8.self).uppercased().utf8) }
                text += "\\u" + String(decoding: digits, as: UTF8.self)
            }
            var decoded = decode(segments[0])
            for (filler, segment) in zip(fillers, segments.dropFirst()) { decoded += filler + decode(segment) }
            let padding = String(repeating: "p", count: next(20))
            let trailer = next(2) == 0 ? "" : " tail"
            var bytes = Array("[\"\(padding)\(text)\(trailer)\",2]".utf8)
            let expected = padding + decoded + trailer
            // One round in four breaks one hex digit: the error must name it where it is.
            var broken: Int?
            if round % 4 == 0 {
                let escapes = bytes.indices.filter { bytes[$0] == UInt8(ascii: "u") && bytes[$0 - 1] == 0x5C }
                let at = escapes[next(escapes.count)] + 1 + next(4)
                bytes[at] =
                    [UInt8(ascii: "g"), UInt8(ascii: "G"), UInt8(ascii: " "), UInt8(ascii: "\""), 0x00][next(5)]
                broken = at
            }
            do {
                let document = try JSONDocument(bytes: bytes)
                if let broken {
                    failures.append("accepted \(String(decoding: bytes, as: UTF8.self)), broken at \(broken)")
                } else if document.string(at: 1) != expected
                    || document.tape[1].count != UInt32(expected.unicodeScalars.count)
                    || (document.tape[1].flags & JSONToken.isASCII != 0)
                        != expected.unicodeScalars.allSatisfy(\.isASCII)
                {
                    failures.append("misread \(String(decoding: bytes, as: UTF8.self))")
                }
            } catch {
                if broken == nil || error.offset != broken || !error.message.hasPrefix("invalid hex digit") {
                    failures.append("\(String(decoding: bytes, as: UTF8.self)): \(error.message) at \(error.offset)")
                }
            }
            if failures.count > 5 { break }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}

/// Skimmed strings (``JSONDocument/init(bytes:limits:deferringStringsFrom:)``) checked as they are
/// decoded (``JSONDocument/checkedDecodedBytes(at:)``) accept exactly what a strict read accepts, and
/// decode to the same bytes; checked on generated strings of escapes, raw UTF-8 and broken pieces.
@Suite struct JSONDocumentDeferredStringTests {
    /// The closing quote found one byte at a time: a backslash escapes the byte after it.
    private func referenceClosingQuote(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start
        while i < bytes.count {
            if bytes[i] == 0x22 { return i }
            i += bytes[i] == 0x5C ? 2 : 1
        }
        return bytes.count
    }

    /// Skimmed strings and HAR entries are skipped 64 bytes at a time, escaped quotes found by carries
    /// through runs of backslashes (also runs that cross blocks); checked against a byte-by-byte scan on
    /// text dense in backslashes and quotes, from every start offset.
    @Test func theClosingQuoteIsFoundAsByteByByte() {
        var next = SeededRandom(0x9E37_79B9_7F4A_7C15)
        var failures: [String] = []
        for _ in 0..<3_000 {
            var bytes: [UInt8] = []
            for _ in 0..<(1 + next(300)) {
                switch next(8) {
                case 0, 1: bytes += Array(repeating: 0x5C, count: 1 + next(next(4) == 0 ? 70 : 4))
                case 2: bytes.append(0x22)
                case 3: bytes.append(0xE4)
                default: bytes.append(UInt8(ascii: "a") + UInt8(next(3)))
                }
            }
            for start in 0..<min(bytes.count, 70) {
                let found = bytes.withUnsafeBufferPointer { JSONDocument.closingQuote(in: $0, from: start) }
                let expected = referenceClosingQuote(bytes, from: start)
                if min(found, bytes.count) != expected {
                    failures.append("\(bytes) from \(start): \(found), not \(expected)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    private static let pieces: [[UInt8]] = [
        Array("plain text ".utf8), Array("中文字符".utf8), Array("😀".utf8), Array("é".utf8), Array(#"\""#.utf8),
        Array(#"\\"#.utf8), Array(#"\/"#.utf8), Array(#"\b\f\n\r\t"#.utf8), Array(#"\u573a\u6765"#.utf8),
        Array(#"\u00e9"#.utf8), Array(#"\u0041"#.utf8), Array(#"\ud83d\ude80"#.utf8), Array(#"\uD800"#.utf8),
        Array(#"\udc00x"#.utf8), Array(#"\uDBFF\u0041"#.utf8), Array(#"\\u573a"#.utf8), [0xEF, 0xBF, 0xBF],
        [0xF4, 0x8F, 0xBF, 0xBF],
    ]
    private static let broken: [[UInt8]] = [
        Array(#"\x"#.utf8), Array(#"\u12G4"#.utf8), Array(#"\u12"#.utf8), Array(#"\uD800\u12 4"#.utf8), [0x01],
        [0x1F], [0x0A], [0x80], [0xC3, 0x28], [0xE4, 0xB8], [0xED, 0xA0, 0x80], [0xF0, 0x8F, 0x80, 0x80],
        [0xC0, 0x80], [0xFF], Array(#"\"#.utf8),
    ]

    @Test func acceptExactlyWhatAStrictReadAcceptsAndDecodeAlike() throws {
        var next = SeededRandom(0x2545_F491_4F6C_DD1D)
        var failures: [String] = []
        var accepted = 0
        for round in 0..<5000 {
            var content: [UInt8] = []
            for _ in 0..<next(14) { content += Self.pieces[next(Self.pieces.count)] }
            if round % 3 == 0 {
                content.insert(contentsOf: Self.broken[next(Self.broken.count)], at: next(content.count + 1))
            }
            let bytes = Array(#"{"k": ["#.utf8) + [0x22] + content + Array(#"", "short"], "n": 1}"#.utf8)
            let strict = try? JSONDocument(bytes: bytes)
            // Every string of at least one byte is skimmed: "short" too, and the generated one.
            let skimmed = try? JSONDocument(bytes: bytes, deferringStringsFrom: 1)
            let decoded = skimmed.flatMap { document in
                document.tape.indices.filter { document.tape[$0].flags & JSONToken.isDeferred != 0 }
                    .map { document.checkedDecodedBytes(at: $0) }
            }
            let skimmedReads = decoded.map { !$0.contains(where: { $0 == nil }) } ?? false
            if (strict != nil) != skimmedReads {
                failures.append("\(content): strict \(strict != nil), skimmed \(skimmedReads)")
            } else if let strict, let skimmed {
                accepted += 1
                // An empty string is shorter than the threshold: read strictly.
                if (skimmed.tape[3].flags & JSONToken.isDeferred != 0) == content.isEmpty
                    || skimmed.checkedDecodedBytes(at: 3) != strict.decodedBytes(at: 3)
                    || skimmed.checkedDecodedBytes(at: 4) != Array("short".utf8)
                {
                    failures.append("\(content): decoded differently")
                }
            }
            if failures.count > 5 { break }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(accepted > 2500)
    }

    /// A character cut short, or whole, at every place relative to the 16-byte blocks the decoder
    /// reads, followed by ASCII only, by an escape, or by the end of the string.
    @Test(
        arguments: [
            [0xC3], [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xC3, 0xA9], [0xE4, 0xB8, 0xAD], [0xF0, 0x9F, 0x98, 0x80],
        ] as [[UInt8]])
    func decidesCharactersAtEveryBlockEdgeAsAStrictReadDoes(character: [UInt8]) throws {
        for padding in 0..<40 {
            for tail in [String(repeating: "x", count: 40), #"\n"# + String(repeating: "y", count: 20), ""] {
                let content = Array(String(repeating: "a", count: padding).utf8) + character + Array(tail.utf8)
                let bytes = Array(#"{"k": ""#.utf8) + content + Array(#""}"#.utf8)
                let strict = try? JSONDocument(bytes: bytes)
                let skimmed = try JSONDocument(bytes: bytes, deferringStringsFrom: 1)
                #expect(skimmed.checkedDecodedBytes(at: 2) == strict?.decodedBytes(at: 2), "\(padding) \(tail)")
            }
        }
    }

    /// A skimmed string at the very start of the text (no three bytes before it to look back at).
    @Test(arguments: 0..<4)
    func decodesALongStringThatOpensTheText(leadingSpaces: Int) throws {
        let text = String(repeating: "é中", count: 20) + #"\n"#
        let bytes = Array((String(repeating: " ", count: leadingSpaces) + "\"" + text + "\"").utf8)
        let skimmed = try JSONDocument(bytes: bytes, deferringStringsFrom: 1)
        #expect(skimmed.checkedDecodedBytes(at: 0) == Array((String(repeating: "é中", count: 20) + "\n").utf8))
    }

    @Test func shortStringsAndKeysAreReadStrictly() throws {
        let document = try JSONDocument(bytes: Array(#"{"key": "ab", "long": "abcdef"}"#.utf8), deferringStringsFrom: 3)
        #expect(document.tape[1].flags & JSONToken.isDeferred == 0)
        #expect(document.tape[2].flags & JSONToken.isDeferred == 0)
        #expect(document.tape[2].count == 2)
        #expect(document.tape[4].flags & JSONToken.isDeferred != 0)
        #expect(document.checkedDecodedBytes(at: 4) == Array("abcdef".utf8))
        #expect(throws: JSONSyntaxError.self) {
            try JSONDocument(bytes: Array(#"{"k": "abcdef"#.utf8), deferringStringsFrom: 3)
        }
    }
}

/// A line table places offsets of long lines (marks every 64 KiB) as a byte-by-byte count does.
@Suite struct LineTablePositionTests {
    @Test func placesOffsetsOfLongAndShortLinesAsAByteByByteCount() {
        let pieces = ["abc ", "中文", "é", "😀", "\n", String(repeating: "x", count: 40_000), "\n\n"]
        var next = SeededRandom(0x0BAD_5EED_1234_5678)
        for round in 0..<6 {
            // Some rounds have no line feed at all: one line of about a megabyte.
            var text = ""
            while text.utf8.count < 600_000 {
                let piece = pieces[next(pieces.count)]
                if round % 2 == 0 || !piece.contains("\n") { text += piece }
            }
            let bytes = Array(text.utf8)
            let table = LineTable(bytes)
            var expected: [(Int, Int)] = []
            var line = 1
            var column = 1
            for byte in bytes {
                expected.append((line, column))
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            expected.append((line, column))
            let offsets = (0..<200).map { _ in next(bytes.count + 1) } + [0, bytes.count, 65_536, 65_535, 131_072]
            // The same table read as far as each offset asks, in any order, as HAR entries are placed.
            let shared = SharedLineTable()
            for offset in offsets {
                let found = table.position(of: offset, in: bytes)
                let grown = bytes.withUnsafeBufferPointer { shared.position(of: offset, in: $0) }
                #expect(found.line == expected[offset].0 && found.column == expected[offset].1, "offset \(offset)")
                #expect(grown.line == expected[offset].0 && grown.column == expected[offset].1, "offset \(offset)")
            }
        }
    }
}

/// Threads placing offsets of one text at once each get the right place (the table grows under a lock).
@Suite struct SharedLineTableTests {
    @Test func threadsPlacingOffsetsAtOnceAgree() async {
        let text = String(repeating: "ab中\n" + String(repeating: "x", count: 70_000) + "é\n", count: 8)
        let bytes = Array(text.utf8)
        let reference = LineTable(bytes)
        let shared = SharedLineTable()
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var wrong = 0
                    for step in 0..<300 {
                        let offset = (worker * 7_919 + step * 1_877) % (bytes.count + 1)
                        let found = bytes.withUnsafeBufferPointer { shared.position(of: offset, in: $0) }
                        let expected = reference.position(of: offset, in: bytes)
                        if found.line != expected.line || found.column != expected.column { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}

/// Line and column of many offsets in one pass (eight bytes at a time between line ends) agree with
/// a byte-by-byte count: lines end at LF, CR LF or a lone CR; columns count code points.
@Suite struct JSONDocumentPositionTests {
    /// Short lines, and long ones (a recording's line: stretches of hundreds of bytes without a line end
    /// are counted 32 bytes at a time).
    @Test(arguments: [
        (["\n", "\r\n", "\r", "  ", "", "\t"], 30),
        (["", " ", "", "", "", "", "", "", "", "", "\r", "", "", "", "", "", "", "", "", "\n"], 200),
    ])
    func batchPositionsAgreeWithAByteByByteCount(spaces: [String], elementCount: Int) throws {
        let values = [#""abc""#, #""中文字符 and more text""#, #""é""#, #""😀😀""#, "12345", #""plain ascii words""#]
        var next = SeededRandom(0x1234_5678_9ABC_DEF1)
        for _ in 0..<300 {
            let elements = (0..<(1 + next(elementCount))).map { _ in
                values[next(values.count)] + spaces[next(spaces.count)]
            }
            let bytes = Array(("[" + elements.joined(separator: ",") + "]").utf8)
            let document = try JSONDocument(bytes: bytes)
            var expected: [String] = []
            var line = 1
            var column = 1
            for offset in 0...bytes.count {
                expected.append("\(line):\(column)")
                guard offset < bytes.count else { break }
                let c = bytes[offset]
                if c == 0x0A || (c == 0x0D && (offset + 1 >= bytes.count || bytes[offset + 1] != 0x0A)) {
                    line += 1
                    column = 1
                } else if c & 0xC0 != 0x80 {
                    column += 1
                }
            }
            let offsets = (0..<25).map { _ in next(bytes.count + 1) }
            let batch = document.lineColumns(ofOffsets: offsets).map { "\($0.line):\($0.column)" }
            let single = offsets.map { document.lineColumn(ofOffset: $0) }.map { "\($0.line):\($0.column)" }
            #expect(batch == offsets.map { expected[$0] })
            #expect(single == offsets.map { expected[$0] })
        }
    }
}

/// The generated-input tests' numbers: a 64-bit linear congruential generator, so that every run reads
/// the same inputs. `next(bound)` is a number in `0..<bound`.
struct SeededRandom {
    private var state: UInt64

    init(_ seed: UInt64) { state = seed }

    mutating func callAsFunction(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}
