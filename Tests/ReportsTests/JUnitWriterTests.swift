import ContractCore
import Foundation
import Testing

@testable import Reports

/// A report to write and validate, named for the test list.
struct Sample: Sendable, CustomTestStringConvertible {
    var name: String
    var report: JUnitReport
    var testDescription: String { name }
}

enum Samples {
    static let timestamp = "2026-11-29T01:02:03"

    static func suite(_ name: String = "validate CrewAI AMP API", cases: [JUnitCase]) -> JUnitSuite {
        JUnitSuite(
            name: name, timestamp: timestamp, hostname: "ci-runner-7", time: 1.5,
            properties: [JUnitProperty(name: "spec", value: "specs/crewai-amp.yaml")], cases: cases,
            systemOut: "warning: one\nwarning: two\n")
    }

    static let passing = JUnitCase(classname: "GET /status/{kickoff_id}", name: "200 status-code", time: 0.0004)
    static let failing = JUnitCase(
        classname: "GET /status/{kickoff_id}", name: "200 schema.oneOf", time: 0.0125,
        outcome: .failed(type: "schema.oneOf", message: "no branch matched", text: "body.json:3:5: error: …\n"))
    static let erroring = JUnitCase(
        classname: "POST /kickoff", name: "transport", time: 30,
        outcome: .error(type: "transport", message: "connection refused", text: ""))
    static let skipped = JUnitCase(
        classname: "GET /inputs", name: "401 status-code", outcome: .skipped(message: "no credentials given"))

    /// Every character a caller could hand us that XML makes awkward.
    static let hostile: String = {
        var text = "C0:"
        for value in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        text += " DEL+C1:\u{7F}\u{80}\u{9F} nonchars:\u{FFFE}\u{FFFF} end:]]> quotes:\"' markup:<a href=\"x\">&amp;</a>"
        text += " CRLF:\r\n emoji:👩‍💻🚀 CJK:検証に失敗しました RTL:שלום combining:e\u{301} astral:\u{10FFFF}"
        return text
    }()

    static let longMessage = String(repeating: "0123456789", count: 500)

    static let hostileReport = JUnitReport(suites: [
        JUnitSuite(
            name: "hostile " + hostile, timestamp: timestamp, hostname: "host " + hostile, time: 0.001,
            properties: [JUnitProperty(name: "p " + hostile, value: hostile)],
            cases: [
                JUnitCase(
                    classname: "c " + hostile, name: "failed",
                    outcome: .failed(type: "t " + hostile, message: hostile, text: hostile)),
                JUnitCase(classname: "c", name: "error", outcome: .error(type: "", message: "", text: hostile)),
                JUnitCase(classname: "c", name: "skipped", outcome: .skipped(message: hostile)),
                JUnitCase(
                    classname: "c", name: "long",
                    outcome: .failed(type: "long", message: longMessage, text: longMessage)),
            ],
            systemOut: hostile, systemErr: hostile)
    ])

    static let all: [Sample] = [
        Sample(name: "passing", report: JUnitReport(suites: [suite(cases: [passing])])),
        Sample(name: "failing", report: JUnitReport(suites: [suite(cases: [failing])])),
        Sample(name: "erroring", report: JUnitReport(suites: [suite(cases: [erroring])])),
        Sample(name: "skipped", report: JUnitReport(suites: [suite(cases: [skipped])])),
        Sample(name: "mixed", report: JUnitReport(suites: [suite(cases: [passing, failing, erroring, skipped])])),
        Sample(
            name: "empty suite",
            report: JUnitReport(suites: [JUnitSuite(name: "lint", timestamp: timestamp, hostname: "h", time: 0)])),
        Sample(name: "no suites", report: JUnitReport()),
        Sample(
            name: "several suites",
            report: JUnitReport(suites: [
                suite("validate", cases: [passing, failing]), suite("live", cases: [erroring, skipped]),
                suite("mock", cases: []),
            ])),
        Sample(name: "hostile text", report: hostileReport),
        Sample(
            name: "blank names, bad timestamp, odd times",
            report: JUnitReport(suites: [
                JUnitSuite(
                    name: " \t\n", timestamp: "2021-03-07T10:36:56 UTC", hostname: "", time: -.infinity,
                    properties: [JUnitProperty(name: "", value: "")],
                    cases: [
                        JUnitCase(classname: "", name: "", time: .nan),
                        JUnitCase(classname: "", name: "", time: 1e300),
                    ]),
                JUnitSuite(name: "x", timestamp: "2023-02-29T00:00:00", hostname: "\n", time: 12_345.678_9),
            ])),
    ]
}

@Suite struct JUnitWriterTests {
    @Test(arguments: Samples.all)
    func writtenReportIsValidAgainstBothSchemas(sample: Sample) throws {
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/junit.xml"
            try JUnitWriter.write(sample.report, to: path, redacting: Redactor())
            #expect(try Support.schemaProblems(path) == [])
            #expect(try Support.text(path) == JUnitWriter.xml(sample.report, redacting: Redactor()))
        }
    }

    @Test func smallReportMatchesTheGoldenFileByteForByte() throws {
        let report = JUnitReport(suites: [
            JUnitSuite(
                name: "validate CrewAI AMP API", timestamp: "2026-11-29T01:02:03", hostname: "localhost", time: 0.0115,
                properties: [JUnitProperty(name: "spec", value: "specs/crewai-amp.yaml")],
                cases: [
                    JUnitCase(
                        classname: "GET /status/{kickoff_id}", name: "200 schema.oneOf", time: 0.0009,
                        outcome: .failed(type: "schema.oneOf", message: "first finding", text: "details")),
                    JUnitCase(classname: "GET /status/{kickoff_id}", name: "200 status-code", time: 0.0001),
                ],
                systemOut: "warnings")
        ])
        let golden = try Support.bytes(Support.fixture("golden-small.xml"))
        #expect(Array(JUnitWriter.xml(report, redacting: Redactor()).utf8) == golden)
        try Support.withTemporaryDirectory { directory in
            try JUnitWriter.write(report, to: directory + "/junit.xml", redacting: Redactor())
            #expect(try Support.bytes(directory + "/junit.xml") == golden)
        }
    }

    @Test func emptyReportAndEmptySuiteHaveEveryRequiredElement() {
        #expect(
            JUnitWriter.xml(JUnitReport(), redacting: Redactor())
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites/>\n")
        let suite = JUnitSuite(name: "lint", timestamp: "2026-01-02T03:04:05", hostname: "h", time: 0)
        #expect(
            JUnitWriter.xml(JUnitReport(suites: [suite, suite]), redacting: Redactor()) == """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuites>
                  <testsuite name="lint" package="conform" id="0" hostname="h" timestamp="2026-01-02T03:04:05" \
                tests="0" failures="0" errors="0" skipped="0" time="0.000">
                    <properties/>
                    <system-out></system-out>
                    <system-err></system-err>
                  </testsuite>
                  <testsuite name="lint" package="conform" id="1" hostname="h" timestamp="2026-01-02T03:04:05" \
                tests="0" failures="0" errors="0" skipped="0" time="0.000">
                    <properties/>
                    <system-out></system-out>
                    <system-err></system-err>
                  </testsuite>
                </testsuites>

                """)
    }

    @Test func countsComeFromTheCases() throws {
        let cases =
            [Samples.failing, Samples.failing, Samples.erroring] + Array(repeating: Samples.skipped, count: 3)
            + Array(repeating: Samples.passing, count: 4)
        let report = JUnitReport(suites: [Samples.suite(cases: cases)])
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/junit.xml"
            try JUnitWriter.write(report, to: path, redacting: Redactor())
            let counts = try ["tests", "failures", "errors", "skipped"].map {
                try Support.xpath("string(/testsuites/testsuite/@\($0))", in: path)
            }
            #expect(counts == ["10", "2", "1", "3"])
            #expect(try Support.xpath("count(//testcase/failure)", in: path) == "2")
            #expect(try Support.xpath("count(//testcase/error)", in: path) == "1")
            #expect(try Support.xpath("count(//testcase/skipped)", in: path) == "3")
        }
    }

    @Test func repeatedCaseNamesAreMadeUnique() throws {
        let report = JUnitReport(suites: [
            Samples.suite(cases: [Samples.passing, Samples.passing]), Samples.suite(cases: [Samples.passing]),
        ])
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/junit.xml"
            try JUnitWriter.write(report, to: path, redacting: Redactor())
            let names = try (1...3).map { try Support.xpath("string((//testcase)[\($0)]/@name)", in: path) }
            #expect(names == ["200 status-code", "200 status-code (2)", "200 status-code (3)"])
        }
    }

    /// Reads values back with xmllint: what a CI parser sees after attribute and line-end normalisation.
    @Test func hostileTextSurvivesParsingExceptForbiddenCharacters() throws {
        // What a parser should read: forbidden characters as visible \uXXXX, everything else unchanged.
        var expected = ""
        for scalar in Samples.hostile.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: expected.unicodeScalars.append(scalar)
            case 0..<0x20, 0xFFFE, 0xFFFF:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                expected += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: expected.unicodeScalars.append(scalar)
            }
        }
        #expect(expected.hasPrefix("C0:\\u0000\\u0001\\u0002"))
        #expect(expected.contains("\\u0008\t\n\\u000B\\u000C\r\\u000E"))
        #expect(expected.contains("\\u001F DEL+C1:\u{7F}\u{80}\u{9F} nonchars:\\uFFFE\\uFFFF end:]]>"))

        try Support.withTemporaryDirectory { directory in
            let path = directory + "/junit.xml"
            try JUnitWriter.write(Samples.hostileReport, to: path, redacting: Redactor())
            let bytes = try Support.bytes(path)
            let raw = Set(bytes.filter { $0 < 0x20 })
            #expect(raw == [0x09, 0x0A], "only tabs (in text) and line feeds are written raw; CR is &#13;")
            #expect(!String(decoding: bytes, as: UTF8.self).contains("]]>"))

            let values = try [
                "string(/testsuites/testsuite/@name)", "string(/testsuites/testsuite/@hostname)",
                "string(//property/@name)", "string(//property/@value)", "string((//testcase)[1]/@classname)",
                "string(//failure/@type)", "string(//failure/@message)", "string(//failure)",
                "string(//error)", "string(//skipped/@message)", "string(//system-out)", "string(//system-err)",
            ].map { try Support.xpath($0, in: path) }
            #expect(
                values == [
                    "hostile " + expected, "host " + expected, "p " + expected, expected, "c " + expected,
                    "t " + expected, expected, expected, expected, expected, expected, expected,
                ])
            #expect(try Support.xpath("string(//error/@type)", in: path) == "")
        }
    }

    @Test func longMessagesAreCutToOneThousandCharactersButTextIsKept() throws {
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/junit.xml"
            try JUnitWriter.write(Samples.hostileReport, to: path, redacting: Redactor())
            let message = try Support.xpath("string((//testcase)[4]/failure/@message)", in: path)
            #expect(message.count == 1000)
            #expect(message == String(Samples.longMessage.prefix(999)) + "…")
            #expect(try Support.xpath("string((//testcase)[4]/failure)", in: path) == Samples.longMessage)
        }
        let short = String(repeating: "é", count: 1000)
        #expect(XMLText.cut(short) == short)
        #expect(XMLText.cut(short + "x") == String(repeating: "é", count: 999) + "…")
    }

    @Test func secretsNeverReachTheFile() throws {
        let secret = "sk-live-1234567890abcdef"
        let token = "tok_ABCDEFGHIJ"
        var redactor = Redactor(secrets: [secret])
        redactor.add("Bearer \(token)")
        let leaky = "key=\(secret) auth=\(token)"
        let report = JUnitReport(suites: [
            JUnitSuite(
                name: leaky, timestamp: Samples.timestamp, hostname: leaky, time: 0,
                properties: [JUnitProperty(name: leaky, value: leaky)],
                cases: [
                    JUnitCase(
                        classname: leaky, name: leaky, outcome: .failed(type: leaky, message: leaky, text: leaky)),
                    JUnitCase(classname: leaky, name: "e", outcome: .error(type: leaky, message: leaky, text: leaky)),
                    JUnitCase(classname: leaky, name: "s", outcome: .skipped(message: leaky)),
                ],
                systemOut: leaky, systemErr: leaky)
        ])
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/junit.xml"
            try JUnitWriter.write(report, to: path, redacting: redactor)
            let text = try Support.text(path)
            #expect(!text.contains(secret))
            #expect(!text.contains(token))
            #expect(!text.contains("sk-live"))
            #expect(text.components(separatedBy: "key=[REDACTED] auth=[REDACTED]").count - 1 == 17)
            #expect(try Support.schemaProblems(path) == [])
        }
    }

    @Test func sameReportGivesSameBytes() {
        for sample in Samples.all {
            #expect(
                JUnitWriter.xml(sample.report, redacting: Redactor())
                    == JUnitWriter.xml(sample.report, redacting: Redactor()))
        }
    }

    @Test(arguments: [
        (0.0, "0.000"), (0.0004, "0.000"), (0.0005, "0.001"), (0.0125, "0.013"), (1.5, "1.500"),
        (12_345.678_9, "12345.679"), (-1, "0.000"), (.nan, "0.000"), (.infinity, "0.000"),
        (1e300, "1000000000000.000"),
    ])
    func secondsAreAPlainDecimalWithThreeDecimals(value: Double, text: String) {
        #expect(XMLText.seconds(value) == text)
    }

    @Test(arguments: [
        (0, "1970-01-01T00:00:00"), (-1, "1969-12-31T23:59:59"), (951_782_400, "2000-02-29T00:00:00"),
        (1_795_914_123, "2026-11-29T01:02:03"), (4_107_542_399, "2100-02-28T23:59:59"),
        (-62_135_596_800, "0001-01-01T00:00:00"), (253_402_300_799, "9999-12-31T23:59:59"),
        (Int.min, "0001-01-01T00:00:00"), (Int.max, "9999-12-31T23:59:59"),
    ])
    func timestampsAreUTCWithoutZoneOrFraction(seconds: Int, text: String) {
        #expect(JUnitSuite.timestamp(secondsSince1970: seconds) == text)
    }

    @Test(arguments: [
        ("2026-11-29T01:02:03", "2026-11-29T01:02:03"), ("2021-03-07T10:36:56 UTC", "2021-03-07T10:36:56"),
        ("2021-03-07T10:36:56.123Z", "2021-03-07T10:36:56"), ("2024-02-29T23:59:59", "2024-02-29T23:59:59"),
        ("2023-02-29T00:00:00", "1970-01-01T00:00:00"), ("0000-01-01T00:00:00", "1970-01-01T00:00:00"),
        ("2021-13-01T00:00:00", "1970-01-01T00:00:00"), ("2021-01-01T24:00:00", "1970-01-01T00:00:00"),
        ("2021-01-01 00:00:00", "1970-01-01T00:00:00"), ("", "1970-01-01T00:00:00"),
        ("２０２１-01-01T00:00:00", "1970-01-01T00:00:00"),
    ])
    func timestampsThatTheSchemaRejectsAreReplaced(given: String, written: String) {
        #expect(XMLText.timestamp(given) == written)
    }
}
