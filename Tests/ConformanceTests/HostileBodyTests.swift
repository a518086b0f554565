import Conformance
import ContractCore
import Foundation
import Testing

/// Bodies built to be slow: they must cost time in proportion to their size, and their findings stay capped.
/// (A quadratic path here hangs the test rather than failing it: CI's time limit is the backstop.)
@Suite struct HostileBodyTests {
    static let statusOperation = "getExecutionStatus"

    @Test func aKeyRepeatedOnOneLongLineIsListedUpToTheLimitAndCounted() throws {
        let count = 100_000
        let body = "{" + Array(repeating: #""a":1"#, count: count).joined(separator: ",") + "}"
        let document = try JSONDocument(text: body)
        #expect(document.duplicateKeyCount == count - 1)
        #expect(document.duplicateKeys.count == JSONDocument.maxDuplicateKeysKept)
        // The second "a" starts at byte 7; the 1000th kept one at 7 + 999 × 6, all on line 1.
        #expect(document.duplicateKeys.first.map { [$0.line, $0.column] } == [1, 8])
        #expect(document.duplicateKeys.last.map { [$0.line, $0.column] } == [1, 8 + 999 * 6])

        let spec = try Support.compiled(Support.bundledSpec)
        let findings = try Support.check(body, operation: Self.statusOperation, status: 200, spec: spec)
        let duplicates = findings.filter { $0.message.hasPrefix("duplicate key") }
        #expect(duplicates.count == 100)
        #expect(
            duplicates.last?.location == ContractCore.SourceLocation(file: "body.json", line: 1, column: 8 + 99 * 6))
        #expect(
            findings.contains { $0.message == "99899 more duplicate keys in this body were not listed (limit 100)" })
        // The oneOf explanation names each undocumented property once.
        let oneOf = try #require(findings.first { $0.check.rawValue == "schema.oneOf" })
        #expect(oneOf.message.hasSuffix(#"the body has properties no alternative documents: "a""#))
    }

    @Test func manyViolationsOnOneLongLineArePlacedInOnePass() throws {
        // 5 000 tasks whose execution_time is a string: 100 violations kept, each placed on line 1.
        let task = #"{"task_id":"t","output":"o","agent":"a","execution_time":"x"}"#
        let body =
            #"{"status":"completed","result":{"output":"o","tasks":["#
            + Array(repeating: task, count: 5000).joined(separator: ",") + "]}}"
        let spec = try Support.compiled(Support.bundledSpec)
        let findings = try Support.check(body, operation: Self.statusOperation, status: 200, spec: spec)
        let violations = findings.filter { $0.message.contains("/execution_time") }
        #expect(violations.count == 100)
        // Each task is 62 bytes (61 and a comma): every violation sits one task further along line 1.
        let places = violations.compactMap(\.location)
        #expect(places.allSatisfy { $0.line == 1 })
        #expect(zip(places, places.dropFirst()).allSatisfy { $1.column - $0.column == 62 })
        #expect(findings.contains { $0.message.contains("more violations in this body were not kept (limit 100)") })
    }

    /// Inputs the fuzzers flagged (a timeout of the JSON target, under a starved CPU), replayed as the target
    /// does: the first byte picks the request, the rest is the body.
    @Test func fuzzerFindingsStayFixed() throws {
        let directory = URL(fileURLWithPath: Support.fixture("fuzz"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("json-") }
        #expect(!files.isEmpty)
        let spec = try Support.compiled(Support.bundledSpec)
        let checker = ExchangeChecker(compiled: spec)
        for file in files {
            let input = try [UInt8](Data(contentsOf: directory.appendingPathComponent(file)))
            let body = Array(input.dropFirst())
            let outcome = checker.check(
                HTTPExchange(
                    source: file, method: "GET",
                    url: "https://crew.example/status/4f1b3a52-9a7e-4b8e-8c61-2f0d7c3e9a10",
                    status: 200, responseHeaders: [HTTPHeader(name: "Content-Type", value: "application/json")],
                    body: .file(body, path: file)))
            #expect(!outcome.findings.isEmpty, "\(file)")
        }
    }
}
