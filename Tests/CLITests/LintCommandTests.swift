import Foundation
import Testing

@Suite struct LintCommandTests {
    @Test func writesAJUnitReportValidAgainstBothSchemas() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("lint.xml").path
        let outcome = try Runner.run(["lint", Runner.fixture("problems.yaml"), "--junit", report])
        #expect(outcome.status == 1)
        #expect(try XMLSchemaCheck.problems(report) == nil)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.contains(#"<testsuite name="lint Problems""#))
        #expect(xml.contains(#"name="spec" classname=""#))
        #expect(xml.contains(#"<failure type="spec""#))
        #expect(xml.contains(#"name="example" classname=""#))
    }

    @Test func lintsTheBundledSpecCleanly() throws {
        let outcome = try Runner.run(["lint", "--show"])
        #expect(outcome.status == 0)
        #expect(outcome.stderr == "")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "CrewAI AMP API (conform rendition) (OpenAPI 3.0.3, 4 operations)")
        #expect(lines.contains { $0.hasPrefix("GET     /inputs               getRequiredInputs") })
        #expect(lines.contains { $0.hasPrefix("POST    /kickoff              startCrewExecution") })
        #expect(
            lines.contains {
                $0.hasPrefix("GET     /status/{kickoff_id}  getExecutionStatus")
                    && $0.hasSuffix(
                        "200: ExecutionRunning | ExecutionCompleted | ExecutionError; 401: Error; 404: Error; 500: Error"
                    )
            })
        #expect(lines.contains { $0.hasPrefix("POST    /resume               resumeCrewExecution") })
        #expect(lines.last == "specs/crewai-amp.yaml: 0 errors, 0 warnings")
    }

    @Test func findsTheBundledSpecFromAnotherDirectory() throws {
        let elsewhere = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let outcome = try Runner.run(["lint"], in: elsewhere)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasSuffix("crewai-amp.yaml: 0 errors, 0 warnings\n"))
    }

    @Test func exitsOneWithEveryProblemListed() throws {
        let path = Runner.fixture("problems.yaml")
        let outcome = try Runner.run(["lint", path])
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0] == "\(path):5:5: error: operation GET /broken has no responses [spec]")
        #expect(
            lines[1]
                == "\(path):14:30: error: unknown type \"text\" (expected one of array, boolean, integer, number, object, string) [spec]"
        )
        #expect(
            lines[2] == "\(path):21:32: warning: required property \"missing\" is not defined in \"properties\" [spec]")
        #expect(lines[3] == "\(path): 2 errors, 1 warning")
    }

    @Test func writesJSONLines() throws {
        let path = Runner.fixture("problems.yaml")
        let outcome = try Runner.run(["lint", path, "--format", "json"])
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["check"] as? String == "spec")
        #expect(first?["severity"] as? String == "error")
        #expect(first?["spec"] as? String == "\(path):5:5")
        let summary = try JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: [String: Any]]
        #expect(summary?["summary"]?["findings"] as? Int == 3)
        #expect((summary?["summary"]?["by_check"] as? [String: Int])?["spec"] == 3)
    }

    @Test(arguments: [
        ("billion-laughs.yaml", ":6:38: error: aliases expand to more than 1000000 nodes"),
        ("deep.json", ":1:513: error: collections nest deeper than 512 levels"),
        ("swagger.yaml", ":1:1: error: Swagger 2.0 documents are not supported: convert it to OpenAPI 3"),
    ])
    func refusesHostileAndUnsupportedDocuments(name: String, message: String) throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(name).path
        try HostileDocuments.text(for: name).write(toFile: path, atomically: true, encoding: .utf8)
        let started = Date()
        let outcome = try Runner.run(["lint", path])
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(outcome.status == 65)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.hasPrefix(path + message))
        #expect(outcome.stderr.split(separator: "\n").count == 1)
    }

    @Test func missingSpecExits66() throws {
        let outcome = try Runner.run(["lint", "/nonexistent/conform-spec.yaml"])
        #expect(outcome.status == 66)
        #expect(outcome.stderr == "/nonexistent/conform-spec.yaml: error: no such file\n")
    }

    @Test(.enabled(if: Runner.shared != nil, "../shared is absent: skipping the seed and upstream documents"))
    func loadsTheSeedAndTheUpstreamDocument() throws {
        let shared = Runner.shared ?? ""
        let seed = try Runner.run(["lint", shared + "/seeds/000_e247d4f74752de3c.txt", "--show"])
        #expect([0, 1].contains(seed.status))
        #expect(seed.stdout.contains("GET     /status/{kickoff_id}"))
        #expect(seed.stdout.contains("ExecutionRunning | ExecutionCompleted | ExecutionError"))
        let upstream = try Runner.run(["lint", shared + "/reference/upstream-specs/enterprise-api.en.yaml"])
        #expect([0, 1].contains(upstream.status))
    }
}

enum HostileDocuments {
    static func text(for name: String) -> String {
        switch name {
        case "billion-laughs.yaml":
            var lines = ["a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
            for level in 1..<10 {
                lines.append(
                    "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ",")
                        + "]")
            }
            return lines.joined(separator: "\n") + "\n"
        case "deep.json":
            return String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        default:
            return "swagger: \"2.0\"\ninfo: {title: old, version: \"1\"}\npaths: {}\n"
        }
    }
}
