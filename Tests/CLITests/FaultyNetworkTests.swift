import FaultyNetwork
import Foundation
import MockServer
import Testing

/// The faulty-network table: `conform live` against a misbehaving loopback server in front of the reference
/// crew. Every row ends in a clear finding or transport error within the configured timeouts, the report is
/// written and valid, and the token appears nowhere.
@Suite(.serialized) struct FaultyNetworkTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var fault: FaultyServer.Fault
        var path: String
        var arguments: [String] = []
        var status: Int32
        /// Texts the report must hold (after XML escaping of `&`, `<`, `>`, `"`).
        var report: [String]
        /// Wall seconds the whole run may take.
        var bound: Double
        var testDescription: String { name }
    }

    static let token = "faulty-net-7731-distinctive-token"

    /// Fast crew, one execution, short timeouts (not so short that a loaded machine, or a sanitizer build, trips
    /// them on healthy requests): the bounds below follow from these.
    static let base = [
        "--task-seconds", "0.05", "--poll-interval", "0.05", "--read-timeout", "3", "--connect-timeout", "3",
        "--timeout", "6", "--probes", "none",
    ]

    static let rows: [Row] = [
        Row(
            name: "connection reset mid-body", fault: .resetMidBody, path: "/inputs", status: 1,
            report: ["reach the crew", "connection reset by http://127.0.0.1:"], bound: 20),
        Row(
            name: "accepts and never answers", fault: .neverAnswers, path: "/kickoff", status: 1,
            report: [
                #"<testcase name="kickoff" classname="execution 1""#, "timed out: reading from http://127.0.0.1:",
            ],
            bound: 20),
        Row(
            name: "one byte a second", fault: .drip(interval: 1), path: "/inputs", status: 1,
            report: ["reach the crew", "timed out: reading from http://127.0.0.1:"], bound: 20),
        Row(
            name: "truncated chunked body", fault: .truncatedChunked, path: "/status/", status: 1,
            report: [
                #"<testcase name="completion" classname="execution 1""#, #"<error type="timeout""#,
                "did not finish within 6 s", "polls got no answer",
            ],
            bound: 24),
        Row(
            name: "Content-Length that lies", fault: .lyingContentLength, path: "/kickoff", status: 1,
            report: [#"<testcase name="kickoff" classname="execution 1""#, "http://127.0.0.1:"], bound: 20),
        Row(
            name: "huge body", fault: .hugeBody, path: "/inputs", arguments: ["--max-body-bytes", "65536"], status: 1,
            report: ["the body was cut at 65536 bytes", "the body is not well-formed JSON: unterminated string"],
            bound: 30),
        Row(
            name: "redirect loop", fault: .redirectLoop, path: "/inputs", status: 1,
            report: ["reach the crew", "too many redirects from http://127.0.0.1:"], bound: 20),
        Row(
            name: "429 with Retry-After", fault: .throttled(times: 2, retryAfter: 1), path: "/inputs", status: 0,
            report: ["was refused for now (429, 429) and sent again 2 times after waiting 2 s in all"], bound: 24),
        Row(
            name: "503 storm", fault: .unavailable(retryAfter: 1), path: "/status/", status: 1,
            report: ["[server-error]", "(503, 503, 503) and sent again 3 times", "did not finish within 6 s"], bound: 30
        ),
    ]

    @Test(arguments: rows) func row(_ row: Row) async throws {
        let crew = try await ReferenceCrew.start(configuration: CrewConfiguration(token: Self.token, taskSeconds: 0.05))
        let server = try FaultyServer(fault: row.fault, faultyPath: row.path, upstream: crew.url)
        let directory = try Runner.temporaryDirectory()
        let report = directory.appendingPathComponent("live.xml").path
        let cassette = directory.appendingPathComponent("run.jsonl").path
        let started = Date()
        let outcome = try await Runner.runDetached(
            ["live", "--base-url", server.url, "--token-env", "FAULTY_TOKEN", "--junit", report, "--record", cassette]
                + Self.base + row.arguments, environment: ["FAULTY_TOKEN": Self.token])
        let elapsed = Date().timeIntervalSince(started)
        server.stop()
        await crew.stop()
        defer { try? FileManager.default.removeItem(at: directory) }

        #expect(outcome.status == row.status, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(elapsed < row.bound, "took \(elapsed) s")
        #expect(try XMLSchemaCheck.problems(report) == nil)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        for text in row.report {
            #expect(xml.contains(text), "report lacks \(text)\n\(xml)")
        }
        let recording = (try? String(contentsOfFile: cassette, encoding: .utf8)) ?? ""
        for artifact in [outcome.stdout, outcome.stderr, xml, recording] {
            #expect(!artifact.contains(Self.token))
            #expect(!artifact.contains("7731-distinctive"))
        }
        #expect(server.authorizations.allSatisfy { $0 == "Bearer \(Self.token)" })
    }

    @Test func aRedirectToAnotherOriginDoesNotCarryTheToken() async throws {
        let crew = try await ReferenceCrew.start(configuration: CrewConfiguration(token: Self.token, taskSeconds: 0.05))
        let other = try FaultyServer(fault: .neverAnswers, faultyPath: "/never", upstream: crew.url)
        let server = try FaultyServer(fault: .redirect(to: other.url), faultyPath: "/inputs", upstream: crew.url)
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("live.xml").path
        let outcome = try await Runner.runDetached(
            ["live", "--base-url", server.url, "--token-env", "FAULTY_TOKEN", "--junit", report] + Self.base,
            environment: ["FAULTY_TOKEN": Self.token])
        server.stop()
        other.stop()
        await crew.stop()

        // The other origin got GET /inputs without the token, and the crew behind it answered 401.
        #expect(other.requests == ["GET /inputs"])
        #expect(other.authorizations.isEmpty)
        #expect(server.authorizations.contains("Bearer \(Self.token)"))
        #expect(outcome.status == 1, "\(outcome.stdout)\n\(outcome.stderr)")
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.contains("401"))
        #expect(
            !xml.contains(Self.token) && !outcome.stdout.contains(Self.token) && !outcome.stderr.contains(Self.token))
    }
}
