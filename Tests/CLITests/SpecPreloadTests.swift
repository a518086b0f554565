import Foundation
import Testing

/// `validate` loads its spec on a second thread while its arguments are parsed; a spec limit on the
/// command line turns that off (the spec is then loaded after parsing, as before). Both ways must give
/// the same run: the same output, report, errors and exit status.
@Suite struct SpecPreloadTests {
    private func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("conform-preload-\(UUID().uuidString)-\(name)")
            .path
    }

    /// The run with the preload, and the same run without it (`--max-spec-bytes` at its default value).
    private func bothWays(_ arguments: [String]) throws -> (Runner.Outcome, String, Runner.Outcome, String) {
        let first = temporary("a.xml")
        let second = temporary("b.xml")
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let preloaded = try Runner.run(arguments + ["--junit", first])
        let after = try Runner.run(arguments + ["--max-spec-bytes", String(64 << 20), "--junit", second])
        let report = { (path: String) in
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
                .replacing(/(time|timestamp)="[^"]*"/, with: "")
        }
        return (preloaded, report(first), after, report(second))
    }

    @Test(arguments: ["specs/crewai-amp.yaml", "--spec=specs/crewai-amp.yaml", nil])
    func aSpecLoadedWhileTheArgumentsAreParsedGivesTheSameRun(spec: String?) throws {
        let recording = Runner.fixture("recordings/examples.jsonl")
        var arguments = ["validate", recording, "--format", "json"]
        if let spec { arguments += spec.hasPrefix("--") ? [spec] : ["--spec", spec] }
        let (preloaded, preloadedReport, after, afterReport) = try bothWays(arguments)
        #expect(preloaded.status == after.status)
        #expect(preloaded.stdout == after.stdout)
        #expect(preloaded.stderr == after.stderr)
        #expect(!preloadedReport.isEmpty && preloadedReport == afterReport)
    }

    @Test func aSpecThatCannotBeLoadedIsReportedTheSameWay() throws {
        let recording = Runner.fixture("recordings/examples.jsonl")
        let missing = temporary("missing.yaml")
        let (preloaded, _, after, _) = try bothWays(["validate", recording, "--spec", missing])
        #expect(preloaded.status == 66)
        #expect(preloaded.status == after.status)
        #expect(preloaded.stderr == after.stderr && preloaded.stderr.contains(missing))

        let unresolved = temporary("unresolved.yaml")
        defer { try? FileManager.default.removeItem(atPath: unresolved) }
        try """
        openapi: 3.0.3
        info: {title: unresolved, version: "1"}
        paths:
          /things:
            get:
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Nowhere"}
        """.write(toFile: unresolved, atomically: true, encoding: .utf8)
        let (refused, _, refusedAfter, _) = try bothWays(["validate", recording, "--spec", unresolved])
        #expect(refused.status == 65)
        #expect(refused.status == refusedAfter.status)
        #expect(refused.stderr == refusedAfter.stderr && refused.stderr.contains("unresolved reference"))
    }
}
