public import ContractCore
import JSONValidation
public import SpecLoader

/// `conform lint`: loads specs and reports every structural problem and every example that
/// violates its own schema.
public struct Linter: Sendable {
    /// The loader used for every spec.
    public var loader: SpecLoader

    /// Creates a linter.
    public init(loader: SpecLoader = SpecLoader()) {
        self.loader = loader
    }

    /// The outcome of linting one spec (or one set of merged Mintlify pages).
    public struct Result: Sendable {
        /// The model that was understood.
        public var spec: APISpec
        /// Problems, sorted by location.
        public var findings: [Finding]
        /// Formats the schemas name that conform does not assert, with their counts.
        public var unknownFormats: [String: Int]
    }

    /// Lints the spec made of `paths` (one OpenAPI document, or Mintlify pages that merge).
    public func lint(paths: [String]) throws(SpecLoadError) -> Result {
        let loaded = try loader.load(paths: paths)
        let compiled = CompiledSpec(spec: loaded.spec)
        var findings = loaded.diagnostics
        let known = Set(findings.map(\.line))
        findings += compiled.diagnostics.filter {
            !known.contains($0.line) && !$0.message.hasPrefix("unresolved reference")
        }
        findings += ExampleCheck(compiled: compiled).run()
        findings.sort()
        return Result(spec: loaded.spec, findings: findings, unknownFormats: compiled.schemas.unknownFormats)
    }
}

/// Validates every `example` and `examples` value against the schema it illustrates.
struct ExampleCheck {
    let compiled: CompiledSpec

    func run() -> [Finding] {
        var findings: [Finding] = []
        var seen: Set<SourceLocation> = []
        let documents = compiled.spec.documents
        // Examples written inside schemas.
        SchemaWalker.walk(documents) { schema, address in
            guard let index = compiled.schema(at: address) else { return }
            if let example = schema.entry("example") {
                findings += check(example.value, against: index, name: "example", seen: &seen)
            }
            if compiled.spec.dialect == .openAPI31, let examples = schema["examples"]?.elements {
                for value in examples { findings += check(value, against: index, name: "examples", seen: &seen) }
            }
        }
        // Examples of media types, parameters and headers.
        for (documentIndex, document) in documents.documents.enumerated() {
            var stack: [(DocumentNode, String, Bool)] = [(document.root, "", false)]
            while let (node, pointer, insideSchema) = stack.popLast() {
                guard let entries = node.entries else {
                    for (position, element) in (node.elements ?? []).enumerated() where !insideSchema {
                        stack.append((element, pointer + "/\(position)", false))
                    }
                    continue
                }
                if !insideSchema, node["schema"] != nil,
                    let index = compiled.schema(at: NodeAddress(document: documentIndex, pointer: pointer + "/schema"))
                {
                    if let example = node.entry("example") {
                        findings += check(example.value, against: index, name: "example", seen: &seen)
                    }
                    for item in node["examples"]?.entries ?? [] {
                        guard let value = item.value["value"] else { continue }
                        findings += check(value, against: index, name: "examples.\(item.key)", seen: &seen)
                    }
                }
                for entry in entries where !["example", "examples", "enum", "default", "const"].contains(entry.key) {
                    let childIsSchema = insideSchema || entry.key == "schema" || entry.key == "schemas"
                    stack.append((entry.value, pointer + "/" + JSONPointer.escape(entry.key), childIsSchema))
                }
            }
        }
        return findings
    }

    private func check(_ example: DocumentNode, against schema: Int, name: String, seen: inout Set<SourceLocation>)
        -> [Finding]
    {
        guard seen.insert(example.location).inserted else { return [] }
        guard let document = try? JSONDocument(text: example.jsonText) else { return [] }
        let validator = Validator(
            schemas: compiled.schemas, options: ValidationOptions(direction: .neutral, reportsUndocumented: false))
        let result = validator.validate(document, against: schema)
        return result.violations.filter { $0.severity == .error }.map { violation in
            let tokens = JSONPointer.tokens(violation.instance) ?? []
            let place = example.descend(tokens)?.location ?? example.location
            return Finding(
                check: .example, severity: .error,
                message: "\(name) violates its schema: \(violation.text) (\(violation.check))",
                location: place, instance: violation.instance, spec: violation.spec,
                expected: violation.expected, actual: violation.actual)
        }
    }
}
