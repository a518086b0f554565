import ContractCore
import Foundation
import Testing

@testable import YAMLReader

@Suite struct YAMLReaderTests {
    private func read(_ text: String, limits: YAMLLimits = .default) throws -> DocumentNode {
        try YAMLReader.read(bytes: Array(text.utf8), file: "doc.yaml", limits: limits)
    }

    private func failure(_ text: String, limits: YAMLLimits = .default) -> String? {
        do {
            _ = try read(text, limits: limits)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        ("a: yes", "string"), ("a: no", "string"), ("a: on", "string"), ("a: off", "string"),
        ("a: true", "boolean"), ("a: False", "boolean"), ("a: ~", "null"), ("a: null", "null"), ("a:", "null"),
        ("a: 200", "number"), ("a: -1.5e3", "number"), ("a: 0x1F", "number"), ("a: .5", "number"),
        ("a: '200'", "string"), ("a: \"true\"", "string"), ("a: !!str 12", "string"), ("a: 1.2.3", "string"),
        ("a: 12abc", "string"),
    ])
    func resolvesScalarsByTheCoreSchema(source: String, type: String) throws {
        let node = try read(source)
        #expect(node["a"]?.typeName == type)
    }

    @Test func keepsNumbersExact() throws {
        let node = try read("a: 12345678901234567890\nb: 0x1F\nc: .5\nd: +7\n")
        #expect(node["a"]?.number?.text == "12345678901234567890")
        #expect(node["b"]?.number == JSONNumber(31))
        #expect(node["c"]?.number?.text == "0.5")
        #expect(node["d"]?.number?.text == "7")
    }

    @Test func readsUnquotedStatusKeysAsStrings() throws {
        let node = try read("responses:\n  200:\n    description: ok\n  '404':\n    description: gone\n")
        #expect(node["responses"]?.entries?.map(\.key) == ["200", "404"])
    }

    @Test func keepsOneBasedLocations() throws {
        let node = try read("openapi: 3.0.3\ninfo:\n  title: 标题\n  version: '1'\n")
        let info = try #require(node.entry("info"))
        #expect(info.keyLocation == ContractCore.SourceLocation(file: "doc.yaml", line: 2, column: 1))
        let version = try #require(info.value.entry("version"))
        #expect(version.keyLocation == ContractCore.SourceLocation(file: "doc.yaml", line: 4, column: 3))
        #expect(version.value.location.column == 12)
        #expect(info.value["title"]?.string == "标题")
    }

    @Test func readsJSONWithLocations() throws {
        let node = try read("{\"openapi\":\"3.1.0\",\n  \"paths\": {\"/a\": {}},\n\t\"n\": [1, 2.5, true, null]}")
        #expect(node["openapi"]?.string == "3.1.0")
        #expect(node.entry("paths")?.keyLocation.line == 2)
        #expect(node["n"]?.elements?.map(\.typeName) == ["number", "number", "boolean", "null"])
    }

    @Test func expandsAnchorsAliasesAndMergeKeys() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/anchors", withExtension: "yaml"))
        let node = try YAMLReader.read(path: url.path)
        #expect(node["first"]?["allOf"]?.elements?.first?["type"]?.string == "string")
        #expect(node["second"]?["description"]?.string == "shared")
        #expect(node["second"]?["format"]?.string == "uuid")
        // The alias node is located where the alias is written.
        #expect(node["first"]?["allOf"]?.elements?.first?.location.line == 6)
    }

    @Test func refusesBillionLaughsQuickly() {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1..<10 {
            lines.append(
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let clock = ContinuousClock()
        var message: String?
        let elapsed = clock.measure { message = failure(lines.joined(separator: "\n")) }
        #expect(
            message
                == "doc.yaml:6:45: error: aliases expand to more than 1000000 nodes (alias-expansion limit; a \"billion laughs\" document?)"
        )
        #expect(elapsed < .seconds(1))
    }

    @Test func aliasBudgetIsConfigurable() {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
        // Keys count as nodes: 8 nodes before the first alias, each alias adds 4.
        #expect(
            failure(text, limits: YAMLLimits(maxNodes: 10))
                == "doc.yaml:2:5: error: aliases expand to more than 10 nodes (alias-expansion limit; a \"billion laughs\" document?)"
        )
        #expect(
            failure(text, limits: YAMLLimits(maxNodes: 15))
                == "doc.yaml:2:9: error: aliases expand to more than 15 nodes (alias-expansion limit; a \"billion laughs\" document?)"
        )
        #expect(failure(text, limits: YAMLLimits(maxNodes: 16)) == nil)
    }

    @Test func refusesDeepNestingWithoutOverflow() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(failure(deep) == "doc.yaml:1:513: error: collections nest deeper than 512 levels")
        let blockDeep = (0..<600).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n")
        #expect(failure(blockDeep)?.hasSuffix("error: collections nest deeper than 512 levels") == true)
    }

    @Test func defaultLimitsAreExactAtTheBoundary() {
        let nested = { (depth: Int) in String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        }
        #expect(failure(nested(512)) == nil)
        #expect(failure(nested(513)) == "doc.yaml:1:513: error: collections nest deeper than 512 levels")
        let text = "a: 123456\n"
        #expect(failure(text, limits: YAMLLimits(maxBytes: 10)) == nil)
        #expect(
            failure(text, limits: YAMLLimits(maxBytes: 9))?.hasPrefix(
                "doc.yaml:1:1: error: document is 10 bytes, more than the limit of 9") == true)
    }

    @Test func depthLimitIsExactAtTheBoundary() {
        let limits = YAMLLimits(maxDepth: 3)
        #expect(failure("[[[1]]]", limits: limits) == nil)
        #expect(failure("[[[[1]]]]", limits: limits) == "doc.yaml:1:4: error: collections nest deeper than 3 levels")
    }

    @Test func refusesDuplicateKeys() {
        #expect(
            failure("a: 1\nb: 2\na: 3\n")
                == "doc.yaml:3:1: error: duplicate mapping key \"a\" (first at line 1, column 1)")
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = Array("title: \"caf".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        #expect(
            throws: YAMLError.invalidUTF8(
                "byte 0xC3 at byte offset 11", at: ContractCore.SourceLocation(file: "x.yaml", line: 1, column: 12))
        ) {
            try YAMLReader.read(bytes: bytes, file: "x.yaml")
        }
        let overlong: [UInt8] = Array("a: ".utf8) + [0xC0, 0xAF]
        #expect(throws: YAMLError.self) { try YAMLReader.read(bytes: overlong, file: "x.yaml") }
    }

    @Test func refusesEmptyDocumentsAndStreams() {
        #expect(failure("") == "doc.yaml:1:1: error: empty document: expected a YAML or JSON document")
        #expect(
            failure("# only a comment\n") == "doc.yaml:1:1: error: empty document: expected a YAML or JSON document")
        #expect(
            failure("a: 1\n---\nb: 2\n") == "doc.yaml:2:1: error: several documents in one stream: expected exactly one"
        )
    }

    @Test func reportsSyntaxErrorsWithTheirLine() {
        #expect(failure("a: [1, 2\nb: 3\n")?.hasPrefix("doc.yaml:2:") == true)
        #expect(failure("a: *missing\n") == "doc.yaml:1:4: error: alias *missing names no anchor defined before it")
        #expect(
            failure("? [a, b]\n: 1\n")
                == "doc.yaml:1:3: error: mapping keys must be scalars; sequences and mappings as keys are not supported"
        )
    }

    @Test func refusesOversizedDocuments() {
        #expect(
            failure("a: 123456\n", limits: YAMLLimits(maxBytes: 4))
                == "doc.yaml:1:1: error: document is 10 bytes, more than the limit of 4 bytes")
    }
}
