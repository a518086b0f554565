import Foundation
import MockServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Every command, run with one distinctive token (given by environment and by file, sent in recordings, and
/// echoed back in response bodies by a drifted crew): its bytes appear in no output, report or recording.
@Suite(.serialized) struct SecretsSweepTests {
    static let token = "sweep-4417-qx-distinctive-secret"
    /// Parts of the token that must not survive either (a redaction that cut it in two would leave them).
    static let fragments = [token, "4417-qx-distinctive", "distinctive-secret"]
    private let fast = ["--task-seconds", "0.05", "--poll-interval", "0.02"]

    /// What a run left behind: its output streams and every file it wrote.
    struct Artifacts {
        var items: [(name: String, text: String)] = []

        mutating func add(_ name: String, _ outcome: Runner.Outcome) {
            items.append(("\(name) stdout", outcome.stdout))
            items.append(("\(name) stderr", outcome.stderr))
        }

        mutating func add(file path: String) {
            items.append((path, (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""))
        }
    }

    @Test func noCommandLeaksTheToken() async throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let environment = ["SWEEP_TOKEN": Self.token, "CONFORM_MOCK_TOKEN": Self.token]
        try Self.token.write(toFile: path("token.txt"), atomically: true, encoding: .utf8)
        var artifacts = Artifacts()

        // live, bundled crew echoing the token back: text and JSON output, a recording, a report.
        for format in ["text", "json"] {
            let outcome = try Runner.run(
                [
                    "live", "--token-env", "SWEEP_TOKEN", "--drift", "echo-token", "--format", format,
                    "--record", path("live-\(format).jsonl"), "--junit", path("live-\(format).xml"),
                ] + fast,
                environment: environment)
            #expect(outcome.status == 1, "\(outcome.stdout)\n\(outcome.stderr)")
            artifacts.add("live --format \(format)", outcome)
            artifacts.add(file: path("live-\(format).jsonl"))
            artifacts.add(file: path("live-\(format).xml"))
        }
        // The echo did reach the findings, redacted: the sweep is not passing because nothing was quoted.
        let liveReport = try String(contentsOfFile: path("live-text.xml"), encoding: .utf8)
        #expect(liveReport.contains("[REDACTED]"))

        // live against a crew of our own, token from a file, same echo.
        let crew = try await ReferenceCrew.start(
            configuration: CrewConfiguration(token: Self.token, taskSeconds: 0.05, drifts: [.echoToken]))
        let remote = try await Runner.runDetached(
            [
                "live", "--base-url", crew.url, "--token-file", path("token.txt"), "--record", path("remote.jsonl"),
                "--junit", path("remote.xml"), "--poll-interval", "0.02",
            ],
            environment: environment)
        await crew.stop()
        #expect(remote.status == 1, "\(remote.stdout)\n\(remote.stderr)")
        artifacts.add("live --base-url", remote)
        artifacts.add(file: path("remote.jsonl"))
        artifacts.add(file: path("remote.xml"))

        // validate: a recording that holds the token in its Authorization headers and echoed in a body.
        let recording = Self.cassette(token: Self.token)
        try recording.write(toFile: path("leaky.jsonl"), atomically: true, encoding: .utf8)
        for format in ["text", "json"] {
            let outcome = try Runner.run(
                ["validate", path("leaky.jsonl"), "--format", format, "--junit", path("validate-\(format).xml")],
                environment: environment)
            #expect(outcome.status == 1, "\(outcome.stdout)\n\(outcome.stderr)")
            artifacts.add("validate --format \(format)", outcome)
            artifacts.add(file: path("validate-\(format).xml"))
        }
        let validateReport = try String(contentsOfFile: path("validate-text.xml"), encoding: .utf8)
        #expect(validateReport.contains("[REDACTED]"))
        // …and the recordings conform wrote itself.
        let replay = try Runner.run(
            ["validate", path("live-text.jsonl"), "--junit", path("replay.xml")], environment: environment)
        artifacts.add("validate of a live recording", replay)
        artifacts.add(file: path("replay.xml"))

        // lint, gate, merge, with the token in the environment.
        let lint = try Runner.run(["lint", "--show", "--junit", path("lint.xml")], environment: environment)
        #expect(lint.status == 0)
        artifacts.add("lint", lint)
        artifacts.add(file: path("lint.xml"))
        let reports = ["live-text.xml", "live-json.xml", "remote.xml", "validate-text.xml", "replay.xml"].map(path)
        let gate = try Runner.run(
            ["gate"] + reports + ["--summary-markdown", path("summary.md")], environment: environment)
        #expect(gate.status == 1)
        artifacts.add("gate", gate)
        artifacts.add(file: path("summary.md"))
        let gateJSON = try Runner.run(["gate", "--format", "json"] + reports, environment: environment)
        artifacts.add("gate --format json", gateJSON)
        let merge = try Runner.run(["merge"] + reports + ["--output", path("merged.xml")], environment: environment)
        #expect(merge.status == 0, "\(merge.stderr)")
        artifacts.add("merge", merge)
        artifacts.add(file: path("merged.xml"))

        // mock, with the token from its environment variable: it must not print it.
        artifacts.add("mock", try Self.mock(environment: environment))

        #expect(artifacts.items.count >= 30)
        for (name, text) in artifacts.items {
            for fragment in Self.fragments {
                #expect(!text.contains(fragment), "\(name) holds \(fragment)")
            }
        }
    }

    /// A JSON Lines cassette: the token in each Authorization header, echoed in a status body where a number
    /// belongs (so the finding quotes it) and in an Error message.
    static func cassette(token: String) -> String {
        let id = "4f2b0c7e-9a3d-4b8e-a1f6-2c5d7e9b0a13"
        let headers = #"{"Authorization": "Bearer \#(token)"}"#
        return [
            #"{"request": {"method": "GET", "url": "https://crew.example.com/inputs", "headers": \#(headers)}, "response": {"status": 200, "headers": {"content-type": "application/json"}, "body": {"inputs": ["topic"]}}}"#,
            #"{"request": {"method": "GET", "url": "https://crew.example.com/status/\#(id)", "headers": \#(headers)}, "response": {"status": 200, "headers": {"content-type": "application/json"}, "body": {"status": "completed", "result": {"output": "done", "tasks": []}, "execution_time": "Bearer \#(token)"}}}"#,
            #"{"request": {"method": "GET", "url": "https://crew.example.com/inputs", "headers": \#(headers)}, "response": {"status": 401, "headers": {"content-type": "application/json"}, "body": {"error": 401, "message": "bad token \#(token)"}}}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// Runs `conform mock` until it listens, then stops it with SIGTERM.
    static func mock(environment: [String: String]) throws -> Runner.Outcome {
        let scratch = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out")
        let err = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Runner.binary)
        process.arguments = ["mock", "--port", "0", "--drift", "echo-token"]
        process.currentDirectoryURL = Runner.repository
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !((try? String(contentsOf: out, encoding: .utf8)) ?? "").contains("listening") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        #expect(stdout.contains("listening on http://"))
        return Runner.Outcome(
            status: process.terminationStatus, stdout: stdout,
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
