import ContractCore

/// A request as the simulator sees it.
public struct MockRequest: Sendable {
    public var method: String
    /// The path, without query.
    public var path: String
    public var authorization: String?
    public var body: [UInt8]

    public init(method: String, path: String, authorization: String?, body: [UInt8]) {
        self.method = method
        self.path = path
        self.authorization = authorization
        self.body = body
    }
}

/// A response the simulator decided on.
public struct MockResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// Seconds to wait before answering.
    public var delay: Double

    public init(status: Int, contentType: String = "application/json", body: [UInt8], delay: Double = 0) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.delay = delay
    }
}

/// How the reference crew behaves.
public struct CrewConfiguration: Sendable {
    /// The bearer token requests must carry.
    public var token: String
    /// Seconds each task takes.
    public var taskSeconds: Double
    /// The crew's tasks.
    public var tasks: [String]
    /// The inputs `GET /inputs` names; a kickoff must supply each.
    public var inputs: [String]
    /// Injected contract breaks.
    public var drifts: Set<Drift>
    /// With `slow`: how long each answer is delayed, in seconds.
    public var slowDelay: Double
    /// Path prefix of every route (from the spec's first server), e.g. `/v1`.
    public var pathPrefix: String
    /// For tests of clients: after this many status polls of an execution, answers stall for
    /// `slowDelay` seconds (a crew that stops answering mid-poll). `nil`: never.
    public var stallAfterPolls: Int?

    public init(
        token: String, taskSeconds: Double = 0.2, tasks: [String] = ["research_task", "analysis_task", "writing_task"],
        inputs: [String] = ["topic", "audience"], drifts: Set<Drift> = [], slowDelay: Double = 3,
        pathPrefix: String = ""
    ) {
        self.token = token
        self.taskSeconds = taskSeconds
        self.tasks = tasks
        self.inputs = inputs
        self.drifts = drifts
        self.slowDelay = slowDelay
        self.pathPrefix = pathPrefix
        stallAfterPolls = nil
    }
}

/// The reference crew's behaviour, without sockets: executions held in memory that advance
/// running → completed (or error, when an input's value is `fail`) as time passes.
public actor CrewSimulator {
    private struct Execution {
        var inputs: [String: String]
        var started: Double
        var polls = 0
        var sawTerminal = false
        var resumed = false
    }

    private let configuration: CrewConfiguration
    private let clock: @Sendable () -> Double
    private var executions: [String: Execution] = [:]
    private var counter = 0
    private var random: UInt64

    /// Creates a simulator; `clock` returns seconds (injected so tests control time).
    public init(configuration: CrewConfiguration, seed: UInt64 = 0x5EED, clock: @escaping @Sendable () -> Double) {
        self.configuration = configuration
        self.clock = clock
        random = seed
    }

    /// Answers one request.
    public func respond(to request: MockRequest) -> MockResponse {
        var response = route(request)
        if configuration.drifts.contains(.slow) { response.delay = configuration.slowDelay }
        if configuration.drifts.contains(.contentType), response.contentType == "application/json" {
            response.contentType = "text/plain"
        }
        return response
    }

    private func route(_ request: MockRequest) -> MockResponse {
        var path = request.path
        let prefix = configuration.pathPrefix
        if !prefix.isEmpty, path.hasPrefix(prefix) { path = String(path.dropFirst(prefix.count)) }
        if !authorized(request) {
            let echo = configuration.drifts.contains(.echoToken) ? ": got \(request.authorization ?? "none")" : ""
            return error(401, "Unauthorized", "Missing or invalid bearer token\(echo)")
        }
        switch (request.method, path) {
        case ("GET", "/inputs"):
            return json(
                configuration.drifts.contains(.undocumentedStatus) ? 202 : 200,
                ["inputs": .array(configuration.inputs.map { .string($0) })])
        case ("POST", "/kickoff"):
            return kickoff(request.body)
        case ("POST", "/resume"):
            return resume(request.body)
        case ("GET", _) where path.hasPrefix("/status/"):
            var answer = status(String(path.dropFirst("/status/".count)))
            if configuration.drifts.contains(.echoToken), answer.status == 200,
                let authorization = request.authorization
            {
                answer = echo(authorization, in: answer)
            }
            return answer
        default:
            return error(404, "Not Found", "No route for \(request.method) \(path)")
        }
    }

    private func authorized(_ request: MockRequest) -> Bool {
        if configuration.drifts.contains(.noAuth) { return true }
        return request.authorization == "Bearer " + configuration.token
    }

    private func kickoff(_ body: [UInt8]) -> MockResponse {
        guard let document = try? JSONDocument(bytes: body), document.tape.first?.kind == .object else {
            return error(400, "Bad Request", "The body must be a JSON object")
        }
        var inputs: [String: String] = [:]
        for (key, value) in document.members(of: 0) where document.string(at: key) == "inputs" {
            guard document.tape[value].kind == .object else { break }
            for (name, input) in document.members(of: value) {
                inputs[document.string(at: name)] =
                    document.tape[input].kind == .string
                    ? document.string(at: input) : document.jsonText(at: input, limit: 1000)
            }
        }
        let missing = configuration.inputs.filter { inputs[$0] == nil }
        if !missing.isEmpty {
            return json(
                422,
                [
                    "error": .string("Validation Error"), "message": .string("Required inputs are missing"),
                    "details": .object(["missing_inputs": .array(missing.map { .string($0) })]),
                ])
        }
        let id = configuration.drifts.contains(.kickoffUUID) ? "run-42" : nextUUID()
        executions[id] = Execution(inputs: inputs, started: clock())
        return json(200, ["kickoff_id": .string(id)])
    }

    private func resume(_ body: [UInt8]) -> MockResponse {
        guard let document = try? JSONDocument(bytes: body), document.tape.first?.kind == .object else {
            return error(400, "Bad Request", "The body must be a JSON object")
        }
        var fields: [String: String] = [:]
        for (key, value) in document.members(of: 0) {
            fields[document.string(at: key)] =
                document.tape[value].kind == .string
                ? document.string(at: value) : document.jsonText(at: value, limit: 100)
        }
        for required in ["execution_id", "task_id", "human_feedback", "is_approve"] where fields[required] == nil {
            return error(400, "Bad Request", "Missing field \(required)")
        }
        guard let id = fields["execution_id"], executions[id] != nil else {
            return error(404, "Not Found", "No execution with that id")
        }
        executions[id]?.resumed = true
        let approved = fields["is_approve"] == "true"
        return json(
            200,
            [
                "status": .string(approved ? "resumed" : "retrying"),
                "message": .string(approved ? "Execution resumed" : "Task will be retried with the feedback"),
            ])
    }

    private func status(_ id: String) -> MockResponse {
        guard var execution = executions[id] else {
            if configuration.drifts.contains(.unknownFound) {
                return json(200, ["status": .string("running"), "current_task": .string("research_task")])
            }
            return error(404, "Not Found", "No execution with id \(id)")
        }
        execution.polls += 1
        defer { executions[id] = execution }
        if let stall = configuration.stallAfterPolls, execution.polls > stall {
            var stalled = error(503, "Service Unavailable", "stalled")
            stalled.delay = configuration.slowDelay
            return stalled
        }
        let drifts = configuration.drifts
        if drifts.contains(.serverError), execution.polls % 3 == 2 {
            return error(500, "Internal Server Error", "The crew worker crashed")
        }
        let elapsed = max(0, clock() - execution.started)
        let total = configuration.tasks.count
        var completed = min(total, Int(elapsed / max(configuration.taskSeconds, 0.001)))
        if drifts.contains(.statusRegress), execution.sawTerminal {
            completed = total - 1
        }
        let failing = execution.inputs.values.contains("fail")
        var body: [String: MockValue]
        if drifts.contains(.progressRegress), execution.polls <= 2 {
            // 1 task done, then 0: progress goes backwards.
            completed = execution.polls == 1 ? 1 : 0
        }
        if completed < total {
            body = [
                "status": .string("running"), "current_task": .string(configuration.tasks[min(completed, total - 1)]),
                "progress": .object(["completed_tasks": .int(completed), "total_tasks": .int(total)]),
            ]
            if drifts.contains(.platformShape) {
                body = [
                    "state": .string("RUNNING"),
                    "last_step": .object(["task": .string(configuration.tasks[min(completed, total - 1)])]),
                ]
            }
        } else if failing {
            execution.sawTerminal = true
            body = [
                "status": .string("error"),
                "error": .string("Task \(configuration.tasks[0]) failed: an input asked to fail"),
                "execution_time": .double(elapsed),
            ]
            if drifts.contains(.platformShape) {
                body = ["state": .string("FAILED"), "result": .string("an input asked to fail")]
            }
        } else {
            execution.sawTerminal = true
            let tasks: [MockValue] = configuration.tasks.map { task in
                .object([
                    "task_id": .string(task),
                    "output": .string("Output of \(task) for \(execution.inputs["topic"] ?? "the topic")"),
                    "agent": .string("Agent"), "execution_time": .double(configuration.taskSeconds),
                ])
            }
            body = [
                "status": .string(drifts.contains(.statusEnum) ? "finished" : "completed"),
                "result": .object([
                    "output": .string("Final report on \(execution.inputs["topic"] ?? "the topic")"),
                    "tasks": .array(tasks),
                ]),
                "execution_time": drifts.contains(.wrongType) ? .string("108.5") : .double(elapsed),
            ]
            if drifts.contains(.missingField) { body["result"] = nil }
            if drifts.contains(.platformShape) {
                body = ["state": .string("SUCCESS"), "result": .string("Final report"), "source": .string("memory")]
            }
        }
        if drifts.contains(.extraField) { body["debug"] = .object(["poll": .int(execution.polls)]) }
        var response = json(200, body)
        if drifts.contains(.brokenJSON), execution.polls % 2 == 1 {
            response.body = Array(response.body.prefix(max(1, response.body.count / 2)))
        }
        return response
    }

    /// With `echo-token`: the caller's `Authorization` value as an `echo` property, and as `execution_time` of
    /// a finished execution (a string where a number belongs, so that findings quote it).
    private func echo(_ authorization: String, in response: MockResponse) -> MockResponse {
        guard let document = try? JSONDocument(bytes: response.body), document.tape.first?.kind == .object else {
            return response
        }
        var body: [String: MockValue] = [:]
        for (key, value) in document.members(of: 0) {
            body[document.string(at: key)] = .raw(document.jsonText(at: value, limit: Int.max))
        }
        body["echo"] = .string(authorization)
        if body["execution_time"] != nil { body["execution_time"] = .string(authorization) }
        var echoed = json(response.status, body)
        echoed.delay = response.delay
        return echoed
    }

    private func error(_ status: Int, _ title: String, _ message: String) -> MockResponse {
        json(status, ["error": .string(title), "message": .string(message)])
    }

    private func json(_ status: Int, _ object: [String: MockValue]) -> MockResponse {
        MockResponse(status: status, body: Array(MockValue.object(object).json.utf8))
    }

    /// A version-4 uuid from a deterministic generator (xorshift).
    private func nextUUID() -> String {
        func next() -> UInt64 {
            random ^= random << 13
            random ^= random >> 7
            random ^= random << 17
            return random
        }
        counter += 1
        var bytes = (0..<16).map { index in UInt8(truncatingIfNeeded: next() >> UInt64((index % 8) * 8)) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in String(byte, radix: 16).leftPadded(to: 2) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}

/// A JSON value the simulator writes (keys sorted, so bodies are stable).
enum MockValue: Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case array([MockValue])
    case object([String: MockValue])
    /// JSON text, sent as it is.
    case raw(String)

    var json: String {
        switch self {
        case .raw(let text): text
        case .string(let text): JSONText.quote(text)
        case .int(let value): String(value)
        case .double(let value): JSONNumber(value.rounded(toPlaces: 3))?.text ?? "0"
        case .array(let values): "[" + values.map(\.json).joined(separator: ",") + "]"
        case .object(let members):
            "{"
                + members.keys.sorted().map { JSONText.quote($0) + ":" + (members[$0]?.json ?? "null") }.joined(
                    separator: ",") + "}"
        }
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
