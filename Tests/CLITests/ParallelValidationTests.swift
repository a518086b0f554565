import Foundation
import Testing

/// `validate` decodes and checks on every core; what it reports must not depend on how many.
@Suite struct ParallelValidationTests {
    /// A cassette of about 9 MB (three batches of work), mixing every fixture line: passing
    /// exchanges, schema violations, the platform's shape, a broken line, an entry without status.
    private func writeCassette(in directory: URL) throws -> String {
        var lines: [String] = []
        for name in ["examples.jsonl", "platform-shape.jsonl", "broken-middle.jsonl"] {
            let text = try String(contentsOfFile: Runner.fixture("recordings/" + name), encoding: .utf8)
            lines += text.split(separator: "\n").map(String.init)
        }
        var state: UInt64 = 42
        var out = ""
        for _ in 0..<21_600 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            out += lines[Int((state >> 33) % UInt64(lines.count))] + "\n"
        }
        let path = directory.appendingPathComponent("mixed.jsonl").path
        try out.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The report without its timings.
    private func untimed(_ path: String) throws -> String {
        let xml = try String(contentsOfFile: path, encoding: .utf8)
        return xml.replacingOccurrences(of: #" (time|timestamp)="[^"]*""#, with: "", options: .regularExpression)
    }

    @Test func findingsAndReportAreTheSameOnOneThreadAndOnMany() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cassette = try writeCassette(in: directory)
        var outputs: [String] = []
        var reports: [String] = []
        for jobs in ["1", "3", "8"] {
            let report = directory.appendingPathComponent("jobs-\(jobs).xml").path
            let outcome = try Runner.run(
                ["validate", cassette, "--format", "json", "--jobs", jobs, "--junit", report])
            #expect(outcome.status == 1)
            outputs.append(outcome.stdout)
            reports.append(try untimed(report))
        }
        #expect(outputs[1] == outputs[0])
        #expect(outputs[2] == outputs[0])
        #expect(reports[1] == reports[0])
        #expect(reports[2] == reports[0])
        // And in file order: the findings' lines never go back.
        let lines = outputs[0].split(separator: "\n").dropLast()
        #expect(lines.count > 1000)
        let numbers = try lines.map { line -> Int in
            let finding = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let source = try #require(finding["source"] as? String)
            return try #require(Int(source.split(separator: ":").last ?? ""))
        }
        #expect(numbers == numbers.sorted())
        #expect(numbers.last ?? 0 > 3000)
    }

    @Test func refusesAJobCountOutOfRange() throws {
        let outcome = try Runner.run(["validate", Runner.fixture("recordings/examples.jsonl"), "--jobs", "0"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--jobs must be from 1 to 1024, not 0"))
    }
}
