import ContractCore
import Foundation
import Testing

@testable import SpecLoader

@Suite struct SpecLoaderTests {
    private func load(_ name: String) throws -> LoadedSpec {
        try SpecLoader().load(path: Fixture.path(name))
    }

    /// Diagnostics as `line:column: severity: message`, without the fixture's absolute path.
    private func lines(_ diagnostics: [Finding]) -> [String] {
        diagnostics.map { finding in
            let location = finding.location.map { "\(asLike($0.file).lastComponent):\($0.line):\($0.column)" } ?? "-"
            return "\(location): \(finding.severity.rawValue): \(finding.message)"
        }
    }

    @Test func loadsReferencesAcrossFoldersAndCycles() throws {
        let loaded = try load("multi/api/root.yaml")
        #expect(lines(loaded.diagnostics) == [])
        let spec = loaded.spec
        #expect(spec.dialect == .openAPI30)
        #expect(spec.servers.map(\.pathPrefix) == ["/v1", "/relative/base"])
        #expect(spec.operations.map(\.displayName) == ["GET /trees/{tree_id}", "GET /cycles"])
        let tree = try #require(spec.operation(named: "getTree"))
        #expect(tree.parameters.map(\.name) == ["tree_id"])
        let parameterSchema = try #require(tree.parameters.first?.schema)
        #expect(spec.documents.node(at: parameterSchema)?["format"]?.string == "uuid")
        #expect(tree.responses.map(\.key) == [.code(200), .range(4), .default])
        #expect(tree.response(for: 200)?.key == .code(200))
        #expect(tree.response(for: 404)?.key == .range(4))
        #expect(tree.response(for: 503)?.key == .default)
        let problem = try #require(tree.response(for: 418))
        #expect(problem.mediaType(for: "application/problem+json; charset=utf-8")?.name == "application/problem+json")
        let errorSchema = try #require(problem.content.first?.schema)
        #expect(spec.schemaName(at: errorSchema) == "Error")
        let cycle = try #require(spec.operation(named: "GET /cycles"))
        #expect(cycle.responses.first?.headers.map(\.name) == ["X-Rate-Limit"])
        #expect(cycle.responses.first?.mediaType(for: "application/vnd.api+json")?.name == "application/vnd.api+json")
        #expect(cycle.responses.first?.mediaType(for: "application/json") == nil)
        let ok = try #require(tree.response(for: 200))
        #expect(ok.mediaType(for: "application/hal+json")?.name == "application/json")
        #expect(ok.mediaType(for: "text/plain") == nil)
        #expect(spec.documents.documents.count == 5)
    }

    @Test func reportsUnresolvedReferencesAtTheirLines() throws {
        let loaded = try load("broken-refs.yaml")
        #expect(
            lines(loaded.diagnostics) == [
                "broken-refs.yaml:14:23: error: unresolved reference \"#/components/schemas/Missing\": /components/schemas/Missing does not exist",
                "broken-refs.yaml:20:23: error: unresolved reference \"nowhere/else.yaml#/Thing\": file \(Fixture.path("nowhere/else.yaml")) not found",
                "broken-refs.yaml:24:13: error: unresolved reference \"#components/schemas/Malformed\": the fragment must be a JSON Pointer starting with \"/\" or a plain-name anchor",
            ])
    }

    @Test func findsEveryStructuralProblem() throws {
        let loaded = try load("problems.yaml")
        #expect(
            lines(loaded.diagnostics) == [
                "problems.yaml:3:3: error: missing required field \"info.version\"",
                "problems.yaml:6:5: error: GET /items/{item_id}: path template variable {item_id} has no path parameter",
                "problems.yaml:9:11: error: GET /items/{item_id}: path parameter \"other_id\" is not in the path template",
                "problems.yaml:20:23: error: unknown type \"objekt\" (expected one of array, boolean, integer, number, object, string, null)",
                "problems.yaml:22:5: error: duplicate operationId \"listItems\" (also used by GET /items/{item_id} at line 6)",
                "problems.yaml:22:5: error: operation GET /things has no responses",
                "problems.yaml:33:32: warning: required property \"name\" is not defined in \"properties\"",
                "problems.yaml:37:9: error: response key \"OK\" is not a status code, a range such as 2XX, or default",
            ])
    }

    @Test func refusesSwagger2WithAClearMessage() throws {
        let path = Fixture.path("swagger.json")
        #expect(throws: SpecLoadError.self) { try SpecLoader().load(path: path) }
        do {
            _ = try SpecLoader().load(path: path)
        } catch {
            #expect(
                error.description
                    == "\(path):1:2: error: Swagger 2.0 documents are not supported: convert it to OpenAPI 3 (for example with swagger2openapi) and load the result"
            )
        }
    }

    @Test func loadsOpenAPI31JSONWithServerVariables() throws {
        let loaded = try load("openapi31.json")
        #expect(lines(loaded.diagnostics) == [])
        #expect(loaded.spec.dialect == .openAPI31)
        #expect(loaded.spec.servers.first?.url == "https://example.com/api/v2")
        #expect(loaded.spec.servers.first?.pathPrefix == "/api/v2")
        let create = try #require(loaded.spec.operation(named: "post /pets"))
        #expect(create.requestBody?.isRequired == true)
        #expect(create.response(for: 201)?.key == .range(2))
        let schema = try #require(create.response(for: 201)?.content.first?.schema)
        #expect(loaded.spec.schemaName(at: schema) == "Pet")
        #expect(create.location.line == 7)
    }

    @Test(arguments: [
        (
            "openapi: 2.5.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
            ":1:10: error: OpenAPI version \"2.5.0\" is not supported (expected 3.0.x or 3.1.x)"
        ),
        (
            "info: {title: x, version: '1'}\npaths: {}\n",
            ":1:1: error: not an OpenAPI document: no \"openapi\" field (expected openapi: 3.0.x or 3.1.x)"
        ),
        ("- just\n- a list\n", ":1:1: error: not an OpenAPI document: the document is an array, expected a mapping"),
    ])
    func refusesWhatIsNotOpenAPI3(text: String, message: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "conform-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("spec.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SpecLoader().load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == path + message)
            #expect(!error.isMissingInput)
        }
    }

    @Test func missingFilesAreMissingInput() {
        do {
            _ = try SpecLoader().load(path: "/nonexistent/spec.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.isMissingInput)
            #expect(error.description == "/nonexistent/spec.yaml: error: no such file")
        }
    }
}

/// Last path component without Foundation.
private struct NSStringLike {
    let value: String
    var lastComponent: String { String(value.split(separator: "/").last ?? "") }
}

private func asLike(_ value: String) -> NSStringLike { NSStringLike(value: value) }
