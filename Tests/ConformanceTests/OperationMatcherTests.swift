import Conformance
import ContractCore
import Foundation
import SpecLoader
import Testing

/// Matching recorded requests to documented operations: server prefixes, literal segments before
/// variables, variables with a prefix or suffix, percent-decoding within a segment.
@Suite struct OperationMatcherTests {
    let matcher: OperationMatcher

    init() throws {
        let spec = """
            openapi: 3.0.3
            info: {title: matching, version: "1"}
            servers:
              - url: https://api.example.com/v1
            paths:
              /items/{id}:
                get: {responses: {"200": {description: one item}}}
              /items/latest:
                get: {responses: {"200": {description: the newest item}}}
              /items:
                post: {responses: {"201": {description: created}}}
              /files/{name}.json:
                get: {responses: {"200": {description: a file}}}
              /v{major}/info:
                get: {responses: {"200": {description: version info}}}
            """
        matcher = OperationMatcher(spec: try loadSpec(spec))
    }

    private func match(_ method: String, _ url: String) -> (String, [String])? {
        matcher.match(method: method, url: url).map {
            ($0.operation.displayName, $0.pathParameters.map { "\($0.name)=\($0.value)" })
        }
    }

    @Test func aLiteralSegmentWinsOverAVariable() {
        #expect(match("GET", "https://api.example.com/v1/items/latest")?.0 == "GET /items/latest")
        #expect(match("GET", "https://api.example.com/v1/items/7")?.0 == "GET /items/{id}")
        #expect(match("GET", "https://api.example.com/v1/items/7")?.1 == ["id=7"])
    }

    @Test func theServerPrefixIsOptionalAndTheQueryAndFragmentAreIgnored() {
        #expect(match("GET", "/items/42?expand=true#top")?.1 == ["id=42"])
        #expect(match("GET", "http://localhost:8080/v1/items/42")?.1 == ["id=42"])
        #expect(match("get", "/items/42")?.0 == "GET /items/{id}")
        #expect(match("POST", "https://api.example.com/v1/items")?.0 == "POST /items")
    }

    @Test func percentEscapesAreDecodedWithinTheirSegment() {
        // An escaped slash stays inside the segment: it does not add one.
        #expect(match("GET", "/items/a%2Fb")?.1 == ["id=a/b"])
        #expect(match("GET", "/items/%C3%A9t%C3%A9")?.1 == ["id=été"])
        #expect(match("GET", "/items/a/b") == nil)
    }

    /// Segments are compared as bytes after percent-decoding (RFC 3986), without Unicode normalisation:
    /// a decomposed é is not the precomposed one.
    @Test func decodedSegmentsAreComparedByteForByte() {
        #expect(match("GET", "/items/caf%C3%A9")?.1 == ["id=café"])
        #expect(match("GET", "/files/caf%C3%A9.json")?.1 == ["name=café"])
        #expect(match("GET", "/items/latest")?.0 == "GET /items/latest")
        #expect(match("GET", "/items/lat%65st")?.0 == "GET /items/latest")
        #expect(match("GET", "/items/latest%CC%81")?.0 == "GET /items/{id}")
    }

    @Test func variablesWithAPrefixOrSuffixNeedAValueBetween() {
        #expect(match("GET", "/files/report.json")?.1 == ["name=report"])
        #expect(match("GET", "/files/.json") == nil)
        #expect(match("GET", "/files/report.xml") == nil)
        #expect(match("GET", "/v2/info")?.1 == ["major=2"])
        #expect(match("GET", "/v/info") == nil)
    }

    @Test func otherMethodsNameTheOperationsOfTheSamePath() {
        #expect(match("DELETE", "/items/42") == nil)
        #expect(
            matcher.otherMethods(url: "https://api.example.com/v1/items/42").map(\.displayName) == ["GET /items/{id}"])
        #expect(matcher.otherMethods(url: "/nowhere").isEmpty)
    }
}

/// Path and query parameters are read as the JSON their schema's type names: `42` as a number for an
/// integer, `true` as a boolean, anything else as a string.
@Suite struct ParameterCheckTests {
    let checker: ExchangeChecker

    init() throws {
        let spec = """
            openapi: 3.0.3
            info: {title: parameters, version: "1"}
            paths:
              /runs/{run_id}:
                get:
                  parameters:
                    - {name: run_id, in: path, required: true, schema: {type: string, format: uuid}}
                    - {name: page, in: query, schema: {type: integer, minimum: 1}}
                    - {name: verbose, in: query, required: true, schema: {type: boolean}}
                    - {name: label, in: query, schema: {type: string, maxLength: 3}}
                  responses: {"204": {description: none}}
            """
        checker = ExchangeChecker(compiled: CompiledSpec(spec: try loadSpec(spec)))
    }

    private func messages(_ url: String) -> [String] {
        let exchange = HTTPExchange(source: "t", method: "GET", url: url, status: 204, body: .none)
        return checker.check(exchange).findings.filter { $0.check == .parameter }.map(\.message)
    }

    @Test func valuesAreReadAsTheirSchemaTypes() {
        #expect(messages("/runs/5f1c7e0a-3b8e-4d3a-9c2f-1a2b3c4d5e6f?page=2&verbose=true&label=abc") == [])
        #expect(
            messages("/runs/not-a-uuid?page=0&verbose=yes&label=abcd") == [
                #"path parameter "run_id": "not-a-uuid" is not a valid uuid"#,
                #"query parameter "page": expected a number ≥ 1, got 0"#,
                #"query parameter "verbose": expected boolean, got string"#,
                #"query parameter "label": expected at most 3 characters, got 4"#,
            ])
        #expect(
            messages("/runs/5f1c7e0a-3b8e-4d3a-9c2f-1a2b3c4d5e6f?page=two&verbose=false") == [
                #"query parameter "page": expected integer, got string"#
            ])
    }

    @Test func aMissingRequiredParameterIsReported() {
        #expect(
            messages("/runs/5f1c7e0a-3b8e-4d3a-9c2f-1a2b3c4d5e6f") == [
                #"required query parameter "verbose" is missing"#
            ])
    }
}

/// Loads a spec written inline, through a temporary file.
private func loadSpec(_ yaml: String) throws -> APISpec {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("spec-\(UUID().uuidString).yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try SpecLoader().load(path: path).spec
}
