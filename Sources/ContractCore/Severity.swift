/// How much a finding matters.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
    case error
    case warning

    private var rank: Int { self == .error ? 0 : 1 }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
