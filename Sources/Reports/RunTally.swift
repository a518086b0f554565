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

    /// Rows in the order first seen, and where each key's row is.
    private var rows: [Row] = []
    private var positions: [Key: Int] = [:]
    /// The row counted last: consecutive exchanges of a recording are mostly of the same operation and
    /// status, and comparing two keys costs less than hashing one.
    private var last: (key: Key, position: Int)?

    public init() {}

    /// Counts one exchange (at most one hash lookup: this runs for every exchange of a recording).
    public mutating func record(operation: String, status: String, failed: Bool) {
        let key = Key(operation: operation, status: status)
        let position: Int
        if let last, last.key == key {
            position = last.position
        } else if let found = positions[key] {
            position = found
        } else {
            position = rows.count
            rows.append(Row(operation: operation, status: status))
            positions[key] = position
        }
        last = (key, position)
        rows[position].exchanges += 1
        if failed { rows[position].failed += 1 } else { rows[position].passed += 1 }
    }

    /// Rows sorted by operation, then status.
    public var sortedRows: [Row] {
        rows.sorted { ($0.operation, $0.status) < ($1.operation, $1.status) }
    }

    /// Exchanges counted.
    public var exchanges: Int { rows.reduce(0) { $0 + $1.exchanges } }
    /// Exchanges with at least one error.
    public var failed: Int { rows.reduce(0) { $0 + $1.failed } }

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
