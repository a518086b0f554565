import ContractCore
import Testing

@testable import SpecLoader

@Suite struct MintlifyPageTests {
    @Test func readsAnEndpointPageIntoTheModel() throws {
        let loaded = try SpecLoader().load(path: Fixture.path("mintlify/status.md"))
        #expect(loaded.diagnostics.isEmpty)
        let spec = loaded.spec
        #expect(spec.openAPIVersion == "mintlify")
        #expect(spec.title == "GET /status/{kickoff_id}")
        #expect(spec.servers.map(\.url) == ["https://crew.example.com"])
        #expect(
            spec.securitySchemes["BearerAuth"]
                == SecurityScheme(type: "http", scheme: "bearer", name: nil, location: nil))
        let operation = try #require(spec.operations.first)
        #expect(spec.operations.count == 1)
        #expect(operation.displayName == "GET /status/{kickoff_id}")
        #expect(operation.security?.first?.schemes.keys.sorted() == ["BearerAuth"])
        let parameter = try #require(operation.parameters.first)
        #expect(parameter.name == "kickoff_id" && parameter.location == "path" && parameter.isRequired)
        let parameterSchema = try #require(parameter.schema.flatMap { spec.documents.node(at: $0) })
        #expect(parameterSchema["format"]?.string == "uuid")
        #expect(parameterSchema["required"] == nil)
        #expect(operation.responses.map(\.key) == [.code(200), .code(404)])
        let ok = try #require(operation.response(for: 200))
        #expect(ok.description == "成功")
        let schema = try #require(ok.content.first?.schema)
        #expect(spec.schemaName(at: schema) == "Running | Completed")
        let node = try #require(spec.documents.node(at: schema))
        // Locations are the page's own lines.
        #expect(node.location.line == 38)
        #expect(node.location.file == Fixture.path("mintlify/status.md"))
        // `required: true` on a property moves into the parent's `required` list.
        let completed = try #require(node["oneOf"]?.elements?[1])
        #expect(completed["required"]?.elements?.compactMap(\.string) == ["status"])
        #expect(ok.content.first?.examples.map(\.name) == ["running"])
        let notFound = try #require(operation.response(for: 404)?.content.first?.schema)
        #expect(spec.schemaName(at: notFound) == "Error")
    }

    @Test func readsVendorVariations() throws {
        let loaded = try SpecLoader().load(path: Fixture.path("mintlify/kickoff.mdx"))
        #expect(loaded.diagnostics.isEmpty)
        let operation = try #require(loaded.spec.operations.first)
        #expect(operation.displayName == "POST /kickoff")
        let body = try #require(operation.requestBody)
        #expect(body.isRequired)
        let bodySchema = try #require(body.content.first?.schema.flatMap { loaded.spec.documents.node(at: $0) })
        // `type: any` is dropped; `required: true` became a required list.
        #expect(bodySchema["properties"]?["inputs"]?["allOf"]?.elements?.first?["type"] == nil)
        #expect(bodySchema["required"]?.elements?.compactMap(\.string) == ["inputs"])
        // A media type without schemaArray has no schema.
        let invalid = try #require(operation.response(for: 422))
        #expect(invalid.content.map(\.name) == ["application/json"])
        #expect(invalid.content.first?.schema == nil)
        #expect(invalid.description == "validation failed")
    }

    @Test func mergesSeveralPagesIntoOneModel() throws {
        let loaded = try SpecLoader().load(paths: [
            Fixture.path("mintlify/status.md"), Fixture.path("mintlify/kickoff.mdx"),
        ])
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.spec.operations.map(\.displayName) == ["GET /status/{kickoff_id}", "POST /kickoff"])
        // References inside one page still resolve after the merge.
        let completed = try #require(loaded.spec.operations.first?.response(for: 200)?.content.first?.schema)
        #expect(
            loaded.spec.documents.node(at: completed.appending("oneOf").appending("1"))?["properties"]?["tasks"] != nil)
        #expect(loaded.spec.documents.resolve("#/components/schemas/Task", from: 0) != nil)
    }

    @Test func refusesAPageWithoutAnEndpointBlock() {
        let path = Fixture.path("mintlify/prose.md")
        do {
            _ = try SpecLoader().load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(
                error.description
                    == "\(path):1:1: error: not an OpenAPI document: no endpoint block found (expected a fenced YAML block with paths.path and paths.method)"
            )
        }
    }
}

@Suite(
    .enabled(
        if: Fixture.shared != nil, "../shared is absent (a user's fresh clone): skipping the seed and upstream checks"))
struct SharedDocumentTests {
    @Test func loadsTheSeedPage() throws {
        let path = (Fixture.shared ?? "") + "/seeds/000_e247d4f74752de3c.txt"
        let loaded = try SpecLoader().load(path: path)
        let operation = try #require(loaded.spec.operations.first)
        #expect(operation.displayName == "GET /status/{kickoff_id}")
        #expect(operation.parameters.first?.name == "kickoff_id")
        let schema = try #require(operation.response(for: 200)?.content.first?.schema)
        #expect(loaded.spec.schemaName(at: schema) == "ExecutionRunning | ExecutionCompleted | ExecutionError")
        for status in [401, 404, 500] {
            let error = try #require(operation.response(for: status)?.content.first?.schema)
            #expect(loaded.spec.schemaName(at: error) == "Error")
        }
    }

    @Test func loadsTheUpstreamDocument() throws {
        let path = (Fixture.shared ?? "") + "/reference/upstream-specs/enterprise-api.en.yaml"
        let loaded = try SpecLoader().load(path: path)
        #expect(loaded.diagnostics.filter { $0.severity == .error }.isEmpty)
        #expect(
            loaded.spec.operations.compactMap(\.operationID) == [
                "getRequiredInputs", "startCrewExecution", "getExecutionStatus", "resumeCrewExecution",
            ])
    }
}
