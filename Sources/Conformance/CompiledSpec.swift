public import ContractCore
public import JSONValidation
public import SpecLoader

/// A spec with every schema it uses compiled once, ready to check many bodies.
public struct CompiledSpec: Sendable {
    /// The model.
    public let spec: APISpec
    /// The compiled schemas.
    public let schemas: CompiledSchemas
    /// Problems met while compiling (invalid patterns, unresolved references).
    public let diagnostics: [Finding]

    /// Compiles every response, request-body, parameter and header schema of `spec`.
    public init(spec: APISpec) {
        self.spec = spec
        var compiler = SchemaCompiler(documents: spec.documents, rules: spec.dialect.schemaRules)
        for operation in spec.operations {
            for parameter in operation.parameters { if let schema = parameter.schema { _ = compiler.compile(schema) } }
            for media in operation.requestBody?.content ?? [] {
                if let schema = media.schema { _ = compiler.compile(schema) }
            }
            for response in operation.responses {
                for media in response.content { if let schema = media.schema { _ = compiler.compile(schema) } }
                for header in response.headers { if let schema = header.schema { _ = compiler.compile(schema) } }
            }
        }
        // Component schemas no operation uses are compiled too, so lint sees their patterns.
        SchemaWalker.walk(spec.documents) { _, address in _ = compiler.compile(address) }
        var seen: Set<String> = []
        diagnostics = compiler.diagnostics.compactMap { problem in
            guard seen.insert(problem.description).inserted else { return nil }
            return Finding(check: .spec, severity: .error, message: problem.message, location: problem.location)
        }
        schemas = compiler.finish()
    }

    /// The compiled index of the schema at `address`.
    public func schema(at address: NodeAddress) -> Int? { schemas.index(of: address) }
}

extension SchemaDialect {
    /// The validator's rules for this dialect.
    public var schemaRules: SchemaRules { self == .openAPI31 ? .openAPI31 : .openAPI30 }
}
