import Testing

@testable import JSONValidation

/// Tests of the formats beyond the core set: `duration`, `json-pointer`, `relative-json-pointer`,
/// `uri-template`, `iri`, `iri-reference`, `idn-hostname`, `idn-email` and `regex` (a table of valid
/// and invalid strings per format), the A-label checks `hostname` shares with `idn-hostname`, and the
/// ECMA-262 `pattern` translation.
@Suite struct ExtraFormatTests {
    typealias Example = FormatExample

    private static func examples(_ format: String, valid: [String], invalid: [String]) -> [Example] {
        FormatExample.table(format, valid: valid, invalid: invalid)
    }

    static let durationExamples = examples(
        "duration",
        valid: [
            "P4DT12H30M5S", "P4Y", "PT0S", "P0D", "P1M", "PT1M", "PT36H", "P1DT12H", "P2W", "P1Y2M3DT4H5M6S",
            "P1Y2M", "P1M2D", "PT1H2M", "PT1M2S", "P01D", "P99999999999999999999999999D",
        ],
        invalid: [
            "", "P", "PT", "P1YT", "PT1D", "4DT12H30M5S", "P2D1Y", "P1D2H", "P2S", "P1Y2W", "P1WT1H", "P0Y1W", "P1",
            "PT0.5S", "PT0,5S", " P1D", "P1D ", "P1D\n", "-P1D", "P-1D", "P1Y2D", "PT1H2S", "P1e2D", "P1D2T3H",
            "p1d", "P\u{09E8}Y", "PT1H1H",
        ])

    static let pointerExamples =
        examples(
            "json-pointer",
            valid: [
                "", "/", "/foo", "/foo/0", "/foo//bar", "/foo/bar/", "/a~1b", "/m~0n", "/c%d", "/ ", "/~1~0~0~1~1",
                "/~0.1", "/foo/-", "/foo/bar/😎", "/foo\u{0}bar\n\tbaz", "/i\\j", "/k\"l",
            ],
            invalid: ["#", "#/", "#a", "a", "0", "a/a", "/foo/bar~", "/~0~", "/~2", "/~-1", "/~~", "~0"])
        + examples(
            "relative-json-pointer",
            valid: ["0", "1", "100", "120/foo/bar", "0/foo/bar", "2/0/baz/1/zip", "0#", "0//", "7/"],
            invalid: [
                "", "/foo/bar", "-1/foo/bar", "+1/foo/bar", "\u{0661}/foo", "0##", "01/a", "01#", "0/~2",
                "0/foo/bar~", "1#/foo/bar", "1\n", "#", "1 ",
            ])

    static let templateExamples = examples(
        "uri-template",
        valid: [
            "", "http://example.com/dictionary/{term:1}/{term}", "http://example.com/dictionary", "dictionary/{term}",
            "a%41b", "a😀b", "{+var}", "{#var}", "{.var}", "{/var}", "{;var}", "{?var}", "{&var}", "{var*}", "{x,y}",
            "{a.b}", "{%41}", "{v:1000}", "{v:9}", "a'b", "{/list*,path:4}", "{?x,y,empty}", "caf\u{E9}/{x}",
        ],
        invalid: [
            "{}", "{a,,b}", "{v:0}", "{v:10000}", "{v:01}", "foo}bar", "{term", "a b", "a\u{7F}b", "{a..b}",
            "{.a}x{a.}",
            "{a,}", "{var=def}", "{,+var}", "{=var}", "{|var}", "{v:}", "{v*:1}", "a%4", "a%zz", "a\"b", "a<b",
            "a\\b", "a^b", "a`b", "a|b", "{a{b}}", "{ a}",
        ])

    static let iriExamples =
        examples(
            "iri",
            valid: [
                "http://ƒøø.ßår/?∂éœ=πîx#πîüx", "http://ƒøø.com/blah_(wîkïpédiå)_blah#ßité-1",
                "http://ƒøø.ßår/?q=Test%20URL-encoded%20stuff", "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com",
                "http://[2001:0db8:85a3:0000:0000:8a2e:0370:7334]", "http://[2001:db8::1]", "http://[V1.fe]",
                "urn:example:resource", "file:/etc/hosts", "http://ƒøø.ßår/𐌀", "http://ƒøø.ßår/?q=\u{F0000}",
                "http://ü@例え.テスト:8080/パス",
            ],
            invalid: [
                "http://2001:0db8:85a3:0000:0000:8a2e:0370:7334", "/abc", "\\\\WINDOWS\\filëßåré", "âππ",
                "http://[::ffff:192.168.0.01]", "http://ƒøø.ßår/\n", "http://ƒøø.ßår/\u{F0000}",
                "http://ƒøø.ßår/#\u{E000}", "http://example.com/\u{FFFE}", "http://ex ample.com/", "",
            ])
        + examples(
            "iri-reference",
            valid: [
                "http://ƒøø.ßår/?∂éœ=πîx#πîüx", "//ƒøø.ßår/?∂éœ=πîx#πîüx", "/âππ", "âππ", "#ƒrägmênt", "",
                "?q=\u{100000}",
            ],
            invalid: ["\\\\WINDOWS\\filëßåré", "#ƒräg\\mênt", "a:b:\u{85}", "é:x/../y#\u{E000}", ":x"])

    static let hostExamples =
        examples(
            "idn-hostname",
            valid: [
                "실례.테스트", "hostname", "host-name", "h0stn4me", "1host", "xn--ihqwcrb4cv8a8dqg056pqjye", "ßς་〇",
                "۽۾", "l·l", "α͵β", "א׳ב", "א״ב", "・ぁ", "・ァ", "・丈", "ب٠ب", "۰0", "क्‍ष", "क्‌ष", "بي‌بي",
                "a.b", "a。b", "a．b", "a｡b", "Example.COM", "παράδειγμαπαράδειγμαπαράδειγμαπαράδειγμαπαράδειγμαπα。com",
                String(repeating: "a", count: 63), "xn--mnchen-3ya.de", "münchen.de", "אבג.ابج",
            ],
            invalid: [
                "", ".", "。", "．", "｡", ".example", "example.", "example。", "a..b", "a。。b",
                "〮실례.테스트", "실〮례.테스트", String(repeating: "a", count: 64), "-> $1.00 <--", "xn--X",
                "XN--aa---o47jg78q", "-hello", "hello-", "ःhello", "̀hello", "҈hello", "ـߺ", "〱〲〳〴〵〮〯〻",
                "a·l", "·l", "l·a", "l·", "α͵S", "α͵", "A׳ב", "׳ב", "def・abc", "・", "ب٠۰", "क‍ष", "‍ष", "क्‌षx‌y",
                "0a.א", "0ا", "aא", "א0٠", "xn--7a", "xn--0ca24w", "xn--example-", "xn---9uc",
                String(repeating: "ü", count: 60), "München.de", "ab--c\u{E9}", "a b", "a_b.com",
                [String](repeating: String(repeating: "a", count: 63), count: 4).joined(separator: "."),
            ])
        + examples(
            "hostname",
            valid: ["xn--9n2bp8q.xn--9t4b11yi5a", "xn--4dbc5h", "xn--ngba1o", "xn--0-gyc", "XN--MNCHEN-3YA.de"],
            invalid: ["xn---9uc", "xn--0ca24w", "0a.xn--4dbc5h", "xn--4dbc5h.0a", "xn--example-", "münchen.de"])
        + examples(
            "idn-email",
            valid: [
                "실례@실례.테스트", "joe.bloggs@example.com", "δοκιμή@example.com", "\"δοκιμή\"@example.com",
                "user@cafe\u{301}.com", "cafe\u{301}@example.com", "\u{85}@example.com", "\u{FFFF}@example.com",
                String(repeating: "a", count: 64) + "@example.com", "𝕏@example.com", "user@[192.0.2.1]",
                "user@[IPv6:2001:db8::1]", "用户@例子.广告",
            ],
            invalid: [
                "2962", "user＠example.com", "@example.com", "user@", "user@-example.com", "a..b@example.com",
                String(repeating: "é", count: 33) + "@example.com", "user@example.com.", "user@a..b",
                "user@xn--0ca24w", "\"unterminated@example.com",
            ])

    static let regexExamples = examples(
        "regex",
        valid: [
            "", "([abc])+\\s+$", "(?<name>x)", "(?<n>a)\\k<n>", "(?<=a+)b", "(?<!a)b", "[]", "[^]", "\\cA", "\\cz",
            "a{2,3}?", "a{3}", "a{3,}", "[\\w-]", "[-\\w]", "[a-z-]", "[\\-]", "\\/", "\\^\\$\\\\\\.\\*\\+\\?\\(\\)",
            "\\[\\]\\{\\}\\|", "\\p{Letter}", "\\p{L}", "\\P{Lu}", "\\p{digit}", "\\p{General_Category=Decimal_Number}",
            "\\p{gc=Nd}", "\\p{Script=Greek}", "\\p{sc=Grek}", "\\p{scx=Latn}", "\\p{ASCII}", "\\p{Any}",
            "\\p{Emoji_Presentation}", "\\u0041\\u{1F600}\\x41", "\\uD83D\\uDE00", "\\uD800", "\\0", "[\\b]",
            "(a)\\1", "\\1(a)", "(?:a|b)*", "(?=a)", "(?!a)", "(?i:a)", "(?-i:a)", "(?i-ms:a)", "(?<a>x)|(?<a>y)",
            "(?<\\u0061>x)\\k<a>", "(?<é>x)", "(?<$_>x)", "a{99999999999999999998,99999999999999999999}", "\\b\\B",
            "a|", "|", "()", "(?:)", "x*?y+?z??",
        ],
        invalid: [
            "^(abc]", "\\a", "(?P<name>x)", "(?P<n>a)(?P=n)", "(?#comment)a", "(?i)abc", "(?ims)abc", "\\e", "\\_",
            "\\-", "[\\w-a]", "[a-\\w]", "[z-a]", "a{2,1}", "a{99999999999999999999,99999999999999999998}", "{",
            "}", "]", "a{", "a{1", "a{,3}", "*a", "a**", "a{1}{2}", "^*", "$?", "\\b+", "(?=a)*", "(?<=a)?", "(",
            ")", "(?", "(?<>a)", "(?<1a>x)", "(?<a>x)(?<a>y)", "((?<a>x)|(?<a>y))(?<a>z)", "\\k<a>", "(?<a>x)\\k<b>",
            "\\k", "(a)\\2", "\\8", "\\01", "[\\1]", "[\\B]", "[\\k]", "\\c", "\\c1", "[\\c1]", "\\x4", "\\u12",
            "\\u{110000}", "\\u{}", "\\p{Foo}", "\\p{digit=Nd}", "\\p{Digit}", "\\p{Script=Latn", "\\pL",
            "\\p{RGI_Emoji}", "(?ii:a)", "(?i-i:a)", "(?-:a)", "(?x:a)", "\\", "[", "[a", "a\\",
        ])

    @Test(arguments: durationExamples + pointerExamples + templateExamples + iriExamples + hostExamples + regexExamples)
    func stringFormat(example: Example) throws {
        let checker = try #require(FormatChecker.stringChecker(for: example.format))
        #expect(checker(example.string) == example.valid)
    }

    @Test func newFormatsAreKnown() {
        let formats = [
            "duration", "json-pointer", "relative-json-pointer", "uri-template", "iri", "iri-reference",
            "idn-hostname", "idn-email", "regex",
        ]
        for format in formats {
            #expect(FormatChecker.stringFormats.contains(format))
            #expect(FormatChecker.knownFormats.contains(format))
            #expect(FormatChecker.stringChecker(for: format) != nil)
        }
    }

    @Test func deepNestingIsRejectedWithoutExhaustingTheStack() {
        let depth = ECMARegex.maximumDepth
        let accepted = String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth)
        #expect(ECMARegex.parse(accepted) != nil)
        // Swift's engine allows 62 nested groups; the translation adds none for quantified groups.
        let quantified = String(repeating: "(?:(a)+", count: 30) + String(repeating: ")*", count: 30)
        #expect(Pattern(quantified)?.matches("aa") == true)
        let tooDeep = String(repeating: "(?:", count: 100_000) + String(repeating: ")", count: 100_000)
        #expect(ECMARegex.parse(tooDeep) == nil)
        #expect(Pattern(tooDeep) == nil)
    }

    @Test func groupFactsAreRecorded() throws {
        let parsed = try #require(ECMARegex.parse("(a)(?<x>b)(?:c)(?<y>d)|(?<x>e)"))
        #expect(parsed.captureCount == 4)
        #expect(parsed.groupNames == ["x": [2, 4], "y": [3]])
    }

    /// A pattern, a string, and whether ECMA-262 finds a match (`nil`: the pattern is rejected).
    struct Match: Sendable, CustomTestStringConvertible {
        let pattern: String
        let text: String
        let matches: Bool?

        var testDescription: String {
            "\(pattern.debugDescription) on \(text.debugDescription) → \(matches.map(String.init) ?? "rejected")"
        }
    }

    static let matchExamples: [Match] = [
        // `$` and `^` are input anchors; `\Z` is not an anchor.
        Match(pattern: "^abc$", text: "abc", matches: true), Match(pattern: "^abc$", text: "abc\n", matches: false),
        Match(pattern: "^b", text: "a\nb", matches: false), Match(pattern: "a\\Z", text: "aZ", matches: nil),
        // Escapes.
        Match(pattern: "^\\t$", text: "\t", matches: true), Match(pattern: "^\\t$", text: "\\t", matches: false),
        Match(pattern: "^\\cC$", text: "\u{3}", matches: true), Match(pattern: "^\\cc$", text: "\u{3}", matches: true),
        Match(pattern: "^\\x41\\u0042\\u{43}$", text: "ABC", matches: true),
        Match(pattern: "^\\uD83D\\uDE00$", text: "😀", matches: true),
        Match(pattern: "\\uD800", text: "a", matches: false), Match(pattern: "\\a", text: "a", matches: nil),
        Match(pattern: "^\\0$", text: "\u{0}", matches: true), Match(pattern: "^[\\b]$", text: "\u{8}", matches: true),
        // `\d`, `\w`, `\s` and their negations.
        Match(pattern: "^\\d$", text: "0", matches: true), Match(pattern: "^\\d$", text: "\u{07C0}", matches: false),
        Match(pattern: "^\\D$", text: "\u{07C0}", matches: true), Match(pattern: "^\\w$", text: "é", matches: false),
        Match(pattern: "^\\W$", text: "é", matches: true), Match(pattern: "^\\w+$", text: "a_Z9", matches: true),
        Match(pattern: "^\\s$", text: "\u{FEFF}", matches: true),
        Match(pattern: "^\\s$", text: "\u{2029}", matches: true),
        Match(pattern: "^\\s$", text: "\u{2003}", matches: true),
        Match(pattern: "^\\s$", text: "\u{2000}", matches: true),
        Match(pattern: "^\\s$", text: "\u{A0}", matches: true), Match(pattern: "^\\s$", text: "\u{85}", matches: false),
        Match(pattern: "^\\s$", text: "–", matches: false), Match(pattern: "^\\S$", text: "\u{1}", matches: true),
        Match(pattern: "^[^\\s]$", text: " ", matches: false),
        Match(pattern: "^[\\d\\s]+$", text: "1 2", matches: true),
        // Unicode properties.
        Match(pattern: "\\p{Letter}cole", text: "l'école", matches: true),
        Match(pattern: "\\p{Letter}cole", text: "L'ÉCOLE", matches: false),
        Match(pattern: "\\wcole", text: "l'école", matches: false),
        Match(pattern: "^\\p{digit}+$", text: "৪২", matches: true),
        Match(pattern: "^\\d+$", text: "৪২", matches: false),
        Match(pattern: "^\\p{Script=Greek}+$", text: "αβγ", matches: true),
        Match(pattern: "^\\P{Lu}$", text: "a", matches: true), Match(pattern: "^\\P{Lu}$", text: "A", matches: false),
        Match(pattern: "^[\\p{Lu}\\d]+$", text: "A1B2", matches: true),
        Match(pattern: "^\\p{EComp}+$", text: "#1\u{FE0F}\u{20E3}", matches: true),
        Match(pattern: "^[^\\P{Emoji_Component}]$", text: "a", matches: false),
        Match(pattern: "\\p{Extended_Pictographic}", text: "a", matches: nil),
        // Code points, not grapheme clusters.
        Match(pattern: "^.$", text: "e\u{301}", matches: false),
        Match(pattern: "^..$", text: "e\u{301}", matches: true),
        Match(pattern: "^.$", text: "😀", matches: true), Match(pattern: "^.$", text: "\n", matches: false),
        Match(pattern: "^.$", text: "\u{2028}", matches: false),
        Match(pattern: "^[é]$", text: "e\u{301}", matches: false),
        // Classes.
        Match(pattern: "^[]$", text: "", matches: false), Match(pattern: "a[]", text: "a", matches: false),
        Match(pattern: "^[^]$", text: "\n", matches: true),
        Match(pattern: "^[\\u2000-\\u2001]$", text: "\u{2001}", matches: true),
        Match(pattern: "^[\\u2000-\\u2001]$", text: "\u{2002}", matches: false),
        Match(pattern: "^[\\uF900-\\uFA0D]$", text: "\u{F950}", matches: true),
        Match(pattern: "^[a-z-]+$", text: "a-b", matches: true), Match(pattern: "^[^a-c]$", text: "d", matches: true),
        Match(pattern: "^[\\uD800-\\uDFFF]$", text: "a", matches: false),
        Match(pattern: "^[\\uD7FF-\\uE000]$", text: "\u{E000}", matches: true),
        // Groups, backreferences and quantifiers.
        Match(pattern: "^(?<n>a)\\k<n>$", text: "aa", matches: true),
        Match(pattern: "^(a)\\1$", text: "ab", matches: false),
        Match(pattern: "^(?:(?<x>a)|(?<x>b))\\k<x>$", text: "bb", matches: true),
        Match(pattern: "^(?:(?<x>a)|(?<x>b))\\k<x>$", text: "ba", matches: false),
        Match(pattern: "^a{2,3}$", text: "aaaa", matches: false),
        Match(pattern: "^a{2,}$", text: "aaaa", matches: true),
        Match(pattern: "^(?:ab){2}$", text: "abab", matches: true),
        Match(pattern: "^a{70000}$", text: String(repeating: "a", count: 70_000), matches: true),
        Match(pattern: "^a{70000}$", text: String(repeating: "a", count: 69_999), matches: false),
        Match(pattern: "^a{0,99999999999}$", text: "aaa", matches: true),
        Match(pattern: "a{0,70000}", text: "a", matches: nil),
        Match(pattern: "^(?=a)\\w+$", text: "ab", matches: true),
        Match(pattern: "^(?!a)\\w+$", text: "ab", matches: false),
        // Modifiers.
        Match(pattern: "^(?i:a)b$", text: "Ab", matches: true), Match(pattern: "^(?i:a)b$", text: "AB", matches: false),
        Match(pattern: "^(?i:a(?-i:b))$", text: "Ab", matches: true),
        Match(pattern: "^(?i:a(?-i:b))$", text: "AB", matches: false),
        Match(pattern: "^(?s:.)$", text: "\n", matches: true),
        Match(pattern: "(?m:^b$)", text: "a\nb\nc", matches: true),
        Match(pattern: "^(?i:\\w)$", text: "\u{212A}", matches: true),
        // Word boundaries between ASCII letters and other characters.
        Match(pattern: "a\\b", text: "aé", matches: true), Match(pattern: "\\bé", text: " é", matches: false),
        Match(pattern: "a\\Bb", text: "ab", matches: true),
        // Syntax other dialects accept.
        Match(pattern: "(?P<name>x)", text: "x", matches: nil), Match(pattern: "(?#c)x", text: "x", matches: nil),
        Match(pattern: "(?i)x", text: "x", matches: nil), Match(pattern: "[[:alpha:]]", text: "a", matches: nil),
        Match(pattern: "\\Ax", text: "x", matches: nil), Match(pattern: "x\\z", text: "x", matches: nil),
        Match(pattern: "a{,3}", text: "a", matches: nil), Match(pattern: "\\h", text: "a", matches: nil),
        // Lookbehind is valid ECMA-262 but Swift's engine cannot run it.
        Match(pattern: "(?<=a)b", text: "ab", matches: nil),
    ]

    @Test(arguments: matchExamples)
    func pattern(example: Match) {
        let pattern = Pattern(example.pattern)
        #expect(pattern?.matches(example.text) == example.matches)
    }

    @Test func patternAndFormatAgreeOnSyntax() throws {
        let checker = try #require(FormatChecker.stringChecker(for: "regex"))
        for example in Self.regexExamples where !example.string.contains("(?<=") && !example.string.contains("(?<!") {
            let accepted = example.string.contains("{99999999999999999998,") || Pattern(example.string) != nil
            // `pattern` also reads identity escapes the web-compatible way (`\-` is `-`); nothing else is looser.
            let strictOrIdentity =
                checker(example.string)
                || checker(ECMAPattern.identityEscapesRewritten(example.string))
            #expect(accepted == strictOrIdentity, "\(example.string.debugDescription)")
        }
    }

    @Test(arguments: [
        (#"^[\w\-.]+$"#, "a-b.c_d", true), (#"^\d{3}\-\d{4}$"#, "555-1234", true),
        (#"^\d{3}\-\d{4}$"#, "5551234", false),
        (#"^[a-z0-9_\-]+$"#, "run-42", true), (#"^\@\:"#, "@:", true),
    ])
    func realWorldIdentityEscapesWork(pattern: String, text: String, matches: Bool) throws {
        let compiled = try #require(Pattern(pattern))
        #expect(compiled.matches(text) == matches)
    }
}
