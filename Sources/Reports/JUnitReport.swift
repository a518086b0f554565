/// One JUnit XML document: a `<testsuites>` element holding one `<testsuite>` per run.
///
/// ``JUnitWriter`` turns it into XML that is valid against both the Jenkins xunit `junit-10.xsd` and the
/// strict Apache Ant schema (windyroad `JUnit.xsd`).
public struct JUnitReport: Sendable, Equatable {
    /// The suites, written in this order with `id` 0, 1, 2, …
    public var suites: [JUnitSuite]

    /// Creates a report.
    public init(suites: [JUnitSuite] = []) {
        self.suites = suites
    }
}

/// One `<testsuite>`: the results of one run (one `conform validate` or `conform live` invocation).
public struct JUnitSuite: Sendable, Equatable {
    /// The suite's name, for example `validate CrewAI AMP API`. A blank name is written as `(unnamed)`.
    public var name: String
    /// When the run started, in UTC, as `YYYY-MM-DDTHH:MM:SS` (no zone, no fraction); see
    /// ``timestamp(secondsSince1970:)``. The writer keeps the first 19 characters when they have this form and
    /// writes `1970-01-01T00:00:00` otherwise.
    public var timestamp: String
    /// The host the run happened on. A blank host name is written as `localhost`.
    public var hostname: String
    /// The run's duration in seconds; written with 3 decimals (negative or non-finite values as `0.000`).
    public var time: Double
    /// Properties of the run (spec path, base URL, tool version), written in this order.
    public var properties: [JUnitProperty]
    /// The test cases, written in this order.
    public var cases: [JUnitCase]
    /// Text for `<system-out>` (warnings, notes); may be empty.
    public var systemOut: String
    /// Text for `<system-err>`; may be empty.
    public var systemErr: String

    /// Creates a suite.
    public init(
        name: String, timestamp: String, hostname: String, time: Double, properties: [JUnitProperty] = [],
        cases: [JUnitCase] = [], systemOut: String = "", systemErr: String = ""
    ) {
        self.name = name
        self.timestamp = timestamp
        self.hostname = hostname
        self.time = time
        self.properties = properties
        self.cases = cases
        self.systemOut = systemOut
        self.systemErr = systemErr
    }

    /// The number of cases (the `tests` attribute).
    public var tests: Int { cases.count }
    /// The number of failed cases (the `failures` attribute).
    public var failures: Int { cases.count { if case .failed = $0.outcome { true } else { false } } }
    /// The number of cases that could not be checked (the `errors` attribute).
    public var errors: Int { cases.count { if case .error = $0.outcome { true } else { false } } }
    /// The number of skipped cases (the `skipped` attribute).
    public var skipped: Int { cases.count { if case .skipped = $0.outcome { true } else { false } } }

    /// Formats a moment as a JUnit timestamp, `YYYY-MM-DDTHH:MM:SS` in UTC (proleptic Gregorian calendar).
    ///
    /// - Parameter secondsSince1970: Seconds since 1970-01-01T00:00:00 UTC; leap seconds are not counted.
    ///   Values before year 0001 or after year 9999 are clamped to `0001-01-01T00:00:00` and
    ///   `9999-12-31T23:59:59`, the range the schemas' four-digit year allows.
    public static func timestamp(secondsSince1970: Int) -> String {
        let seconds = min(max(secondsSince1970, -62_135_596_800), 253_402_300_799)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Days to civil date: Howard Hinnant's algorithm (eras of 400 years starting on 0000-03-01).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(digits(year, 4))-\(digits(month, 2))-\(digits(day, 2))T"
            + "\(digits(secondOfDay / 3600, 2)):\(digits(secondOfDay / 60 % 60, 2)):\(digits(secondOfDay % 60, 2))"
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// One `<property name="…" value="…"/>` of a suite.
public struct JUnitProperty: Sendable, Equatable {
    /// The property's name, for example `spec`. A blank name is written as `(unnamed)`.
    public var name: String
    /// The property's value, for example `specs/crewai-amp.yaml`.
    public var value: String

    /// Creates a property.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One `<testcase>`: one check of one operation and status.
public struct JUnitCase: Sendable, Equatable {
    /// The group shown by CI, for example `GET /status/{kickoff_id}`.
    public var classname: String
    /// The case's name within its group, for example `200 schema.oneOf`. The pair `classname` + `name` should
    /// be unique in a report; the writer appends ` (2)`, ` (3)`, … to repeats, because GitLab keeps only the
    /// first case of each pair.
    public var name: String
    /// The case's duration in seconds; written with 3 decimals (negative or non-finite values as `0.000`).
    public var time: Double
    /// How the case ended.
    public var outcome: Outcome

    /// Creates a case.
    public init(classname: String, name: String, time: Double = 0, outcome: Outcome = .passed) {
        self.classname = classname
        self.name = name
        self.time = time
        self.outcome = outcome
    }

    /// How a case ended; written as no child, `<failure>`, `<error>` or `<skipped>`.
    public enum Outcome: Sendable, Equatable {
        /// The case passed.
        case passed
        /// The traffic broke the contract. `type` is the check ID, `message` one line (cut to 1000
        /// characters in the attribute), `text` the details (written in full as the element's text).
        case failed(type: String, message: String, text: String)
        /// The case could not be checked (unreadable input, unreachable target).
        case error(type: String, message: String, text: String)
        /// The case was not run; `message` says why.
        case skipped(message: String)
    }
}
