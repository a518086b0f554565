public import ContractCore
import JSONValidation
public import SpecLoader

/// The verdict on one exchange.
public struct ExchangeOutcome: Sendable {
    /// `METHOD /template` of the matched operation, or `nil` when none matched.
    public var operation: String?
    /// The response status.
    public var status: Int
    /// What was found (errors and warnings).
    public var findings: [Finding]
    /// Whether an error was found.
    public var isFailed: Bool { findings.contains { $0.severity == .error } }
}

/// Checks recorded or live exchanges: operation, parameters, status, media type, body.
public struct ExchangeChecker: Sendable {
    public let compiled: CompiledSpec
    public let options: CheckOptions
    private let matcher: OperationMatcher
    private let responses: ResponseChecker
    private let parameterValidator: Validator
    /// For each parameter schema: its compiled index and the JSON types its strings may stand for.
    private let parameterSchemas: [NodeAddress: ParameterSchema]

    private struct ParameterSchema: Sendable {
        var index: Int
        /// The schema's `type` allows a number or an integer, so `42` is read as one.
        var isNumeric: Bool
        /// The schema's `type` allows a boolean, so `true` is read as one.
        var isBoolean: Bool
    }

    /// Creates a checker.
    public init(compiled: CompiledSpec, options: CheckOptions = CheckOptions()) {
        self.compiled = compiled
        self.options = options
        matcher = OperationMatcher(spec: compiled.spec)
        responses = ResponseChecker(compiled: compiled, options: options)
        parameterValidator = Validator(
            schemas: compiled.schemas,
            options: ValidationOptions(
                direction: .request, reportsUndocumented: false, actualLimit: options.actualLimit))
        var schemas: [NodeAddress: ParameterSchema] = [:]
        for operation in compiled.spec.operations {
            for parameter in operation.parameters {
                guard let address = parameter.schema, let index = compiled.schema(at: address) else { continue }
                let node = compiled.spec.documents.node(at: address)
                let types = node?["type"].map { $0.elements?.compactMap(\.string) ?? [$0.string ?? ""] } ?? []
                schemas[address] = ParameterSchema(
                    index: index, isNumeric: types.contains("integer") || types.contains("number"),
                    isBoolean: types.contains("boolean"))
            }
        }
        parameterSchemas = schemas
    }

    /// Checks one exchange. `fixedOperation` (bare body files) skips matching; `checksParameters`
    /// is off for requests conform built itself (live runs), whose parameters are not the server's doing.
    public func check(
        _ exchange: HTTPExchange, fixedOperation: APIOperation? = nil, checksParameters: Bool = true
    ) -> ExchangeOutcome {
        let start = exchange.location
        let operation: APIOperation
        var findings: [Finding] = []
        if let fixedOperation {
            operation = fixedOperation
        } else if let match = matcher.match(method: exchange.method, url: exchange.url) {
            operation = match.operation
            if checksParameters { findings += checkParameters(match, exchange) }
        } else {
            let path = OperationMatcher.path(of: exchange.url)
            let others = matcher.otherMethods(url: exchange.url)
            let hint =
                others.isEmpty
                ? "" : " (the path matches \(others.map(\.displayName).joined(separator: ", ")))"
            findings.append(
                Finding(
                    check: .operation, message: "no documented operation matches \(exchange.method) \(path)\(hint)",
                    location: start, source: exchange.source, status: exchange.status,
                    expected: "a documented method and path", actual: "\(exchange.method) \(path)"))
            return ExchangeOutcome(operation: nil, status: exchange.status, findings: findings)
        }
        let contentType = exchange.responseHeader("content-type")
        switch exchange.body {
        case .none:
            findings += responses.checkWithoutBody(
                status: exchange.status, contentType: contentType, operation: operation,
                source: BodySource(name: exchange.source) { _, _ in start })
        case .bytes(let bytes, let location):
            let place = location ?? start
            findings += responses.check(
                body: bytes, status: exchange.status, contentType: contentType, operation: operation,
                source: BodySource(name: exchange.source) { _, _ in place })
        case .file(let bytes, let path):
            findings += responses.check(
                body: bytes, status: exchange.status, contentType: contentType, operation: operation,
                source: .file(path))
        case .parsedJSON(let document, let index, let file, let line):
            findings += responses.check(
                document: document, index: index, status: exchange.status, contentType: contentType,
                operation: operation,
                source: .line(line, of: file, document: document, name: exchange.source))
        }
        for index in findings.indices where findings[index].source == nil { findings[index].source = exchange.source }
        return ExchangeOutcome(operation: operation.displayName, status: exchange.status, findings: findings)
    }

    private func checkParameters(_ match: OperationMatcher.Match, _ exchange: HTTPExchange) -> [Finding] {
        var findings: [Finding] = []
        let operation = match.operation
        guard !operation.parameters.isEmpty else { return [] }
        let query = OperationMatcher.query(of: exchange.url)
        for parameter in operation.parameters where parameter.location == "path" || parameter.location == "query" {
            let value: String?
            if parameter.location == "path" {
                value = match.pathParameters.first { $0.name == parameter.name }?.value
            } else {
                value = query.first { $0.name == parameter.name }?.value
            }
            guard let value else {
                if parameter.isRequired {
                    findings.append(
                        Finding(
                            check: .parameter,
                            message:
                                "required \(parameter.location) parameter \(JSONText.quote(parameter.name)) is missing",
                            location: exchange.location, source: exchange.source, operation: operation.displayName,
                            status: exchange.status, spec: parameter.sourceLocation, expected: "present",
                            actual: "absent"))
                }
                continue
            }
            guard let address = parameter.schema, let schema = parameterSchemas[address],
                let document = try? JSONDocument(text: Self.coerce(value, as: schema))
            else { continue }
            let result = parameterValidator.validate(document, against: schema.index)
            for violation in result.violations where violation.severity == .error {
                findings.append(
                    Finding(
                        check: .parameter,
                        message: "\(parameter.location) parameter \(JSONText.quote(parameter.name)): \(violation.text)",
                        location: exchange.location, source: exchange.source, operation: operation.displayName,
                        status: exchange.status, spec: violation.spec, expected: violation.expected,
                        actual: violation.actual))
            }
        }
        return findings
    }

    /// The JSON text a parameter string stands for, by its schema's types (`42` for an integer).
    private static func coerce(_ value: String, as schema: ParameterSchema) -> String {
        if schema.isNumeric, JSONNumber(text: value) != nil { return value }
        if schema.isBoolean, value == "true" || value == "false" { return value }
        return JSONText.quote(value)
    }
}
