import Conformance
import ContractCore
import Foundation
import Testing

@Suite struct CrewAIStatusTests {
    let spec: CompiledSpec

    init() throws {
        spec = try Support.compiled(Support.bundledSpec)
    }

    private func findings(_ body: String, strict: Bool = false) throws -> [Finding] {
        try Support.check(body, operation: "getExecutionStatus", status: 200, spec: spec, strict: strict)
    }

    @Test(arguments: ["status-running.json", "status-completed.json", "status-error.json"])
    func acceptsTheDocumentedExamples(file: String) throws {
        let body = try String(contentsOfFile: Support.fixture(file), encoding: .utf8)
        #expect(try findings(body) == [])
    }

    @Test func explainsThePlatformShape() throws {
        let body = try String(contentsOfFile: Support.fixture("status-platform-shape.json"), encoding: .utf8)
        let found = try findings(body)
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.check == .schema("oneOf"))
        #expect(
            finding.message
                == "matches 2 of the 3 oneOf alternatives (ExecutionRunning and ExecutionError) but must match exactly one: \"status\", which tells them apart, is missing; neither ExecutionRunning nor ExecutionError requires any property, so both accept this body; the body has properties no alternative documents: \"state\", \"source\""
        )
        #expect(finding.expected == "exactly one of ExecutionRunning, ExecutionCompleted, ExecutionError")
        #expect(finding.instance == "")
        #expect(finding.spec?.file == Support.bundledSpec)
    }

    @Test func namesTheAlternativeThatTheStatusSelects() throws {
        let found = try findings(#"{"status": "completed", "result": "done", "execution_time": "108.5"}"#)
        #expect(
            found.map(\.message) == [
                "as ExecutionCompleted: /result: expected object, got string",
                "as ExecutionCompleted: /execution_time: expected number, got string",
            ])
        #expect(found.map(\.check) == [.schema("type"), .schema("type")])
        #expect(found.map(\.location?.column) == [35, 61])
    }

    @Test func saysWhenTheStatusSelectsNothing() throws {
        let found = try findings(#"{"status": "finished", "result": {}}"#)
        #expect(
            found.map(\.message) == [
                #"/status: "finished" selects none of the oneOf alternatives ("running" → ExecutionRunning, "completed" → ExecutionCompleted, "error" → ExecutionError)"#
            ])
        #expect(found.first?.instance == "/status")
    }

    @Test func warnsAboutUndocumentedPropertiesAndFailsThemWhenStrict() throws {
        let body =
            #"{"status": "running", "current_task": "t", "progress": {"completed_tasks": 1, "total_tasks": 3, "eta": 4}, "debug": {}}"#
        let lenient = try findings(body)
        #expect(lenient.map(\.severity) == [.warning, .warning])
        #expect(
            lenient.map(\.message) == [
                #"/progress/eta: property "eta" is not documented by the schema"#,
                #"/debug: property "debug" is not documented by ExecutionRunning"#,
            ])
        #expect(lenient.allSatisfy { $0.check == .undocumentedProperty })
        let strict = try findings(body, strict: true)
        #expect(strict.filter { $0.severity == .error }.count == 2)
    }

    @Test func strictModeRequiresDocumentedProperties() throws {
        let found = try findings(#"{"status": "completed", "execution_time": 1.5}"#, strict: true)
        #expect(
            found.map(\.message) == [
                #"as ExecutionCompleted: missing documented property "result" (strict mode requires every documented property)"#
            ])
        #expect(found.first?.check == .schema("required"))
        #expect(try findings(#"{"status": "completed", "execution_time": 1.5}"#) == [])
    }

    @Test func reportsMalformedBodiesAsJSONFindings() throws {
        let found = try findings("{\"status\": \"running\",\n \"x\": [1, 2,")
        #expect(found.map(\.check) == [.json])
        #expect(
            found.first?.message
                == "the body is not well-formed JSON: unexpected end of input, expected a value (byte offset 34)")
        #expect(found.first?.location == SourceLocation(file: "body.json", line: 2, column: 13))
    }

    @Test func survivesHostileBodies() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deepFindings = try findings(deep)
        #expect(deepFindings.map(\.check) == [.json])
        #expect(
            deepFindings.first?.message.hasPrefix("the body is not well-formed JSON: nesting deeper than 512 levels")
                == true)
        let invalidUTF8 = try Support.check(
            String(decoding: [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], as: UTF8.self),
            operation: "getExecutionStatus", status: 200, spec: spec)
        _ = invalidUTF8
        let target = try Support.requireOperation("getExecutionStatus", in: spec)
        let raw: [UInt8] = [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]
        let rawFindings = ResponseChecker(compiled: spec).check(
            body: raw, status: 200, contentType: "application/json", operation: target, source: .file("b.json"))
        #expect(rawFindings.map(\.check) == [.json])
        #expect(rawFindings.first?.message.contains("UTF-8") == true)
    }

    @Test func reportsUndocumentedStatusesAndMediaTypes() throws {
        let status = try Support.check("{}", operation: "getExecutionStatus", status: 202, spec: spec)
        #expect(status.map(\.check) == [.statusCode])
        #expect(
            status.first?.message
                == "status 202 is not documented for GET /status/{kickoff_id} (documented: 200, 401, 404, 500)")
        let media = try Support.check(
            "{}", operation: "getExecutionStatus", status: 200, spec: spec, contentType: "text/plain")
        #expect(media.map(\.check) == [.contentType])
        let charset = try Support.check(
            #"{"status": "running"}"#, operation: "getExecutionStatus", status: 200, spec: spec,
            contentType: "application/json; charset=utf-8")
        #expect(charset == [])
    }

    @Test func reportsDuplicateKeysAsWarnings() throws {
        let found = try findings(#"{"status": "running", "status": "running"}"#)
        #expect(found.map(\.check) == [.json])
        #expect(found.first?.severity == .warning)
    }
}

@Suite struct OpenAPI30KeywordTests {
    let spec: CompiledSpec

    init() throws {
        spec = try Support.compiled(Support.fixture("keywords30.yaml"))
    }

    private func messages(_ body: String, status: Int = 200) throws -> [String] {
        try Support.check(
            body, operation: "getPet", status: status, spec: spec,
            contentType: status == 200 ? nil : "application/problem+json"
        )
        .filter { $0.severity == .error }.map(\.message)
    }

    @Test func discriminatorPicksTheAlternative() throws {
        #expect(try messages(#"{"kind": "dog", "tags": ["a", "b"]}"#) == [])
        #expect(
            try messages(#"{"kind": "dog", "tags": ["a", "a"]}"#) == ["as Dog: /tags/1: item 1 repeats an earlier item"]
        )
        #expect(
            try messages(#"{"kind": "dog", "tags": ["A1"]}"#) == [
                #"as Dog: /tags/0: "A1" does not match the pattern "^[a-z]+$""#
            ])
        #expect(try messages(#"{"kind": "cat"}"#) == [#"as Cat: missing required property "name""#])
        #expect(
            try messages(#"{"kind": "bird"}"#) == [
                #"discriminator "kind" is "bird", which names none of the alternatives (cat, dog)"#
            ])
    }

    @Test func nullableAndLengthsCountCodePoints() throws {
        #expect(try messages(#"{"kind": "cat", "name": null}"#) == [])
        #expect(try messages(#"{"kind": "cat", "name": "猫猫猫"}"#) == [])
        #expect(
            try messages(#"{"kind": "cat", "name": "猫猫猫猫猫"}"#) == [
                "as Cat: /name: expected at most 4 characters, got 5"
            ])
        #expect(
            try messages(#"{"kind": "cat", "name": "Tom", "lives": 10}"#) == [
                "as Cat: /lives: expected a number ≤ 9, got 10"
            ])
    }

    @Test func writeOnlyPropertiesMustNotAppearInResponses() throws {
        // `secret` is required but writeOnly: not required in a response, and not allowed either.
        #expect(try messages(#"{"kind": "cat", "name": "Tom"}"#) == [])
        #expect(
            try messages(#"{"kind": "cat", "name": "Tom", "secret": "x"}"#) == [
                #"as Cat: /secret: property "secret" is writeOnly and must not appear in a response"#
            ])
    }

    @Test func exactNumbersAndIntegerFormats() throws {
        #expect(try messages(#"{"code": 1, "big": 9223372036854775807}"#, status: 500) == [])
        #expect(try messages(#"{"code": 0}"#, status: 500) == ["/code: expected a number > 0, got 0"])
        #expect(try messages(#"{"code": 2147483648}"#, status: 500) == ["/code: 2147483648 is not a valid int32"])
        #expect(
            try messages(#"{"big": 9223372036854775808}"#, status: 500) == [
                "/big: 9223372036854775808 is not a valid int64",
                "/big: expected a number ≤ 9223372036854775807, got 9223372036854775808",
            ])
        #expect(
            try messages(#"{"code": 12345678901234567890}"#, status: 500) == [
                "/code: 12345678901234567890 is not a valid int32"
            ])
        #expect(try messages(#"{"code": 1.0}"#, status: 500) == [])
        #expect(
            try messages(#"{"code": 1.5}"#, status: 500) == [
                "/code: expected integer, got number", "/code: 1.5 is not a valid int32",
            ])
        #expect(try messages(#"{"code": 1e2}"#, status: 500) == [])
        #expect(try messages(#"{"code": 1e400}"#, status: 500) == ["/code: 1e400 is not a valid int32"])
        #expect(try messages(#"{"code": -0}"#, status: 500) == ["/code: expected a number > 0, got -0"])
    }
}

@Suite struct ExampleLintTests {
    @Test func reportsEveryInvalidExampleAtItsLine() throws {
        let path = Support.fixture("bad-examples.yaml")
        let result = try Linter().lint(paths: [path])
        let lines = result.findings.map {
            "\($0.location?.line ?? 0):\($0.location?.column ?? 0): \($0.severity.rawValue): \($0.message)"
        }
        #expect(
            lines == [
                #"11:20: error: example violates its schema: "not-a-uuid" is not a valid uuid (schema.format)"#,
                #"20:51: error: example violates its schema: expected integer, got string (schema.type)"#,
                #"21:49: error: pattern "^[a-z" is not a valid regular expression"#,
                #"27:28: error: examples.bad violates its schema: /count: expected integer, got number (schema.type)"#,
            ])
    }
}
