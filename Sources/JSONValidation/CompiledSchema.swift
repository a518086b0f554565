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

/// A `pattern` regular expression: ECMA-262 syntax (`ECMARegex`, the `u`-flag grammar), translated by
/// `ECMAPattern` for Swift's regex engine and matched on Unicode scalars.
final class Pattern: @unchecked Sendable {
    let source: String
    private let regex: Regex<AnyRegexOutput>

    /// Returns nil when `source` is not valid ECMA-262 syntax, or uses what Swift's engine cannot
    /// express (see `ECMAPattern.translate`).
    init?(_ source: String) {
        // Strict ECMA-262 (`u` flag) first; then with identity escapes read as browsers and most OpenAPI
        // tools read them (Annex B), so that real-world patterns such as `^[\w\-.]+$` keep working.
        let strict = ECMAPattern.translate(source).flatMap { try? Regex($0) }
        let lenient = { ECMAPattern.translate(ECMAPattern.identityEscapesRewritten(source)).flatMap { try? Regex($0) } }
        guard let regex = strict ?? lenient() else { return nil }
        self.source = source
        self.regex = regex.matchingSemantics(.unicodeScalar).asciiOnlyDigits().asciiOnlyWordCharacters()
            .wordBoundaryKind(.simple).anchorsMatchLineEndings(false)
    }

    /// Whether the pattern matches anywhere in `text` (patterns are not anchored).
    func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}

/// Translates ECMA-262 regular expressions into Swift regex syntax with the same meaning.
///
/// Every construct is spelled out explicitly, so that Swift's own readings do not leak in: literals as
/// `\x{…}`; `.` as the class of everything but line terminators (everything under `s`); `\d`, `\w`,
/// `\s` as their ECMA-262 classes (ASCII digits and word characters, plus `ſ` and the Kelvin sign for
/// `\w` under `i`; ECMA-262 white space and line terminators); `^` and `$` as `\A` and `\z` (line
/// anchors under `m`); `[]` as a class matching nothing and `[^]` as one matching anything; named groups
/// as numbered groups and backreferences as `\g{N}`. Lone surrogates (`\uD800`) match nothing, since
/// Swift strings cannot contain them.
///
/// Not expressible, so `translate` returns `nil` (or Swift rejects the translation): lookbehind (`(?<=…)`,
/// `(?<!…)`), which Swift's engine does not support; quantifier bounds Swift cannot represent (a variable
/// part above 65535); `\p{Extended_Pictographic}`, which Swift does not know; more than about 60 nested
/// groups.
///
/// Known differences that remain, from Swift's engine: a backreference to an earlier group that did not
/// participate (`(?:(a)|b)\1`) fails where ECMA-262 matches the empty string (forward references, which
/// never have a value, are translated as empty); captures inside a repeated group are not reset per
/// iteration; and `\b`/`\B` count only ASCII letters and `_` as word characters, not digits (Swift's
/// simple word boundaries on Unicode scalars), so `\b` misplaces boundaries next to digits.
enum ECMAPattern {
    /// The largest quantifier bound Swift's regex parser accepts.
    static let largestBound = 65535

    /// Returns the Swift regex syntax for an ECMA-262 pattern, or `nil` when the pattern is not valid
    /// ECMA-262 or cannot be expressed.
    /// The web-compatible reading of identity escapes (ECMA-262 Annex B): `\-`, `\:`, `\_` and the
    /// like stand for the character itself. They are rewritten as `\u{…}` escapes, which the strict
    /// grammar accepts, so everything else stays strict. Used only when the strict grammar rejects a pattern.
    static func identityEscapesRewritten(_ source: String) -> String {
        var out = ""
        var iterator = source.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\", let next = iterator.next() else {
                out.unicodeScalars.append(scalar)
                continue
            }
            if next.properties.isAlphabetic || ("0"..."9").contains(next) || next.value > 0x7F {
                out.unicodeScalars.append("\\")
                out.unicodeScalars.append(next)
            } else {
                out += "\\u{" + String(next.value, radix: 16) + "}"
            }
        }
        return out
    }

    static func translate(_ source: String) -> String? {
        guard let parsed = ECMARegex.parse(source) else { return nil }
        var translator = PatternTranslator(groupNames: parsed.groupNames)
        guard translator.emit(parsed.root, []) else { return nil }
        return translator.output
    }
}

/// The emitter behind `ECMAPattern.translate`.
private struct PatternTranslator {
    let groupNames: [String: [Int]]
    var output = ""
    /// The capturing groups whose `)` has been emitted: a backreference to any other group refers to a
    /// group that cannot have participated yet (a forward reference, or one inside its own group), which
    /// ECMA-262 matches as the empty string.
    var closedGroups: Set<Int> = []

    /// ECMA-262 `\s`: WhiteSpace and LineTerminator.
    static let spaceMembers =
        #"\x{9}-\x{D}\x{20}\x{A0}\x{1680}"# + range(0x2000, 0x200A)
        + #"\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}"#
    /// The Emoji_Component code points.
    static let emojiComponents =
        #"\x{23}\x{2A}0-9\x{200D}\x{20E3}\x{FE0F}\x{1F1E6}-\x{1F1FF}\x{1F3FB}-\x{1F3FF}\x{1F9B0}-\x{1F9B3}"#
        + #"\x{E0020}-\x{E007F}"#
    /// ECMA-262 LineTerminator.
    static let lineTerminators = #"\x{A}\x{D}\x{2028}\x{2029}"#
    /// Every code point.
    static let anything = #"[\x{0}-\x{10FFFF}]"#

    /// Appends the translation of `node` under `flags`; false when it cannot be expressed.
    mutating func emit(_ node: ECMARegex.Node, _ flags: ECMARegex.Flags) -> Bool {
        switch node {
        case .empty:
            return true
        case .sequence(let terms):
            for term in terms {
                guard emit(term, flags) else { return false }
            }
            return true
        case .alternation(let alternatives):
            output += "(?:"
            for (index, alternative) in alternatives.enumerated() {
                if index > 0 { output += "|" }
                guard emit(alternative, flags) else { return false }
            }
            output += ")"
            return true
        case .character(let value):
            output += Self.isSurrogate(value) ? "(?!)" : Self.literal(value)
            return true
        case .anyCharacter:
            output += flags.contains(.dotAll) ? Self.anything : "[^" + Self.lineTerminators + "]"
            return true
        case .classEscape(let escape):
            output += Self.classEscape(escape, flags)
            return true
        case .characterClass(let negated, let items):
            output += Self.characterClass(negated: negated, items, flags)
            return true
        case .lineStart:
            output += flags.contains(.multiline) ? "(?m:^)" : #"\A"#
            return true
        case .lineEnd:
            output += flags.contains(.multiline) ? "(?m:$)" : #"\z"#
            return true
        case .wordBoundary(let negated):
            output += negated ? #"\B"# : #"\b"#
            return true
        case .lookahead(let body, let negated):
            output += negated ? "(?!" : "(?="
            guard emit(body, flags) else { return false }
            output += ")"
            return true
        case .lookbehind:
            return false
        case .capture(let body, let index, _):
            output += "("
            guard emit(body, flags) else { return false }
            output += ")"
            closedGroups.insert(index)
            return true
        case .group(let body):
            output += "(?:"
            guard emit(body, flags) else { return false }
            output += ")"
            return true
        case .modified(let body, let adding, let removing):
            let inner = flags.union(adding).subtracting(removing)
            switch (flags.contains(.ignoreCase), inner.contains(.ignoreCase)) {
            case (false, true): output += "(?i:"
            case (true, false): output += "(?-i:"
            default: output += "(?:"
            }
            guard emit(body, inner) else { return false }
            output += ")"
            return true
        case .backreference(let index):
            output += backreference(to: [index])
            return true
        case .namedBackreference(let name):
            output += backreference(to: groupNames[name] ?? [])
            return true
        case .quantified(let atom, let min, let max, let greedy):
            return emitQuantified(atom, min: min, max: max, greedy: greedy, flags)
        }
    }

    /// Appends a quantified atom, splitting exact counts above Swift's largest bound.
    private mutating func emitQuantified(
        _ atom: ECMARegex.Node, min: Int, max: Int?, greedy: Bool, _ flags: ECMARegex.Flags
    ) -> Bool {
        var atomOutput = PatternTranslator(groupNames: groupNames, closedGroups: closedGroups)
        guard atomOutput.emit(atom, flags) else { return false }
        closedGroups = atomOutput.closedGroups
        // Swift allows only about 60 nested groups: wrap only what a quantifier cannot follow directly.
        let isQuantifiable: Bool
        switch atom {
        case .capture, .group, .modified, .alternation, .anyCharacter, .classEscape, .characterClass, .backreference,
            .namedBackreference, .character:
            // `(?!)` stands for what cannot match (`[]`, a lone surrogate): an assertion, not quantifiable;
            // a forward backreference is empty.
            isQuantifiable = !atomOutput.output.isEmpty && atomOutput.output != "(?!)"
        default:
            isQuantifiable = false
        }
        let body = isQuantifiable ? atomOutput.output : "(?:" + atomOutput.output + ")"
        let limit = ECMAPattern.largestBound
        // No string has 2³¹ code points to repeat over: a larger maximum is as good as none.
        let upper = max.flatMap { $0 >= Int(Int32.max) ? nil : $0 }
        var exact = min
        if exact > limit {
            let blocks = exact / limit
            guard blocks <= limit else { return false }
            output += "(?:" + body + "{" + String(limit) + "}){" + String(blocks) + "}"
            exact -= blocks * limit
        }
        let lazy = greedy ? "" : "?"
        guard let upper else {
            output += body + (exact == 0 ? "*" : exact == 1 ? "+" : "{" + String(exact) + ",}") + lazy
            return true
        }
        let variable = upper - min
        guard variable <= limit else { return false }
        if variable == 0 {
            output += body + "{" + String(exact) + "}"
        } else {
            output += body + "{" + String(exact) + "," + String(exact + variable) + "}" + lazy
        }
        return true
    }

    /// A backreference to whichever of `groups` (groups sharing a name sit in different alternatives, so
    /// at most one has participated); empty when none of them is closed yet.
    func backreference(to groups: [Int]) -> String {
        let references = groups.filter(closedGroups.contains).map { #"\g{"# + String($0) + "}" }
        switch references.count {
        case 0: return ""
        case 1: return references[0]
        default: return "(?:" + references.joined(separator: "|") + ")"
        }
    }

    /// A code point as Swift regex syntax: ASCII letters and digits as themselves, others as `\x{…}`.
    static func literal(_ value: UInt32) -> String {
        switch value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A:
            return String(Character(Unicode.Scalar(UInt8(value))))
        default:
            return #"\x{"# + String(value, radix: 16, uppercase: true) + "}"
        }
    }

    /// True for a UTF-16 surrogate code point.
    static func isSurrogate(_ value: UInt32) -> Bool {
        value >= 0xD800 && value <= 0xDFFF
    }

    /// A class escape as a self-contained Swift class (or property), usable inside a class too.
    static func classEscape(_ escape: ECMARegex.ClassEscape, _ flags: ECMARegex.Flags) -> String {
        switch escape {
        case .digit(let negated):
            return negated ? "[^0-9]" : "[0-9]"
        case .word(let negated):
            let members = flags.contains(.ignoreCase) ? #"0-9A-Z_a-z\x{17F}\x{212A}"# : "0-9A-Z_a-z"
            return (negated ? "[^" : "[") + members + "]"
        case .space(let negated):
            return (negated ? "[^" : "[") + spaceMembers + "]"
        case .property(.binary("Emoji_Component"), let negated):
            // Swift does not know Emoji_Component: its code points (Unicode 16 emoji-data.txt).
            return (negated ? "[^" : "[") + emojiComponents + "]"
        case .property(let property, let negated):
            let body: String
            switch property {
            case .generalCategory(let name): body = "gc=" + name
            case .script(let name, let extensions): body = (extensions ? "scx=" : "sc=") + name
            case .binary(let name): body = name
            }
            return (negated ? #"\P{"# : #"\p{"#) + body + "}"
        }
    }

    /// A range of non-surrogate code points as class members. Swift requires range bounds in NFC, so
    /// bounds that are not (such as U+2000, which normalizes to U+2002) are listed singly and the range
    /// narrowed to NFC bounds.
    static func range(_ low: UInt32, _ high: UInt32) -> String {
        var members = ""
        var low = low
        var high = high
        while low <= high && !isNFC(low) {
            members += literal(low)
            low += 1
        }
        while high > low && !isNFC(high) {
            members += literal(high)
            high -= 1
        }
        if low < high {
            members += literal(low) + "-" + literal(high)
        } else if low == high {
            members += literal(low)
        }
        return members
    }

    /// Whether a code point is unchanged by NFC normalization.
    static func isNFC(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return false }
        var span = String(scalar).utf8Span
        return span.checkForNFC(quickCheck: false)
    }

    /// A character class; surrogate members are dropped, `[]` matches nothing and `[^]` anything.
    static func characterClass(negated: Bool, _ items: [ECMARegex.ClassItem], _ flags: ECMARegex.Flags) -> String {
        var members = ""
        for item in items {
            switch item {
            case .character(let value):
                if !isSurrogate(value) { members += literal(value) }
            case .range(let low, let high):
                if low < 0xD800 { members += range(low, Swift.min(high, 0xD7FF)) }
                if high > 0xDFFF { members += range(Swift.max(low, 0xE000), high) }
            case .escape(let escape):
                members += classEscape(escape, flags)
            }
        }
        if members.isEmpty { return negated ? anything : "(?!)" }
        return (negated ? "[^" : "[") + members + "]"
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

/// An immutable rule shared by reference.
final class Shared<Rule: Sendable>: Sendable {
    let rule: Rule
    init(_ rule: Rule) { self.rule = rule }
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
    var properties: PropertiesRule? {
        get { sharedProperties?.rule }
        set { sharedProperties = newValue.map(Shared.init) }
    }
    var items: ItemsRule? {
        get { sharedItems?.rule }
        set { sharedItems = newValue.map(Shared.init) }
    }
    /// `properties` and `items` behind one reference each: the validator reads them for every object
    /// and array, and retaining one reference costs less than retaining each array and string inside.
    private(set) var sharedProperties: Shared<PropertiesRule>?
    private(set) var sharedItems: Shared<ItemsRule>?
    /// Whether this schema, or an in-place subschema, needs evaluated-property/item annotations.
    var needsAnnotations = false
    /// Whether this schema (not its subschemas) documents object properties.
    var describesProperties: Bool { sharedProperties?.rule.namedLocation != nil }
}
