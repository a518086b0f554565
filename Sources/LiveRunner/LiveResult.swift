public import Conformance
public import ContractCore

/// One exchange of a live run and its contract verdict.
public struct LiveExchange: Sendable {
    /// Order in which the exchange finished (1-based).
    public var sequence: Int
    public var exchange: HTTPExchange
    public var outcome: ExchangeOutcome
    /// The step that sent it (`inputs`, `kickoff 1`, `poll 1`, `probe no-token`…).
    public var step: String
}

/// A workflow, probe or transport verdict that is not about one response's shape.
public struct LiveStep: Sendable {
    /// Grouping for the report (`execution 1`, `probes`).
    public var group: String
    /// The step's stable name (`status order`, `no token → 401`).
    public var name: String
    /// Errors that fail the step.
    public var findings: [Finding]
    /// An infrastructure error (transport, timeout of the run itself): the step could not be judged.
    public var error: Finding?
    /// Skipped, with the reason.
    public var skipped: String?
    /// Seconds spent.
    public var time: Double
}

/// Everything a live run found.
public struct LiveResult: Sendable {
    public var exchanges: [LiveExchange]
    public var steps: [LiveStep]
    /// The target could not be reached at all (exit 69).
    public var isUnreachable: Bool
    /// Whether any contract, workflow or probe error was found.
    public var hasViolations: Bool {
        exchanges.contains { $0.outcome.isFailed }
            || steps.contains { !$0.findings.filter { $0.severity == .error }.isEmpty }
    }
    /// Whether a step could not run (transport, timeouts).
    public var hasErrors: Bool { steps.contains { $0.error != nil } }
}
