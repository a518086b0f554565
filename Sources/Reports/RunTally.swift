/// Counts exchanges per operation and status, for the summary table.
public struct RunTally: Sendable {
    /// One row of the table.
    public struct Row: Sendable, Hashable {
        public var operation: String
        public var status: String
        public var exchanges = 0
        public var passed = 0
        public var failed = 0
    }

    private struct Key: Hashable {
        var operation: String
        var status: String
    }

    private var rows: [Key: Row] = [:]
    private var order: [Key] = []

    public init() {}

    /// Counts one exchange (one hash lookup: this runs for every exchange of a recording).
    public mutating func record(operation: String, status: String, failed: Bool) {
        let key = Key(operation: operation, status: status)
        let index: Dictionary<Key, Row>.Index
        if let found = rows.index(forKey: key) {
            index = found
        } else {
            rows[key] = Row(operation: operation, status: status)
            order.append(key)
            index = rows.index(forKey: key)!
        }
        rows.values[index].exchanges += 1
        if failed { rows.values[index].failed += 1 } else { rows.values[index].passed += 1 }
    }

    /// Rows sorted by operation, then status.
    public var sortedRows: [Row] {
        order.compactMap { rows[$0] }.sorted { ($0.operation, $0.status) < ($1.operation, $1.status) }
    }

    /// Exchanges counted.
    public var exchanges: Int { rows.values.reduce(0) { $0 + $1.exchanges } }
    /// Exchanges with at least one error.
    public var failed: Int { rows.values.reduce(0) { $0 + $1.failed } }

    /// The summary table as text.
    public var table: String {
        TextTable(
            header: ["OPERATION", "STATUS", "EXCHANGES", "PASSED", "FAILED"],
            rows: sortedRows.map {
                [$0.operation, $0.status, String($0.exchanges), String($0.passed), String($0.failed)]
            }
        ).rendered
    }
}
