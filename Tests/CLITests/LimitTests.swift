import Foundation
import Testing

/// Each limit a user can set, at its boundary: an input of exactly the limit is read, one byte (or one item)
/// more is refused or counted, with a one-line error and the documented exit code.
@Suite struct LimitTests {
    private static func size(_ path: String) throws -> Int {
        try Data(contentsOf: URL(fileURLWithPath: path)).count
    }

    private static let spec = Runner.repository.appendingPathComponent("specs/crewai-amp.yaml").path

    @Test func specSize() throws {
        let size = try Self.size(Self.spec)
        #expect(try Runner.run(["lint", Self.spec, "--max-spec-bytes", String(size)]).status == 0)
        let refused = try Runner.run(["lint", Self.spec, "--max-spec-bytes", String(size - 1)])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains(":1:1: error: "), "\(refused.stderr)")
        #expect(refused.stderr.contains("more than the limit of \(size - 1) bytes"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let validate = try Runner.run(
            [
                "validate", Runner.fixture("recordings/examples.jsonl"), "--spec", Self.spec, "--max-spec-bytes",
                String(size - 1),
            ])
        #expect(validate.status == 65)
    }

    @Test func recordingLineLength() throws {
        let cassette = Runner.fixture("recordings/examples.jsonl")
        let longest =
            try String(contentsOfFile: cassette, encoding: .utf8).split(separator: "\n").map(\.utf8.count).max() ?? 0
        let fits = try Runner.run(["validate", cassette, "--max-line-bytes", String(longest)])
        #expect(fits.status == 0, "\(fits.stdout)")
        let cut = try Runner.run(["validate", cassette, "--max-line-bytes", String(longest - 1)])
        #expect(cut.status == 1)
        #expect(
            cut.stdout.contains("entry is \(longest) bytes long, more than the limit of \(longest - 1) bytes; skipped"),
            "\(cut.stdout)")
    }

    @Test func bareBodySize() throws {
        let body = Runner.fixture("status-completed.json")
        let size = try Self.size(body)
        let arguments = ["validate", body, "--operation", "getExecutionStatus", "--status", "200"]
        #expect(try Runner.run(arguments + ["--max-body-bytes", String(size)]).status == 0)
        let refused = try Runner.run(arguments + ["--max-body-bytes", String(size - 1)])
        #expect(refused.status == 65, "\(refused.stdout)\n\(refused.stderr)")
        #expect(
            refused.stderr == "\(body):1:1: error: file is \(size) bytes, more than the limit of \(size - 1) bytes\n")
    }

    @Test func harFileSize() throws {
        let har = Runner.fixture("recordings/chrome.har")
        let size = try Self.size(har)
        #expect(try Runner.run(["validate", har, "--max-file-bytes", String(size)]).status != 65)
        let refused = try Runner.run(["validate", har, "--max-file-bytes", String(size - 1)])
        #expect(refused.status == 65, "\(refused.stdout)\n\(refused.stderr)")
        #expect(
            refused.stderr == "\(har):1:1: error: file is \(size) bytes, more than the limit of \(size - 1) bytes\n")
    }

    /// Four exchanges whose `execution_time` is a string: four findings in one JUnit case.
    private func fourFailures(in directory: URL) throws -> String {
        let id = "4f2b0c7e-9a3d-4b8e-a1f6-2c5d7e9b0a13"
        let line =
            #"{"request": {"method": "GET", "url": "https://crew.example.com/status/\#(id)"}, "response": {"status": 200, "headers": {"content-type": "application/json"}, "body": {"status": "completed", "result": {"output": "done", "tasks": []}, "execution_time": "slow"}}}"#
        let path = directory.appendingPathComponent("four.jsonl").path
        try String(repeating: line + "\n", count: 4).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func findingsListedPerCase() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cassette = try fourFailures(in: directory)
        let report = directory.appendingPathComponent("r.xml").path
        #expect(try Runner.run(["validate", cassette, "--junit", report, "--max-findings-per-case", "4"]).status == 1)
        let all = try String(contentsOfFile: report, encoding: .utf8)
        #expect(!all.contains("more ("))
        #expect(all.components(separatedBy: "expected number, got string").count - 1 >= 4)
        #expect(try Runner.run(["validate", cassette, "--junit", report, "--max-findings-per-case", "3"]).status == 1)
        let cut = try String(contentsOfFile: report, encoding: .utf8)
        #expect(cut.contains("… and 1 more (4 in all)"), "\(cut)")
        #expect(try XMLSchemaCheck.problems(report) == nil)
    }

    @Test func violationsKeptPerBody() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Three tasks, each with a string execution_time: three violations in one body.
        let task = #"{"task_id": "t", "output": "o", "agent": "a", "execution_time": "slow"}"#
        let body =
            #"{"status": "completed", "result": {"output": "done", "tasks": [\#(task), \#(task), \#(task)]}, "execution_time": 1.5}"#
        let path = directory.appendingPathComponent("body.json").path
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        let arguments = ["validate", path, "--operation", "getExecutionStatus", "--status", "200"]
        let all = try Runner.run(arguments + ["--max-violations-per-body", "3"])
        #expect(all.status == 1)
        #expect(!all.stdout.contains("were not kept"), "\(all.stdout)")
        let cut = try Runner.run(arguments + ["--max-violations-per-body", "2"])
        #expect(cut.status == 1)
        #expect(cut.stdout.contains("1 more violations in this body were not kept (limit 2)"), "\(cut.stdout)")
    }

    @Test func gateReportSize() throws {
        let report = Runner.fixture("junit/pytest.xml")
        let size = try Self.size(report)
        #expect(try Runner.run(["gate", report, "--max-report-bytes", String(size)]).status != 65)
        let refused = try Runner.run(["gate", report, "--max-report-bytes", String(size - 1)])
        #expect(refused.status == 65)
        #expect(
            refused.stdout.contains("more than the limit of \(size - 1) bytes")
                || refused.stderr.contains("more than the limit of \(size - 1) bytes"))
    }

    @Test func limitsMustBePositive() throws {
        for option in [
            "--max-spec-bytes", "--max-line-bytes", "--max-body-bytes", "--max-file-bytes", "--max-findings-per-case",
            "--max-violations-per-body",
        ] {
            let outcome = try Runner.run(["validate", Runner.fixture("recordings/examples.jsonl"), option, "0"])
            #expect(outcome.status == 64, "\(option)")
            #expect(outcome.stderr.contains(option), "\(option): \(outcome.stderr)")
        }
        #expect(try Runner.run(["live", "--max-body-bytes", "0"]).status == 64)
        #expect(try Runner.run(["live", "--retries", "-1"]).status == 64)
    }
}
