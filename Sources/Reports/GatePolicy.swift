public import ContractCore

/// What a set of JUnit reports must satisfy for `conform gate` to pass.
///
/// Written in YAML (read by the caller into a ``DocumentNode``), every key optional:
///
/// ```yaml
/// max_failures: 0                 # failing cases allowed overall (warn-only checks not counted)
/// max_failures_by_check:          # failing cases allowed per conform check ID
///   schema.oneOf: 0
/// warn_only: [undocumented-property]   # conform check IDs whose failures only warn
/// required_suites: ["live CrewAI*"]    # suite names (globs: * and ?) that must be present, with cases
/// min_cases: 1                    # cases (not skipped) every report must hold
/// max_age: 24h                    # the oldest suite timestamp allowed (s, m, h, d, w; 1h30m)
/// errors_as_failures: true        # <error> cases count as failures
/// ```
///
/// Check IDs apply to suites conform wrote (see ``JUnitFile/Suite/isConform``), whose failure `type` is the check ID.
public struct GatePolicy: Sendable, Equatable {
    /// One `max_failures_by_check` entry.
    public struct CheckLimit: Sendable, Equatable {
        /// The check ID, for example `schema.oneOf`.
        public var check: String
        /// The most failing cases of that check allowed.
        public var limit: Int

        /// Creates a limit.
        public init(check: String, limit: Int) {
            self.check = check
            self.limit = limit
        }
    }

    /// The most failing cases allowed overall, warn-only checks not counted. Default 0.
    public var maxFailures: Int
    /// Limits per check ID, in the policy's order.
    public var maxFailuresByCheck: [CheckLimit]
    /// Check IDs whose failures are reported but not counted in ``maxFailures``.
    public var warnOnly: [String]
    /// Glob patterns (`*` any run of characters, `?` one character) of suite names that must be present.
    public var requiredSuites: [String]
    /// The fewest cases that ran (not skipped) each report must hold. Default 1, so that an empty report fails.
    public var minCases: Int
    /// The oldest a report may be, in seconds, judged by its suites' timestamps; `nil` for no limit.
    public var maxAge: Int?
    /// ``maxAge`` as written in the policy (`24h`), for messages.
    public var maxAgeText: String?
    /// Whether `<error>` cases count as failures. Default `true`.
    public var errorsAsFailures: Bool
    /// Warnings found while reading the policy (check IDs conform never reports), as
    /// `file:line:column: warning: …` lines.
    public var warnings: [String]

    /// The policy used without `--policy`: no failures, at least one case per report, errors count as failures.
    public init(
        maxFailures: Int = 0, maxFailuresByCheck: [CheckLimit] = [], warnOnly: [String] = [],
        requiredSuites: [String] = [], minCases: Int = 1, maxAge: Int? = nil, maxAgeText: String? = nil,
        errorsAsFailures: Bool = true
    ) {
        self.maxFailures = maxFailures
        self.maxFailuresByCheck = maxFailuresByCheck
        self.warnOnly = warnOnly
        self.requiredSuites = requiredSuites
        self.minCases = minCases
        self.maxAge = maxAge
        self.maxAgeText = maxAgeText ?? maxAge.map { "\($0)s" }
        self.errorsAsFailures = errorsAsFailures
        self.warnings = []
    }

    /// The keys a policy may hold.
    public static let keys = [
        "max_failures", "max_failures_by_check", "warn_only", "required_suites", "min_cases", "max_age",
        "errors_as_failures",
    ]

    /// Reads a policy document (a YAML mapping); keys that are absent keep their defaults.
    /// - Throws: ``GatePolicyError`` at the offending key or value: unknown keys, wrong types, negative counts,
    ///   malformed durations.
    public init(document: DocumentNode) throws {
        self.init()
        guard let entries = document.entries else {
            throw GatePolicyError(
                message: "a gate policy is a mapping of rules (max_failures, min_cases, …), not \(document.typeName)",
                at: document.location)
        }
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "max_failures": maxFailures = try Self.count(value, "max_failures")
            case "max_failures_by_check":
                guard let limits = value.entries else {
                    throw GatePolicyError(
                        message: "max_failures_by_check maps check IDs to counts ({schema.oneOf: 0}), "
                            + "not \(value.typeName)", at: value.location)
                }
                maxFailuresByCheck = []
                for limit in limits {
                    note(limit.key, at: limit.keyLocation)
                    let count = try Self.count(limit.value, "the limit of \(limit.key)")
                    maxFailuresByCheck.append(CheckLimit(check: limit.key, limit: count))
                }
            case "warn_only":
                warnOnly = try Self.strings(value, "warn_only", what: "check IDs")
                for (check, node) in zip(warnOnly, value.elements ?? []) { note(check, at: node.location) }
            case "required_suites": requiredSuites = try Self.strings(value, "required_suites", what: "suite names")
            case "min_cases": minCases = try Self.count(value, "min_cases")
            case "max_age":
                guard let text = value.string ?? value.number.map(\.description),
                    let seconds = Self.duration(text)
                else {
                    throw GatePolicyError(
                        message: "max_age is a duration such as 24h, 90m, 7d or 1h30m (units s, m, h, d, w), "
                            + "not \(value.jsonText)", at: value.location)
                }
                maxAge = seconds
                maxAgeText = text
            case "errors_as_failures":
                guard let flag = value.bool else {
                    throw GatePolicyError(
                        message: "errors_as_failures is true or false, not \(value.jsonText)", at: value.location)
                }
                errorsAsFailures = flag
            default:
                var message = "unknown policy key \(JSONText.quote(entry.key))"
                if let suggestion = Self.closest(to: entry.key, in: Self.keys) {
                    message += " (did you mean \(JSONText.quote(suggestion))?)"
                }
                message += "; known keys: " + Self.keys.joined(separator: ", ")
                throw GatePolicyError(message: message, at: entry.keyLocation)
            }
        }
    }

    /// Records a warning when `check` is not a check ID conform reports.
    private mutating func note(_ check: String, at location: SourceLocation) {
        guard !Self.checkIDs.contains(check) else { return }
        var message = "\(location): warning: \(JSONText.quote(check)) is not a check ID conform reports"
        if let suggestion = Self.closest(to: check, in: Self.checkIDs) {
            message += " (did you mean \(JSONText.quote(suggestion))?)"
        }
        warnings.append(message)
    }

    /// The check IDs conform reports: the fixed ones, `recording` (an unreadable recording), and `schema.<keyword>`
    /// for the JSON Schema and OpenAPI keywords it checks.
    static let checkIDs: [String] =
        [
            CheckID.operation, .statusCode, .contentType, .json, .undocumentedProperty, .parameter, .auth, .notFound,
            .workflow, .timeout, .serverError, .transport, .example, .spec,
        ].map(\.rawValue) + ["recording"] + schemaKeywords.map { CheckID.schema($0).rawValue }

    private static let schemaKeywords = [
        "type", "enum", "const", "required", "format", "oneOf", "anyOf", "allOf", "not", "if", "then", "else",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
        "pattern", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains", "prefixItems",
        "items", "additionalItems", "minProperties", "maxProperties", "properties", "patternProperties",
        "additionalProperties", "dependentRequired", "dependentSchemas", "dependencies", "propertyNames",
        "unevaluatedProperties", "unevaluatedItems", "nullable", "discriminator", "readOnly", "writeOnly", "false",
        "limit",
    ]

    private static func count(_ node: DocumentNode, _ what: String) throws -> Int {
        guard let number = node.number, let value = Int(number.description), value >= 0 else {
            throw GatePolicyError(message: "\(what) is a count (0, 1, 2, …), not \(node.jsonText)", at: node.location)
        }
        return value
    }

    private static func strings(_ node: DocumentNode, _ key: String, what: String) throws -> [String] {
        guard let elements = node.elements else {
            throw GatePolicyError(message: "\(key) is a list of \(what), not \(node.typeName)", at: node.location)
        }
        return try elements.map { element in
            guard let text = element.string, !text.isEmpty else {
                throw GatePolicyError(
                    message: "\(key) lists \(what) as strings, not \(element.jsonText)", at: element.location)
            }
            return text
        }
    }

    /// The longest duration accepted, in seconds (about 317 years).
    static let maxDuration = 10_000_000_000

    /// Seconds in a duration such as `24h`, `90m`, `7d`, `2w`, `45s` or `1h30m`; `nil` when malformed, zero, or
    /// longer than about 317 years.
    public static func duration(_ text: String) -> Int? {
        var total = 0
        var digits = ""
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            let unit: Int
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            case "w": unit = 604_800
            default: return nil
            }
            guard !digits.isEmpty, digits.count <= 9, let value = Int(digits) else { return nil }
            total += value * unit
            guard total <= maxDuration else { return nil }
            digits = ""
        }
        guard digits.isEmpty, total > 0 else { return nil }
        return total
    }

    /// The candidate within edit distance 2 of `word` (case-insensitive), if any.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let lower = Array(word.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lower, Array(candidate.lowercased()))
            if distance <= 2, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1] + [Int](repeating: 0, count: b.count)
            for (j, right) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// A policy that cannot be used; prints as one line, `file:line:column: error: …`.
public struct GatePolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Where: the offending key or value (1-based line and column).
    public var location: SourceLocation

    /// Creates an error.
    public init(message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    /// `gate.yaml:3:1: error: unknown policy key "max_failure" (did you mean "max_failures"?); known keys: …`.
    public var description: String { "\(location): error: \(message)" }
}
