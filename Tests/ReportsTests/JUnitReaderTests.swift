import ContractCore
import Foundation
import Testing

@testable import Reports

/// What a producer's sample must read as.
struct ProducerSample: Sendable, CustomTestStringConvertible {
    var file: String
    var suites: [String]
    var cases: Int
    var failed: Int
    var errors: Int
    var skipped: Int
    var isConform: Bool
    var timestamp: String
    var testDescription: String { file }
}

@Suite struct JUnitReaderTests {
    private func read(_ name: String) throws -> JUnitFile {
        try JUnitReader.read(path: Support.fixture("junit/" + name))
    }

    private func text(_ xml: String, limits: JUnitReadLimits = .default) throws -> JUnitFile {
        try JUnitReader.read(bytes: Array(xml.utf8), file: "r.xml", limits: limits)
    }

    /// The one-line error reading `xml` gives, or `nil` when it reads.
    private func failure(_ xml: String, limits: JUnitReadLimits = .default) -> String? {
        failure(Array(xml.utf8), limits: limits)
    }

    private func failure(_ bytes: [UInt8], limits: JUnitReadLimits = .default) -> String? {
        do {
            _ = try JUnitReader.read(bytes: bytes, file: "r.xml", limits: limits)
            return nil
        } catch {
            return "\(error)"
        }
    }

    private static func count(_ cases: [JUnitCase], _ match: (JUnitCase.Outcome) -> Bool) -> Int {
        cases.count { match($0.outcome) }
    }

    static let producers: [ProducerSample] = [
        ProducerSample(
            file: "conform-validate-failing.xml", suites: ["validate CrewAI AMP API (conform rendition)"], cases: 15,
            failed: 3, errors: 0, skipped: 0, isConform: true, timestamp: "2026-11-28T09:15:02"),
        ProducerSample(
            file: "conform-live-passing.xml", suites: ["live CrewAI AMP API (conform rendition)"], cases: 48, failed: 0,
            errors: 0, skipped: 0, isConform: true, timestamp: "2026-11-28T09:15:02"),
        ProducerSample(
            file: "pytest.xml", suites: ["pytest"], cases: 6, failed: 1, errors: 1, skipped: 2, isConform: false,
            timestamp: "2026-11-28T10:15:02.483921+01:00"),
        ProducerSample(
            file: "schemathesis.xml", suites: ["schemathesis"], cases: 4, failed: 1, errors: 0, skipped: 1,
            isConform: false, timestamp: ""),
        ProducerSample(
            file: "surefire.xml", suites: ["com.example.crew.StatusContractTest"], cases: 4, failed: 1, errors: 0,
            skipped: 1, isConform: false, timestamp: ""),
        ProducerSample(
            file: "spectral.xml", suites: ["/builds/crew/specs/crewai-amp.yaml"], cases: 2, failed: 2, errors: 0,
            skipped: 0, isConform: false, timestamp: ""),
        ProducerSample(
            file: "nested.xml", suites: ["Crew API", "Crew\\Tests\\StatusTest", "Crew\\Tests\\InputsTest"], cases: 3,
            failed: 1, errors: 0, skipped: 0, isConform: false, timestamp: "2026-11-28T09:15:02Z"),
    ]

    @Test(arguments: producers)
    func everyProducersReportReadsWithItsCounts(sample: ProducerSample) throws {
        let file = try read(sample.file)
        #expect(file.suites.map(\.suite.name) == sample.suites)
        let cases = file.suites.flatMap(\.suite.cases)
        #expect(cases.count == sample.cases)
        #expect(Self.count(cases) { if case .failed = $0 { true } else { false } } == sample.failed)
        #expect(Self.count(cases) { if case .error = $0 { true } else { false } } == sample.errors)
        #expect(Self.count(cases) { if case .skipped = $0 { true } else { false } } == sample.skipped)
        #expect(file.suites.allSatisfy { $0.isConform == sample.isConform })
        #expect(file.suites.allSatisfy { $0.suite.timestamp == sample.timestamp })
        // The declared counts agree with what the file lists (nested suites included).
        for suite in file.suites {
            #expect(suite.declaredTests.map { $0 == suite.listedTests } ?? true, "\(suite.suite.name)")
            #expect(suite.declaredFailures.map { $0 == suite.listedFailures } ?? true, "\(suite.suite.name)")
        }
    }

    @Test func conformsFailureTypesAreCheckIDs() throws {
        let file = try read("conform-validate-failing.xml")
        let types = file.suites.flatMap(\.suite.cases).compactMap { testCase -> String? in
            if case .failed(let type, _, _) = testCase.outcome { return type }
            return nil
        }
        #expect(types == ["json", "schema.oneOf", "schema.type"])
        let suite = try #require(file.suites.first)
        #expect(suite.package == "conform")
        #expect(suite.suite.properties.first { $0.name == "exchanges" }?.value == "7")
    }

    @Test func pytestFailureErrorAndSkipKeepTheirTexts() throws {
        let cases = try read("pytest.xml").suites.flatMap(\.suite.cases)
        guard case .failed(let type, let message, let text) = cases[2].outcome else {
            Issue.record("expected a failure, got \(cases[2].outcome)")
            return
        }
        #expect(type == "")
        // `&#10;` in an attribute is a real line break; `&lt;` and `&gt;` are decoded.
        #expect(
            message == "AssertionError: assert 'SUCCESS' in {'completed', 'error', 'running'}\n +  where 'SUCCESS' = "
                + "<built-in method get of dict object at 0x7f3a2c1e4d40>('state')")
        #expect(
            text.hasPrefix("client = <httpx.Client object at 0x7f3a2c1d9e50>\n\n    def test_status_is_a_known_state"))
        #expect(text.hasSuffix("tests/test_crew_contract.py:41: AssertionError"))
        #expect(
            cases[5].outcome
                == .error(
                    type: "", message: "failed on setup with \"httpx.ConnectTimeout: timed out\"",
                    text: "@pytest.fixture\n    def crew_session(client):\n>       return client.post(\"/kickoff\", "
                        + "json={\"inputs\": {\"topic\": \"AI agents\"}})\nE       httpx.ConnectTimeout: timed out\n\n"
                        + "tests/conftest.py:18: ConnectTimeout"))
        #expect(cases[3].outcome == .skipped(message: "resume is not enabled on this crew"))
        #expect(cases[4].outcome == .skipped(message: "platform reports progress per task, not per run"))
        #expect(
            cases[0]
                == JUnitCase(
                    classname: "tests.test_crew_contract", name: "test_inputs_lists_required_fields", time: 0.112))
    }

    @Test func schemathesisMultiLineMessagesAndTextOnlySkips() throws {
        let cases = try read("schemathesis.xml").suites.flatMap(\.suite.cases)
        #expect(cases.map(\.name) == ["GET /inputs", "POST /kickoff", "GET /status/{kickoff_id}", "POST /resume"])
        #expect(cases.allSatisfy { $0.classname.isEmpty })
        guard case .failed(let type, let message, let text) = cases[2].outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(type == "failure")
        #expect(text.isEmpty)
        #expect(message.hasPrefix("1. Test Case ID: 7lLzGP\n\n- Response violates schema\n\n    {'state': 'SUCCESS'"))
        #expect(message.contains("curl -X GET -H 'Authorization: [Filtered]' https://crew.example.com/status/"))
        #expect(message.contains("2. Test Case ID: Qm3xT0\n\n- Undocumented HTTP status code"))
        #expect(
            cases[3].outcome
                == .skipped(
                    message: "No examples could be generated: the resume operation is excluded by "
                        + "--exclude-operation-id resumeExecution"))
    }

    @Test func surefireCDATAFlakyCasesAndProperties() throws {
        let file = try read("surefire.xml")
        let suite = try #require(file.suites.first)
        #expect(
            suite.suite.properties.map(\.name) == [
                "java.version", "os.name", "file.encoding", "surefire.test.class.path",
            ])
        #expect(suite.suite.time == 1.284)
        let cases = suite.suite.cases
        guard case .failed(let type, let message, let text) = cases[1].outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(type == "org.opentest4j.AssertionFailedError")
        #expect(message == "expected: <completed> but was: <SUCCESS>")
        #expect(
            text.hasPrefix(
                "org.opentest4j.AssertionFailedError: expected: <completed> but was: <SUCCESS>\n\tat org.junit"))
        // A flaky test passed on a rerun: its own result (passed) decides.
        #expect(cases[2].outcome == .passed)
        #expect(cases[3].outcome == .skipped(message: "resume is disabled on staging"))
    }

    @Test func spectralCDATASplitAroundTheEndMarkerJoinsBack() throws {
        let file = try read("spectral.xml")
        #expect(file.suites.first?.package == "org.spectral")
        let cases = file.suites.flatMap(\.suite.cases)
        guard case .failed(_, let message, let text) = cases[1].outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.hasSuffix("Did you mean \"running\"?: <![CDATA[ ]]>"))
        #expect(text.contains("Did you mean \"running\"?: <![CDATA[ ]]> (oas3-valid-media-example) at path"))
    }

    @Test func nestedSuitesInheritTheTimestampAndCountTheirChildren() throws {
        let suites = try read("nested.xml").suites
        #expect(suites.map(\.suite.cases.count) == [0, 2, 1])
        #expect(suites.map(\.listedTests) == [3, 2, 1])
        #expect(suites.map(\.listedFailures) == [1, 1, 0])
        #expect(suites[1].suite.cases[0].classname == "Crew.Tests.StatusTest")
    }

    @Test func readingWhatTheWriterWroteAndWritingItAgainGivesTheSameBytes() throws {
        for sample in Samples.all {
            let written = JUnitWriter.xml(sample.report, redacting: Redactor())
            let read = try text(written)
            #expect(JUnitWriter.xml(read.report, redacting: Redactor()) == written, "\(sample.name)")
        }
    }

    @Test func readingKeepsTheModelOfASimpleReport() throws {
        let report = JUnitReport(suites: [
            JUnitSuite(
                name: "validate CrewAI AMP API", timestamp: "2026-11-29T01:02:03", hostname: "ci", time: 1.5,
                properties: [JUnitProperty(name: "spec", value: "a & <b>")],
                cases: [
                    JUnitCase(classname: "GET /x", name: "200 json", time: 0.25),
                    JUnitCase(
                        classname: "GET /x", name: "200 schema.type", time: 0.5,
                        outcome: .failed(type: "schema.type", message: "line one\nline \"two\"", text: "a\r\nb\tc")),
                    JUnitCase(
                        classname: "c", name: "e", outcome: .error(type: "transport", message: "refused", text: "")),
                    JUnitCase(classname: "c", name: "s", outcome: .skipped(message: "no token")),
                ],
                systemOut: "warning: one\nwarning: two", systemErr: "")
        ])
        let read = try text(JUnitWriter.xml(report, redacting: Redactor()))
        var expected = report
        // Carriage returns survive as `&#13;`; the text is read back trimmed of surrounding white space.
        expected.suites[0].cases[1].outcome = .failed(
            type: "schema.type", message: "line one\nline \"two\"", text: "a\r\nb\tc")
        #expect(read.report == expected)
    }

    @Test func markupDetailsAreDecoded() throws {
        let file = try text(
            "\u{FEFF}<?xml version='1.0' encoding='utf-8' standalone='yes'?>\r\n<?pi ignored?><!-- c -->\r\n"
                + "<testsuite name='a&#x1F680;&#128640;&amp;&apos;' tests=\"1\">\r\n"
                + "<properties><property name=\"p\">from text</property><property name=\"q\" value=\"x\ty\nz\"/>"
                + "</properties>\r\n"
                + "<testcase name=\"n\" classname=\"c\" time=\"1,234.5\"><!-- inner --><?pi x?>"
                + "<failure type=\"t\">line 1\r\nline 2\rline 3<![CDATA[ & <raw> ]]>&#13;</failure></testcase>\r\n"
                + "</testsuite>\r\n<!-- trailing comment -->\n")
        let suite = try #require(file.suites.first?.suite)
        #expect(suite.name == "a🚀🚀&'")
        #expect(
            suite.properties == [
                JUnitProperty(name: "p", value: "from text"), JUnitProperty(name: "q", value: "x y z"),
            ])
        #expect(suite.cases.first?.time == 1234.5)
        #expect(
            suite.cases.first?.outcome == .failed(type: "t", message: "", text: "line 1\nline 2\nline 3 & <raw> \r"))
    }

    @Test func hostileAndBrokenFixturesAreRefusedWithTheirPlace() throws {
        let cases: [(String, String)] = [
            (
                "xxe.xml",
                "2:1: error: a DOCTYPE declaration is refused: it could define entities (external entities, entity "
                    + "expansion bombs), and a JUnit report needs none"
            ),
            (
                "billion-laughs.xml",
                "2:1: error: a DOCTYPE declaration is refused: it could define entities (external entities, entity "
                    + "expansion bombs), and a JUnit report needs none"
            ),
            (
                "undeclared-entity.xml",
                "3:43: error: undefined entity &lol9; (reports may use only &lt; &gt; &amp; &quot; &apos; and "
                    + "character references)"
            ),
            ("truncated.xml", "22:76: error: the file ends inside the tag <testcase>: the report is truncated"),
            ("empty.xml", "1:1: error: the file is empty: an empty report"),
            ("html.xml", "1:1: error: this is an HTML page (<!DOCTYPE html>), not a JUnit report"),
            (
                "not-junit.xml",
                "2:1: error: the root element is <html>; a JUnit report's root is <testsuites> or <testsuite>"
            ),
        ]
        for (name, expected) in cases {
            let path = Support.fixture("junit/" + name)
            #expect(throws: JUnitReadError.self, "\(name)") { try JUnitReader.read(path: path) }
            do {
                _ = try JUnitReader.read(path: path)
            } catch {
                #expect("\(error)" == "\(path):\(expected)")
            }
        }
    }

    @Test func malformedDocumentsGiveOneLineWithLineAndColumn() {
        let table: [(String, String)] = [
            ("   \n  ", "r.xml:2:3: error: the document has no root element (an empty or truncated report)"),
            (
                "<testsuite>",
                "r.xml:1:12: error: the file ends inside <testsuite> (opened at line 1, column 1): "
                    + "the report is truncated"
            ),
            (
                "<testsuites>\n  <testsuite name=\"a\">\n  </testsuites>",
                "r.xml:3:3: error: </testsuites> does not close <testsuite> (opened at line 2, column 3)"
            ),
            ("<testsuite a=\"1\" a=\"2\"/>", "r.xml:1:18: error: the attribute a appears twice in <testsuite>"),
            ("<testsuite a=\"x<y\"/>", "r.xml:1:16: error: `<` in the value of the attribute a (write it as &lt;)"),
            (
                "<testsuite>a & b</testsuite>",
                "r.xml:1:14: error: `&` must start a reference such as &amp; or &#10; (write a literal & as &amp;)"
            ),
            (
                "<testsuite>&#0;</testsuite>",
                "r.xml:1:12: error: the character reference &#0; names no character XML allows"
            ),
            (
                "<testsuite>&#xD800;</testsuite>",
                "r.xml:1:12: error: the character reference &#xD800; names no character XML allows"
            ),
            ("<testsuite>\u{0}</testsuite>", "r.xml:1:12: error: a NUL character, which XML does not allow"),
            (
                "<testsuite/><testsuite/>",
                "r.xml:1:13: error: content after the root element </testsuite>: a document has one root"
            ),
            ("report: <testsuite/>", "r.xml:1:1: error: text before the root element: a JUnit report starts with `<`"),
            (
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><testsuite/>",
                "r.xml:1:1: error: the report declares encoding \"ISO-8859-1\"; only UTF-8 reports are read"
            ),
            (
                "<testsuite><!ENTITY x \"y\"></testsuite>",
                "r.xml:1:12: error: markup declarations (`<!…`) are refused in reports; "
                    + "only comments and CDATA sections"
            ),
            ("<testsuite><!-- open", "r.xml:1:12: error: a comment is not closed with `-->` (a truncated report?)"),
            (
                "<testsuite><![CDATA[ open",
                "r.xml:1:12: error: a CDATA section is not closed with `]]>` (a truncated report?)"
            ),
            (
                "<testsuite name=\"open",
                "r.xml:1:17: error: the value of the attribute name is not closed (a truncated report?)"
            ),
            ("<testsuite name=x/>", "r.xml:1:17: error: expected a quoted value for the attribute name"),
            ("<1testsuite/>", "r.xml:1:2: error: a name cannot start with `1`"),
            (
                "<testsuite\n  name=\"a\"",
                "r.xml:2:11: error: the file ends inside the tag <testsuite>: the report is truncated"
            ),
            (
                "<?xml version=\"1.0\"?><?xml version=\"1.0\"?><testsuite/>",
                "r.xml:1:22: error: the XML declaration must come first, and only once"
            ),
        ]
        for (xml, expected) in table {
            #expect(failure(xml) == expected, "\(xml)")
        }
    }

    @Test func onlyUTF8IsRead() {
        #expect(
            failure([0xFF, 0xFE, 0x3C, 0x00])
                == "r.xml:1:1: error: the report is UTF-16 (it starts with a byte order mark); "
                + "only UTF-8 reports are read"
        )
        #expect(
            failure(Array("<testsuite name=\"".utf8) + [0xC3, 0x28] + Array("\"/>".utf8))
                == "r.xml:1:18: error: invalid UTF-8: byte 0xC3 at byte offset 17; only UTF-8 reports are read")
    }

    @Test func defaultDepthAndSizeLimitsAreExact() throws {
        let nested = { (depth: Int) in
            String(repeating: "<testsuite>", count: depth) + String(repeating: "</testsuite>", count: depth)
        }
        #expect(try text(nested(128)).suites.count == 128)
        #expect(failure(nested(129)) == "r.xml:1:\(128 * 11 + 1): error: elements nest deeper than 128 levels")
        #expect(failure("<testsuite/>", limits: JUnitReadLimits(maxBytes: 12)) == nil)
        #expect(
            failure("<testsuite/>", limits: JUnitReadLimits(maxBytes: 11))
                == "r.xml:1:1: error: the report is 12 bytes, more than the limit of 11 bytes")
    }

    @Test func sizeAndDepthLimitsHold() throws {
        let deep = String(repeating: "<testsuite>", count: 200) + String(repeating: "</testsuite>", count: 200)
        #expect(failure(deep) == "r.xml:1:1409: error: elements nest deeper than 128 levels")
        #expect(try text(deep, limits: JUnitReadLimits(maxDepth: 200)).suites.count == 200)
        #expect(
            failure("<testsuite/>", limits: JUnitReadLimits(maxBytes: 8))
                == "r.xml:1:1: error: the report is 12 bytes, more than the limit of 8 bytes")
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/big.xml"
            try Data(repeating: 0x20, count: 100).write(to: URL(fileURLWithPath: path))
            #expect(throws: JUnitReadError.tooLarge(path: path, size: 100, limit: 50)) {
                try JUnitReader.read(path: path, limits: JUnitReadLimits(maxBytes: 50))
            }
            #expect(throws: JUnitReadError.missing(path: directory + "/none.xml")) {
                try JUnitReader.read(path: directory + "/none.xml")
            }
            #expect(JUnitReadError.missing(path: "x.xml").description == "x.xml: error: no such report")
            #expect(JUnitReadError.missing(path: "x.xml").isMissingInput)
            #expect(throws: JUnitReadError.unreadable(path: directory, reason: "it is a directory")) {
                try JUnitReader.read(path: directory)
            }
        }
    }

    @Test func aSuiteLevelFailureBecomesACase() throws {
        let file = try text(
            "<testsuite name=\"crew\" tests=\"0\"><error message=\"collection failed\" type=\"ImportError\">trace"
                + "</error></testsuite>")
        #expect(
            file.suites.first?.suite.cases
                == [
                    JUnitCase(
                        classname: "crew", name: "(suite)",
                        outcome: .error(type: "ImportError", message: "collection failed", text: "trace"))
                ])
    }

    @Test func timestampsOfEveryProducerAreRead() {
        let base = JUnitTimestamp.secondsSince1970("2026-11-28T09:15:02")
        #expect(base == 1_795_857_302)
        for text in [
            "2026-11-28T10:15:02.483921+01:00", "2026-11-28T09:15:02Z", "2026-11-28 09:15:02 UTC",
            "2026-11-28T04:15:02-0500", "2026-11-28T09:15:02.5", "2026-11-28T11:15:02+02",
        ] {
            #expect(JUnitTimestamp.secondsSince1970(text) == base, "\(text)")
        }
        for text in [
            "", "1999:12:31 23:59:59", "2026-02-30T00:00:00", "2026-11-28", "2026-11-28T09:15:02 CET",
            "2026-11-28T25:00:00",
        ] {
            #expect(JUnitTimestamp.secondsSince1970(text) == nil, "\(text)")
        }
        #expect(JUnitTimestamp.secondsSince1970("1970-01-01T00:00:00") == 0)
        #expect(JUnitTimestamp.secondsSince1970("2000-03-01T00:00:00") == 951_868_800)
    }
}
