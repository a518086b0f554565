/// A contract break the reference crew can inject, so that every check has a server that trips it.
public enum Drift: String, Sendable, CaseIterable, Hashable {
    case statusEnum = "status-enum"
    case kickoffUUID = "kickoff-uuid"
    case wrongType = "wrong-type"
    case missingField = "missing-field"
    case extraField = "extra-field"
    case undocumentedStatus = "undocumented-status"
    case contentType = "content-type"
    case brokenJSON = "broken-json"
    case slow
    case serverError = "server-error"
    case statusRegress = "status-regress"
    case progressRegress = "progress-regress"
    case platformShape = "platform-shape"
    case noAuth = "no-auth"
    case unknownFound = "unknown-found"
    case echoToken = "echo-token"

    /// What the reference crew does with this drift.
    public var behaviour: String {
        switch self {
        case .statusEnum: "status `finished` instead of `completed`"
        case .kickoffUUID: "kickoff_id `run-42`, not a uuid"
        case .wrongType: "`execution_time` as the string `\"108.5\"`"
        case .missingField: "a completed status without `result`"
        case .extraField: "an undocumented `debug` object in each status"
        case .undocumentedStatus: "`GET /inputs` answers 202"
        case .contentType: "JSON bodies sent as `text/plain`"
        case .brokenJSON: "status bodies cut in the middle"
        case .slow: "each answer delayed past the client's read timeout"
        case .serverError: "some polls answer 500 with the Error body"
        case .statusRegress: "completed, then running again"
        case .progressRegress: "completed_tasks goes down"
        case .platformShape: "the shape the real platform is reported to return"
        case .noAuth: "requests without a token are served"
        case .unknownFound: "an unknown kickoff id answers 200"
        case .echoToken: "the caller's token echoed back in bodies (`execution_time`, `echo`, 401 messages)"
        }
    }

    /// The check `conform live` reports for it.
    public var caughtAs: String {
        switch self {
        case .statusEnum: "`schema.oneOf` or `schema.enum`"
        case .kickoffUUID: "`schema.format`"
        case .wrongType: "`schema.type`"
        case .missingField: "`schema.required` (with `--strict`)"
        case .extraField: "`undocumented-property`"
        case .undocumentedStatus: "`status-code`"
        case .contentType: "`content-type`"
        case .brokenJSON: "`json`"
        case .slow: "`transport` or `timeout`"
        case .serverError: "`server-error`"
        case .statusRegress, .progressRegress: "`workflow`"
        case .platformShape: "`schema.oneOf`"
        case .noAuth: "`auth`"
        case .unknownFound: "`not-found`"
        case .echoToken: "`schema.type`, with the token redacted wherever it is quoted"
        }
    }

    /// Parses a comma-separated list (`status-enum,slow`).
    public static func parse(_ list: String) throws(DriftError) -> Set<Drift> {
        var drifts: Set<Drift> = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters() }) where !name.isEmpty {
            guard let drift = Drift(rawValue: name) else { throw DriftError(name: name) }
            drifts.insert(drift)
        }
        return drifts
    }

    /// The table `conform mock --list-drifts` prints.
    public static var table: String {
        var lines = ["| drift | the reference crew | caught as |", "| --- | --- | --- |"]
        for drift in allCases { lines.append("| `\(drift.rawValue)` | \(drift.behaviour) | \(drift.caughtAs) |") }
        return lines.joined(separator: "\n")
    }
}

/// An unknown drift name.
public struct DriftError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var description: String {
        "error: unknown drift \"\(name)\" (known: \(Drift.allCases.map(\.rawValue).joined(separator: ", ")))"
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
