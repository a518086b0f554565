public import ContractCore

/// Visits every Schema Object of a document set: `components.schemas`, every `schema` of a
/// parameter, header or media type, and their subschemas, each once.
public enum SchemaWalker {
    /// Keywords whose value is one schema.
    static let singleSchemaKeywords: Set<String> = [
        "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
        "unevaluatedProperties", "unevaluatedItems", "additionalItems",
    ]
    /// Keywords whose value is a list of schemas.
    static let schemaListKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems"]
    /// Keywords whose value maps names to schemas.
    static let schemaMapKeywords: Set<String> = [
        "properties", "patternProperties", "dependentSchemas", "$defs", "definitions",
    ]

    /// Calls `visit` with each schema node and its address.
    public static func walk(_ documents: DocumentSet, _ visit: (DocumentNode, NodeAddress) -> Void) {
        for (index, document) in documents.documents.enumerated() {
            var stack: [(DocumentNode, String, Bool)] = [
                (document.root, "", index > 0 && looksLikeSchema(document.root))
            ]
            while let (node, pointer, isSchema) = stack.popLast() {
                if isSchema {
                    visit(node, NodeAddress(document: index, pointer: pointer))
                    for item in node.entries ?? [] {
                        let child = pointer + "/" + JSONPointer.escape(item.key)
                        if singleSchemaKeywords.contains(item.key) || (item.key == "items" && item.value.entries != nil)
                        {
                            stack.append((item.value, child, item.value.entries != nil))
                        } else if schemaListKeywords.contains(item.key) || item.key == "items" {
                            for (position, element) in (item.value.elements ?? []).enumerated() {
                                stack.append((element, child + "/\(position)", element.entries != nil))
                            }
                        } else if schemaMapKeywords.contains(item.key) {
                            for property in item.value.entries ?? [] {
                                stack.append(
                                    (
                                        property.value, child + "/" + JSONPointer.escape(property.key),
                                        property.value.entries != nil
                                    ))
                            }
                        }
                    }
                    continue
                }
                switch node.value {
                case .object(let entries):
                    for item in entries {
                        let child = pointer + "/" + JSONPointer.escape(item.key)
                        if item.key == "example" || item.key == "examples" || item.key == "x-examples" { continue }
                        if item.key == "schema" && item.value.entries != nil {
                            stack.append((item.value, child, true))
                        } else if item.key == "schemas" && pointer.hasSuffix("/components")
                            || (item.key == "schemas" && pointer == "/components")
                        {
                            for schema in item.value.entries ?? [] {
                                stack.append(
                                    (
                                        schema.value, child + "/" + JSONPointer.escape(schema.key),
                                        schema.value.entries != nil
                                    ))
                            }
                        } else {
                            stack.append((item.value, child, false))
                        }
                    }
                case .array(let elements):
                    for (position, element) in elements.enumerated() {
                        stack.append((element, pointer + "/\(position)", false))
                    }
                default:
                    break
                }
            }
        }
    }

    private static func looksLikeSchema(_ node: DocumentNode) -> Bool {
        guard node["openapi"] == nil, node["paths"] == nil else { return false }
        return node["type"] != nil || node["properties"] != nil || node["allOf"] != nil || node["oneOf"] != nil
            || node["anyOf"] != nil || node["items"] != nil || node["enum"] != nil || node["$ref"] != nil
    }
}

/// Structural checks of Schema Objects that need no validation engine.
enum SchemaLint {
    static let types: Set<String> = ["null", "boolean", "object", "array", "number", "string", "integer"]

    static func run(documents: DocumentSet, dialect: SchemaDialect, into diagnostics: inout [Finding]) {
        var seen: Set<SourceLocation> = []
        SchemaWalker.walk(documents) { schema, _ in
            guard seen.insert(schema.location).inserted else { return }
            checkType(schema, dialect: dialect, into: &diagnostics)
            checkRequired(schema, into: &diagnostics)
        }
    }

    private static func checkType(_ schema: DocumentNode, dialect: SchemaDialect, into diagnostics: inout [Finding]) {
        guard let type = schema.entry("type") else { return }
        let names: [DocumentNode]
        if type.value.string != nil {
            names = [type.value]
        } else if let elements = type.value.elements {
            if dialect == .openAPI30 {
                diagnostics.append(
                    Finding(
                        check: .spec,
                        message: "OpenAPI 3.0 does not allow a list of types; use one type (and nullable: true)",
                        location: type.value.location))
            }
            names = elements
        } else {
            diagnostics.append(
                Finding(check: .spec, message: "\"type\" must be a string", location: type.value.location))
            return
        }
        for name in names {
            guard let text = name.string else {
                diagnostics.append(Finding(check: .spec, message: "\"type\" must be a string", location: name.location))
                continue
            }
            if !types.contains(text) {
                diagnostics.append(
                    Finding(
                        check: .spec,
                        message:
                            "unknown type \(JSONText.quote(text)) (expected one of array, boolean, integer, number, object, string\(dialect == .openAPI31 ? ", null" : ""))",
                        location: name.location))
            } else if text == "null" && dialect == .openAPI30 {
                diagnostics.append(
                    Finding(
                        check: .spec, message: "type \"null\" does not exist in OpenAPI 3.0; use nullable: true",
                        location: name.location))
            }
        }
    }

    private static func checkRequired(_ schema: DocumentNode, into diagnostics: inout [Finding]) {
        guard let required = schema["required"]?.elements else { return }
        guard let properties = schema["properties"]?.entries else { return }
        for keyword in [
            "additionalProperties", "patternProperties", "allOf", "anyOf", "oneOf", "$ref", "dependentSchemas", "if",
        ]
        where schema[keyword] != nil {
            if keyword == "additionalProperties", schema[keyword]?.bool == false { continue }
            return
        }
        for name in required {
            guard let text = name.string, !properties.contains(where: { $0.key == text }) else { continue }
            diagnostics.append(
                Finding(
                    check: .spec, severity: .warning,
                    message: "required property \(JSONText.quote(text)) is not defined in \"properties\"",
                    location: name.location))
        }
    }
}
