import Foundation
import Testing

@Suite struct OfflineValidationTests {
    private func recording(_ name: String) -> String { Runner.fixture("recordings/" + name) }

    private func run(_ arguments: [String]) throws -> (Runner.Outcome, String, URL) {
        let directory = try Runner.temporaryDirectory()
        let report = directory.appendingPathComponent("validate.xml").path
        let outcome = try Runner.run(["validate"] + arguments + ["--junit", report])
        return (outcome, report, directory)
    }

    @Test func documentedExamplesPassFromHARAndCassette() throws {
        for name in ["chrome.har", "examples.jsonl"] {
            let (outcome, report, directory) = try run([recording(name)])
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(outcome.status == 0, "\(name): \(outcome.stdout)")
            #expect(outcome.stdout.hasSuffix("6 exchanges, 0 failed, 0 findings\n"))
            #expect(try XMLSchemaCheck.problems(report) == nil)
            let xml = try String(contentsOfFile: report, encoding: .utf8)
            #expect(xml.contains(#"<testcase name="200 schema.oneOf" classname="GET /status/{kickoff_id}""#))
            #expect(!xml.contains("<failure"))
        }
    }

    @Test func platformShapedStatusBodiesFailWithOneOfFindings() throws {
        let (outcome, report, directory) = try run([recording("platform-shape.jsonl")])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasSuffix("[schema.oneOf]") }.count == 2)
        #expect(lines[0].contains("platform-shape.jsonl:1:"))
        #expect(
            lines[0].contains(
                #"error: matches 2 of the 3 oneOf alternatives (ExecutionRunning and ExecutionError) but must match exactly one: "status", which tells them apart, is missing"#
            ))
        #expect(try XMLSchemaCheck.problems(report) == nil)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.contains(#"<testcase name="200 schema.oneOf" classname="GET /status/{kickoff_id}" time="#))
        #expect(xml.contains(#"<failure type="schema.oneOf""#))
    }

    @Test func aBadEntryInTheMiddleDoesNotHideTheOthers() throws {
        let (outcome, report, directory) = try run([recording("broken-middle.jsonl")])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].contains("broken-middle.jsonl:3:") && lines[0].hasSuffix("[json]"))
        #expect(lines[1].contains("broken-middle.jsonl:4:1: error: entry has no response.status; skipped [json]"))
        #expect(lines[2].contains("broken-middle.jsonl:5:") && lines[2].hasSuffix("[schema.type]"))
        #expect(outcome.stdout.hasSuffix("4 exchanges, 1 failed, 3 findings\n"))
        #expect(try XMLSchemaCheck.problems(report) == nil)
    }

    @Test func directoriesAndJSONOutput() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("r.xml").path
        let outcome = try Runner.run(["validate", Runner.fixture("recordings"), "--format", "json", "--junit", report])
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(lines.last.map { Array($0.utf8) } ?? []))
                as? [String: [String: Any]])
        #expect(summary["summary"]?["exchanges"] as? Int == 21)
        for line in lines.dropLast() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["check"] is String)
            #expect((object?["source"] as? String)?.isEmpty == false)
        }
        #expect(try XMLSchemaCheck.problems(report) == nil)
    }

    @Test func tokensNeverReachOutputOrReports() throws {
        let secrets = ["chrome-secret-token", "cassette-secret-token", "vcr-secret-token"]
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A body that echoes the request's token must not leak it either.
        let echo = directory.appendingPathComponent("echo.jsonl").path
        let line =
            #"{"request":{"method":"GET","url":"https://c/status/4f2b0c7e-9a3d-4b8e-a1f6-2c5d7e9b0a13","headers":{"Authorization":"Bearer echo-secret-token-42"}},"response":{"status":200,"headers":{"content-type":"application/json"},"body":{"status":"running","token":"echo-secret-token-42"}}}"#
        try (line + "\n").write(toFile: echo, atomically: true, encoding: .utf8)
        for format in ["text", "json"] {
            let report = directory.appendingPathComponent("r-\(format).xml").path
            let outcome = try Runner.run([
                "validate", recording("chrome.har"), recording("examples.jsonl"), recording("schemathesis-vcr.yaml"),
                echo,
                "--format", format, "--junit", report,
            ])
            let xml = try String(contentsOfFile: report, encoding: .utf8)
            for secret in secrets + ["echo-secret-token-42"] {
                #expect(!outcome.stdout.contains(secret))
                #expect(!outcome.stderr.contains(secret))
                #expect(!xml.contains(secret))
            }
            #expect(xml.contains("[REDACTED]") || outcome.stdout.contains("[REDACTED]"))
        }
    }

    @Test func unreadableRecordingsExit65AndMissingOnes66() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.har").path
        try "not json at all".write(toFile: bad, atomically: true, encoding: .utf8)
        let outcome = try Runner.run(["validate", bad, "--junit", directory.appendingPathComponent("r.xml").path])
        #expect(outcome.status == 65)
        #expect(outcome.stderr == "\(bad):1:16: error: not a HAR file: no log.entries array found\n")
        let missing = try Runner.run(["validate", directory.appendingPathComponent("none.jsonl").path])
        #expect(missing.status == 66)
        let unknown = directory.appendingPathComponent("notes.txt").path
        try "hello".write(toFile: unknown, atomically: true, encoding: .utf8)
        let unknownOutcome = try Runner.run(["validate", unknown])
        #expect(unknownOutcome.status == 65)
        #expect(unknownOutcome.stderr.contains("cannot tell what this file holds"))
    }

    /// A cassette body repeating a key past the 1 000 a document keeps: all of them are counted.
    @Test func duplicateKeysPastTheKeptOnesAreCountedInACassetteBody() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = Array(repeating: "\"k\": 1", count: 3000).joined(separator: ", ")
        let line =
            #"{"request": {"method": "GET", "url": "https://crew.example.com/status/4f2b0c7e-9a3d-4b8e-a1f6-2c5d7e9b0a13"}, "#
            + #""response": {"status": 200, "headers": {"content-type": "application/json"}, "body": {"status": "running", "#
            + keys + "}}}\n"
        let path = directory.appendingPathComponent("dups.jsonl").path
        try line.write(toFile: path, atomically: true, encoding: .utf8)
        let (outcome, _, _) = try run([path])
        #expect(
            outcome.stdout.contains(
                "2899 more duplicate keys in this body (or after it on its line) were not listed (limit 100) [json]"))
    }
}
