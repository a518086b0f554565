public import ContractCore
import JSONValidation
public import SpecLoader

/// Options of the contract checks.
public struct CheckOptions: Sendable {
    /// Undocumented properties are errors, and every documented property is required.
    public var isStrict: Bool
    /// The most findings kept per body.
    public var maxFindingsPerBody: Int
    /// The longest value quoted in a finding, in characters.
    public var actualLimit: Int
    /// Nesting depth accepted in bodies.
    public var maxBodyDepth: Int

    /// Creates options.
    public init(isStrict: Bool = false, maxFindingsPerBody: Int = 100, actualLimit: Int = 80, maxBodyDepth: Int = 512) {
        self.isStrict = isStrict
        self.maxFindingsPerBody = maxFindingsPerBody
        self.actualLimit = actualLimit
        self.maxBodyDepth = maxBodyDepth
    }
}

/// Where a body came from, for findings: its source name and how to turn a byte offset of the
/// body into a file location.
public struct BodySource: Sendable {
    /// The exchange's source as printed (`body.json`, `rec.jsonl:40`, `rec.har#12`).
    public var name: String
    /// Maps a byte offset in the body to a place in the file (`nil`: the body has no file, as in live runs).
    public var locate: @Sendable (_ offset: Int, _ body: JSONBytes) -> SourceLocation?

    /// Places many offsets in one pass, when the source can (a whole file, a recording line).
    private var batch: (@Sendable (_ offsets: [Int], _ body: JSONBytes) -> [SourceLocation?])?

    /// Creates a source.
    public init(name: String, locate: @escaping @Sendable (_ offset: Int, _ body: JSONBytes) -> SourceLocation?) {
        self.name = name
        self.locate = locate
    }

    /// A body that is a whole file: offsets map to the file's own lines.
    public static func file(_ path: String) -> BodySource {
        var source = BodySource(name: path) { offset, body in
            let (line, column) = body.withUnsafeBufferPointer { lineAndColumn(in: $0, offset: offset) }
            return SourceLocation(file: path, line: line, column: column)
        }
        source.batch = { offsets, body in
            body.withUnsafeBufferPointer { linesAndColumns(in: $0, offsets: offsets) }.map {
                SourceLocation(file: path, line: $0.line, column: $0.column)
            }
        }
        return source
    }

    /// A body inside one line of a recording (a JSON Lines cassette): offsets of `document`'s text
    /// are columns of line `line` of `file`.
    public static func line(_ line: Int, of file: String, document: JSONDocument, name: String) -> BodySource {
        var source = BodySource(name: name) { offset, _ in
            SourceLocation(file: file, line: line, column: document.lineColumn(ofOffset: offset).column)
        }
        source.batch = { offsets, _ in
            document.lineColumns(ofOffsets: offsets).map { SourceLocation(file: file, line: line, column: $0.column) }
        }
        return source
    }

    /// Places many offsets of `body` at once, in the order given.
    public func locate(_ offsets: [Int], in body: JSONBytes) -> [SourceLocation?] {
        guard let batch else { return offsets.map { locate($0, body) } }
        return batch(offsets, body)
    }
}

/// Checks one response of a documented operation: status, media type, body.
public struct ResponseChecker: Sendable {
    /// The compiled spec.
    public let compiled: CompiledSpec
    /// The options.
    public let options: CheckOptions
    private let validator: Validator

    /// Creates a checker.
    public init(compiled: CompiledSpec, options: CheckOptions = CheckOptions()) {
        self.compiled = compiled
        self.options = options
        validator = Validator(
            schemas: compiled.schemas,
            options: ValidationOptions(
                isStrict: options.isStrict, direction: .response, maxViolations: options.maxFindingsPerBody,
                actualLimit: options.actualLimit))
    }

    /// What checking the responses of one operation needs, worked out once: the operation, and the
    /// compiled schema of each of its media types. An exchange checker keeps one per operation, so
    /// that checking a response copies nothing and looks nothing up by name.
    public final class Plan: Sendable {
        /// The operation whose responses are checked.
        public let operation: APIOperation
        /// Per response (in ``APIOperation/responses`` order), per media type: the compiled schema of a
        /// JSON media type (or of a `type/*` one), `nil` when the body is not checked against a schema.
        let schemas: [[Int?]]

        init(operation: APIOperation, compiled: CompiledSpec) {
            self.operation = operation
            schemas = operation.responses.map { response in
                response.content.map { media in
                    guard media.isJSON || media.name.hasSuffix("/*"), let address = media.schema else { return nil }
                    return compiled.schema(at: address)
                }
            }
        }
    }

    /// The plan for checking responses of `operation`.
    public func plan(for operation: APIOperation) -> Plan { Plan(operation: operation, compiled: compiled) }

    /// Checks a response body. `contentType` is the response's `Content-Type` (`nil`: assume JSON).
    public func check(
        body: [UInt8], status: Int, contentType: String?, operation: APIOperation, source: BodySource
    ) -> [Finding] {
        check(.raw(body), status: status, contentType: contentType, plan: plan(for: operation), source: source)
    }

    /// ``check(body:status:contentType:operation:source:)`` with a plan made before.
    public func check(body: [UInt8], status: Int, contentType: String?, plan: Plan, source: BodySource) -> [Finding] {
        check(.raw(body), status: status, contentType: contentType, plan: plan, source: source)
    }

    /// Checks a body that is already parsed: the value at tape index `index` of `document`
    /// (a JSON Lines cassette line); `source` maps offsets of the document's bytes.
    public func check(
        document: JSONDocument, index: Int, status: Int, contentType: String?, operation: APIOperation,
        source: BodySource
    ) -> [Finding] {
        check(
            .parsed(document, index), status: status, contentType: contentType, plan: plan(for: operation),
            source: source)
    }

    /// ``check(document:index:status:contentType:operation:source:)`` with a plan made before.
    public func check(
        document: JSONDocument, index: Int, status: Int, contentType: String?, plan: Plan, source: BodySource
    ) -> [Finding] {
        check(.parsed(document, index), status: status, contentType: contentType, plan: plan, source: source)
    }

    /// Checks status and media type only: the recording holds no body (HAR exports often leave it out).
    public func checkWithoutBody(
        status: Int, contentType: String?, operation: APIOperation, source: BodySource
    ) -> [Finding] {
        check(.notRecorded, status: status, contentType: contentType, plan: plan(for: operation), source: source)
    }

    /// ``checkWithoutBody(status:contentType:operation:source:)`` with a plan made before.
    public func checkWithoutBody(status: Int, contentType: String?, plan: Plan, source: BodySource) -> [Finding] {
        check(.notRecorded, status: status, contentType: contentType, plan: plan, source: source)
    }

    private enum Body {
        case raw([UInt8])
        case parsed(JSONDocument, Int)
        case notRecorded
    }

    private func check(_ body: Body, status: Int, contentType: String?, plan: Plan, source: BodySource) -> [Finding] {
        // The operation and its response are read in place, not copied: this runs for every exchange.
        let name = plan.operation.displayName
        let bytes: JSONBytes =
            switch body {
            case .raw(let raw): JSONBytes(raw)
            case .parsed(let document, _): document.bytes
            case .notRecorded: JSONBytes([])
            }
        func finding(
            _ check: CheckID, _ message: String, severity: Severity = .error, at location: SourceLocation? = nil,
            spec: SourceLocation? = nil, expected: String? = nil, actual: String? = nil, instance: String? = nil
        ) -> Finding {
            // Where the body starts, for findings without a place of their own: found only when needed.
            Finding(
                check: check, severity: severity, message: message, location: location ?? source.locate(0, bytes),
                source: source.name, operation: name, status: status, instance: instance, spec: spec,
                expected: expected, actual: actual)
        }
        guard let responseIndex = plan.operation.responseIndex(for: status) else {
            let documented = plan.operation.responses.map(\.key.description).joined(separator: ", ")
            return [
                finding(
                    .statusCode, "status \(status) is not documented for \(name) (documented: \(documented))",
                    spec: plan.operation.location, expected: documented, actual: String(status))
            ]
        }
        func response() -> Response { plan.operation.responses[responseIndex] }
        let isEmpty: Bool =
            switch body {
            case .raw(let raw): raw.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            case .parsed: false
            case .notRecorded: true
            }
        if case .notRecorded = body, contentType == nil { return [] }
        if plan.operation.responses[responseIndex].content.isEmpty {
            if isEmpty { return [] }
            return [
                finding(
                    .contentType, "\(name) \(response().key) documents no body, but one was sent",
                    spec: response().sourceLocation, expected: "no body", actual: contentType ?? "a body")
            ]
        }
        if isEmpty && contentType == nil {
            let documented = response().content.map(\.name).joined(separator: ", ")
            return [
                finding(
                    .contentType,
                    "the response has no body, but \(name) \(response().key) documents one (\(documented))",
                    spec: response().sourceLocation, expected: documented, actual: "no body")
            ]
        }
        let mediaTypeName = contentType ?? "application/json"
        guard let mediaIndex = plan.operation.responses[responseIndex].mediaTypeIndex(for: mediaTypeName) else {
            let documented = response().content.map(\.name).joined(separator: ", ")
            return [
                finding(
                    .contentType,
                    "media type \(JSONText.quote(mediaTypeName)) is not documented for \(name) \(response().key) (documented: \(documented))",
                    spec: response().sourceLocation, expected: documented, actual: mediaTypeName)
            ]
        }
        if case .notRecorded = body { return [] }
        guard let schema = plan.schemas[responseIndex][mediaIndex] else { return [] }
        if isEmpty {
            return [
                finding(
                    .json, "the body is empty, but \(name) \(response().key) documents a JSON body",
                    spec: response().sourceLocation, expected: "a JSON body", actual: "empty")
            ]
        }
        let document: JSONDocument
        let root: Int
        switch body {
        case .parsed(let parsed, let index):
            document = parsed
            root = index
        case .notRecorded:
            return []
        case .raw(let raw):
            do {
                document = try JSONDocument(bytes: raw, limits: JSONLimits(maxDepth: options.maxBodyDepth))
                root = 0
            } catch {
                return [
                    finding(
                        .json, "the body is not well-formed JSON: \(error.message) (byte offset \(error.offset))",
                        at: source.locate(error.offset, bytes), expected: "JSON (RFC 8259)", actual: nil)
                ]
            }
        }
        let bodyStart = Int(document.tape[root].start) - (document.tape[root].kind == .string ? 1 : 0)
        let bodyEnd = bodyStart + Int(document.tape[root].length) + 2
        // A hostile body may repeat a key millions of times: as many are listed as violations are kept.
        let inBody = document.duplicateKeys.filter { $0.offset >= bodyStart && $0.offset < bodyEnd }
        let duplicates = inBody.prefix(options.maxFindingsPerBody)
        let result = validator.validate(document, at: root, against: schema)
        let offsets = duplicates.map(\.offset) + result.violations.map(\.offset)
        let places = offsets.isEmpty ? [] : source.locate(offsets, in: bytes)
        var findings: [Finding] = zip(duplicates, places).map { duplicate, place in
            finding(
                .json,
                "duplicate key \(JSONText.quote(duplicate.key)) in the object at \(duplicate.pointer.isEmpty ? "the top level" : duplicate.pointer)",
                severity: .warning, at: place, instance: duplicate.pointer)
        }
        // Keys past the document's own list have no offset. They are all this body's when the document is
        // the body; in a recording line, they follow the list's last key, so they are counted when that
        // key is in the body (they may also lie after it on the line, which the message says).
        let unkept = document.duplicateKeyCount - document.duplicateKeys.count
        let lastKeptIsInBody = inBody.last.map { $0.offset == document.duplicateKeys.last?.offset } ?? false
        let counted = root == 0 || lastKeptIsInBody ? unkept : 0
        let unlisted = inBody.count - duplicates.count + counted
        if unlisted > 0 {
            let place = root != 0 && counted > 0 ? "in this body (or after it on its line)" : "in this body"
            findings.append(
                finding(
                    .json,
                    "\(unlisted) more duplicate keys \(place) were not listed (limit \(options.maxFindingsPerBody))",
                    severity: .warning))
        }
        for (violation, place) in zip(result.violations, places.dropFirst(duplicates.count)) {
            findings.append(
                finding(
                    violation.check, violation.text, severity: violation.severity,
                    at: place, spec: violation.spec, expected: violation.expected,
                    actual: violation.actual, instance: violation.instance))
        }
        if result.total > result.violations.count {
            findings.append(
                finding(
                    .schema("limit"),
                    "\(result.total - result.violations.count) more violations in this body were not kept (limit \(options.maxFindingsPerBody))",
                    severity: .warning))
        }
        return findings
    }
}
