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
    /// Per operation (in the spec's order): what checking its exchanges needs, worked out once.
    private let plans: [OperationPlan]

    private struct ParameterSchema: Sendable {
        var index: Int
        /// The schema's `type` allows a number or an integer, so `42` is read as one.
        var isNumeric: Bool
        /// The schema's `type` allows a boolean, so `true` is read as one.
        var isBoolean: Bool
    }

    /// A path or query parameter of an operation.
    private struct ParameterPlan: Sendable {
        var parameter: Parameter
        var isPath: Bool
        /// For a path parameter: the position of its variable among the template's variables.
        var variable: Int?
        var schema: ParameterSchema?
    }

    private final class OperationPlan: Sendable {
        let responses: ResponseChecker.Plan
        let parameters: [ParameterPlan]
        let hasQueryParameters: Bool

        init(responses: ResponseChecker.Plan, parameters: [ParameterPlan]) {
            self.responses = responses
            self.parameters = parameters
            hasQueryParameters = parameters.contains { !$0.isPath }
        }
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
        var plans: [OperationPlan] = []
        for operation in compiled.spec.operations {
            let variables = OperationMatcher.variableNames(of: operation.path)
            var parameters: [ParameterPlan] = []
            for parameter in operation.parameters where parameter.location == "path" || parameter.location == "query" {
                var schema: ParameterSchema?
                if let address = parameter.schema, let index = compiled.schema(at: address) {
                    let node = compiled.spec.documents.node(at: address)
                    let types = node?["type"].map { $0.elements?.compactMap(\.string) ?? [$0.string ?? ""] } ?? []
                    schema = ParameterSchema(
                        index: index, isNumeric: types.contains("integer") || types.contains("number"),
                        isBoolean: types.contains("boolean"))
                }
                let isPath = parameter.location == "path"
                parameters.append(
                    ParameterPlan(
                        parameter: parameter, isPath: isPath,
                        variable: isPath ? variables.firstIndex(of: parameter.name) : nil, schema: schema))
            }
            plans.append(OperationPlan(responses: responses.plan(for: operation), parameters: parameters))
        }
        self.plans = plans
    }

    /// Checks one exchange. `fixedOperation` (bare body files) skips matching; `checksParameters`
    /// is off for requests conform built itself (live runs), whose parameters are not the server's doing.
    public func check(
        _ exchange: HTTPExchange, fixedOperation: APIOperation? = nil, checksParameters: Bool = true
    ) -> ExchangeOutcome {
        let start = exchange.location
        let plan: ResponseChecker.Plan
        var findings: [Finding] = []
        if let fixedOperation {
            plan = responses.plan(for: fixedOperation)
        } else if let match = matcher.locate(method: exchange.method, url: exchange.url) {
            let operationPlan = plans[match.operation]
            plan = operationPlan.responses
            if checksParameters && !operationPlan.parameters.isEmpty {
                findings += checkParameters(operationPlan, match.values, exchange)
            }
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
                status: exchange.status, contentType: contentType, plan: plan,
                source: BodySource(name: exchange.source) { _, _ in start })
        case .bytes(let bytes, let location):
            let place = location ?? start
            findings += responses.check(
                body: bytes, status: exchange.status, contentType: contentType, plan: plan,
                source: BodySource(name: exchange.source) { _, _ in place })
        case .file(let bytes, let path):
            findings += responses.check(
                body: bytes, status: exchange.status, contentType: contentType, plan: plan, source: .file(path))
        case .parsedJSON(let document, let index, let file, let line):
            findings += responses.check(
                document: document, index: index, status: exchange.status, contentType: contentType, plan: plan,
                source: .line(line, of: file, document: document, name: exchange.source))
        }
        for index in findings.indices where findings[index].source == nil { findings[index].source = exchange.source }
        return ExchangeOutcome(operation: plan.operation.displayName, status: exchange.status, findings: findings)
    }

    private func checkParameters(_ plan: OperationPlan, _ pathValues: [String], _ exchange: HTTPExchange) -> [Finding] {
        var findings: [Finding] = []
        let query = plan.hasQueryParameters ? OperationMatcher.query(of: exchange.url) : []
        for item in plan.parameters {
            let parameter = item.parameter
            let value: String?
            if item.isPath {
                value = item.variable.flatMap { pathValues.indices.contains($0) ? pathValues[$0] : nil }
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
                            location: exchange.location, source: exchange.source,
                            operation: plan.responses.operation.displayName, status: exchange.status,
                            spec: parameter.sourceLocation, expected: "present", actual: "absent"))
                }
                continue
            }
            guard let schema = item.schema, let document = Self.document(value, as: schema) else { continue }
            let result = parameterValidator.validate(document, against: schema.index)
            for violation in result.violations where violation.severity == .error {
                findings.append(
                    Finding(
                        check: .parameter,
                        message: "\(parameter.location) parameter \(JSONText.quote(parameter.name)): \(violation.text)",
                        location: exchange.location, source: exchange.source,
                        operation: plan.responses.operation.displayName, status: exchange.status,
                        spec: violation.spec, expected: violation.expected, actual: violation.actual))
            }
        }
        return findings
    }

    /// The JSON value a parameter string stands for, by its schema's types (`42` for an integer, else a string).
    private static func document(_ value: String, as schema: ParameterSchema) -> JSONDocument? {
        if schema.isNumeric, JSONNumber(text: value) != nil { return try? JSONDocument(text: value) }
        if schema.isBoolean, value == "true" || value == "false" { return try? JSONDocument(text: value) }
        return try? JSONDocument(string: value)
    }
}
