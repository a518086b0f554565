public import Conformance
public import ContractCore
import SpecLoader

/// Drives a crew through the documented workflow — inputs → kickoff → poll status until done →
/// resume — checks every response against the contract, checks the workflow's rules, and runs
/// negative probes.
public struct LiveRunner: Sendable {
    public let options: LiveOptions
    private let checker: ExchangeChecker
    private let transport: any HTTPTransport
    private let recorder: (@Sendable (HTTPExchange) async -> Void)?
    private let state: RunState

    /// Creates a runner. `recorder` receives every exchange (for `--record`).
    public init(
        options: LiveOptions, checker: ExchangeChecker, transport: any HTTPTransport,
        recorder: (@Sendable (HTTPExchange) async -> Void)? = nil
    ) {
        self.options = options
        self.checker = checker
        self.transport = transport
        self.recorder = recorder
        state = RunState()
    }

    /// Runs the whole scenario.
    public func run() async -> LiveResult {
        let spec = checker.compiled.spec
        let paths = Paths(spec: spec)
        // GET /inputs first: it tells whether the target answers at all.
        let inputs = await exchange(step: "inputs", method: "GET", path: paths.inputs)
        if case .failure(let error) = inputs {
            await state.add(
                step: LiveStep(
                    group: "run", name: "reach the crew", findings: [], error: transportFinding(error, step: "inputs"),
                    time: 0))
            return await state.result(isUnreachable: error.isUnreachable)
        }
        let inputNames = (try? inputs.get()).map(Self.inputNames) ?? []
        let inputsJSON = options.inputsJSON ?? Self.placeholders(inputNames)

        await withTaskGroup(of: Void.self) { group in
            var started = 0
            var running = 0
            while started < options.kickoffs && !Task.isCancelled {
                if running >= max(1, options.concurrency) {
                    await group.next()
                    running -= 1
                }
                started += 1
                running += 1
                let number = started
                group.addTask { await self.execution(number, paths: paths, inputsJSON: inputsJSON) }
            }
            await group.waitForAll()
        }
        // A cancelled run (SIGINT, SIGTERM) reports what finished and sends nothing more.
        if !Task.isCancelled { await probes(paths: paths, hasInputs: !inputNames.isEmpty) }
        return await state.result(isUnreachable: false)
    }

    // MARK: - One execution

    private func execution(_ number: Int, paths: Paths, inputsJSON: String) async {
        let group = "execution \(number)"
        let started = MonotonicClock.now
        let kickoffBody = Array("{\"inputs\":\(inputsJSON)}".utf8)
        let kickoff = await exchange(step: "kickoff \(number)", method: "POST", path: paths.kickoff, body: kickoffBody)
        guard case .success(let kickoffResponse) = kickoff else {
            if case .failure(let error) = kickoff {
                await state.add(
                    step: LiveStep(
                        group: group, name: "kickoff", findings: [], error: transportFinding(error, step: "kickoff"),
                        time: MonotonicClock.now - started))
            }
            return
        }
        guard let id = Self.string("kickoff_id", in: kickoffResponse.body) else {
            await state.add(
                step: LiveStep(
                    group: group, name: "kickoff",
                    findings: [
                        workflow(
                            "POST \(paths.kickoff) answered \(kickoffResponse.status) without a kickoff_id; the execution cannot be followed"
                        )
                    ],
                    time: MonotonicClock.now - started))
            return
        }
        await state.add(step: LiveStep(group: group, name: "kickoff", findings: [], time: MonotonicClock.now - started))
        let poll = await follow(id: id, number: number, paths: paths, started: started)
        // Running out of time (or of answers) stops the execution: the completion case is an error that says why.
        await state.add(
            step: LiveStep(
                group: group, name: "completion", findings: [], error: poll.timeout ?? poll.transport,
                time: MonotonicClock.now - started))
        await state.add(step: LiveStep(group: group, name: "status order", findings: poll.order, time: 0))
        await state.add(step: LiveStep(group: group, name: "progress", findings: poll.progress, time: 0))
        await state.add(
            step: LiveStep(
                group: group, name: "result", findings: poll.result,
                skipped: poll.terminal == nil ? "the execution did not finish" : nil, time: 0))
        if let resumeJSON = options.resumeJSON {
            let body = Self.fillExecutionID(resumeJSON, id: id)
            let resume = await exchange(
                step: "resume \(number)", method: "POST", path: paths.resume, body: Array(body.utf8))
            if case .failure(let error) = resume {
                await state.add(
                    step: LiveStep(
                        group: group, name: "resume", findings: [], error: transportFinding(error, step: "resume"),
                        time: 0))
            } else {
                await state.add(step: LiveStep(group: group, name: "resume", findings: [], time: 0))
            }
        }
    }

    private struct PollVerdict {
        var terminal: String?
        var timeout: Finding?
        var transport: Finding?
        var order: [Finding] = []
        var progress: [Finding] = []
        var result: [Finding] = []
    }

    /// Polls `GET /status/{id}` until a terminal state (then once more, to see that it stays), with
    /// backoff, honouring `Retry-After`, bounded by `--timeout`.
    private func follow(id: String, number: Int, paths: Paths, started: Double) async -> PollVerdict {
        var verdict = PollVerdict()
        let deadline = started + options.timeout
        var interval = options.pollInterval
        var lastState: String?
        var lastCompleted: Int?
        var confirming = false
        var transportFailures = 0
        var lastFailure: TransportError?
        var polls = 0
        let path = paths.status.replacing("{kickoff_id}", with: Self.percentEncode(id))
        while true {
            if Task.isCancelled { return verdict }
            if MonotonicClock.now > deadline {
                let failures =
                    transportFailures > 0
                    ? "; the last \(transportFailures) polls got no answer: \(lastFailure?.description ?? "")" : ""
                verdict.timeout = Finding(
                    check: .timeout,
                    message:
                        "execution \(number) (\(id)) did not finish within \(Self.seconds(options.timeout)) (last status: \(lastState ?? "none")\(failures))",
                    source: "execution \(number)", expected: "completed or error", actual: lastState ?? "no status")
                return verdict
            }
            polls += 1
            let response = await exchange(step: "poll \(number).\(polls)", method: "GET", path: path)
            var wait = interval
            switch response {
            case .failure(let error):
                // A crew that stops answering is judged by the deadline; one that refuses
                // connections is gone.
                transportFailures += 1
                lastFailure = error
                if error.isUnreachable && transportFailures >= 3 {
                    verdict.transport = transportFinding(error, step: "poll")
                    return verdict
                }
            case .success(let answer):
                transportFailures = 0
                if let retry = answer.header("retry-after").flatMap(Double.init),
                    answer.status == 429 || answer.status == 503
                {
                    wait = min(max(retry, 0), 60)
                }
                guard answer.status == 200, let status = Self.statusState(answer.body) else { break }
                let valid = answer.isValid
                if let previous = lastState, previous != "running",
                    status.state == "running" || (status.state != previous)
                {
                    if valid {
                        verdict.order.append(
                            workflow("execution \(number): status went from \(previous) back to \(status.state)"))
                    }
                }
                if valid, let completed = status.completedTasks {
                    if let last = lastCompleted, completed < last {
                        verdict.progress.append(
                            workflow(
                                "execution \(number): progress.completed_tasks went down from \(last) to \(completed)"))
                    }
                    if let total = status.totalTasks, completed > total {
                        verdict.progress.append(
                            workflow(
                                "execution \(number): progress.completed_tasks (\(completed)) exceeds total_tasks (\(total))"
                            ))
                    }
                    lastCompleted = completed
                }
                if status.state != "running" {
                    if valid && verdict.terminal == nil {
                        if status.state == "completed" && !status.hasResult {
                            verdict.result.append(workflow("execution \(number): completed without a result"))
                        }
                        if status.state == "error" && !status.hasError {
                            verdict.result.append(workflow("execution \(number): failed without an error message"))
                        }
                    }
                    verdict.terminal = verdict.terminal ?? status.state
                }
                lastState = status.state
                if confirming { return verdict }
                if status.state != "running" {
                    confirming = true
                    wait = options.pollInterval
                }
            }
            let remaining = deadline - MonotonicClock.now
            if remaining <= 0 { continue }
            try? await Task.sleep(nanoseconds: UInt64(min(wait, remaining) * 1_000_000_000))
            interval = min(interval * 1.5, options.pollInterval * 4)
        }
    }

    // MARK: - Probes

    private func probes(paths: Paths, hasInputs: Bool) async {
        let spec = checker.compiled.spec
        for probe in Probe.allCases where options.probes.contains(probe) {
            let started = MonotonicClock.now
            let name: String
            let result: Result<CheckedResponse, TransportError>
            var expected: Set<Int>
            let check: CheckID
            switch probe {
            case .noToken:
                name = "no token → 401"
                result = await exchange(step: "probe no-token", method: "GET", path: paths.inputs, token: .none)
                expected = [401]
                check = .auth
            case .wrongToken:
                name = "wrong token → 401"
                result = await exchange(step: "probe wrong-token", method: "GET", path: paths.inputs, token: .wrong)
                expected = [401]
                check = .auth
            case .unknownID:
                name = "unknown id → 404"
                let path = paths.status.replacing("{kickoff_id}", with: "00000000-0000-4000-8000-00000000c0f0")
                result = await exchange(step: "probe unknown-id", method: "GET", path: path)
                expected = [404]
                check = .notFound
            case .missingInputs:
                name = "kickoff without inputs → 400/422"
                guard hasInputs else {
                    await state.add(
                        step: LiveStep(
                            group: "probes", name: name, findings: [], skipped: "GET /inputs names no inputs", time: 0))
                    continue
                }
                result = await exchange(
                    step: "probe missing-inputs", method: "POST", path: paths.kickoff,
                    body: Array("{\"inputs\":{}}".utf8))
                let documented =
                    spec.operation(named: "POST " + paths.kickoffTemplate)?.responses.compactMap { key -> Int? in
                        if case .code(let code) = key.key, code == 400 || code == 422 { return code }
                        return nil
                    } ?? []
                expected = Set(documented.isEmpty ? [400, 422] : documented)
                check = .statusCode
            }
            switch result {
            case .failure(let error):
                await state.add(
                    step: LiveStep(
                        group: "probes", name: name, findings: [], error: transportFinding(error, step: probe.rawValue),
                        time: MonotonicClock.now - started))
            case .success(let answer):
                var findings: [Finding] = []
                if !expected.contains(answer.status) {
                    let want = expected.sorted().map(String.init).joined(separator: " or ")
                    findings.append(
                        Finding(
                            check: check,
                            message: "\(probe.explanation) was answered \(answer.status), expected \(want)",
                            source: answer.source, expected: want, actual: String(answer.status)))
                }
                await state.add(
                    step: LiveStep(group: "probes", name: name, findings: findings, time: MonotonicClock.now - started))
            }
        }
    }

    // MARK: - Exchanges

    private enum TokenUse {
        case real
        case none
        case wrong
    }

    struct CheckedResponse: Sendable {
        var status: Int
        var body: [UInt8]
        var headers: [HTTPHeader]
        var source: String
        var isValid: Bool

        func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.name.lowercased() == lower }?.value
        }
    }

    /// Sends one request, checks the response against the contract, records it.
    private func exchange(
        step: String, method: String, path: String, body: [UInt8]? = nil, token: TokenUse = .real
    ) async -> Result<CheckedResponse, TransportError> {
        var headers = [HTTPHeader(name: "Accept", value: "application/json")]
        switch token {
        case .real:
            if let value = options.token { headers.append(HTTPHeader(name: "Authorization", value: "Bearer " + value)) }
        case .wrong: headers.append(HTTPHeader(name: "Authorization", value: "Bearer conform-wrong-token-0000"))
        case .none: break
        }
        if body != nil { headers.append(HTTPHeader(name: "Content-Type", value: "application/json")) }
        let url = options.baseURL + path
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body)
        var response: HTTPResponse
        var throttled: [(status: Int, wait: Double)] = []
        do {
            response = try await transport.send(request)
            while let wait = retryDelay(
                after: response, attempt: throttled.count, waited: throttled.reduce(0) { $0 + $1.wait })
            {
                throttled.append((response.status, wait))
                try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
                if Task.isCancelled { break }
                response = try await transport.send(request)
            }
        } catch {
            return .failure(error)
        }
        let sequence = await state.nextSequence()
        let source = "live#\(sequence) \(method) \(path)"
        let exchange = HTTPExchange(
            source: source, method: method, url: url, requestHeaders: headers, status: response.status,
            responseHeaders: response.headers, body: .bytes(response.body, location: nil),
            elapsedMilliseconds: response.elapsed * 1000)
        var outcome = checker.check(exchange, checksParameters: false)
        let isValid = !outcome.isFailed
        if response.isTruncated {
            outcome.findings.append(
                Finding(
                    check: .transport, severity: .warning,
                    message:
                        "the body was cut at \(response.body.count) bytes (the transport's limit); the rest was not read",
                    source: source, operation: outcome.operation, status: response.status))
        }
        if !throttled.isEmpty {
            let answers = throttled.map { "\($0.status)" }.joined(separator: ", ")
            let waited = throttled.reduce(0) { $0 + $1.wait }
            outcome.findings.append(
                Finding(
                    check: .transport, severity: .warning,
                    message:
                        "\(method) \(path) was refused for now (\(answers)) and sent again \(throttled.count) time\(throttled.count == 1 ? "" : "s") after waiting \(Self.seconds(waited)) in all; this is its last answer",
                    source: source, operation: outcome.operation, status: response.status))
        }
        if response.status >= 500 {
            outcome.findings.append(
                Finding(
                    check: .serverError,
                    message:
                        "\(method) \(path) answered \(response.status): the crew failed, so this step could not be checked",
                    source: source, operation: outcome.operation, status: response.status, expected: "a non-5xx answer",
                    actual: String(response.status)))
        }
        await state.add(exchange: LiveExchange(sequence: sequence, exchange: exchange, outcome: outcome, step: step))
        if let recorder { await recorder(exchange) }
        return .success(
            CheckedResponse(
                status: response.status, body: response.body, headers: response.headers, source: source,
                isValid: isValid))
    }

    /// Seconds to wait before sending a request again that was answered `429` or `503`, or `nil` when it is not
    /// sent again: another status, retries used up, or the wait would pass `--timeout` in all.
    /// `Retry-After` is honoured in delta-seconds (capped at 60); without it (or as an HTTP date) the wait doubles from 1 s.
    private func retryDelay(after response: HTTPResponse, attempt: Int, waited: Double) -> Double? {
        guard response.status == 429 || response.status == 503, attempt < options.retries, !Task.isCancelled else {
            return nil
        }
        let asked = response.header("retry-after").flatMap { Double($0.filter { !$0.isWhitespace }) }
        let wait = min(max(asked ?? Double(1 << min(attempt, 5)), 0), 60)
        return waited + wait <= options.timeout ? wait : nil
    }

    private func transportFinding(_ error: TransportError, step: String) -> Finding {
        Finding(check: .transport, message: error.description, source: "live \(step)")
    }

    private func workflow(_ message: String) -> Finding {
        Finding(check: .workflow, message: message)
    }

    // MARK: - Body helpers

    struct StatusState {
        var state: String
        var completedTasks: Int?
        var totalTasks: Int?
        var hasResult: Bool
        var hasError: Bool
    }

    /// The execution's state from a status body: the documented `status`, or the platform's `state`.
    static func statusState(_ body: [UInt8]) -> StatusState? {
        guard let document = try? JSONDocument(bytes: body), document.tape.first?.kind == .object else { return nil }
        var fields: [String: Int] = [:]
        for (key, value) in document.members(of: 0) { fields[document.string(at: key)] = value }
        let raw: String
        if let status = fields["status"], document.tape[status].kind == .string {
            raw = document.string(at: status)
        } else if let platform = fields["state"], document.tape[platform].kind == .string {
            raw = document.string(at: platform)
        } else {
            return nil
        }
        let state: String =
            switch raw.lowercased() {
            case "completed", "success", "succeeded", "finished": "completed"
            case "error", "failed", "failure": "error"
            case "running", "pending", "started", "queued": "running"
            default: raw
            }
        var completed: Int?
        var total: Int?
        if let progress = fields["progress"], document.tape[progress].kind == .object {
            for (key, value) in document.members(of: progress) where document.tape[value].kind == .number {
                let number = JSONNumber(utf8: document.rawUTF8(at: value))?.int64Value.map(Int.init)
                switch document.string(at: key) {
                case "completed_tasks": completed = number
                case "total_tasks": total = number
                default: break
                }
            }
        }
        let hasResult = fields["result"].map { document.tape[$0].kind != .null } ?? false
        let hasError = fields["error"].map { document.tape[$0].kind != .null } ?? false
        return StatusState(
            state: state, completedTasks: completed, totalTasks: total, hasResult: hasResult, hasError: hasError)
    }

    static func string(_ name: String, in body: [UInt8]) -> String? {
        guard let document = try? JSONDocument(bytes: body), document.tape.first?.kind == .object else { return nil }
        for (key, value) in document.members(of: 0) where document.string(at: key) == name {
            return document.tape[value].kind == .string ? document.string(at: value) : nil
        }
        return nil
    }

    static func inputNames(_ response: CheckedResponse) -> [String] {
        guard let document = try? JSONDocument(bytes: response.body), document.tape.first?.kind == .object else {
            return []
        }
        for (key, value) in document.members(of: 0) where document.string(at: key) == "inputs" {
            return document.elements(of: value).compactMap {
                document.tape[$0].kind == .string ? document.string(at: $0) : nil
            }
        }
        return []
    }

    /// `{"name": "conform placeholder for name", …}`.
    static func placeholders(_ names: [String]) -> String {
        "{"
            + names.map { "\(JSONText.quote($0)):\(JSONText.quote("conform placeholder for " + $0))" }.joined(
                separator: ",") + "}"
    }

    static func fillExecutionID(_ json: String, id: String) -> String {
        guard json.contains("\"execution_id\"") == false, let brace = json.firstIndex(of: "{") else { return json }
        let rest = json[json.index(after: brace)...].drop { $0 == " " || $0 == "\n" }
        let separator = rest.first == "}" ? "" : ","
        return "{\"execution_id\":\(JSONText.quote(id))\(separator)" + json[json.index(after: brace)...]
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

extension Probe {
    var explanation: String {
        switch self {
        case .noToken: "a request without a token"
        case .wrongToken: "a request with a wrong token"
        case .unknownID: "a status request for an unknown kickoff id"
        case .missingInputs: "a kickoff without its inputs"
        }
    }
}

/// The crew's paths, from the spec (by operationId, falling back to the documented paths); the
/// base URL carries any server prefix.
struct Paths: Sendable {
    var inputs: String
    var kickoff: String
    var kickoffTemplate: String
    var status: String
    var resume: String

    init(spec: APISpec) {
        func path(_ id: String, _ fallback: String) -> String {
            spec.operations.first { $0.operationID == id }?.path ?? fallback
        }
        inputs = path("getRequiredInputs", "/inputs")
        kickoffTemplate = path("startCrewExecution", "/kickoff")
        kickoff = kickoffTemplate
        status = path("getExecutionStatus", "/status/{kickoff_id}")
        resume = path("resumeCrewExecution", "/resume")
    }
}

/// Shared state of a run: exchanges and steps as they finish, in order.
actor RunState {
    private var sequence = 0
    private var exchanges: [LiveExchange] = []
    private var steps: [LiveStep] = []

    func nextSequence() -> Int {
        sequence += 1
        return sequence
    }

    func add(exchange: LiveExchange) { exchanges.append(exchange) }
    func add(step: LiveStep) { steps.append(step) }

    func result(isUnreachable: Bool) -> LiveResult {
        LiveResult(
            exchanges: exchanges.sorted { $0.sequence < $1.sequence }, steps: steps, isUnreachable: isUnreachable)
    }
}
