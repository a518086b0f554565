public import ContractCore

/// An API description, as conform understands it: what every check runs against.
public struct APISpec: Sendable {
    /// `info.title`.
    public var title: String
    /// `info.version`.
    public var version: String
    /// The `openapi` field (`3.0.3`, `3.1.0`), or `mintlify` for endpoint pages.
    public var openAPIVersion: String
    /// Which schema semantics apply.
    public var dialect: SchemaDialect
    /// The servers, in document order.
    public var servers: [Server]
    /// Top-level security requirements.
    public var security: [SecurityRequirement]
    /// Security schemes by name.
    public var securitySchemes: [String: SecurityScheme]
    /// Every operation, in document order.
    public var operations: [APIOperation]
    /// The root document and every document its references reach.
    public var documents: DocumentSet
    /// The files the spec was read from, as named by the user.
    public var files: [String]

    /// The operation with this operationId or `METHOD /path` (case-insensitive method).
    public func operation(named name: String) -> APIOperation? {
        if let byID = operations.first(where: { $0.operationID == name }) { return byID }
        let parts = name.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let method = parts[0].uppercased()
        return operations.first(where: { $0.method == method && $0.path == parts[1] })
    }
}

/// Which Schema Object rules apply.
public enum SchemaDialect: String, Sendable {
    /// OpenAPI 3.0: an extended subset of JSON Schema draft 4 (`nullable`, boolean exclusive bounds).
    case openAPI30
    /// OpenAPI 3.1: JSON Schema 2020-12.
    case openAPI31
}

/// A server entry.
public struct Server: Sendable, Hashable {
    /// The URL as written, variables substituted with their defaults.
    public var url: String
    /// The path part of the URL (`/v1`), `""` when none; removed from request paths when matching.
    public var pathPrefix: String
    /// The description, if any.
    public var description: String?
}

/// One security requirement: scheme names with their scopes.
public struct SecurityRequirement: Sendable, Hashable {
    public var schemes: [String: [String]]
}

/// A security scheme.
public struct SecurityScheme: Sendable, Hashable {
    /// `http`, `apiKey`, `oauth2`, `openIdConnect`, `mutualTLS`.
    public var type: String
    /// For `http`: `bearer`, `basic`…
    public var scheme: String?
    /// For `apiKey`: the header, query or cookie name.
    public var name: String?
    /// For `apiKey`: `header`, `query` or `cookie`.
    public var location: String?
}

/// One operation: a method on a path template.
public struct APIOperation: Sendable {
    /// Upper-case method (`GET`).
    public var method: String { didSet { displayName = Self.name(method, path) } }
    /// The path template as written (`/status/{kickoff_id}`).
    public var path: String { didSet { displayName = Self.name(method, path) } }
    /// The operationId, if any.
    public var operationID: String?
    /// Path-item and operation parameters, operation ones winning.
    public var parameters: [Parameter]
    /// The request body, if documented.
    public var requestBody: RequestBody?
    /// Responses in document order.
    public var responses: [Response]
    /// Security of the operation (`nil`: the top-level requirements apply).
    public var security: [SecurityRequirement]?
    /// Where the operation is defined.
    public var location: SourceLocation

    /// `METHOD /path`, the operation's name in messages (kept, not rebuilt: every checked exchange
    /// reports it).
    public private(set) var displayName: String

    /// Creates an operation.
    public init(
        method: String, path: String, operationID: String?, parameters: [Parameter], requestBody: RequestBody?,
        responses: [Response], security: [SecurityRequirement]?, location: SourceLocation
    ) {
        self.method = method
        self.path = path
        self.operationID = operationID
        self.parameters = parameters
        self.requestBody = requestBody
        self.responses = responses
        self.security = security
        self.location = location
        displayName = Self.name(method, path)
    }

    private static func name(_ method: String, _ path: String) -> String { "\(method) \(path)" }

    /// The response for `status`: exact code, then range (`2XX`), then `default`.
    public func response(for status: Int) -> Response? {
        responseIndex(for: status).map { responses[$0] }
    }

    /// The position in ``responses`` of the response for `status` (see ``response(for:)``).
    public func responseIndex(for status: Int) -> Int? {
        responses.firstIndex(where: { $0.key == .code(status) })
            ?? responses.firstIndex(where: { $0.key == .range(status / 100) })
            ?? responses.firstIndex(where: { $0.key == .default })
    }
}

/// A response key.
public enum StatusKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// An exact code such as 200.
    case code(Int)
    /// A range such as `2XX` (stores 2).
    case range(Int)
    /// `default`.
    case `default`

    /// Parses `200`, `2XX`/`2xx` or `default`.
    public init?(_ text: String) {
        if text == "default" {
            self = .default
        } else if text.count == 3, let code = Int(text), (100...599).contains(code) {
            self = .code(code)
        } else if text.count == 3, text.uppercased().hasSuffix("XX"), let digit = Int(text.prefix(1)),
            (1...5).contains(digit)
        {
            self = .range(digit)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .code(let code): String(code)
        case .range(let digit): "\(digit)XX"
        case .default: "default"
        }
    }

    private var rank: (Int, Int) {
        switch self {
        case .code(let code): (0, code)
        case .range(let digit): (1, digit)
        case .default: (2, 0)
        }
    }

    public static func < (lhs: StatusKey, rhs: StatusKey) -> Bool { lhs.rank < rhs.rank }
}

/// A parameter.
public struct Parameter: Sendable {
    public var name: String
    /// `path`, `query`, `header` or `cookie`.
    public var location: String
    public var isRequired: Bool
    /// The parameter's schema, if any.
    public var schema: NodeAddress?
    /// Where the parameter is defined.
    public var sourceLocation: SourceLocation
}

/// A request body.
public struct RequestBody: Sendable {
    public var isRequired: Bool
    public var content: [MediaType]
    public var sourceLocation: SourceLocation
}

/// A documented response.
public struct Response: Sendable {
    public var key: StatusKey
    public var description: String?
    public var content: [MediaType]
    public var headers: [Header]
    /// Where the response is defined (its status key).
    public var sourceLocation: SourceLocation

    /// The media type for a `Content-Type` value: exact (parameters ignored), then a structured
    /// suffix (`application/problem+json` → `application/json`), then `type/*`, then `*/*`.
    public func mediaType(for contentType: String) -> MediaType? {
        mediaTypeIndex(for: contentType).map { content[$0] }
    }

    /// The position in ``content`` of the media type for a `Content-Type` value (see ``mediaType(for:)``).
    public func mediaTypeIndex(for contentType: String) -> Int? {
        // The common case, a header that is exactly a documented essence, without building a string.
        if let exact = content.firstIndex(where: { $0.essence == contentType }) { return exact }
        let wanted = MediaType.essence(of: contentType)
        if let exact = content.firstIndex(where: { $0.essence == wanted }) { return exact }
        let parts = wanted.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return content.firstIndex(where: { $0.essence == "*/*" }) }
        if let plus = parts[1].lastIndex(of: "+") {
            let suffixType = "\(parts[0])/\(parts[1][parts[1].index(after: plus)...])"
            if let match = content.firstIndex(where: { $0.essence == suffixType }) { return match }
        }
        if let wildcard = content.firstIndex(where: { $0.essence == "\(parts[0])/*" }) {
            return wildcard
        }
        return content.firstIndex(where: { $0.essence == "*/*" })
    }
}

/// A media type entry of a body.
public struct MediaType: Sendable {
    /// As written (`application/json`).
    public var name: String { didSet { essence = MediaType.essence(of: name) } }
    /// The schema, if any.
    public var schema: NodeAddress?
    /// The examples given (`example` and each `examples.*.value`).
    public var examples: [Example]
    /// `type/subtype` in lower case, parameters removed (kept in step with ``name``).
    public private(set) var essence: String

    /// Creates a media type entry.
    public init(name: String, schema: NodeAddress?, examples: [Example]) {
        self.name = name
        self.schema = schema
        self.examples = examples
        essence = MediaType.essence(of: name)
    }

    /// `type/subtype` in lower case, parameters removed.
    public static func essence(of contentType: String) -> String {
        // The common case, `application/json` with or without parameters, without Unicode work.
        let utf8 = contentType.utf8
        let end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
        let head = utf8[utf8.startIndex..<end]
        if head.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }) {
            return String(decoding: head, as: UTF8.self)
        }
        let base = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return base.trimmingWhitespace().lowercased()
    }

    /// Whether the media type carries JSON (`application/json`, `*/*+json`).
    public static func isJSON(_ contentType: String) -> Bool {
        isJSONEssence(essence(of: contentType))
    }

    /// Whether this entry carries JSON (see ``isJSON(_:)``).
    public var isJSON: Bool { Self.isJSONEssence(essence) }

    private static func isJSONEssence(_ essence: String) -> Bool {
        essence == "application/json" || essence.hasSuffix("+json") || essence == "text/json"
    }
}

/// A response header.
public struct Header: Sendable {
    public var name: String
    public var isRequired: Bool
    public var schema: NodeAddress?
}

/// An example value and where it is written.
public struct Example: Sendable {
    /// `example`, or the key under `examples`.
    public var name: String
    public var value: DocumentNode
    /// The document the example lives in.
    public var document: Int
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
