import ContractCore
import Testing

@testable import Reports

@Suite struct JUnitMergerTests {
    private func shard(
        _ shard: String?, exchanges: Int, cases: [JUnitCase], timestamp: String = "2026-11-28T09:15:02",
        extra: [JUnitProperty] = []
    ) -> JUnitFile {
        var properties = [JUnitProperty(name: "spec", value: "specs/crewai-amp.yaml")]
        if let shard { properties.append(JUnitProperty(name: "shard", value: shard)) }
        properties +=
            [
                JUnitProperty(name: "exchanges", value: String(exchanges)), JUnitProperty(name: "failed", value: "1"),
                JUnitProperty(name: "findings", value: "2"),
            ] + extra
        let suite = JUnitSuite(
            name: "validate CrewAI AMP API", timestamp: timestamp, hostname: "runner-\(shard ?? "0")", time: 1.25,
            properties: properties, cases: cases, systemOut: shard.map { "warning from \($0)" } ?? "")
        return JUnitFile(
            path: "shard-\(shard ?? "all").xml",
            suites: [JUnitFile.Suite(suite: suite, location: SourceLocation(file: "x", line: 1, column: 1))])
    }

    private static func failed(_ text: String) -> JUnitCase.Outcome {
        .failed(type: "schema.oneOf", message: "first of \(text)", text: text)
    }

    @Test func shardsJoinIntoTheWhole() throws {
        let status = "GET /status/{kickoff_id}"
        let first = shard(
            "1/2", exchanges: 3,
            cases: [
                JUnitCase(classname: status, name: "200 schema.oneOf", time: 0.5, outcome: Self.failed("a")),
                JUnitCase(classname: status, name: "404 status-code", time: 0.25),
            ], timestamp: "2026-11-28T09:15:09")
        let second = shard(
            "2/2", exchanges: 4,
            cases: [
                JUnitCase(classname: "GET /inputs", name: "200 json", time: 0.125),
                JUnitCase(classname: status, name: "200 schema.oneOf", time: 0.5, outcome: Self.failed("b")),
                JUnitCase(classname: status, name: "200 status-code"),
            ], timestamp: "2026-11-28T09:15:02", extra: [JUnitProperty(name: "inputs", value: "elsewhere")])
        let merged = try JUnitMerger.merge([first, second])
        let suite = try #require(merged.report.suites.first)
        #expect(merged.report.suites.count == 1)
        #expect(
            suite.properties == [
                JUnitProperty(name: "spec", value: "specs/crewai-amp.yaml"),
                JUnitProperty(name: "shards", value: "1/2 2/2"),
                JUnitProperty(name: "exchanges", value: "7"), JUnitProperty(name: "failed", value: "2"),
                JUnitProperty(name: "findings", value: "4"), JUnitProperty(name: "inputs", value: "elsewhere"),
            ])
        // Conform's order (classname, then status as a number, then check) is kept.
        #expect(
            suite.cases == [
                JUnitCase(classname: "GET /inputs", name: "200 json", time: 0.125),
                JUnitCase(
                    classname: status, name: "200 schema.oneOf", time: 1,
                    outcome: .failed(type: "schema.oneOf", message: "first of a", text: "a\nb")),
                JUnitCase(classname: status, name: "200 status-code"),
                JUnitCase(classname: status, name: "404 status-code", time: 0.25),
            ])
        #expect(suite.timestamp == "2026-11-28T09:15:02")
        #expect(suite.hostname == "runner-1/2")
        #expect(suite.time == 2.5)
        #expect(suite.systemOut == "warning from 1/2\nwarning from 2/2")
        #expect(merged.notes.isEmpty)
    }

    @Test func differingPropertiesKeepTheFirstWithANote() throws {
        let a = shard(nil, exchanges: 1, cases: [], extra: [JUnitProperty(name: "strict", value: "false")])
        var b = shard(nil, exchanges: 2, cases: [], extra: [JUnitProperty(name: "strict", value: "true")])
        b.path = "other.xml"
        let merged = try JUnitMerger.merge([a, b])
        #expect(merged.report.suites.first?.properties.last == JUnitProperty(name: "strict", value: "false"))
        #expect(
            merged.notes == [
                "note: suite \"validate CrewAI AMP API\": property \"strict\" is \"true\" in other.xml but \"false\" "
                    + "in shard-all.xml; kept the first"
            ])
    }

    @Test func countsThatWouldOverflowAreKeptFromTheFirst() throws {
        let merged = try JUnitMerger.merge([
            shard("1/2", exchanges: Int.max, cases: []), shard("2/2", exchanges: 1, cases: []),
        ])
        #expect(merged.report.suites.first?.properties.first { $0.name == "exchanges" }?.value == String(Int.max))
        #expect(merged.notes.count == 1)
    }

    @Test func theWorstOutcomeWins() {
        let failed = JUnitCase.Outcome.failed(type: "t", message: "m", text: "x")
        let error = JUnitCase.Outcome.error(type: "transport", message: "refused", text: "y")
        let skipped = JUnitCase.Outcome.skipped(message: "why")
        #expect(JUnitMerger.combine(.passed, failed) == failed)
        #expect(JUnitMerger.combine(failed, .passed) == failed)
        #expect(JUnitMerger.combine(skipped, .passed) == skipped)
        #expect(JUnitMerger.combine(.passed, skipped) == skipped)
        #expect(JUnitMerger.combine(failed, skipped) == failed)
        #expect(JUnitMerger.combine(failed, error) == error)
        #expect(JUnitMerger.combine(error, failed) == error)
        #expect(JUnitMerger.combine(error, error) == error, "a repeated text appears once")
        #expect(
            JUnitMerger.combine(error, .error(type: "other", message: "other", text: "z"))
                == .error(type: "transport", message: "refused", text: "y\nz"))
    }

    @Test func incompleteOrRepeatedShardsAreRefused() {
        let one = shard("1/3", exchanges: 1, cases: [])
        let three = shard("3/3", exchanges: 1, cases: [])
        let table: [([JUnitFile], JUnitMergeError, String)] = [
            (
                [one, three],
                .missingShards(suite: "validate CrewAI AMP API", missing: ["2/3"], present: ["1/3", "3/3"]),
                "error: suite \"validate CrewAI AMP API\": shard 2/3 is missing (given: 1/3, 3/3); merge every "
                    + "shard's report, or the counts would not be the whole run's"
            ),
            (
                [three],
                .missingShards(suite: "validate CrewAI AMP API", missing: ["1/3", "2/3"], present: ["3/3"]),
                "error: suite \"validate CrewAI AMP API\": shards 1/3, 2/3 are missing (given: 3/3); merge every "
                    + "shard's report, or the counts would not be the whole run's"
            ),
            (
                [one, one],
                .duplicateShard(
                    suite: "validate CrewAI AMP API", shard: "1/3", files: ["shard-1/3.xml", "shard-1/3.xml"]),
                "error: suite \"validate CrewAI AMP API\": shard 1/3 is given twice (shard-1/3.xml, shard-1/3.xml); "
                    + "its cases would count twice"
            ),
            (
                [one, shard("2/2", exchanges: 1, cases: [])],
                .inconsistentShards(
                    suite: "validate CrewAI AMP API", detail: "shards of different totals (3 and 2) cannot be merged"),
                "error: suite \"validate CrewAI AMP API\": shards of different totals (3 and 2) cannot be merged"
            ),
            (
                [one, shard(nil, exchanges: 1, cases: [])],
                .inconsistentShards(
                    suite: "validate CrewAI AMP API",
                    detail: "some reports are shards (a shard property) and some are not"),
                "error: suite \"validate CrewAI AMP API\": some reports are shards (a shard property) and some are not"
            ),
            (
                [shard("0/3", exchanges: 1, cases: [])],
                .inconsistentShards(
                    suite: "validate CrewAI AMP API", detail: "shard-0/3.xml has the shard property \"0/3\", not K/N"),
                "error: suite \"validate CrewAI AMP API\": shard-0/3.xml has the shard property \"0/3\", not K/N"
            ),
        ]
        for (files, expected, text) in table {
            #expect(throws: expected) { try JUnitMerger.merge(files) }
            #expect(expected.description == text)
        }
        #expect(JUnitMergeError.missingShards(suite: "s", missing: [], present: []).isMissingInput)
    }

    @Test func suitesOfDifferentNamesStaySideBySideAndOtherOrdersAreKept() throws {
        var live = shard(
            nil, exchanges: 1, cases: [JUnitCase(classname: "z", name: "b"), JUnitCase(classname: "a", name: "a")])
        live.suites[0].suite.name = "live CrewAI AMP API"
        let merged = try JUnitMerger.merge([shard(nil, exchanges: 1, cases: []), live, live])
        #expect(merged.report.suites.map(\.name) == ["validate CrewAI AMP API", "live CrewAI AMP API"])
        #expect(merged.report.suites[1].cases.map(\.classname) == ["z", "a"])
        #expect(merged.report.suites[1].properties.first { $0.name == "exchanges" }?.value == "2")
    }
}
