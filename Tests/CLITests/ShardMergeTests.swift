import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A JUnit report as an independent parser (Foundation's, not ours) reads it.
struct ParsedReport: Equatable {
    struct Suite: Equatable {
        var name: String
        var tests: Int
        var failures: Int
        var errors: Int
        var skipped: Int
        var properties: [String: String]
        /// `classname` NUL `name` → `passed`, `skipped`, `failure <type>` or `error <type>`, in document order.
        var cases: [String]
        var outcomes: [String: String]
    }

    var suites: [Suite]

    init(path: String) throws {
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
        suites = try document.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }.map { suite in
            func attribute(_ element: XMLElement, _ name: String) -> String {
                element.attribute(forName: name)?.stringValue ?? ""
            }
            var properties: [String: String] = [:]
            for property in try suite.nodes(forXPath: "properties/property").compactMap({ $0 as? XMLElement }) {
                properties[attribute(property, "name")] = attribute(property, "value")
            }
            var cases: [String] = []
            var outcomes: [String: String] = [:]
            for testCase in suite.elements(forName: "testcase") {
                let key = attribute(testCase, "classname") + "\u{0}" + attribute(testCase, "name")
                cases.append(key)
                if let failure = testCase.elements(forName: "failure").first {
                    outcomes[key] = "failure " + attribute(failure, "type")
                } else if let error = testCase.elements(forName: "error").first {
                    outcomes[key] = "error " + attribute(error, "type")
                } else if !testCase.elements(forName: "skipped").isEmpty {
                    outcomes[key] = "skipped"
                } else {
                    outcomes[key] = "passed"
                }
            }
            return Suite(
                name: attribute(suite, "name"), tests: Int(attribute(suite, "tests")) ?? -1,
                failures: Int(attribute(suite, "failures")) ?? -1, errors: Int(attribute(suite, "errors")) ?? -1,
                skipped: Int(attribute(suite, "skipped")) ?? -1, properties: properties, cases: cases,
                outcomes: outcomes)
        }
    }
}

@Suite struct ShardMergeTests {
    /// The CLI fixture recordings (HAR, JSON Lines with broken entries, VCR), copied to a fresh directory.
    private func corpus(in directory: URL, named name: String = "recordings") throws -> URL {
        let target = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Runner.fixture("recordings")), to: target)
        return target
    }

    private func validate(
        _ inputs: [String], shard: String?, report: String, in directory: URL
    ) throws -> Runner.Outcome {
        var arguments = ["validate"] + inputs + ["--junit", report, "--format", "json"]
        if let shard { arguments += ["--shard", shard] }
        let outcome = try Runner.run(arguments, in: directory)
        #expect(outcome.status == 0 || outcome.status == 1, "\(outcome.stderr)")
        return outcome
    }

    @Test func mergedShardsEqualTheUnshardedRunInEveryCount() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try corpus(in: directory)
        let whole = try validate(["recordings"], shard: nil, report: "all.xml", in: directory)
        var shardExchanges: [Int] = []
        for index in 1...3 {
            let outcome = try validate(["recordings"], shard: "\(index)/3", report: "shard-\(index).xml", in: directory)
            let summary = try JSONSerialization.jsonObject(
                with: Data((outcome.stdout.split(separator: "\n").last ?? "").utf8))
            shardExchanges.append(((summary as? [String: [String: Any]])?["summary"]?["exchanges"] as? Int) ?? -1)
        }
        #expect(shardExchanges.allSatisfy { $0 > 0 }, "every shard gets a share: \(shardExchanges)")
        let merge = try Runner.run(
            ["merge", "shard-1.xml", "shard-2.xml", "shard-3.xml", "--output", "merged.xml"], in: directory)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stderr.isEmpty)

        let all = try ParsedReport(path: directory.appendingPathComponent("all.xml").path)
        let merged = try ParsedReport(path: directory.appendingPathComponent("merged.xml").path)
        let wholeSuite = try #require(all.suites.first)
        let mergedSuite = try #require(merged.suites.first)
        #expect(merged.suites.count == 1)
        #expect(wholeSuite.failures > 0 && wholeSuite.cases.count > 20, "the corpus has failures to merge")
        #expect(mergedSuite.name == wholeSuite.name)
        #expect(mergedSuite.tests == wholeSuite.tests)
        #expect(mergedSuite.failures == wholeSuite.failures)
        #expect(mergedSuite.errors == wholeSuite.errors)
        #expect(mergedSuite.skipped == wholeSuite.skipped)
        #expect(mergedSuite.cases == wholeSuite.cases, "same cases in the same order")
        #expect(mergedSuite.outcomes == wholeSuite.outcomes)
        for property in ["exchanges", "failed", "findings", "spec", "inputs", "strict"] {
            #expect(mergedSuite.properties[property] == wholeSuite.properties[property], "\(property)")
        }
        #expect(shardExchanges.reduce(0, +) == Int(wholeSuite.properties["exchanges"] ?? ""))
        #expect(mergedSuite.properties["shards"] == "1/3 2/3 3/3")
        #expect(
            merge.stdout == "merged 3 reports into merged.xml: 1 suite, \(wholeSuite.tests) cases, "
                + "\(wholeSuite.failures) failures, 0 errors, 0 skipped\n")
        #expect(try XMLSchemaCheck.problems(directory.appendingPathComponent("merged.xml").path) == nil)
        let wholeFindings = whole.stdout.split(separator: "\n").count - 1
        #expect(Int(mergedSuite.properties["findings"] ?? "") == wholeFindings)

        // The merged report passes or fails the gate exactly as the unsharded one does.
        let gateWhole = try Runner.run(["gate", "all.xml"], in: directory)
        let gateMerged = try Runner.run(["gate", "merged.xml"], in: directory)
        #expect(gateWhole.status == 1 && gateMerged.status == 1)
        #expect(
            gateWhole.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
                == gateMerged.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL") })
    }

    @Test func aShardIsTheSameWhateverTheFileOrderAndDirectory() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try corpus(in: directory)
        _ = try corpus(in: directory, named: "copied/elsewhere")
        let names = try FileManager.default.contentsOfDirectory(atPath: first.path).sorted()
        #expect(names.count >= 4)
        _ = try validate(["recordings"], shard: "2/3", report: "a.xml", in: directory)
        _ = try validate(
            names.reversed().map { "copied/elsewhere/" + $0 }, shard: "2/3", report: "b.xml", in: directory)
        let a = try #require(try ParsedReport(path: directory.appendingPathComponent("a.xml").path).suites.first)
        let b = try #require(try ParsedReport(path: directory.appendingPathComponent("b.xml").path).suites.first)
        for property in ["exchanges", "failed", "findings", "shard"] {
            #expect(a.properties[property] == b.properties[property], "\(property)")
        }
        #expect(a.properties["shard"] == "2/3")
        // Case names of broken entries name their file, so compare the outcomes of the operations' cases.
        let operations = { (suite: ParsedReport.Suite) in suite.outcomes.filter { !$0.key.hasPrefix("(recordings)") } }
        #expect(operations(a) == operations(b))
    }

    @Test func badShardsAreUsageErrors() throws {
        let recordings = Runner.fixture("recordings/examples.jsonl")
        for shard in ["0/3", "4/3", "3", "a/b", "1/0", "1/3/5", " 1/3", "-1/3", "1/"] {
            let outcome = try Runner.run(["validate", recordings, "--shard=\(shard)"])
            #expect(outcome.status == 64, "\(shard)")
            #expect(
                outcome.stderr.hasPrefix(
                    "Error: --shard must be K/N with 1 ≤ K ≤ N (for example 2/8), not \"\(shard)\""),
                "\(outcome.stderr)")
        }
    }

    @Test func mergeRefusesMissingRepeatedAndUnreadableShards() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let recordings = Runner.fixture("recordings/examples.jsonl")
        for index in 1...2 {
            _ = try validate([recordings], shard: "\(index)/2", report: "s\(index).xml", in: directory)
        }
        let missing = try Runner.run(["merge", "s1.xml", "--output", "m.xml"], in: directory)
        #expect(missing.status == 66)
        #expect(
            missing.stderr
                == "error: suite \"validate CrewAI AMP API (conform rendition)\": shard 2/2 is missing (given: 1/2); "
                + "merge every shard's report, or the counts would not be the whole run's\n")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.xml").path))
        let twice = try Runner.run(["merge", "s1.xml", "s2.xml", "s2.xml", "--output", "m.xml"], in: directory)
        #expect(twice.status == 65)
        #expect(twice.stderr.contains("shard 2/2 is given twice (s2.xml, s2.xml)"))
        let hostile = try Runner.run(
            ["merge", "s1.xml", Runner.fixture("junit/xxe.xml"), "--output", "m.xml"], in: directory)
        #expect(hostile.status == 65)
        #expect(hostile.stderr.contains("xxe.xml:2:1: error: a DOCTYPE declaration is refused"))
        let absent = try Runner.run(["merge", "s1.xml", "s3.xml", "--output", "m.xml"], in: directory)
        #expect(absent.status == 66)
        #expect(absent.stderr == "s3.xml: error: no such report\n")
        #expect(try Runner.run(["merge", "s1.xml"], in: directory).status == 64, "--output is required")
    }
}
