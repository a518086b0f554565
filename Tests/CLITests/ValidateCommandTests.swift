import Foundation
import Testing

@Suite struct ValidateCommandTests {
    private let statusArguments = ["--operation", "getExecutionStatus", "--status", "200"]

    @Test func acceptsTheDocumentedStatusExamples() throws {
        let files = ["status-running.json", "status-completed.json", "status-error.json"].map(Runner.fixture)
        let outcome = try Runner.run(["validate"] + files + statusArguments)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasSuffix("3 exchanges, 0 failed, 0 findings\n"))
        #expect(outcome.stdout.contains("GET /status/{kickoff_id}  200     3          3       0"))
    }

    @Test func rejectsThePlatformShapeWithAReadableMessage() throws {
        let file = Runner.fixture("status-platform-shape.json")
        let outcome = try Runner.run(["validate", file, "--operation", "GET /status/{kickoff_id}", "--status", "200"])
        #expect(outcome.status == 1)
        let first = try #require(outcome.stdout.split(separator: "\n").first.map(String.init))
        #expect(
            first.hasPrefix(
                "\(file):1:1: error: matches 2 of the 3 oneOf alternatives (ExecutionRunning and ExecutionError) but must match exactly one: \"status\", which tells them apart, is missing;"
            ))
        #expect(first.hasSuffix("[schema.oneOf]"))
        #expect(first.contains("(spec specs/crewai-amp.yaml:"))
    }

    @Test func writesJSONLinesThatProgramsRead() throws {
        let file = Runner.fixture("status-platform-shape.json")
        let outcome = try Runner.run(["validate", file, "--format", "json"] + statusArguments)
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let finding = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(finding["check"] as? String == "schema.oneOf")
        #expect(finding["source"] as? String == file)
        #expect(finding["operation"] as? String == "GET /status/{kickoff_id}")
        #expect(finding["status"] as? Int == 200)
        #expect(finding["instance"] as? String == "")
        #expect((finding["spec"] as? String)?.hasPrefix("specs/crewai-amp.yaml:") == true)
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: [String: Any]])
        #expect(summary["summary"]?["exchanges"] as? Int == 1)
        #expect(summary["summary"]?["failed"] as? Int == 1)
    }

    @Test func malformedAndMissingBodies() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("broken.json").path
        try "{\"status\": \"running\",".write(toFile: broken, atomically: true, encoding: .utf8)
        let outcome = try Runner.run(["validate", broken] + statusArguments)
        #expect(outcome.status == 1)
        #expect(
            outcome.stdout.hasPrefix("\(broken):1:22: error: the body is not well-formed JSON: unexpected end of input")
        )
        let missing = try Runner.run(
            ["validate", directory.appendingPathComponent("nope.json").path] + statusArguments)
        #expect(missing.status == 66)
    }

    @Test func usageErrorsExit64() throws {
        let file = Runner.fixture("status-running.json")
        #expect(try Runner.run(["validate", file, "--operation", "getExecutionStatus"]).status == 64)
        #expect(try Runner.run(["validate"]).status == 64)
        let bare = try Runner.run(["validate", file])
        #expect(bare.status == 65)
        #expect(bare.stderr.contains("cannot tell what this file holds"))
        let unknown = try Runner.run(["validate", file, "--operation", "nope", "--status", "200"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no operation \"nope\""))
    }
}
