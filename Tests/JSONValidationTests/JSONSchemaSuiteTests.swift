import ContractCore
import Foundation
import Testing

@testable import JSONValidation

/// Runs the official JSON-Schema-Test-Suite: draft4 under OpenAPI 3.0 rules, draft2020-12 under
/// OpenAPI 3.1 rules. Cases we knowingly do not support are listed, with reasons, in
/// `Fixtures/suite-known-unsupported.txt`; the test fails when a listed case passes or an
/// unlisted case fails.
@Suite(
    .enabled(if: SuiteLocation.root != nil, "../shared/json-schema-test-suite is absent: skipping the official suite"))
struct JSONSchemaSuiteTests {
    @Test(arguments: [("draft4", SchemaRules.openAPI30), ("draft2020-12", SchemaRules.openAPI31)])
    func passesTheOfficialSuite(draft: String, rules: SchemaRules) throws {
        let root = try #require(SuiteLocation.root)
        let known = try KnownUnsupported.load()
        let remotes = try SuiteLocation.remotes(root)
        var passed = 0
        var knownFailures = 0
        var unexpected: [String] = []
        var fixed: [String] = []
        for file in try SuiteLocation.files(root, draft: draft) {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/tests/" + draft + "/" + file)))
            let suite = try JSONDocument(bytes: bytes)
            for group in suite.elements(of: 0) {
                let groupDescription = suite.string(at: try #require(member("description", of: group, in: suite)))
                let schemaIndex = try #require(member("schema", of: group, in: suite))
                var documents = DocumentSet()
                documents.add(
                    uri: "http://conform.invalid/schema.json", root: suite.documentNode(at: schemaIndex, file: file))
                for (uri, node) in remotes { documents.add(uri: uri, root: node) }
                var compiler = SchemaCompiler(documents: documents, rules: rules)
                let schema = compiler.compile(NodeAddress(document: 0, pointer: ""))
                let validator = Validator(
                    schemas: compiler.finish(),
                    options: ValidationOptions(direction: .neutral, reportsUndocumented: false))
                for test in suite.elements(of: try #require(member("tests", of: group, in: suite))) {
                    let description = suite.string(at: try #require(member("description", of: test, in: suite)))
                    let expected = suite.tape[try #require(member("valid", of: test, in: suite))].kind == .true
                    let dataIndex = try #require(member("data", of: test, in: suite))
                    let data = try JSONDocument(bytes: Array(suite.valueBytes(at: dataIndex)))
                    let quick = validator.isValid(data, against: schema)
                    let full = validator.validate(data, against: schema).isValid
                    let id = "\(draft)/\(file) | \(groupDescription) | \(description)"
                    let ok = quick == expected && full == expected
                    if known.contains(id) {
                        if ok { fixed.append(id) } else { knownFailures += 1 }
                    } else if ok {
                        passed += 1
                    } else {
                        unexpected.append(id + " (expected \(expected), quick \(quick), full \(full))")
                    }
                }
            }
        }
        print(
            "\(draft): \(passed) passed, \(knownFailures) known-unsupported, \(unexpected.count) unexpected failures, \(fixed.count) listed but passing"
        )
        #expect(unexpected == [], "unexpected failures")
        #expect(fixed == [], "listed as unsupported but passing: remove them from suite-known-unsupported.txt")
        #expect(passed > 0)
    }

    private func member(_ name: String, of object: Int, in document: JSONDocument) -> Int? {
        for (key, value) in document.members(of: object) where document.string(at: key) == name { return value }
        return nil
    }
}

enum SuiteLocation {
    static let root: String? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = repository.deletingLastPathComponent().appendingPathComponent("shared/json-schema-test-suite").path
        return FileManager.default.fileExists(atPath: path + "/tests") ? path : nil
    }()

    /// The keyword files, plus `optional/format/*` and the optional files about numbers.
    static func files(_ root: String, draft: String) throws -> [String] {
        let base = root + "/tests/" + draft
        let main = try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.hasSuffix(".json") }.sorted()
        let formats = try FileManager.default.contentsOfDirectory(atPath: base + "/optional/format")
            .filter { $0.hasSuffix(".json") }.sorted().map { "optional/format/" + $0 }
        let optional = ["optional/bignum.json", "optional/float-overflow.json", "optional/non-bmp-regex.json"].filter {
            FileManager.default.fileExists(atPath: base + "/" + $0)
        }
        return main + optional + formats
    }

    /// The suite's remote documents, as served at `http://localhost:1234/`.
    static func remotes(_ root: String) throws -> [(String, DocumentNode)] {
        let base = root + "/remotes"
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var result: [(String, DocumentNode)] = []
        for case let path as String in enumerator where path.hasSuffix(".json") {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: base + "/" + path)))
            let document = try JSONDocument(bytes: bytes)
            result.append(("http://localhost:1234/" + path, document.documentNode(file: "remotes/" + path)))
        }
        return result.sorted { $0.0 < $1.0 }
    }
}

enum KnownUnsupported {
    /// Case ids (`draft/file | group | test`) from the checked-in list; `#` starts a reason.
    static func load() throws -> Set<String> {
        guard let url = Bundle.module.url(forResource: "Fixtures/suite-known-unsupported", withExtension: "txt") else {
            return []
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        var ids: Set<String> = []
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let id = trimmed.components(separatedBy: "  # ").first ?? trimmed
            ids.insert(id.trimmingCharacters(in: .whitespaces))
        }
        return ids
    }
}
