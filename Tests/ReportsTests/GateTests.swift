import ContractCore
import Foundation
import Testing
import YAMLReader

@testable import Reports

@Suite struct GatePolicyTests {
    private func policy(_ yaml: String) throws -> GatePolicy {
        try GatePolicy(document: YAMLReader.read(bytes: Array(yaml.utf8), file: "gate.yaml"))
    }

    private func error(_ yaml: String) -> String? {
        do {
            _ = try policy(yaml)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func everyKeyIsRead() throws {
        let read = try policy(
            """
            # what may ship
            max_failures: 2
            max_failures_by_check:
              schema.oneOf: 0
              undocumented-property: 5
            warn_only: [undocumented-property, workflow]
            required_suites: ["live CrewAI*", "validate *"]
            min_cases: 10
            max_age: 1d12h
            errors_as_failures: false
            """)
        var expected = GatePolicy(
            maxFailures: 2,
            maxFailuresByCheck: [
                .init(check: "schema.oneOf", limit: 0), .init(check: "undocumented-property", limit: 5),
            ],
            warnOnly: ["undocumented-property", "workflow"], requiredSuites: ["live CrewAI*", "validate *"],
            minCases: 10, maxAge: 129_600, maxAgeText: "1d12h", errorsAsFailures: false)
        expected.warnings = []
        #expect(read == expected)
        #expect(try policy("{}") == GatePolicy())
        #expect(GatePolicy().maxFailures == 0 && GatePolicy().minCases == 1 && GatePolicy().errorsAsFailures)
    }

    @Test func mistakesAreErrorsAtTheirLine() {
        let table: [(String, String)] = [
            (
                "min_cases: 1\nmax_failure: 0\n",
                "gate.yaml:2:1: error: unknown policy key \"max_failure\" (did you mean \"max_failures\"?); "
                    + "known keys: "
                    + "max_failures, max_failures_by_check, warn_only, required_suites, min_cases, max_age, "
                    + "errors_as_failures"
            ),
            ("max_failures: -1\n", "gate.yaml:1:15: error: max_failures is a count (0, 1, 2, …), not -1"),
            ("max_failures: 1.5\n", "gate.yaml:1:15: error: max_failures is a count (0, 1, 2, …), not 1.5"),
            ("min_cases: \"3\"\n", "gate.yaml:1:12: error: min_cases is a count (0, 1, 2, …), not \"3\""),
            (
                "max_failures_by_check:\n  schema.oneOf: none\n",
                "gate.yaml:2:17: error: the limit of schema.oneOf is a count (0, 1, 2, …), not \"none\""
            ),
            (
                "max_failures_by_check: [schema.oneOf]\n",
                "gate.yaml:1:24: error: max_failures_by_check maps check IDs to counts ({schema.oneOf: 0}), not array"
            ),
            ("warn_only: workflow\n", "gate.yaml:1:12: error: warn_only is a list of check IDs, not string"),
            (
                "required_suites: [live, 3]\n",
                "gate.yaml:1:25: error: required_suites lists suite names as strings, not 3"
            ),
            (
                "max_age: 24\n",
                "gate.yaml:1:10: error: max_age is a duration such as 24h, 90m, 7d or 1h30m (units s, m, h, d, w), "
                    + "not 24"
            ),
            (
                "max_age: 1 day\n",
                "gate.yaml:1:10: error: max_age is a duration such as 24h, 90m, 7d or 1h30m (units s, m, h, d, w), "
                    + "not \"1 day\""
            ),
            ("errors_as_failures: yes\n", "gate.yaml:1:21: error: errors_as_failures is true or false, not \"yes\""),
            (
                "- max_failures: 0\n",
                "gate.yaml:1:1: error: a gate policy is a mapping of rules (max_failures, min_cases, …), not array"
            ),
            (
                "max_failures: 0\nmax_failures: 1\n",
                "gate.yaml:2:1: error: duplicate mapping key \"max_failures\" (first at line 1, column 1)"
            ),
        ]
        for (yaml, expected) in table {
            #expect(error(yaml) == expected, "\(yaml)")
        }
    }

    @Test func unknownCheckIDsWarnWithASuggestion() throws {
        let read = try policy("warn_only: [schema.oneof, undocumented-property]\nmax_failures_by_check: {tiemout: 0}\n")
        #expect(
            read.warnings == [
                "gate.yaml:1:13: warning: \"schema.oneof\" is not a check ID conform reports "
                    + "(did you mean \"schema.oneOf\"?)",
                "gate.yaml:2:25: warning: \"tiemout\" is not a check ID conform reports (did you mean \"timeout\"?)",
            ])
        #expect(try policy("warn_only: [schema.maxLength, recording, server-error]").warnings == [])
    }

    @Test func durations() {
        let table: [(String, Int?)] = [
            ("24h", 86_400), ("90m", 5400), ("7d", 604_800), ("2w", 1_209_600), ("45s", 45), ("1h30m", 5400),
            ("1d12h", 129_600), ("", nil), ("24", nil), ("h", nil), ("0h", nil), ("1.5h", nil), ("1H", nil),
            ("-1h", nil), ("9999999999h", nil), ("999999999w", nil), (String(repeating: "999999w", count: 10_000), nil),
        ]
        for (text, seconds) in table {
            #expect(GatePolicy.duration(text) == seconds, "\(text)")
        }
    }

    @Test func agesReadAsTheLargestUnitAndTheNext() {
        let table: [(Int, String)] = [
            (0, "0s"), (-5, "0s"), (45, "45s"), (60, "1m"), (7_980, "2h13m"), (86_400 * 2 + 30, "2d"),
            (86_400 * 3 + 7200, "3d2h"), (604_800 * 3 + 86_400, "3w1d"),
        ]
        for (seconds, text) in table {
            #expect(AgeText.text(seconds) == text, "\(seconds)")
        }
    }

    @Test func globs() {
        #expect(Glob.matches("live CrewAI*", "live CrewAI AMP API (conform rendition)"))
        #expect(Glob.matches("*", ""))
        #expect(Glob.matches("validate ?rew*", "validate CrewAI"))
        #expect(Glob.matches("a*b*c", "aXXbYYc"))
        #expect(!Glob.matches("live CrewAI*", "validate CrewAI AMP API"))
        #expect(!Glob.matches("live", "live CrewAI"))
        #expect(!Glob.matches("a*b*c", "aXXbYY"))
    }
}

@Suite struct GateDecisionTests {
    /// 2026-11-28T09:15:02 UTC, the timestamp of the conform fixtures.
    static let reportTime = 1_795_857_302

    private func read(_ names: String...) throws -> [JUnitFile] {
        try names.map { name in
            var file = try JUnitReader.read(path: Support.fixture("junit/" + name))
            file.path = name
            return file
        }
    }

    private func lines(_ decision: GateDecision) -> [String] { decision.rules.map(\.line) }

    @Test func passingReportsOfOursPass() throws {
        let decision = GatePolicy().evaluate(
            try read("conform-validate-passing.xml", "conform-live-passing.xml"), now: Self.reportTime)
        #expect(decision.passed)
        #expect(
            lines(decision) == [
                "PASS min_cases: each of 2 reports has ≥ 1 case (fewest: 27 in conform-validate-passing.xml)",
                "PASS counts: every suite lists the tests, failures and errors it declares",
                "PASS max_failures: 0 failures ≤ 0",
            ])
        #expect(decision.verdictLine == "gate: PASS (2 reports, 2 suites, 75 cases)")
    }

    @Test func aFailingReportOfOursFailsByCheck() throws {
        let files = try read("conform-validate-failing.xml")
        let decision = GatePolicy().evaluate(files, now: Self.reportTime)
        #expect(!decision.passed)
        #expect(lines(decision)[2] == "FAIL max_failures: 3 failures > 0 (json: 1, schema.oneOf: 1, schema.type: 1)")
        #expect(
            decision.checks == [
                .init(check: "json", failures: 1, errors: 0, isWarnOnly: false),
                .init(check: "schema.oneOf", failures: 1, errors: 0, isWarnOnly: false),
                .init(check: "schema.type", failures: 1, errors: 0, isWarnOnly: false),
            ])
        var policy = GatePolicy(
            maxFailures: 1,
            maxFailuresByCheck: [.init(check: "schema.oneOf", limit: 0), .init(check: "json", limit: 1)],
            warnOnly: ["schema.type"])
        #expect(
            lines(policy.evaluate(files, now: Self.reportTime)) == [
                "PASS min_cases: 15 cases ≥ 1",
                "PASS counts: every suite lists the tests, failures and errors it declares",
                "FAIL max_failures: 2 failures > 1 (json: 1, schema.oneOf: 1; 1 warn-only failure not counted)",
                "FAIL max_failures_by_check schema.oneOf: 1 failure > 0",
                "PASS max_failures_by_check json: 1 failure ≤ 1",
                "WARN warn_only: 1 failure only warns (schema.type: 1)",
            ])
        policy.warnOnly = ["schema.type", "schema.oneOf", "json"]
        policy.maxFailuresByCheck = []
        let relaxed = policy.evaluate(files, now: Self.reportTime)
        #expect(relaxed.passed)
        #expect(lines(relaxed)[2] == "PASS max_failures: 0 failures ≤ 1 (3 warn-only failures not counted)")
        #expect(relaxed.verdictLine == "gate: PASS (1 report, 1 suite, 15 cases)")
    }

    @Test func pytestFailsOnItsFailureAndItsError() throws {
        let files = try read("pytest.xml")
        let decision = GatePolicy().evaluate(files, now: Self.reportTime)
        #expect(
            lines(decision) == [
                "PASS min_cases: 4 cases ≥ 1 (2 skipped cases do not count)",
                "PASS counts: every suite lists the tests, failures and errors it declares",
                "FAIL max_failures: 2 failures > 0 (1 failed case and 1 error)",
            ])
        #expect(decision.checks.isEmpty, "pytest's failure types are not check IDs")
        // Check IDs do not apply to other producers, whatever their failure types.
        let ignored = GatePolicy(warnOnly: [""]).evaluate(files, now: Self.reportTime)
        #expect(lines(ignored)[2] == "FAIL max_failures: 2 failures > 0 (1 failed case and 1 error)")
        let errorsApart = GatePolicy(maxFailures: 1, errorsAsFailures: false).evaluate(files, now: Self.reportTime)
        #expect(errorsApart.passed)
        #expect(
            Array(lines(errorsApart).suffix(2)) == [
                "PASS max_failures: 1 failure ≤ 1", "WARN errors_as_failures: false, so 1 error is not counted",
            ])
    }

    @Test func schemathesisFailsUnlessItsFailureIsAllowed() throws {
        let files = try read("schemathesis.xml")
        #expect(lines(GatePolicy().evaluate(files, now: 0))[2] == "FAIL max_failures: 1 failure > 0")
        let allowed = GatePolicy(maxFailures: 1).evaluate(files, now: 0)
        #expect(allowed.passed)
        #expect(lines(allowed)[0] == "PASS min_cases: 3 cases ≥ 1 (1 skipped case does not count)")
    }

    @Test func emptyAndTruncatedReportsNeverPass() throws {
        let empty = GatePolicy().evaluate(try read("no-suites.xml"), now: 0)
        #expect(!empty.passed)
        #expect(lines(empty)[0] == "FAIL min_cases: 0 cases < 1 (an empty or truncated report)")
        let declared = GatePolicy(minCases: 0).evaluate(try read("declared-but-empty.xml"), now: 0)
        #expect(!declared.passed, "even with min_cases: 0, a suite that lists fewer cases than it declares fails")
        #expect(
            lines(declared)[1]
                == "FAIL counts: declared-but-empty.xml: suite \"validate CrewAI AMP API\" declares tests=\"40\" but "
                + "lists 0 cases (a truncated report?)")
        let mixed = GatePolicy().evaluate(try read("conform-validate-passing.xml", "no-suites.xml"), now: 0)
        #expect(lines(mixed)[0] == "FAIL min_cases: no-suites.xml: 0 cases < 1 (an empty or truncated report)")
        let skippedOnly = try JUnitReader.read(
            bytes: Array(
                "<testsuite name=\"t\" tests=\"1\"><testcase name=\"a\"><skipped/></testcase></testsuite>".utf8),
            file: "skipped.xml")
        #expect(
            lines(GatePolicy().evaluate([skippedOnly], now: 0))[0]
                == "FAIL min_cases: 0 cases < 1 (1 skipped case does not count)")
        let hidden = try JUnitReader.read(
            bytes: Array("<testsuite name=\"t\" tests=\"1\" failures=\"1\"><testcase name=\"a\"/></testsuite>".utf8),
            file: "hidden.xml")
        #expect(
            lines(GatePolicy().evaluate([hidden], now: 0))[1]
                == "FAIL counts: hidden.xml: suite \"t\" declares failures=\"1\" but lists 0")
    }

    @Test func requiredSuitesMatchByGlob() throws {
        let files = try read("conform-validate-passing.xml", "conform-live-passing.xml", "declared-but-empty.xml")
        let policy = GatePolicy(requiredSuites: ["live CrewAI*", "lint *", "validate CrewAI AMP API"], minCases: 0)
        let decision = policy.evaluate(files, now: 0)
        #expect(
            Array(lines(decision).suffix(3)) == [
                "PASS required_suites \"live CrewAI*\": matched \"live CrewAI AMP API (conform rendition)\" "
                    + "(conform-live-passing.xml, 48 cases)",
                "FAIL required_suites \"lint *\": no suite matches (suites: \"validate CrewAI AMP API (conform "
                    + "rendition)\", \"live CrewAI AMP API (conform rendition)\", \"validate CrewAI AMP API\")",
                "FAIL required_suites \"validate CrewAI AMP API\": matches only suites without cases that ran: "
                    + "\"validate CrewAI AMP API\" (declared-but-empty.xml, 0 cases)",
            ])
    }

    @Test func maxAgeReadsEachSuitesTimestamp() throws {
        let policy = GatePolicy(maxAge: 86_400, maxAgeText: "24h")
        let ours = try read("conform-validate-passing.xml")
        #expect(lines(policy.evaluate(ours, now: Self.reportTime + 7_980)).last == "PASS max_age: 2h13m old ≤ 24h")
        #expect(
            lines(policy.evaluate(ours, now: Self.reportTime + 3 * 86_400 + 7200)).last
                == "FAIL max_age: conform-validate-passing.xml is 3d2h old > 24h")
        // pytest writes its local time with an offset: 10:15:02+01:00 is the same moment.
        let both = try read("conform-validate-passing.xml", "pytest.xml")
        #expect(
            lines(policy.evaluate(both, now: Self.reportTime + 60)).last
                == "PASS max_age: the oldest, conform-validate-passing.xml, is 1m old ≤ 24h")
        let undated = try read("surefire.xml", "conform-live-passing.xml")
        #expect(
            lines(policy.evaluate(undated, now: Self.reportTime)).last
                == "FAIL max_age: surefire.xml: suite \"com.example.crew.StatusContractTest\" has no timestamp")
        #expect(
            lines(policy.evaluate(ours, now: Self.reportTime - 3600)).last
                == "FAIL max_age: conform-validate-passing.xml: suite \"validate CrewAI AMP API (conform rendition)\" "
                + "is dated 1h in the future (2026-11-28T09:15:02)")
        #expect(
            lines(policy.evaluate(try read("no-suites.xml"), now: 0)).last
                == "FAIL max_age: no-suites.xml has no suite, so no timestamp")
        #expect(lines(policy.evaluate(ours, now: Self.reportTime - 60)).last == "PASS max_age: 0s old ≤ 24h")
    }

    @Test func markdownSummaryIsATableAndTheRuleLines() throws {
        var files = try read("conform-validate-failing.xml", "schemathesis.xml")
        files[1].suites[0].suite.name = "schema|thesis <b>"
        let decision = GatePolicy(warnOnly: ["json"]).evaluate(files, now: 0)
        #expect(
            decision.markdown == """
                ### ❌ conform gate failed

                1 of 4 rules failed · 2 reports · 2 suites · 19 cases

                | Report | Suite | Cases | Failures | Errors | Skipped |
                | --- | --- | ---: | ---: | ---: | ---: |
                | conform-validate-failing.xml | validate CrewAI AMP API (conform rendition) | 15 | 3 | 0 | 0 |
                | schemathesis.xml | schema\\|thesis &lt;b&gt; | 4 | 1 | 0 | 1 |
                | **Total** | 2 suites | 19 | 4 | 0 | 1 |

                | Check | Failures | Errors |
                | --- | ---: | ---: |
                | json (warn only) | 1 | 0 |
                | schema.oneOf | 1 | 0 |
                | schema.type | 1 | 0 |

                - ✅ **PASS** min\\_cases: each of 2 reports has ≥ 1 case (fewest: 3 in schemathesis.xml)
                - ✅ **PASS** counts: every suite lists the tests, failures and errors it declares
                - ❌ **FAIL** max\\_failures: 3 failures &gt; 0 (schema.oneOf: 1, schema.type: 1; \
                1 warn-only failure not counted)
                - ⚠️ **WARN** warn\\_only: 1 failure only warns (json: 1)


                """)
        #expect(
            GatePolicy().evaluate(try read("conform-live-passing.xml"), now: 0).markdown.hasPrefix(
                "### ✅ conform gate passed\n\n1 report · 1 suite · 48 cases\n\n"))
        #expect(
            GateDecision.unreadableMarkdown(["x.xml:2:1: error: a DOCTYPE declaration is refused"])
                == "### ❌ conform gate failed\n\nThe gate could not read its inputs:\n\n"
                + "- x.xml:2:1: error: a DOCTYPE declaration is refused\n\n")
    }

    @Test func textAndJSONOutput() throws {
        let decision = GatePolicy().evaluate(try read("conform-validate-failing.xml", "pytest.xml"), now: 0)
        #expect(
            decision.text == """
                REPORT                        SUITE                                        CASES  FAILURES  ERRORS  \
                SKIPPED
                conform-validate-failing.xml  validate CrewAI AMP API (conform rendition)  15     3         0       0
                pytest.xml                    pytest                                       6      1         1       2
                total                         2 suites                                     21     4         1       2

                CHECK         FAILURES  ERRORS
                json          1         0
                schema.oneOf  1         0
                schema.type   1         0

                PASS min_cases: each of 2 reports has ≥ 1 case (fewest: 4 in pytest.xml)
                PASS counts: every suite lists the tests, failures and errors it declares
                FAIL max_failures: 5 failures > 0 (json: 1, schema.oneOf: 1, schema.type: 1; 4 failed cases and 1 error)
                gate: FAIL (1 of 3 rules failed)

                """)
        let lines = decision.jsonLines
        #expect(lines.count == 4)
        let rule = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: String])
        #expect(rule == ["rule": "max_failures", "status": "fail", "reason": decision.rules[2].reason])
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: [String: Any]])["summary"]
        #expect(summary?["verdict"] as? String == "fail")
        #expect(summary?["cases"] as? Int == 21)
        #expect(summary?["failures"] as? Int == 4)
        #expect(summary?["errors"] as? Int == 1)
        #expect((summary?["suites"] as? [Any])?.count == 2)
        #expect(((summary?["by_check"] as? [String: Any])?["schema.oneOf"] as? [String: Any])?["failures"] as? Int == 1)
    }

    @Test func summaryFilesAreCreatedAtomicallyOrAppendedTo() throws {
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/nested/summary.md"
            try SummaryFile.write("first\n", to: path)
            try SummaryFile.write("second\n", to: path)
            #expect(try Support.text(path) == "first\nsecond\n")
            #expect(try Support.listing(directory + "/nested") == ["summary.md"])
        }
    }
}
