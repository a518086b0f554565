import Foundation
import MockServer
import Testing

@Suite(.serialized) struct LiveCommandTests {
    private let fast = ["--task-seconds", "0.05", "--poll-interval", "0.02"]

    @Test func runsAgainstTheBundledReferenceCrew() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("live.xml").path
        let outcome = try Runner.run(["live", "--junit", report] + fast)
        #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("conform: testing the bundled reference crew at http://127.0.0.1:"))
        #expect(outcome.stdout.contains("GET /status/{kickoff_id}"))
        #expect(try XMLSchemaCheck.problems(report) == nil)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        for name in [
            #"<testcase name="completion" classname="execution 1""#,
            #"<testcase name="status order" classname="execution 1""#,
            #"<testcase name="no token → 401" classname="probes""#,
            #"<testcase name="200 schema.oneOf" classname="GET /status/{kickoff_id}""#,
        ] {
            #expect(xml.contains(name), "\(name)")
        }
        #expect(!xml.contains("<failure"))
    }

    @Test func aDriftedCrewFailsAndTheRecordingReValidatesToTheSameVerdict() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cassette = directory.appendingPathComponent("run.jsonl").path
        let live = try Runner.run(
            [
                "live", "--drift", "wrong-type", "--record", cassette, "--junit",
                directory.appendingPathComponent("l.xml").path,
            ] + fast)
        #expect(live.status == 1)
        #expect(live.stdout.contains("as ExecutionCompleted: /execution_time: expected number, got string"))
        let offline = try Runner.run(["validate", cassette, "--junit", directory.appendingPathComponent("v.xml").path])
        #expect(offline.status == 1)
        let liveFailures = live.stdout.split(separator: "\n").filter { $0.contains("[schema.type]") }.count
        let offlineFailures = offline.stdout.split(separator: "\n").filter { $0.contains("[schema.type]") }.count
        #expect(liveFailures > 0 && liveFailures == offlineFailures)
        let clean = directory.appendingPathComponent("clean.jsonl").path
        #expect(
            try Runner.run(
                ["live", "--record", clean, "--junit", directory.appendingPathComponent("c.xml").path] + fast
            ).status == 0)
        #expect(
            try Runner.run(["validate", clean, "--junit", directory.appendingPathComponent("cv.xml").path]).status == 0)
    }

    @Test func aRunEndedByItsTimeoutReportsWhatFinishedAndWhyItStopped() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("live.xml").path
        let started = Date()
        let outcome = try Runner.run([
            "live", "--task-seconds", "5", "--timeout", "1", "--probes", "none", "--junit", report,
        ])
        #expect(outcome.status == 1)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(try XMLSchemaCheck.problems(report) == nil)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.contains(#"<testcase name="200 schema.oneOf" classname="GET /status/{kickoff_id}""#))
        #expect(xml.contains(#"<error type="timeout" message="execution 1 ("#), "\(xml)")
        #expect(xml.contains("did not finish within 1 s (last status: running)"))
    }

    @Test func theTokenNeverAppearsInAnyArtifact() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = "zebra-quartz-9431-distinctive-token"
        let cassette = directory.appendingPathComponent("run.jsonl").path
        let report = directory.appendingPathComponent("live.xml").path
        for format in ["text", "json"] {
            let outcome = try Runner.run(
                [
                    "live", "--token-env", "CONFORM_TEST_TOKEN", "--record", cassette, "--junit", report, "--format",
                    format,
                    "--drift", "extra-field",
                ] + fast,
                environment: ["CONFORM_TEST_TOKEN": token])
            #expect(outcome.status == 0)
            for artifact in [
                outcome.stdout, outcome.stderr, try String(contentsOfFile: report, encoding: .utf8),
                try String(contentsOfFile: cassette, encoding: .utf8),
            ] {
                #expect(!artifact.contains(token))
                #expect(!artifact.contains("9431-distinctive"))
            }
            #expect(try String(contentsOfFile: cassette, encoding: .utf8).contains("Bearer [REDACTED]"))
        }
    }

    @Test func inputsAndResumeFilesAreSent() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = directory.appendingPathComponent("inputs.yaml").path
        try "topic: Solid-state batteries\naudience: Product managers\n".write(
            toFile: inputs, atomically: true, encoding: .utf8)
        let resume = directory.appendingPathComponent("resume.json").path
        try #"{"task_id": "research_task", "human_feedback": "Looks good", "is_approve": true}"#
            .write(toFile: resume, atomically: true, encoding: .utf8)
        let cassette = directory.appendingPathComponent("run.jsonl").path
        let outcome = try Runner.run(
            [
                "live", "--inputs", inputs, "--resume", resume, "--record", cassette, "--junit",
                directory.appendingPathComponent("r.xml").path,
            ] + fast)
        #expect(outcome.status == 0, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("POST /resume              200"))
        let recorded = try String(contentsOfFile: cassette, encoding: .utf8)
        #expect(recorded.contains(#"/kickoff""#))
        #expect(
            recorded.contains(#"{"status":"resumed","message":"Execution resumed"}"#)
                || recorded.contains(#""status":"resumed""#))
        let badInputs = directory.appendingPathComponent("bad.yaml").path
        try "- not\n- an object\n".write(toFile: badInputs, atomically: true, encoding: .utf8)
        let bad = try Runner.run(["live", "--inputs", badInputs] + fast)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("--inputs must hold an object"))
    }

    @Test func anUnreachableCrewExits69Quickly() throws {
        let started = Date()
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try Runner.run([
            "live", "--base-url", "http://127.0.0.1:1", "--junit", directory.appendingPathComponent("r.xml").path,
        ])
        #expect(outcome.status == 69)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(outcome.stdout.contains("connection refused") || outcome.stdout.contains("[transport]"))
    }

    @Test func optionsAreChecked() throws {
        #expect(try Runner.run(["live", "--token-env", "A", "--token-file", "B"]).status == 64)
        #expect(try Runner.run(["live", "--drift", "nonsense"]).status == 64)
        #expect(try Runner.run(["live", "--base-url", "ftp://x"]).status == 64)
        let missing = try Runner.run(["live", "--token-env", "CONFORM_SURELY_UNSET_VARIABLE"])
        #expect(missing.status == 64)
        let drifts = try Runner.run(["mock", "--list-drifts"])
        #expect(drifts.status == 0)
        #expect(drifts.stdout.contains("| `platform-shape` |"))
        #expect(drifts.stdout.split(separator: "\n").count == Drift.allCases.count + 2)
        #expect(drifts.stdout.contains("| `echo-token` |"))
    }
}
