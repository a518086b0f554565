import ContractCore

/// Which Schema Object rules a compiled schema follows.
public enum SchemaRules: String, Sendable {
    /// OpenAPI 3.0: JSON Schema draft 4 subset plus `nullable`, boolean exclusive bounds,
    /// `discriminator`, `readOnly`/`writeOnly`; `$ref` replaces its siblings.
    case openAPI30
    /// OpenAPI 3.1: JSON Schema 2020-12.
    case openAPI31
}

/// JSON types as a bit set.
struct TypeSet: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let null = TypeSet(rawValue: 1)
    static let boolean = TypeSet(rawValue: 2)
    static let object = TypeSet(rawValue: 4)
    static let array = TypeSet(rawValue: 8)
    static let number = TypeSet(rawValue: 16)
    static let string = TypeSet(rawValue: 32)
    static let integer = TypeSet(rawValue: 64)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "object": self = .object
        case "array": self = .array
        case "number": self = .number
        case "string": self = .string
        case "integer": self = .integer
        default: return nil
        }
    }

    /// Names in a fixed order, for messages.
    var names: [String] {
        var names: [String] = []
        for (type, name) in [
            (TypeSet.object, "object"), (.array, "array"), (.string, "string"), (.number, "number"),
            (.integer, "integer"), (.boolean, "boolean"), (.null, "null"),
        ] where contains(type) {
            names.append(name)
        }
        return names
    }
}

/// A regular expression compiled with ECMA-262 flavoured options (ASCII `\d`, `\w`, `\b`).
final class Pattern: @unchecked Sendable {
    let source: String
    private let regex: Regex<AnyRegexOutput>

    init?(_ source: String) {
        guard let regex = try? Regex(ECMAPattern.translate(source)) else { return nil }
        self.source = source
        self.regex = regex.asciiOnlyDigits().asciiOnlyWordCharacters().anchorsMatchLineEndings(false)
    }

    /// Whether the pattern matches anywhere in `text` (patterns are not anchored).
    func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}

/// Rewrites ECMA-262 syntax that Swift's regex engine reads differently.
enum ECMAPattern {
    static func translate(_ source: String) -> String {
        var out = ""
        var iterator = source.unicodeScalars.makeIterator()
        var inClass = false
        while let scalar = iterator.next() {
            switch scalar {
            case "\\":
                guard let next = iterator.next() else {
                    out += "\\"
                    continue
                }
                switch next {
                case "c":
                    // \cX control escapes.
                    if let letter = iterator.next(), letter.properties.isAlphabetic {
                        out += String(format: letter.value % 32)
                    } else {
                        out += "\\\\c"
                    }
                default:
                    out.unicodeScalars.append("\\")
                    out.unicodeScalars.append(next)
                }
            case "[":
                inClass = true
                out += "["
            case "]":
                inClass = false
                out += "]"
            case "$" where !inClass:
                // ECMA `$` (without the m flag) matches only at the end of input.
                out += "\\z"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func String(format code: UInt32) -> Swift.String {
        "\\x{" + Swift.String(code, radix: 16) + "}"
    }
}

/// An OpenAPI discriminator: the property that names the alternative, and its mapping.
struct Discriminator: Sendable {
    var propertyName: String
    /// Property value → schema index.
    var mapping: [String: Int]
    var location: SourceLocation
}

/// One compiled property of a `properties` keyword.
struct PropertyRule: Sendable {
    var name: String
    var utf8: [UInt8]
    var schema: Int
}

/// A compiled keyword and where it is written in the spec.
struct Rule: Sendable {
    enum Kind: Sendable {
        case ref(Int)
        case dynamicRef(anchor: String, fallback: Int)
        case enumeration([DocumentNode])
        case constant(DocumentNode)
        case allOf([Int])
        case anyOf([Int])
        case oneOf([Int], Discriminator?)
        case not(Int)
        case conditional(condition: Int, then: Int?, otherwise: Int?)
        case minimum(JSONNumber, exclusive: Bool)
        case maximum(JSONNumber, exclusive: Bool)
        case multipleOf(JSONNumber)
        case minLength(Int)
        case maxLength(Int)
        case pattern(Pattern)
        case format(String)
        case minItems(Int)
        case maxItems(Int)
        case uniqueItems
        case contains(Int, min: Int, max: Int?)
        case minProperties(Int)
        case maxProperties(Int)
        case required([String])
        case dependentRequired([(String, [String])])
        case dependentSchemas([(String, Int)])
        case propertyNames(Int)
        case unevaluatedProperties(Int)
        case unevaluatedItems(Int)
    }

    var kind: Kind
    /// The keyword as written (`minLength`), used for the check ID `schema.<keyword>`.
    var keyword: String
    var location: SourceLocation
}

/// Items of an array: positional schemas, then one schema for the rest.
struct ItemsRule: Sendable {
    var prefix: [Int] = []
    var rest: Int?
    var prefixLocation: SourceLocation?
    var restKeyword = "items"
    var restLocation: SourceLocation?
}

/// Properties of an object: named, by pattern, and the rest.
struct PropertiesRule: Sendable {
    var named: [PropertyRule] = []
    var lookup: [String: Int] = [:]
    var patterns: [(Pattern, Int)] = []
    var additional: Int?
    var additionalLocation: SourceLocation?
    var namedLocation: SourceLocation?
}

/// One compiled schema: its checks, grouped by the instance kind they apply to.
struct SchemaNode: Sendable {
    var location: SourceLocation
    /// The component name (from the `$ref` that reached it) or `title`, for messages.
    var name: String?
    /// `true`/`false` boolean schemas.
    var constant: Bool?
    var types: TypeSet?
    var typeLocation: SourceLocation?
    var isNullable = false
    var isReadOnly = false
    var isWriteOnly = false
    var rules: [Rule] = []
    /// The base URI of the schema resource this schema belongs to, for `$dynamicRef` scopes.
    var resourceBase: String?
    /// The name of this schema's `$dynamicAnchor`, if any.
    var dynamicAnchor: String?
    var properties: PropertiesRule?
    var items: ItemsRule?
    /// Whether this schema, or an in-place subschema, needs evaluated-property/item annotations.
    var needsAnnotations = false
    /// Whether this schema (not its subschemas) documents object properties.
    var describesProperties: Bool { properties?.namedLocation != nil }
}
