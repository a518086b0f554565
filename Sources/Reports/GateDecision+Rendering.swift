import ContractCore

extension GateDecision {
    /// The verdict line: `gate: PASS (2 reports, 3 suites, 120 cases)` or `gate: FAIL (2 of 7 rules failed)`.
    public var verdictLine: String {
        if passed {
            let cases = suites.reduce(0) { $0 + $1.cases }
            return
                "gate: PASS (\(plural(reports, "report")), \(plural(suites.count, "suite")), \(plural(cases, "case")))"
        }
        return "gate: FAIL (\(failedRules) of \(plural(rules.count, "rule")) failed)"
    }

    /// The text output: the suite table, the failures by check ID (conform's suites), one line per rule, the
    /// verdict line. Lines end with `\n`.
    public var text: String {
        var output = Self.trimmed(suiteTable.rendered) + "\n"
        if !checks.isEmpty {
            output += "\n" + Self.trimmed(checkTable.rendered) + "\n"
        }
        output += "\n"
        for rule in rules { output += rule.line + "\n" }
        output += verdictLine + "\n"
        return output
    }

    private var suiteTable: TextTable {
        var rows = suites.map { row in
            [row.report, row.name, String(row.cases), String(row.failures), String(row.errors), String(row.skipped)]
        }
        rows.append(["total", plural(suites.count, "suite")] + totals.map(String.init))
        return TextTable(header: ["REPORT", "SUITE", "CASES", "FAILURES", "ERRORS", "SKIPPED"], rows: rows)
    }

    private var checkTable: TextTable {
        TextTable(
            header: ["CHECK", "FAILURES", "ERRORS", ""],
            rows: checks.map { [$0.check, String($0.failures), String($0.errors), $0.isWarnOnly ? "warn only" : ""] })
    }

    /// The table's lines without trailing spaces.
    private static func trimmed(_ table: String) -> String {
        table.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = Substring(line)
            while line.last == " " { line = line.dropLast() }
            return String(line)
        }.joined(separator: "\n")
    }

    /// Cases, failures, errors, skipped over all suites.
    private var totals: [Int] {
        [
            suites.reduce(0) { $0 + $1.cases }, suites.reduce(0) { $0 + $1.failures },
            suites.reduce(0) { $0 + $1.errors }, suites.reduce(0) { $0 + $1.skipped },
        ]
    }

    /// JSON Lines: one `{"rule": …, "status": "pass"|"fail"|"warn", "reason": …}` object per rule, then
    /// `{"summary": {"verdict": …, "reports": N, "cases": N, "failures": N, "errors": N, "skipped": N,
    /// "suites": [...], "by_check": {...}, "failed_rules": N}}`.
    public var jsonLines: [String] {
        var lines = rules.map { rule in
            "{\"rule\": \(JSONText.quote(rule.name)), "
                + "\"status\": \(JSONText.quote(rule.status.rawValue.lowercased())), "
                + "\"reason\": \(JSONText.quote(rule.reason))}"
        }
        let suiteObjects = suites.map { row in
            "{\"report\": \(JSONText.quote(row.report)), \"name\": \(JSONText.quote(row.name)), "
                + "\"conform\": \(row.isConform), \"cases\": \(row.cases), \"failures\": \(row.failures), "
                + "\"errors\": \(row.errors), \"skipped\": \(row.skipped)}"
        }
        let byCheck = checks.map { row in
            "\(JSONText.quote(row.check)): {\"failures\": \(row.failures), \"errors\": \(row.errors), "
                + "\"warn_only\": \(row.isWarnOnly)}"
        }
        let totals = self.totals
        lines.append(
            "{\"summary\": {\"verdict\": \"\(passed ? "pass" : "fail")\", \"reports\": \(reports), "
                + "\"cases\": \(totals[0]), \"failures\": \(totals[1]), \"errors\": \(totals[2]), "
                + "\"skipped\": \(totals[3]), \"failed_rules\": \(failedRules), "
                + "\"suites\": [\(suiteObjects.joined(separator: ", "))], "
                + "\"by_check\": {\(byCheck.joined(separator: ", "))}}}")
        return lines
    }

    /// The verdict as GitHub-flavoured Markdown, for CI step summaries: a heading with the verdict, the suite
    /// table, the failures by check ID, and one list item per rule. Text from the reports is escaped.
    public var markdown: String {
        var output = passed ? "### ✅ conform gate passed\n\n" : "### ❌ conform gate failed\n\n"
        let totals = self.totals
        output += passed ? "" : "\(failedRules) of \(plural(rules.count, "rule")) failed · "
        output += "\(plural(reports, "report")) · \(plural(suites.count, "suite")) · \(plural(totals[0], "case"))\n\n"
        output += "| Report | Suite | Cases | Failures | Errors | Skipped |\n"
        output += "| --- | --- | ---: | ---: | ---: | ---: |\n"
        for row in suites {
            output +=
                "| \(Markdown.escape(row.report)) | \(Markdown.escape(row.name)) | \(row.cases) | "
                + "\(row.failures) | \(row.errors) | \(row.skipped) |\n"
        }
        output +=
            "| **Total** | \(plural(suites.count, "suite")) | \(totals[0]) | \(totals[1]) | \(totals[2]) | "
            + "\(totals[3]) |\n\n"
        if !checks.isEmpty {
            output += "| Check | Failures | Errors |\n| --- | ---: | ---: |\n"
            for row in checks {
                let name = Markdown.escape(row.check) + (row.isWarnOnly ? " (warn only)" : "")
                output += "| \(name) | \(row.failures) | \(row.errors) |\n"
            }
            output += "\n"
        }
        for rule in rules {
            let icon: String
            switch rule.status {
            case .pass: icon = "✅"
            case .fail: icon = "❌"
            case .warn: icon = "⚠️"
            }
            output +=
                "- \(icon) **\(rule.status.rawValue)** \(Markdown.escape(rule.name)): \(Markdown.escape(rule.reason))\n"
        }
        return output + "\n"
    }

    /// The Markdown summary of a gate that could not read its reports or its policy: a failed verdict and the
    /// errors, one per list item.
    public static func unreadableMarkdown(_ errors: [String]) -> String {
        var output = "### ❌ conform gate failed\n\nThe gate could not read its inputs:\n\n"
        for error in errors { output += "- \(Markdown.escape(error))\n" }
        return output + "\n"
    }
}

/// Escaping for GitHub-flavoured Markdown table cells and list items.
enum Markdown {
    /// The text with Markdown and HTML syntax characters escaped and line breaks turned into spaces.
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~", "!": output += "\\" + String(character)
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "&": output += "&amp;"
            case "\n", "\r", "\r\n", "\t": output += " "
            default: output.append(character)
            }
        }
        return output
    }
}
