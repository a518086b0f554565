import Foundation
import Testing

@Suite struct GateCommandTests {
    private func junit(_ name: String) -> String { Runner.fixture("junit/" + name) }

    /// Runs `conform validate` on fixture recordings and returns the report's path.
    private func report(
        of recordings: [String], in directory: URL, named name: String = "validate.xml"
    ) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let outcome = try Runner.run(
            ["validate"] + recordings.map { Runner.fixture("recordings/" + $0) } + ["--junit", path])
        #expect(outcome.status == 0 || outcome.status == 1, "\(outcome.stderr)")
        return path
    }

    private func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func aPassingReportOfOursPassesAndAFailingOneFailsWithItsReason() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let passing = try report(of: ["examples.jsonl"], in: directory, named: "ok.xml")
        let pass = try Runner.run(["gate", passing])
        #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
        #expect(
            Array(lines(pass.stdout).suffix(4)) == [
                "PASS min_cases: 27 cases ≥ 1",
                "PASS counts: every suite lists the tests, failures and errors it declares",
                "PASS max_failures: 0 failures ≤ 0",
                "gate: PASS (1 report, 1 suite, 27 cases)",
            ])
        #expect(pass.stdout.hasPrefix("REPORT"))
        #expect(pass.stderr.isEmpty)

        let failing = try report(of: ["platform-shape.jsonl"], in: directory, named: "bad.xml")
        let fail = try Runner.run(["gate", passing, failing])
        #expect(fail.status == 1)
        #expect(lines(fail.stdout).contains("FAIL max_failures: 1 failure > 0 (schema.oneOf: 1)"))
        #expect(lines(fail.stdout).contains("schema.oneOf  1         0"))
        #expect(lines(fail.stdout).last == "gate: FAIL (1 of 3 rules failed)")
        // The same failure passes a policy that lets it warn.
        let policy = directory.appendingPathComponent("gate.yaml").path
        try "warn_only: [schema.oneOf]\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let warned = try Runner.run(["gate", passing, failing, "--policy", policy])
        #expect(warned.status == 0, "\(warned.stdout)")
        #expect(lines(warned.stdout).contains("WARN warn_only: 1 failure only warns (schema.oneOf: 1)"))
    }

    @Test func pytestAndSchemathesisReportsAreDecidedWithTheirReasons() throws {
        let pytest = try Runner.run(["gate", junit("pytest.xml")])
        #expect(pytest.status == 1)
        #expect(
            Array(lines(pytest.stdout).suffix(4)) == [
                "PASS min_cases: 4 cases ≥ 1 (2 skipped cases do not count)",
                "PASS counts: every suite lists the tests, failures and errors it declares",
                "FAIL max_failures: 2 failures > 0 (1 failed case and 1 error)",
                "gate: FAIL (1 of 3 rules failed)",
            ])
        let schemathesis = try Runner.run(["gate", junit("schemathesis.xml")])
        #expect(schemathesis.status == 1)
        #expect(lines(schemathesis.stdout).contains("FAIL max_failures: 1 failure > 0"))
        let allowed = try Runner.run(["gate", junit("schemathesis.xml"), "--max-failures", "1"])
        #expect(allowed.status == 0)
        #expect(lines(allowed.stdout).contains("PASS max_failures: 1 failure ≤ 1"))
    }

    @Test(arguments: ["xxe.xml", "billion-laughs.xml"])
    func hostileXMLIsRefusedAndNeverPasses(name: String) throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = directory.appendingPathComponent("summary.md").path
        let path = junit(name)
        let outcome = try Runner.run(["gate", path, "--summary-markdown", summary])
        #expect(outcome.status == 65)
        #expect(outcome.stdout.isEmpty)
        let error =
            "\(path):2:1: error: a DOCTYPE declaration is refused: it could define entities (external "
            + "entities, entity expansion bombs), and a JUnit report needs none"
        #expect(lines(outcome.stderr) == [error, "gate: FAIL (cannot read an input)"])
        #expect(!outcome.stderr.contains("root:"), "no entity was expanded")
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.hasPrefix("### ❌ conform gate failed\n\nThe gate could not read its inputs:\n\n- "))
    }

    @Test func emptyTruncatedAndMissingReportsNeverPass() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.xml").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let passing = try report(of: ["examples.jsonl"], in: directory)

        let emptyFile = try Runner.run(["gate", passing, empty])
        #expect(emptyFile.status == 65)
        #expect(lines(emptyFile.stderr).first == "\(empty):1:1: error: the file is empty: an empty report")

        let truncated = try Runner.run(["gate", junit("truncated.xml")])
        #expect(truncated.status == 65)
        #expect(
            lines(truncated.stderr).first
                == "\(junit("truncated.xml")):22:76: error: the file ends inside the tag <testcase>: "
                + "the report is truncated"
        )

        let noSuites = try Runner.run(["gate", junit("no-suites.xml")])
        #expect(noSuites.status == 1)
        #expect(lines(noSuites.stdout).contains("FAIL min_cases: 0 cases < 1 (an empty or truncated report)"))
        let stillNot = try Runner.run(["gate", junit("no-suites.xml"), "--max-failures", "100"])
        #expect(stillNot.status == 1)

        let missing = directory.appendingPathComponent("missing.xml").path
        let gone = try Runner.run(["gate", passing, missing])
        #expect(gone.status == 66)
        #expect(lines(gone.stderr) == ["\(missing): error: no such report", "gate: FAIL (cannot read an input)"])
        let goneJSON = try Runner.run(["gate", missing, "--format", "json"])
        #expect(goneJSON.status == 66)
        #expect(
            goneJSON.stdout
                == "{\"summary\": {\"verdict\": \"fail\", \"unreadable\": [\"\(missing): error: no such report\"]}}\n")
    }

    @Test func policyErrorsPointAtTheirLine() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let passing = try report(of: ["examples.jsonl"], in: directory)
        let policy = directory.appendingPathComponent("gate.yaml").path
        try "# gate\nmax_failures: 0\nmin_case: 3\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let unknown = try Runner.run(["gate", passing, "--policy", policy])
        #expect(unknown.status == 65)
        #expect(
            lines(unknown.stderr).first
                == "\(policy):3:1: error: unknown policy key \"min_case\" (did you mean \"min_cases\"?); known keys: "
                + "max_failures, max_failures_by_check, warn_only, required_suites, min_cases, max_age, "
                + "errors_as_failures"
        )
        #expect(unknown.stdout.isEmpty)

        try "max_age: [24h]\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let badAge = try Runner.run(["gate", passing, "--policy", policy])
        #expect(badAge.status == 65)
        #expect(
            lines(badAge.stderr).first
                == "\(policy):1:10: error: max_age is a duration such as 24h, 90m, 7d or 1h30m (units s, m, h, d, w), "
                + "not [\"24h\"]")

        try "warn_only: [undocumented-propery]\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let typo = try Runner.run(["gate", passing, "--policy", policy])
        #expect(typo.status == 0)
        #expect(
            lines(typo.stderr) == [
                "\(policy):1:13: warning: \"undocumented-propery\" is not a check ID conform reports (did you mean "
                    + "\"undocumented-property\"?)"
            ])

        let missingPolicy = try Runner.run([
            "gate", passing, "--policy", directory.appendingPathComponent("no.yaml").path,
        ])
        #expect(missingPolicy.status == 66)

        let usage = try Runner.run(["gate", passing, "--max-failures", "-1"])
        #expect(usage.status == 64)
        #expect(try Runner.run(["gate"]).status == 64)
    }

    @Test func maxAgeReadsTheReportsTimestamp() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fresh = try report(of: ["examples.jsonl"], in: directory, named: "fresh.xml")
        let policy = directory.appendingPathComponent("gate.yaml").path
        try "max_age: 1h\nrequired_suites: [\"validate CrewAI*\"]\n".write(
            toFile: policy, atomically: true, encoding: .utf8)
        let young = try Runner.run(["gate", fresh, "--policy", policy])
        #expect(young.status == 0, "\(young.stdout)")
        #expect(lines(young.stdout).contains { $0.hasPrefix("PASS max_age: ") && $0.hasSuffix(" old ≤ 1h") })
        #expect(
            lines(young.stdout).contains(
                "PASS required_suites \"validate CrewAI*\": matched \"validate CrewAI AMP API (conform rendition)\" "
                    + "(\(fresh), 27 cases)"))

        // The same report, two days older.
        let old = directory.appendingPathComponent("old.xml").path
        let twoDaysAgo = Date().addingTimeInterval(-2 * 86_400 - 30)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let xml = try String(contentsOfFile: fresh, encoding: .utf8)
        let stale = xml.replacing(/timestamp="[^"]*"/, with: "timestamp=\"\(formatter.string(from: twoDaysAgo))\"")
        try stale.write(toFile: old, atomically: true, encoding: .utf8)
        let aged = try Runner.run(["gate", old, "--policy", policy])
        #expect(aged.status == 1)
        #expect(lines(aged.stdout).contains("FAIL max_age: \(old) is 2d old > 1h"))

        let undated = try Runner.run(["gate", junit("surefire.xml"), "--policy", policy, "--max-failures", "1"])
        #expect(undated.status == 1)
        #expect(
            lines(undated.stdout).contains(
                "FAIL max_age: \(junit("surefire.xml")): suite \"com.example.crew.StatusContractTest\" has no timestamp"
            ))
        #expect(
            lines(undated.stdout).contains {
                $0.hasPrefix("FAIL required_suites \"validate CrewAI*\": no suite matches")
            })
    }

    @Test func markdownSummaryIsWrittenOrAppendedAndJSONIsParseable() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let passing = try report(of: ["examples.jsonl"], in: directory)
        let summary = directory.appendingPathComponent("steps/summary.md").path
        let created = try Runner.run(["gate", passing, "--summary-markdown", summary])
        #expect(created.status == 0)
        let first = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(first.hasPrefix("### ✅ conform gate passed\n\n1 report · 1 suite · 27 cases\n\n| Report | Suite |"))
        #expect(first.contains("- ✅ **PASS** max\\_failures: 0 failures ≤ 0\n"))

        // GitHub's step summary file exists already: earlier steps' text stays.
        try "## Earlier step\n\n".write(toFile: summary, atomically: true, encoding: .utf8)
        let appended = try Runner.run(["gate", junit("pytest.xml"), "--summary-markdown", summary, "--format", "json"])
        #expect(appended.status == 1)
        let second = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(second.hasPrefix("## Earlier step\n\n### ❌ conform gate failed\n\n1 of 3 rules failed · 1 report"))
        #expect(second.contains("- ❌ **FAIL** max\\_failures: 2 failures &gt; 0 (1 failed case and 1 error)\n"))

        let jsonLines = lines(appended.stdout)
        #expect(jsonLines.count == 4)
        for line in jsonLines {
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any], "\(line)")
        }
        let summaryObject = try JSONSerialization.jsonObject(with: Data((jsonLines.last ?? "").utf8)) as? [String: Any]
        #expect((summaryObject?["summary"] as? [String: Any])?["verdict"] as? String == "fail")
    }
}
