/// A negative probe: a request that must be refused.
public enum Probe: String, Sendable, CaseIterable, Hashable {
    /// No token → 401 with the Error schema.
    case noToken = "no-token"
    /// A wrong token → 401 with the Error schema.
    case wrongToken = "wrong-token"
    /// An unknown kickoff id → 404 with the Error schema.
    case unknownID = "unknown-id"
    /// A kickoff without its inputs → 400 or 422 as documented.
    case missingInputs = "missing-inputs"
}

/// How `conform live` drives a crew.
public struct LiveOptions: Sendable {
    /// The crew's base URL (`https://my-crew.crewai.com`), without a trailing slash.
    public var baseURL: String
    /// The bearer token (never printed).
    public var token: String?
    /// The kickoff's `inputs` object as JSON text; `nil`: a placeholder for every input `/inputs` names.
    public var inputsJSON: String?
    /// Executions to run, and how many at once.
    public var kickoffs: Int
    public var concurrency: Int
    /// Seconds between polls at first (the interval grows to 4× with backoff).
    public var pollInterval: Double
    /// Seconds an execution may take before it is reported as a `timeout`.
    public var timeout: Double
    /// The `POST /resume` body as JSON text (its `execution_id` is filled in when absent); `nil`: no resume.
    public var resumeJSON: String?
    /// The probes to run.
    public var probes: Set<Probe>
    /// Undocumented properties are errors, every documented property is required.
    public var isStrict: Bool
    /// How often one request is sent again after `429 Too Many Requests` or `503 Service Unavailable`
    /// (waiting as `Retry-After` says, at most 60 s a time and `timeout` in all; without it 1 s, 2 s, 4 s…).
    public var retries: Int

    public init(
        baseURL: String, token: String?, inputsJSON: String? = nil, kickoffs: Int = 1, concurrency: Int = 1,
        pollInterval: Double = 0.25, timeout: Double = 60, resumeJSON: String? = nil,
        probes: Set<Probe> = Set(Probe.allCases),
        isStrict: Bool = false, retries: Int = 3
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.inputsJSON = inputsJSON
        self.kickoffs = kickoffs
        self.concurrency = concurrency
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.resumeJSON = resumeJSON
        self.probes = probes
        self.isStrict = isStrict
        self.retries = retries
    }
}
