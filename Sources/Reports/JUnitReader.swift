public import ContractCore

/// Limits that keep hostile or broken reports from exhausting time or memory.
public struct JUnitReadLimits: Sendable, Equatable {
    /// The largest report read, in bytes. Default 64 MiB.
    public var maxBytes: Int
    /// The deepest nesting of elements accepted. Default 128 (a JUnit report needs about 5).
    public var maxDepth: Int

    /// Creates limits.
    public init(maxBytes: Int = 64 << 20, maxDepth: Int = 128) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// The defaults.
    public static let `default` = JUnitReadLimits()
}

/// Why a JUnit report could not be read. Each case prints as one line: `file:line:column: error: …` (1-based), or
/// `file: error: …` when the file itself cannot be read.
public enum JUnitReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No file at the path.
    case missing(path: String)
    /// The file exists but cannot be read (a directory, no permission).
    case unreadable(path: String, reason: String)
    /// The file is larger than ``JUnitReadLimits/maxBytes``.
    case tooLarge(path: String, size: Int, limit: Int)
    /// The file is not a well-formed, safe JUnit XML document.
    case malformed(String, at: SourceLocation)

    /// Whether the report was missing (exit 66) rather than unreadable or malformed (exit 65).
    public var isMissingInput: Bool {
        if case .missing = self { return true }
        return false
    }

    /// One line, for example `reports/live.xml:1:1: error: a DOCTYPE declaration is refused: …`.
    public var description: String {
        switch self {
        case .missing(let path): "\(path): error: no such report"
        case .unreadable(let path, let reason): "\(path): error: cannot read the report: \(reason)"
        case .tooLarge(let path, let size, let limit):
            "\(path):1:1: error: the report is \(size) bytes, more than the limit of \(limit) bytes"
        case .malformed(let message, let at): "\(at): error: \(message)"
        }
    }
}

/// One JUnit XML file as read: its suites, in document order, nested suites flattened after their parent.
public struct JUnitFile: Sendable {
    /// The file's path as given.
    public var path: String
    /// Every `<testsuite>` of the file.
    public var suites: [Suite]

    /// Creates a file's contents.
    public init(path: String, suites: [Suite]) {
        self.path = path
        self.suites = suites
    }

    /// The file's suites as a report (for merging and writing).
    public var report: JUnitReport { JUnitReport(suites: suites.map(\.suite)) }

    /// One `<testsuite>` and what the gate needs to know about it beyond the ``JUnitSuite`` model.
    public struct Suite: Sendable {
        /// The suite: name (empty when absent), timestamp as written (inherited from an enclosing element that has
        /// one; empty when none does), host name, time in seconds, properties, its own cases (not those of nested
        /// suites), `<system-out>` and `<system-err>`.
        public var suite: JUnitSuite
        /// The `package` attribute, when present (conform writes `conform`, Spectral `org.spectral`).
        public var package: String?
        /// The counts the suite declares in its `tests`, `failures` and `errors` attributes, when present.
        public var declaredTests: Int?
        /// See ``declaredTests``.
        public var declaredFailures: Int?
        /// See ``declaredTests``.
        public var declaredErrors: Int?
        /// The cases listed in the suite and in the suites nested in it (what its `tests` attribute counts).
        public var listedTests: Int
        /// The cases holding at least one `<failure>`, in the suite and the suites nested in it.
        public var listedFailures: Int
        /// The cases holding at least one `<error>`, in the suite and the suites nested in it.
        public var listedErrors: Int
        /// Where the `<testsuite>` element starts.
        public var location: SourceLocation

        /// Creates a suite record.
        public init(
            suite: JUnitSuite, package: String? = nil, declaredTests: Int? = nil, declaredFailures: Int? = nil,
            declaredErrors: Int? = nil, listedTests: Int? = nil, listedFailures: Int = 0, listedErrors: Int = 0,
            location: SourceLocation
        ) {
            self.suite = suite
            self.package = package
            self.declaredTests = declaredTests
            self.declaredFailures = declaredFailures
            self.declaredErrors = declaredErrors
            self.listedTests = listedTests ?? suite.cases.count
            self.listedFailures = listedFailures
            self.listedErrors = listedErrors
            self.location = location
        }

        /// Whether conform wrote the suite: its name starts with `lint `, `validate ` or `live `, and its
        /// `package` is absent or `conform`. Only then is a failure's `type` a conform check ID.
        public var isConform: Bool {
            guard package == nil || package == "conform" else { return false }
            return ["lint ", "validate ", "live "].contains { suite.name.hasPrefix($0) }
        }
    }
}

/// Reads JUnit XML reports from any producer: conform, Schemathesis, pytest, Maven Surefire, Spectral, and others.
///
/// The root may be `<testsuites>` (whose `<testsuite>` children, and nested `<testsuites>`, are read) or a bare
/// `<testsuite>`; suites nested in suites are read too, each with its own cases. A `<testcase>` ends as the first
/// of: `<failure>` (failed), `<error>` (error), `<skipped>` (skipped), else passed; texts are kept as written, and
/// several `<failure>`s (or `<error>`s) join theirs. Surefire's `flakyFailure`, `rerunFailure` and the like are
/// ignored: the case's own result decides. A `<failure>` or `<error>` directly inside a `<testsuite>` (a suite that
/// could not run) becomes a case named `(suite)`. Properties take their value from `value`, or from their text when
/// `value` is absent. Times accept `1,234.5`; unreadable times count as 0.
///
/// The XML is read safely (see ``JUnitReadLimits``): any `<!DOCTYPE` is refused, so there are no external entities
/// and no entity expansion; only UTF-8; a size and a depth limit.
public enum JUnitReader {
    /// Reads the report at `path`.
    /// - Throws: ``JUnitReadError``.
    public static func read(path: String, limits: JUnitReadLimits = .default) throws -> JUnitFile {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: limits.maxBytes)
        } catch {
            switch error {
            case .missing(let path): throw JUnitReadError.missing(path: path)
            case .isDirectory(let path): throw JUnitReadError.unreadable(path: path, reason: "it is a directory")
            case .tooLarge(let path, let size, let limit):
                throw JUnitReadError.tooLarge(path: path, size: size, limit: limit)
            case .unreadable(let path, let reason): throw JUnitReadError.unreadable(path: path, reason: reason)
            }
        }
        return try read(bytes: bytes, file: path, limits: limits)
    }

    /// Reads a report from `bytes`; `file` names it in errors and in the result.
    /// - Throws: ``JUnitReadError``.
    public static func read(bytes: [UInt8], file: String, limits: JUnitReadLimits = .default) throws -> JUnitFile {
        guard bytes.count <= limits.maxBytes else {
            throw JUnitReadError.tooLarge(path: file, size: bytes.count, limit: limits.maxBytes)
        }
        var parser = XMLTreeParser(bytes: bytes, file: file, maxDepth: limits.maxDepth)
        let root = try parser.parseDocument()
        var interpreter = Interpreter(bytes: bytes, file: file)
        switch root.name {
        case "testsuites": interpreter.container(root, timestamp: root.attribute("timestamp") ?? "")
        case "testsuite": interpreter.suite(root, timestamp: "")
        default:
            let (line, column) = lineAndColumn(in: bytes, offset: root.offset)
            throw JUnitReadError.malformed(
                "the root element is <\(root.name)>; a JUnit report's root is <testsuites> or <testsuite>",
                at: SourceLocation(file: file, line: line, column: column))
        }
        return JUnitFile(path: file, suites: interpreter.suites)
    }

    /// A decimal count attribute (`12`), or `nil` when absent or not a count.
    static func count(_ text: String?) -> Int? {
        guard let text = text?.trimmingXMLSpace, !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return Int(text)
    }

    /// Seconds from a `time` attribute: `0.012`, `1,234.5`; 0 when absent or unreadable.
    static func seconds(_ text: String?) -> Double {
        guard let text else { return 0 }
        let cleaned = text.trimmingXMLSpace.filter { $0 != "," }
        guard let value = Double(cleaned), value.isFinite, value >= 0 else { return 0 }
        return value
    }
}

/// Turns the element tree into suites.
private struct Interpreter {
    let bytes: [UInt8]
    let file: String
    var suites: [JUnitFile.Suite] = []

    /// A `<testsuites>`: its suites and nested `<testsuites>`.
    mutating func container(_ element: XMLTreeElement, timestamp: String) {
        for child in element.children {
            switch child.name {
            case "testsuite": suite(child, timestamp: timestamp)
            case "testsuites": container(child, timestamp: child.attribute("timestamp") ?? timestamp)
            default: continue
            }
        }
    }

    /// A `<testsuite>`, then its nested suites; returns the cases, failed cases and error cases listed in it and in
    /// its nested suites.
    @discardableResult
    mutating func suite(
        _ element: XMLTreeElement, timestamp inherited: String
    ) -> (tests: Int, failures: Int, errors: Int) {
        let name = element.attribute("name") ?? ""
        let timestamp =
            element.attribute("timestamp").map(\.trimmingXMLSpace).flatMap { $0.isEmpty ? nil : $0 }
            ?? inherited
        var cases: [JUnitCase] = []
        var properties: [JUnitProperty] = []
        var systemOut: [String] = []
        var systemErr: [String] = []
        var withFailure = 0
        var withError = 0
        var suiteProblems: [XMLTreeElement] = []
        for child in element.children {
            switch child.name {
            case "testcase":
                let (testCase, hasFailure, hasError) = self.testCase(child)
                cases.append(testCase)
                if hasFailure { withFailure += 1 }
                if hasError { withError += 1 }
            case "properties":
                for property in child.children where property.name == "property" {
                    let value = property.attribute("value") ?? property.text.trimmingXMLSpace
                    properties.append(JUnitProperty(name: property.attribute("name") ?? "", value: value))
                }
            case "system-out": systemOut.append(child.text)
            case "system-err": systemErr.append(child.text)
            case "failure", "error": suiteProblems.append(child)
            default: continue
            }
        }
        if !suiteProblems.isEmpty {
            let synthetic = XMLTreeElement(
                name: "testcase", attributes: [XMLTreeAttribute(name: "name", value: "(suite)")],
                children: suiteProblems, offset: element.offset)
            var (testCase, hasFailure, hasError) = self.testCase(synthetic)
            testCase.classname = name
            cases.append(testCase)
            if hasFailure { withFailure += 1 }
            if hasError { withError += 1 }
        }
        let (line, column) = lineAndColumn(in: bytes, offset: element.offset)
        let model = JUnitSuite(
            name: name, timestamp: timestamp, hostname: element.attribute("hostname") ?? "",
            time: JUnitReader.seconds(element.attribute("time")), properties: properties, cases: cases,
            systemOut: systemOut.joined(separator: "\n"), systemErr: systemErr.joined(separator: "\n"))
        suites.append(
            JUnitFile.Suite(
                suite: model, package: element.attribute("package"),
                declaredTests: JUnitReader.count(element.attribute("tests")),
                declaredFailures: JUnitReader.count(element.attribute("failures")),
                declaredErrors: JUnitReader.count(element.attribute("errors")),
                listedTests: cases.count, listedFailures: withFailure, listedErrors: withError,
                location: SourceLocation(file: file, line: line, column: column)))
        let index = suites.count - 1
        var totals = (tests: cases.count, failures: withFailure, errors: withError)
        for child in element.children where child.name == "testsuite" {
            let nested = suite(child, timestamp: timestamp)
            totals = (totals.tests + nested.tests, totals.failures + nested.failures, totals.errors + nested.errors)
        }
        suites[index].listedTests = totals.tests
        suites[index].listedFailures = totals.failures
        suites[index].listedErrors = totals.errors
        return totals
    }

    /// A `<testcase>`: the first `<failure>`, else `<error>`, else `<skipped>` decides.
    func testCase(_ element: XMLTreeElement) -> (JUnitCase, hasFailure: Bool, hasError: Bool) {
        let failures = element.children.filter { $0.name == "failure" }
        let errors = element.children.filter { $0.name == "error" }
        let outcome: JUnitCase.Outcome
        if let first = failures.first {
            outcome = .failed(
                type: first.attribute("type") ?? "", message: first.attribute("message") ?? "",
                text: Self.joinedText(failures))
        } else if let first = errors.first {
            outcome = .error(
                type: first.attribute("type") ?? "", message: first.attribute("message") ?? "",
                text: Self.joinedText(errors))
        } else if let skipped = element.children.first(where: { $0.name == "skipped" }) {
            let message = skipped.attribute("message") ?? ""
            outcome = .skipped(message: message.isEmpty ? skipped.text.trimmingXMLSpace : message)
        } else {
            outcome = .passed
        }
        let testCase = JUnitCase(
            classname: element.attribute("classname") ?? "", name: element.attribute("name") ?? "",
            time: JUnitReader.seconds(element.attribute("time")), outcome: outcome)
        return (testCase, !failures.isEmpty, !errors.isEmpty)
    }

    /// The texts of several `<failure>`s (or `<error>`s), as written, separated by a blank line.
    private static func joinedText(_ elements: [XMLTreeElement]) -> String {
        elements.map(\.text).filter { !$0.trimmingXMLSpace.isEmpty }.joined(separator: "\n\n")
    }
}

extension String {
    /// The string without leading and trailing XML white space (space, tab, line feed, carriage return).
    var trimmingXMLSpace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
