public import ContractCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which way a body travels; `readOnly` and `writeOnly` depend on it.
public enum BodyDirection: Sendable {
    /// A response body: `writeOnly` properties must be absent, required `writeOnly` ones are not required.
    case response
    /// A request body: `readOnly` properties must be absent, required `readOnly` ones are not required.
    case request
    /// Neither rule applies (plain JSON Schema).
    case neutral
}

/// Options of one validation run.
public struct ValidationOptions: Sendable {
    /// Undocumented properties are errors, and every documented property is required.
    public var isStrict: Bool
    /// Request or response rules for `readOnly`/`writeOnly`.
    public var direction: BodyDirection
    /// Report properties that no schema names (`undocumented-property`).
    public var reportsUndocumented: Bool
    /// The most violations kept per body; the rest are counted.
    public var maxViolations: Int
    /// The longest `actual` value quoted in a message, in characters.
    public var actualLimit: Int

    /// Creates options.
    public init(
        isStrict: Bool = false, direction: BodyDirection = .response, reportsUndocumented: Bool = true,
        maxViolations: Int = 100, actualLimit: Int = 80
    ) {
        self.isStrict = isStrict
        self.direction = direction
        self.reportsUndocumented = reportsUndocumented
        self.maxViolations = maxViolations
        self.actualLimit = actualLimit
    }
}

/// One way a body breaks its schema.
public struct SchemaViolation: Sendable, Hashable {
    /// `schema.<keyword>` or `undocumented-property`.
    public var check: CheckID
    public var severity: Severity
    /// JSON Pointer of the offending value.
    public var instance: String
    /// Byte offset of the offending value in the body.
    public var offset: Int
    /// Where the failing keyword is written in the spec.
    public var spec: SourceLocation
    public var message: String
    public var expected: String?
    public var actual: String?
    /// The `oneOf`/`anyOf` alternative whose own rules failed, when a tag selected it.
    public var alternative: String?

    /// `as Alternative: /pointer: message`, the form printed to users.
    public var text: String {
        (alternative.map { "as \($0): " } ?? "") + (instance.isEmpty ? "" : instance + ": ") + message
    }
}

/// The outcome of validating one body.
public struct ValidationResult: Sendable {
    /// Violations in document order, at most ``ValidationOptions/maxViolations``.
    public var violations: [SchemaViolation]
    /// How many violations were found in all, kept or not.
    public var total: Int
    /// Whether no error was found (warnings allowed).
    public var isValid: Bool { !violations.contains { $0.severity == .error } }
}

/// Validates JSON documents against compiled schemas.
public struct Validator: Sendable {
    /// The compiled schemas.
    public let schemas: CompiledSchemas
    /// The options.
    public var options: ValidationOptions

    /// Creates a validator.
    public init(schemas: CompiledSchemas, options: ValidationOptions = ValidationOptions()) {
        self.schemas = schemas
        self.options = options
    }

    /// Validates the value at tape index `root` (the whole document by default) against the schema
    /// with index `schema`.
    public func validate(_ document: JSONDocument, at root: Int = 0, against schema: Int) -> ValidationResult {
        let (found, dropped) = evaluating(document) { run in
            run.collecting = true
            _ = run.check(schema, root, isEntry: true)
            return (run.violations, run.dropped)
        }
        if found.isEmpty { return ValidationResult(violations: [], total: dropped) }
        // Document order; violations of one value keep the order of their keywords.
        var violations = found.enumerated().sorted {
            ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset)
        }.map(\.element)
        let total = violations.count + dropped
        if violations.count > options.maxViolations { violations.removeLast(violations.count - options.maxViolations) }
        return ValidationResult(violations: violations, total: total)
    }

    /// Whether the document is valid against the schema, without collecting messages.
    public func isValid(_ document: JSONDocument, at root: Int = 0, against schema: Int) -> Bool {
        evaluating(document) { run in
            run.collecting = false
            return run.check(schema, root, isEntry: true)
        }
    }

    /// Runs `body` on an evaluation of `document` that reads the schemas and the tape through pointers:
    /// reading a field of an array's element may copy the element out (retaining each of its references),
    /// for every value and keyword.
    private func evaluating<Result>(_ document: JSONDocument, _ body: (inout Evaluation) -> Result) -> Result {
        schemas.nodes.withUnsafeBufferPointer { nodes in
            document.tape.withUnsafeBufferPointer { tape in
                var run = Evaluation(nodes: nodes, tape: tape, schemas: schemas, options: options, document: document)
                return body(&run)
            }
        }
    }
}

/// Properties and items that a schema evaluated, for `unevaluated*` and undocumented properties.
struct Annotations {
    var properties = PositionSet()
    var items = PositionSet()
    var allItems = false
    /// The schema at this place that documents object properties (`properties`), if one does: its
    /// location and name are looked up only when an undocumented property is reported, so merging
    /// annotations copies an integer, not strings.
    var propertiesNode: Int?

    mutating func merge(_ other: Annotations) {
        properties.formUnion(other.properties)
        items.formUnion(other.items)
        allItems = allItems || other.allItems
        if propertiesNode == nil { propertiesNode = other.propertiesNode }
    }
}

/// A set of small non-negative integers (member or element positions).
struct PositionSet {
    private var low: UInt64 = 0
    private var high: Set<Int> = []

    mutating func insert(_ position: Int) {
        if position < 64 { low |= 1 << UInt64(position) } else { high.insert(position) }
    }

    func contains(_ position: Int) -> Bool {
        position < 64 ? low & (1 << UInt64(position)) != 0 : high.contains(position)
    }

    mutating func formUnion(_ other: PositionSet) {
        low |= other.low
        if !other.high.isEmpty { high.formUnion(other.high) }
    }
}

enum PathStep {
    case key(Int)
    case index(Int)
}

/// The state of one validation: the path walked so far and the violations found.
struct Evaluation {
    /// The compiled schemas and the document's tape, valid while ``Validator`` runs the evaluation.
    let nodes: UnsafeBufferPointer<SchemaNode>
    let rules: SchemaRules
    let options: ValidationOptions
    let document: JSONDocument
    let tape: UnsafeBufferPointer<JSONToken>
    var path: [PathStep] = []
    var violations: [SchemaViolation] = []
    var dropped = 0
    var collecting = true
    var depth = 0
    /// Base URIs of the schema resources entered, outermost first (the dynamic scope).
    var scope: [String] = []
    let dynamicAnchors: [String: Int]
    let tagTable: [[Int]: [TagProperty]]
    /// `$ref`s being applied, innermost last: a repeat on the same value is a loop.
    var references: [(schema: Int, value: Int)] = []
    /// The deepest nesting of schema evaluations (instance depth plus in-place applicators).
    static let maxDepth = 256

    init(
        nodes: UnsafeBufferPointer<SchemaNode>, tape: UnsafeBufferPointer<JSONToken>, schemas: CompiledSchemas,
        options: ValidationOptions, document: JSONDocument
    ) {
        self.nodes = nodes
        self.rules = schemas.rules
        self.dynamicAnchors = schemas.dynamicAnchors
        self.tagTable = schemas.tagTable
        self.options = options
        self.document = document
        self.tape = tape
    }

    // MARK: - Entry

    /// Checks value `value` (a tape index) against schema `index`.
    /// - Parameter isEntry: the value was reached through a property or item (not an in-place applicator),
    ///   so undocumented properties of an object are judged here.
    mutating func check(_ index: Int, _ value: Int, isEntry: Bool) -> Bool {
        var annotations = Annotations()
        let wantsUndocumented =
            isEntry && tape[value].kind == .object
            && options.reportsUndocumented && (collecting || options.isStrict)
        let isValid = evaluate(index, value, &annotations, wants: wantsUndocumented)
        guard wantsUndocumented else { return isValid }
        return reportUndocumented(value, annotations) && isValid
    }

    private mutating func reportUndocumented(_ value: Int, _ annotations: Annotations) -> Bool {
        guard let owner = annotations.propertiesNode, let spec = nodes[owner].sharedProperties?.rule.namedLocation
        else {
            return true
        }
        var isValid = true
        var position = 0
        for (key, member) in document.members(of: value) {
            defer { position += 1 }
            if annotations.properties.contains(position) { continue }
            path.append(.key(key))
            report(
                check: .undocumentedProperty, severity: options.isStrict ? .error : .warning, at: member, spec: spec,
                message:
                    "property \(JSONText.quote(document.string(at: key))) is not documented by \(nodes[owner].name ?? "the schema")",
                expected: "only documented properties", actual: quoted(member))
            path.removeLast()
            if options.isStrict {
                isValid = false
                if !collecting { return false }
            }
        }
        return isValid
    }

    // MARK: - Evaluation

    /// Evaluates schema `index` against `value`; fills `annotations` when `wants` is set.
    mutating func evaluate(_ index: Int, _ value: Int, _ annotations: inout Annotations, wants: Bool) -> Bool {
        if nodes[index].needsAnnotations && !wants {
            var own = Annotations()
            return evaluate(index, value, &own, wants: true)
        }
        let wantsAnnotations = wants
        // Fields are read in place: copying the whole schema would retain and release each of its references.
        if let constant = nodes[index].constant {
            if !constant {
                report(
                    keyword: "false", at: value, spec: nodes[index].location,
                    message: "no value is allowed here (schema is false)")
            }
            return constant
        }
        depth += 1
        defer { depth -= 1 }
        let entersResource = nodes[index].resourceBase != nil && scope.last != nodes[index].resourceBase
        if entersResource, let base = nodes[index].resourceBase { scope.append(base) }
        defer { if entersResource { scope.removeLast() } }
        if depth > Self.maxDepth {
            report(
                keyword: "$ref", at: value, spec: nodes[index].location,
                message: "schema references recurse without end at this value")
            return false
        }
        let kind = tape[value].kind
        var isValid = true

        // type and nullable
        if let types = nodes[index].types {
            if !matches(types, value, nullable: nodes[index].isNullable) {
                isValid = false
                let expected = types.names.joined(separator: " or ") + (nodes[index].isNullable ? " or null" : "")
                report(
                    keyword: "type", at: value, spec: nodes[index].typeLocation ?? nodes[index].location,
                    message: "expected \(expected), got \(typeName(value))", expected: expected, actual: quoted(value))
                if !collecting { return false }
            }
        }
        if kind == .null && nodes[index].isNullable && rules == .openAPI30 && nodes[index].types != nil {
            // OpenAPI 3.0: null is allowed, and no other keyword applies to it.
            return isValid
        }

        switch kind {
        case .object:
            if let properties = nodes[index].sharedProperties {
                isValid = checkProperties(properties, value, &annotations, wantsAnnotations) && isValid
                if !isValid && !collecting { return false }
                if properties.rule.namedLocation != nil && annotations.propertiesNode == nil {
                    annotations.propertiesNode = index
                }
            }
            if options.isStrict && nodes[index].describesProperties {
                isValid = checkStrictPresence(index, value) && isValid
                if !isValid && !collecting { return false }
            }
        case .array:
            if let items = nodes[index].sharedItems {
                isValid = checkItems(items, value, &annotations, wantsAnnotations) && isValid
                if !isValid && !collecting { return false }
            }
        default:
            break
        }

        // Rules are read in place too, through a pointer: an array element, or a `for rule in` loop,
        // would copy each one out (its keyword, its location and its operands retained).
        let rules = nodes[index].rules
        if rules.isEmpty { return isValid }
        var hasUnevaluated = false
        let holds = rules.withUnsafeBufferPointer { rules -> Bool in
            var holds = true
            for position in rules.indices {
                switch rules[position].kind {
                case .unevaluatedProperties, .unevaluatedItems:
                    hasUnevaluated = true
                    continue
                default:
                    break
                }
                if !apply(rules[position], value, kind, index, &annotations, wantsAnnotations) {
                    holds = false
                    if !collecting { return false }
                }
            }
            return holds
        }
        if !holds {
            isValid = false
            if !collecting { return false }
        }
        guard hasUnevaluated else { return isValid }
        for position in rules.indices where !applyUnevaluated(rules[position], value, kind, &annotations) {
            isValid = false
            if !collecting { return false }
        }
        return isValid
    }

    // MARK: - Keywords

    private mutating func apply(
        _ rule: Rule, _ value: Int, _ kind: JSONKind, _ node: Int, _ annotations: inout Annotations,
        _ wantsAnnotations: Bool
    ) -> Bool {
        switch rule.kind {
        case .ref(let target):
            if references.contains(where: { $0.schema == target && $0.value == value }) {
                report(rule, at: value, message: "$ref loops back to a schema already applied to this value")
                return false
            }
            references.append((target, value))
            defer { references.removeLast() }
            return applyInPlace(target, value, &annotations, wantsAnnotations)
        case .dynamicRef(let anchor, let fallback):
            var target = fallback
            if nodes[fallback].dynamicAnchor == anchor {
                for base in scope {
                    if let found = dynamicAnchors[ResourceIndex.key(base + "#" + anchor)] {
                        target = found
                        break
                    }
                }
            }
            if references.contains(where: { $0.schema == target && $0.value == value }) {
                report(rule, at: value, message: "$dynamicRef loops back to a schema already applied to this value")
                return false
            }
            references.append((target, value))
            defer { references.removeLast() }
            return applyInPlace(target, value, &annotations, wantsAnnotations)
        case .enumeration(let options):
            if options.contains(where: { equals(value, $0) }) { return true }
            let expected = "one of " + options.map { abbreviate($0.jsonText, limit: 40) }.joined(separator: ", ")
            report(
                rule, at: value, message: "expected \(expected), got \(quoted(value))", expected: expected,
                actual: quoted(value))
            return false
        case .constant(let constant):
            if equals(value, constant) { return true }
            let expected = abbreviate(constant.jsonText, limit: 60)
            report(
                rule, at: value, message: "expected \(expected), got \(quoted(value))", expected: expected,
                actual: quoted(value))
            return false
        case .allOf(let members):
            var isValid = true
            for member in members where !applyInPlace(member, value, &annotations, wantsAnnotations) {
                isValid = false
                if !collecting { return false }
            }
            return isValid
        case .anyOf(let members):
            return applyAnyOf(rule, members, value, &annotations, wantsAnnotations)
        case .oneOf(let members, let discriminator):
            return applyOneOf(rule, members, discriminator, value, &annotations, wantsAnnotations)
        case .not(let member):
            if quietly({ $0.evaluateQuietly(member, value) }) {
                report(
                    rule, at: value, message: "must not match the schema under \"not\"", expected: "not the schema",
                    actual: quoted(value))
                return false
            }
            return true
        case .conditional(let condition, let then, let otherwise):
            var conditionAnnotations = Annotations()
            let holds = quietly { $0.evaluate(condition, value, &conditionAnnotations, wants: wantsAnnotations) }
            if holds {
                if wantsAnnotations { annotations.merge(conditionAnnotations) }
                guard let then else { return true }
                return applyInPlace(then, value, &annotations, wantsAnnotations)
            }
            guard let otherwise else { return true }
            return applyInPlace(otherwise, value, &annotations, wantsAnnotations)
        case .minimum(let limit, let exclusive):
            guard kind == .number, let number = number(value) else { return true }
            let comparison = JSONNumber.compare(number, limit)
            if comparison > 0 || (comparison == 0 && !exclusive) { return true }
            let expected = (exclusive ? "> " : "≥ ") + limit.description
            report(
                rule, at: value, message: "expected a number \(expected), got \(number)", expected: expected,
                actual: number.description)
            return false
        case .maximum(let limit, let exclusive):
            guard kind == .number, let number = number(value) else { return true }
            let comparison = JSONNumber.compare(number, limit)
            if comparison < 0 || (comparison == 0 && !exclusive) { return true }
            let expected = (exclusive ? "< " : "≤ ") + limit.description
            report(
                rule, at: value, message: "expected a number \(expected), got \(number)", expected: expected,
                actual: number.description)
            return false
        case .multipleOf(let divisor):
            guard kind == .number, let number = number(value), !number.isMultiple(of: divisor) else { return true }
            report(
                rule, at: value, message: "expected a multiple of \(divisor), got \(number)",
                expected: "multiple of \(divisor)", actual: number.description)
            return false
        case .minLength(let limit):
            guard kind == .string else { return true }
            let length = Int(tape[value].count)
            if length >= limit { return true }
            report(
                rule, at: value, message: "expected at least \(limit) characters, got \(length)",
                expected: "length ≥ \(limit)", actual: quoted(value))
            return false
        case .maxLength(let limit):
            guard kind == .string else { return true }
            let length = Int(tape[value].count)
            if length <= limit { return true }
            report(
                rule, at: value, message: "expected at most \(limit) characters, got \(length)",
                expected: "length ≤ \(limit)", actual: quoted(value))
            return false
        case .pattern(let pattern):
            guard kind == .string, !pattern.matches(document.string(at: value)) else { return true }
            report(
                rule, at: value,
                message: "\(quoted(value)) does not match the pattern \(JSONText.quote(pattern.source))",
                expected: "matches \(pattern.source)", actual: quoted(value))
            return false
        case .format(let format):
            if kind == .string, let checker = FormatChecker.stringChecker(for: format) {
                if checker(document.string(at: value)) { return true }
                report(
                    rule, at: value, message: "\(quoted(value)) is not a valid \(format)", expected: format,
                    actual: quoted(value))
                return false
            }
            if kind == .number, let number = number(value),
                let holds = FormatChecker.numberFormatIsSatisfied(format, number)
            {
                if holds { return true }
                report(
                    rule, at: value, message: "\(number) is not a valid \(format)", expected: format,
                    actual: number.description)
                return false
            }
            return true
        case .minItems(let limit):
            guard kind == .array, Int(tape[value].count) < limit else { return true }
            report(
                rule, at: value, message: "expected at least \(limit) items, got \(tape[value].count)",
                expected: "≥ \(limit) items", actual: "\(tape[value].count) items")
            return false
        case .maxItems(let limit):
            guard kind == .array, Int(tape[value].count) > limit else { return true }
            report(
                rule, at: value, message: "expected at most \(limit) items, got \(tape[value].count)",
                expected: "≤ \(limit) items", actual: "\(tape[value].count) items")
            return false
        case .uniqueItems:
            guard kind == .array else { return true }
            let elements = Array(document.elements(of: value))
            for (position, element) in elements.enumerated() {
                for earlier in elements[..<position] where document.valuesEqual(earlier, element) {
                    path.append(.index(position))
                    report(
                        rule, at: element, message: "item \(position) repeats an earlier item",
                        expected: "unique items", actual: quoted(element))
                    path.removeLast()
                    return false
                }
            }
            return true
        case .contains(let member, let minimum, let maximum):
            guard kind == .array else { return true }
            var matched = 0
            for (position, element) in document.elements(of: value).enumerated() {
                path.append(.index(position))
                let holds = quietly { $0.evaluateQuietly(member, element) }
                path.removeLast()
                if holds {
                    matched += 1
                    if wantsAnnotations { annotations.items.insert(position) }
                }
            }
            if matched < minimum {
                report(
                    rule, at: value,
                    message:
                        "expected at least \(minimum) matching item\(minimum == 1 ? "" : "s") (contains), got \(matched)",
                    expected: "≥ \(minimum) matching", actual: "\(matched) matching")
                return false
            }
            if let maximum, matched > maximum {
                report(
                    rule, at: value,
                    message: "expected at most \(maximum) matching items (maxContains), got \(matched)",
                    expected: "≤ \(maximum) matching", actual: "\(matched) matching")
                return false
            }
            return true
        case .minProperties(let limit):
            guard kind == .object, Int(tape[value].count) < limit else { return true }
            report(
                rule, at: value, message: "expected at least \(limit) properties, got \(tape[value].count)",
                expected: "≥ \(limit) properties", actual: "\(tape[value].count) properties")
            return false
        case .maxProperties(let limit):
            guard kind == .object, Int(tape[value].count) > limit else { return true }
            report(
                rule, at: value, message: "expected at most \(limit) properties, got \(tape[value].count)",
                expected: "≤ \(limit) properties", actual: "\(tape[value].count) properties")
            return false
        case .required(let names):
            guard kind == .object else { return true }
            var isValid = true
            for name in names where member(named: name, of: value) == nil {
                if isExempt(name, in: node) { continue }
                report(
                    rule, at: value, message: "missing required property \(JSONText.quote(name))",
                    expected: "property \(JSONText.quote(name))", actual: "absent")
                isValid = false
                if !collecting { return false }
            }
            return isValid
        case .dependentRequired(let pairs):
            guard kind == .object else { return true }
            var isValid = true
            for (trigger, names) in pairs where member(named: trigger, of: value) != nil {
                for name in names where member(named: name, of: value) == nil {
                    report(
                        rule, at: value,
                        message: "property \(JSONText.quote(trigger)) requires property \(JSONText.quote(name))",
                        expected: "property \(JSONText.quote(name))", actual: "absent")
                    isValid = false
                    if !collecting { return false }
                }
            }
            return isValid
        case .dependentSchemas(let pairs):
            guard kind == .object else { return true }
            var isValid = true
            for (trigger, schema) in pairs where member(named: trigger, of: value) != nil {
                if !applyInPlace(schema, value, &annotations, wantsAnnotations) {
                    isValid = false
                    if !collecting { return false }
                }
            }
            return isValid
        case .propertyNames(let schema):
            guard kind == .object else { return true }
            var isValid = true
            for (key, _) in document.members(of: value) {
                path.append(.key(key))
                // The key itself is the instance.
                if !evaluateKey(schema, key) {
                    isValid = false
                    report(
                        rule, at: key, message: "property name \(quoted(key)) does not match propertyNames",
                        expected: "a valid property name", actual: quoted(key))
                }
                path.removeLast()
                if !isValid && !collecting { return false }
            }
            return isValid
        case .unevaluatedProperties, .unevaluatedItems:
            return true
        }
    }

    private mutating func applyUnevaluated(
        _ rule: Rule, _ value: Int, _ kind: JSONKind, _ annotations: inout Annotations
    ) -> Bool {
        switch rule.kind {
        case .unevaluatedProperties(let schema):
            guard kind == .object else { return true }
            var isValid = true
            var position = 0
            for (key, member) in document.members(of: value) {
                defer { position += 1 }
                if annotations.properties.contains(position) { continue }
                let holds = checkUnevaluated(
                    schema, member, step: .key(key), rule,
                    message:
                        "property \(JSONText.quote(document.string(at: key))) is not allowed (unevaluatedProperties)",
                    expected: "no other properties")
                if holds { annotations.properties.insert(position) } else { isValid = false }
                if !isValid && !collecting { return false }
            }
            return isValid
        case .unevaluatedItems(let schema):
            guard kind == .array, !annotations.allItems else { return true }
            var isValid = true
            for (position, element) in document.elements(of: value).enumerated()
            where !annotations.items.contains(position) {
                let holds = checkUnevaluated(
                    schema, element, step: .index(position), rule,
                    message: "item \(position) is not allowed (unevaluatedItems)", expected: "no other items")
                if holds { annotations.items.insert(position) } else { isValid = false }
                if !isValid && !collecting { return false }
            }
            return isValid
        default:
            return true
        }
    }

    /// Checks one unevaluated member or item; a `false` schema is reported as the keyword itself.
    private mutating func checkUnevaluated(
        _ schema: Int, _ value: Int, step: PathStep, _ rule: Rule, message: String, expected: String
    ) -> Bool {
        path.append(step)
        defer { path.removeLast() }
        let mark = violations.count
        let holds = check(schema, value, isEntry: true)
        if !holds && nodes[schema].constant == false && collecting {
            violations.removeSubrange(mark...)
            report(rule, at: value, message: message, expected: expected, actual: quoted(value))
        }
        return holds
    }

    /// An in-place subschema (allOf member, `$ref`, then/else): its annotations join ours when it holds.
    private mutating func applyInPlace(
        _ member: Int, _ value: Int, _ annotations: inout Annotations, _ wantsAnnotations: Bool
    ) -> Bool {
        var inner = Annotations()
        let holds = evaluate(member, value, &inner, wants: wantsAnnotations)
        // A failing subschema's annotations are dropped, except while explaining a failure.
        if wantsAnnotations && (holds || collecting) { annotations.merge(inner) }
        return holds
    }

    /// `shared`'s rule is read in place: a copy would retain each of its arrays and strings, for every object.
    private mutating func checkProperties(
        _ shared: Shared<PropertiesRule>, _ value: Int, _ annotations: inout Annotations, _ wantsAnnotations: Bool
    ) -> Bool {
        var isValid = true
        var position = 0
        for (key, member) in document.members(of: value) {
            defer { position += 1 }
            var evaluated = false
            // The named schema, then those of matching patterns; an array only when patterns match.
            let named = namedProperty(shared, key)
            var matched: [Int] = []
            if !shared.rule.patterns.isEmpty {
                let name = document.string(at: key)
                for (pattern, schema) in shared.rule.patterns where pattern.matches(name) { matched.append(schema) }
            }
            path.append(.key(key))
            if named == nil && matched.isEmpty, let additional = shared.rule.additional {
                if nodes[additional].constant == false {
                    let name = document.string(at: key)
                    report(
                        check: .schema("additionalProperties"), severity: .error, at: member,
                        spec: shared.rule.additionalLocation ?? nodes[additional].location,
                        message: "property \(JSONText.quote(name)) is not allowed (additionalProperties is false)",
                        expected: "no other properties", actual: quoted(member))
                    isValid = false
                } else if !check(additional, member, isEntry: true) {
                    isValid = false
                }
                evaluated = true
            }
            for slot in 0..<((named == nil ? 0 : 1) + matched.count) {
                let schema = named.map { slot == 0 ? $0 : matched[slot - 1] } ?? matched[slot]
                evaluated = true
                if nodes[schema].isWriteOnly && options.direction == .response
                    || nodes[schema].isReadOnly && options.direction == .request
                {
                    let keyword = nodes[schema].isWriteOnly ? "writeOnly" : "readOnly"
                    report(
                        check: .schema(keyword), severity: .error, at: member, spec: nodes[schema].location,
                        message:
                            "property \(JSONText.quote(document.string(at: key))) is \(keyword) and must not appear in a \(options.direction == .response ? "response" : "request")",
                        expected: "absent", actual: quoted(member))
                    isValid = false
                }
                if !check(schema, member, isEntry: true) { isValid = false }
            }
            path.removeLast()
            if evaluated && wantsAnnotations { annotations.properties.insert(position) }
            if !isValid && !collecting { return false }
        }
        return isValid
    }

    /// The schema of the property named by `key`, if `rule` names it.
    private func namedProperty(_ shared: Shared<PropertiesRule>, _ key: Int) -> Int? {
        let token = tape[key]
        if token.flags & JSONToken.hasEscapes == 0 {
            let start = Int(token.start)
            let length = Int(token.length)
            return document.bytes.withUnsafeBufferPointer { bytes -> Int? in
                // Names are read through a pointer: an array element would be copied out, its strings retained.
                shared.rule.named.withUnsafeBufferPointer { named -> Int? in
                    guard let text = bytes.baseAddress.map({ $0 + start }) else { return nil }
                    for position in named.indices where named[position].utf8.count == length {
                        let matches = named[position].utf8.withUnsafeBufferPointer { name in
                            length == 0 || memcmp(name.baseAddress!, text, length) == 0
                        }
                        if matches { return named[position].schema }
                    }
                    return nil
                }
            }
        }
        return shared.rule.lookup[document.string(at: key)].map { shared.rule.named[$0].schema }
    }

    /// Strict mode: every property the schema documents must be present.
    private mutating func checkStrictPresence(_ node: Int, _ value: Int) -> Bool {
        guard let properties = nodes[node].properties else { return true }
        var isValid = true
        for property in properties.named where member(named: property.name, of: value) == nil {
            let schema = property.schema
            if nodes[schema].isWriteOnly && options.direction == .response
                || nodes[schema].isReadOnly && options.direction == .request
            {
                continue
            }
            report(
                check: .schema("required"), severity: .error, at: value,
                spec: properties.namedLocation ?? nodes[node].location,
                message:
                    "missing documented property \(JSONText.quote(property.name)) (strict mode requires every documented property)",
                expected: "property \(JSONText.quote(property.name))", actual: "absent")
            isValid = false
            if !collecting { return false }
        }
        return isValid
    }

    /// OpenAPI: a required `readOnly` property is not required in a request, a `writeOnly` one not in a response.
    private func isExempt(_ name: String, in node: Int) -> Bool {
        guard let position = nodes[node].properties?.lookup[name],
            let property = nodes[node].properties?.named[position]
        else {
            return false
        }
        let schema = property.schema
        return nodes[schema].isWriteOnly && options.direction == .response
            || nodes[schema].isReadOnly && options.direction == .request
    }

    private mutating func checkItems(
        _ shared: Shared<ItemsRule>, _ value: Int, _ annotations: inout Annotations, _ wantsAnnotations: Bool
    ) -> Bool {
        var isValid = true
        for (position, element) in document.elements(of: value).enumerated() {
            let schema: Int
            var keyword = "prefixItems"
            if position < shared.rule.prefix.count {
                schema = shared.rule.prefix[position]
            } else if let rest = shared.rule.rest {
                schema = rest
                keyword = shared.rule.restKeyword
            } else {
                break
            }
            path.append(.index(position))
            if nodes[schema].constant == false {
                report(
                    check: .schema(keyword), severity: .error, at: element,
                    spec: (keyword == "prefixItems" ? shared.rule.prefixLocation : shared.rule.restLocation)
                        ?? nodes[schema].location,
                    message: "item \(position) is not allowed (\(keyword) is false)",
                    expected: "at most \(shared.rule.prefix.count) items",
                    actual: quoted(element))
                isValid = false
            } else if !check(schema, element, isEntry: true) {
                isValid = false
            }
            path.removeLast()
            if wantsAnnotations { annotations.items.insert(position) }
            if !isValid && !collecting { return false }
        }
        if wantsAnnotations && shared.rule.rest != nil { annotations.allItems = true }
        return isValid
    }

    // MARK: - anyOf / oneOf

    private mutating func applyAnyOf(
        _ rule: Rule, _ members: [Int], _ value: Int, _ annotations: inout Annotations, _ wantsAnnotations: Bool
    ) -> Bool {
        var anyHolds = false
        for member in members {
            var inner = Annotations()
            if quietly({ $0.evaluate(member, value, &inner, wants: wantsAnnotations) }) {
                anyHolds = true
                if wantsAnnotations { annotations.merge(inner) } else { break }
            }
        }
        if anyHolds {
            if collecting, let first = members.first(where: { member in quietly { $0.evaluateQuietly(member, value) } })
            {
                collectWarnings(of: first, value)
            }
            return true
        }
        guard collecting else { return false }
        let reasons = members.enumerated().map { position, member in
            "\(alternativeName(member, position)): \(reason(of: member, value))"
        }
        report(
            rule, at: value,
            message: "matches none of the \(members.count) anyOf alternatives: " + reasons.joined(separator: "; "),
            expected: "at least one of " + members.enumerated().map { alternativeName($1, $0) }.joined(separator: ", "),
            actual: quoted(value))
        return false
    }

    private mutating func applyOneOf(
        _ rule: Rule, _ members: [Int], _ discriminator: Discriminator?, _ value: Int,
        _ annotations: inout Annotations, _ wantsAnnotations: Bool
    ) -> Bool {
        // OpenAPI discriminator: the named alternative decides.
        if let discriminator, tape[value].kind == .object {
            if let chosen = discriminated(discriminator, members, value) {
                return applyTagged(chosen, value, &annotations, wantsAnnotations)
            } else if collecting {
                let found = member(named: discriminator.propertyName, of: value).map(quoted) ?? "absent"
                let names = discriminator.mapping.keys.sorted().joined(separator: ", ")
                report(
                    check: .schema("discriminator"), severity: .error, at: value, spec: discriminator.location,
                    message:
                        "discriminator \(JSONText.quote(discriminator.propertyName)) is \(found), which names none of the alternatives\(names.isEmpty ? "" : " (\(names))")",
                    expected: names.isEmpty ? "a schema name" : "one of \(names)", actual: found)
                return false
            } else {
                return false
            }
        }
        // A tag such as `status` that leaves one alternative possible decides: the others fail on it,
        // so the oneOf holds exactly when that alternative does. One walk instead of one per alternative.
        if let selected = selectedByTag(members, value) {
            return applyTagged(members[selected], value, &annotations, wantsAnnotations)
        }
        var matching: [Int] = []
        var matchingAnnotations = Annotations()
        for (position, member) in members.enumerated() {
            var inner = Annotations()
            if quietly({ $0.evaluate(member, value, &inner, wants: wantsAnnotations) }) {
                matching.append(position)
                matchingAnnotations = inner
                if matching.count > 1 && !collecting { return false }
            }
        }
        if matching.count == 1 {
            if wantsAnnotations { annotations.merge(matchingAnnotations) }
            if collecting { collectWarnings(of: members[matching[0]], value) }
            return true
        }
        guard collecting else { return false }
        if matching.isEmpty {
            explainNoMatch(rule, members, value, &annotations)
        } else {
            explainSeveralMatches(rule, members, matching, value)
        }
        return false
    }

    /// Validates the alternative a tag selected, reporting its own failures by name.
    private mutating func applyTagged(
        _ member: Int, _ value: Int, _ annotations: inout Annotations, _ wantsAnnotations: Bool
    ) -> Bool {
        let mark = violations.count
        var inner = Annotations()
        let holds = evaluate(member, value, &inner, wants: wantsAnnotations || collecting)
        // The tag chose this alternative: judge undocumented properties against it even when it fails.
        if holds || collecting { annotations.merge(inner) }
        if collecting, let name = nodes[member].name {
            for position in mark..<violations.count
            where violations[position].alternative == nil && violations[position].severity == .error {
                violations[position].alternative = name
            }
        }
        return holds
    }

    private func discriminated(_ discriminator: Discriminator, _ members: [Int], _ value: Int) -> Int? {
        guard let tag = member(named: discriminator.propertyName, of: value), tape[tag].kind == .string else {
            return nil
        }
        let text = document.string(at: tag)
        if let mapped = discriminator.mapping[text] { return mapped }
        return members.first { nodes[$0].name == text }
    }

    /// None matched: when a tag (an `enum`/`const` property) picks one alternative, report its failures
    /// by name; otherwise say why each failed.
    private mutating func explainNoMatch(_ rule: Rule, _ members: [Int], _ value: Int, _ annotations: inout Annotations)
    {
        let tags = tagProperties(members)
        if tape[value].kind == .object {
            for tagProperty in tags {
                let property = tagProperty.name
                let valuesByMember = tagProperty.values
                guard let tag = member(named: property, of: value) else { continue }
                let selected = members.indices.filter { position in
                    valuesByMember[position]?.contains(where: { equals(tag, $0) }) == true
                }
                if selected.count == 1 {
                    _ = applyTagged(members[selected[0]], value, &annotations, true)
                    return
                }
                if selected.isEmpty {
                    let choices = members.indices.compactMap { position -> String? in
                        guard let values = valuesByMember[position] else { return nil }
                        return values.map(\.jsonText).joined(separator: "/") + " → "
                            + alternativeName(members[position], position)
                    }
                    path.append(.key(tag - 1))
                    report(
                        rule, at: tag,
                        message:
                            "\(quoted(tag)) selects none of the oneOf alternatives (\(choices.joined(separator: ", ")))",
                        expected: "one of "
                            + members.indices.compactMap { valuesByMember[$0]?.map(\.jsonText).joined(separator: "/") }
                            .joined(separator: ", "),
                        actual: quoted(tag))
                    path.removeLast()
                    return
                }
            }
        }
        let reasons = members.enumerated().map { position, member in
            "\(alternativeName(member, position)): \(reason(of: member, value))"
        }
        report(
            rule, at: value,
            message: "matches none of the \(members.count) oneOf alternatives: " + reasons.joined(separator: "; "),
            expected: "exactly one of " + members.enumerated().map { alternativeName($1, $0) }.joined(separator: ", "),
            actual: quoted(value))
    }

    private mutating func explainSeveralMatches(_ rule: Rule, _ members: [Int], _ matching: [Int], _ value: Int) {
        let names = matching.map { alternativeName(members[$0], $0) }
        var message =
            "matches \(matching.count) of the \(members.count) oneOf alternatives (\(list(names))) but must match exactly one"
        var reasons: [String] = []
        if tape[value].kind == .object {
            let tags = tagProperties(members)
            let missing = tags.map(\.name).filter { member(named: $0, of: value) == nil }
            if let property = missing.first {
                reasons.append("\(JSONText.quote(property)), which tells them apart, is missing")
            }
            let unconstrained = matching.filter { !requiresSomething(members[$0]) }
            if unconstrained.count == matching.count {
                reasons.append(
                    matching.count == 2
                        ? "neither \(names[0]) nor \(names[1]) requires any property, so both accept this body"
                        : "none of them requires any property, so all accept this body")
            }
            let documented = Set(members.flatMap { documentedNames($0) })
            // Each name once, and a few of them: a hostile body may repeat one key a hundred thousand times.
            var undocumented: [String] = []
            var seen: Set<String> = []
            for (key, _) in document.members(of: value) {
                let name = document.string(at: key)
                if !documented.contains(name), seen.insert(name).inserted, undocumented.count < 5 {
                    undocumented.append(JSONText.quote(name))
                }
            }
            if !undocumented.isEmpty {
                let shown = undocumented.joined(separator: ", ")
                let more = seen.count > 5 ? " and \(seen.count - 5) more" : ""
                reasons.append("the body has properties no alternative documents: \(shown)\(more)")
            }
        }
        if !reasons.isEmpty { message += ": " + reasons.joined(separator: "; ") }
        report(
            rule, at: value, message: message,
            expected: "exactly one of " + members.enumerated().map { alternativeName($1, $0) }.joined(separator: ", "),
            actual: quoted(value))
    }

    /// Properties that tell the alternatives apart (computed once, when the schemas were compiled).
    private func tagProperties(_ members: [Int]) -> [TagProperty] {
        tagTable[members] ?? []
    }

    /// The one alternative a tag property selects, when the value's tag leaves exactly one possible.
    private func selectedByTag(_ members: [Int], _ value: Int) -> Int? {
        guard tape[value].kind == .object else { return nil }
        for tag in tagProperties(members) {
            guard let found = member(named: tag.name, of: value) else { continue }
            // The one alternative whose values hold the tag's (counted without building a list).
            var selected: Int?
            var count = 0
            tag.byPosition.withUnsafeBufferPointer { byPosition in
                for position in byPosition.indices {
                    guard let values = byPosition[position], values.contains(where: { equals(found, $0) }) else {
                        continue
                    }
                    selected = position
                    count += 1
                }
            }
            if count == 1 { return selected }
        }
        return nil
    }

    private func requiresSomething(_ schema: Int) -> Bool {
        var stack = [schema]
        var seen: Set<Int> = []
        while let current = stack.popLast() {
            guard seen.insert(current).inserted else { continue }
            if options.isStrict && nodes[current].describesProperties { return true }
            for rule in nodes[current].rules {
                switch rule.kind {
                case .required(let names) where !names.isEmpty: return true
                case .ref(let target): stack.append(target)
                case .allOf(let members): stack.append(contentsOf: members)
                default: continue
                }
            }
        }
        return false
    }

    private func documentedNames(_ schema: Int) -> [String] {
        var names: [String] = []
        var stack = [schema]
        var seen: Set<Int> = []
        while let current = stack.popLast() {
            guard seen.insert(current).inserted else { continue }
            names += nodes[current].properties?.named.map(\.name) ?? []
            for rule in nodes[current].rules {
                switch rule.kind {
                case .ref(let target): stack.append(target)
                case .allOf(let members), .anyOf(let members), .oneOf(let members, _): stack.append(contentsOf: members)
                default: continue
                }
            }
        }
        return names
    }

    /// The first error of an alternative, as `pointer: message`.
    private mutating func reason(of member: Int, _ value: Int) -> String {
        let mark = violations.count
        let savedDropped = dropped
        var scratch = Annotations()
        _ = evaluate(member, value, &scratch, wants: false)
        let found = violations[mark...].filter { $0.severity == .error }
        violations.removeSubrange(mark...)
        dropped = savedDropped
        guard let first = found.first else { return "valid" }
        let more = found.count > 1 ? " (and \(found.count - 1) more)" : ""
        return first.text + more
    }

    /// Re-runs the matching alternative to keep its warnings (undocumented properties).
    private mutating func collectWarnings(of member: Int, _ value: Int) {
        guard options.reportsUndocumented else { return }
        let mark = violations.count
        var scratch = Annotations()
        _ = evaluate(member, value, &scratch, wants: false)
        var kept: [SchemaViolation] = []
        for violation in violations[mark...] where violation.severity == .warning { kept.append(violation) }
        violations.removeSubrange(mark...)
        violations += kept
    }

    private func alternativeName(_ member: Int, _ position: Int) -> String {
        nodes[member].name ?? "alternative \(position + 1)"
    }

    private func list(_ names: [String]) -> String {
        names.count <= 2
            ? names.joined(separator: " and ") : names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
    }

    // MARK: - Quiet evaluation

    /// Runs `body` without collecting violations; the path and the findings are left as they were.
    private mutating func quietly(_ body: (inout Evaluation) -> Bool) -> Bool {
        let saved = collecting
        let mark = violations.count
        let savedDropped = dropped
        collecting = false
        let result = body(&self)
        collecting = saved
        if violations.count > mark { violations.removeSubrange(mark...) }
        dropped = savedDropped
        return result
    }

    mutating func evaluateQuietly(_ member: Int, _ value: Int) -> Bool {
        var scratch = Annotations()
        return evaluate(member, value, &scratch, wants: false)
    }

    private mutating func evaluateKey(_ schema: Int, _ key: Int) -> Bool {
        quietly { $0.evaluateQuietly(schema, key) }
    }

    // MARK: - Values

    private func matches(_ types: TypeSet, _ value: Int, nullable: Bool) -> Bool {
        switch tape[value].kind {
        case .null: return types.contains(.null) || nullable
        case .true, .false: return types.contains(.boolean)
        case .object: return types.contains(.object)
        case .array: return types.contains(.array)
        case .string: return types.contains(.string)
        case .number:
            if types.contains(.number) { return true }
            guard types.contains(.integer) else { return false }
            if tape[value].flags & JSONToken.isIntegerText != 0 { return true }
            return number(value)?.isInteger ?? false
        }
    }

    private func typeName(_ value: Int) -> String {
        switch tape[value].kind {
        case .null: "null"
        case .true, .false: "boolean"
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: tape[value].flags & JSONToken.isIntegerText != 0 ? "integer" : "number"
        }
    }

    func number(_ value: Int) -> JSONNumber? {
        document.withRawUTF8(at: value) { JSONNumber(utf8: $0) }
    }

    /// The member named `name` of an object, as a tape index.
    func member(named name: String, of object: Int) -> Int? {
        document.firstMember(named: name, of: object)
    }

    /// JSON equality of a tape value and a spec value (numbers compare exactly).
    func equals(_ value: Int, _ node: DocumentNode) -> Bool {
        switch (tape[value].kind, node.value) {
        case (.null, .null): return true
        case (.true, .bool(let bool)): return bool
        case (.false, .bool(let bool)): return !bool
        case (.number, .number(let number)): return self.number(value) == number
        case (.string, .string(let string)): return document.keyEquals(value, string)
        case (.array, .array(let elements)):
            guard Int(tape[value].count) == elements.count else { return false }
            return zip(document.elements(of: value), elements).allSatisfy { equals($0, $1) }
        case (.object, .object(let entries)):
            var seen: Set<String> = []
            for (key, member) in document.members(of: value) {
                let name = document.string(at: key)
                seen.insert(name)
                guard let entry = entries.last(where: { $0.key == name }), equals(member, entry.value) else {
                    return false
                }
            }
            return seen.count == Set(entries.map(\.key)).count
        default:
            return false
        }
    }

    func quoted(_ value: Int) -> String { document.jsonText(at: value, limit: options.actualLimit) }

    // MARK: - Reporting

    var pointer: String {
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text += "/" + JSONPointer.escape(document.string(at: key))
            case .index(let index): text += "/\(index)"
            }
        }
        return text
    }

    private mutating func report(
        _ rule: Rule, at value: Int, message: String, expected: String? = nil, actual: String? = nil
    ) {
        report(
            check: .schema(rule.keyword), severity: .error, at: value, spec: rule.location, message: message,
            expected: expected, actual: actual)
    }

    private mutating func report(
        keyword: String, at value: Int, spec: SourceLocation, message: String, expected: String? = nil,
        actual: String? = nil
    ) {
        report(
            check: .schema(keyword), severity: .error, at: value, spec: spec, message: message, expected: expected,
            actual: actual)
    }

    mutating func report(
        check: CheckID, severity: Severity, at value: Int, spec: SourceLocation, message: String,
        expected: String? = nil, actual: String? = nil
    ) {
        guard collecting else { return }
        if violations.count >= options.maxViolations * 4 {
            dropped += 1
            return
        }
        violations.append(
            SchemaViolation(
                check: check, severity: severity, instance: pointer,
                offset: Int(tape[value].start) - (tape[value].kind == .string ? 1 : 0), spec: spec,
                message: message, expected: expected, actual: actual))
    }
}
