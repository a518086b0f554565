/// The stable identifier of a check, as it appears in output, JUnit names and gate policies.
///
/// New checks are new static members; the raw value never changes once published.
public struct CheckID: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: CheckID, rhs: CheckID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// No documented operation matches method and path.
    public static let operation = CheckID(rawValue: "operation")
    /// The status code is not documented for the operation.
    public static let statusCode = CheckID(rawValue: "status-code")
    /// The media type is not documented.
    public static let contentType = CheckID(rawValue: "content-type")
    /// The body is not well-formed JSON.
    public static let json = CheckID(rawValue: "json")
    /// A property the schema does not name.
    public static let undocumentedProperty = CheckID(rawValue: "undocumented-property")
    /// A request parameter violates its schema.
    public static let parameter = CheckID(rawValue: "parameter")
    /// Live: a request without a valid token is not answered 401.
    public static let auth = CheckID(rawValue: "auth")
    /// Live: an unknown id is not answered 404.
    public static let notFound = CheckID(rawValue: "not-found")
    /// Live: the execution's state machine was broken.
    public static let workflow = CheckID(rawValue: "workflow")
    /// Live: the execution did not finish in time.
    public static let timeout = CheckID(rawValue: "timeout")
    /// Live: a 5xx answer.
    public static let serverError = CheckID(rawValue: "server-error")
    /// Live: the connection failed.
    public static let transport = CheckID(rawValue: "transport")
    /// Lint: an example violates its schema.
    public static let example = CheckID(rawValue: "example")
    /// Lint: the document is malformed.
    public static let spec = CheckID(rawValue: "spec")

    /// The check for a failed schema keyword: `schema.<keyword>`.
    public static func schema(_ keyword: String) -> CheckID { CheckID(rawValue: "schema." + keyword) }
}
