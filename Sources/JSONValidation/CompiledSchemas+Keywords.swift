extension CompiledSchemas {
    /// The keywords that can fail when a value is checked against schema `index` (every schema it
    /// reaches included), as used in check IDs (`type`, `enum`, `oneOf`…), sorted.
    public func keywords(reachableFrom index: Int) -> [String] {
        var found: Set<String> = []
        var stack = [index]
        var seen: Set<Int> = []
        while let current = stack.popLast() {
            guard nodes.indices.contains(current), seen.insert(current).inserted else { continue }
            let node = nodes[current]
            if node.constant == false { found.insert("false") }
            if node.types != nil { found.insert("type") }
            if node.isReadOnly { found.insert("readOnly") }
            if node.isWriteOnly { found.insert("writeOnly") }
            if let properties = node.properties {
                stack.append(contentsOf: properties.named.map(\.schema))
                stack.append(contentsOf: properties.patterns.map(\.1))
                if let additional = properties.additional {
                    stack.append(additional)
                    if nodes[additional].constant == false { found.insert("additionalProperties") }
                }
            }
            if let items = node.items {
                stack.append(contentsOf: items.prefix)
                if let rest = items.rest { stack.append(rest) }
            }
            for rule in node.rules {
                switch rule.kind {
                case .ref(let target), .not(let target), .propertyNames(let target), .unevaluatedProperties(let target),
                    .unevaluatedItems(let target):
                    if case .ref = rule.kind {} else { found.insert(rule.keyword) }
                    stack.append(target)
                case .dynamicRef(_, let fallback):
                    stack.append(fallback)
                case .allOf(let members), .anyOf(let members):
                    if case .anyOf = rule.kind { found.insert(rule.keyword) }
                    stack.append(contentsOf: members)
                case .oneOf(let members, let discriminator):
                    found.insert(rule.keyword)
                    if discriminator != nil { found.insert("discriminator") }
                    stack.append(contentsOf: members)
                case .conditional(let condition, let then, let otherwise):
                    stack.append(condition)
                    if let then { stack.append(then) }
                    if let otherwise { stack.append(otherwise) }
                case .contains(let member, _, _):
                    found.insert(rule.keyword)
                    stack.append(member)
                case .dependentSchemas(let pairs):
                    stack.append(contentsOf: pairs.map(\.1))
                default:
                    found.insert(rule.keyword)
                }
            }
        }
        return found.sorted()
    }
}
