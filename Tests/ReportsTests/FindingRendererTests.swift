import ContractCore
import Reports
import Testing

/// `--format json` prints one object per finding; its keys, their order and their nulls are what
/// scripts read.
@Suite struct FindingRendererTests {
    @Test func everyKeyInOrderWithItsValue() {
        let finding = Finding(
            check: .schema("type"), severity: .error, message: "expected \"integer\", got string",
            location: SourceLocation(file: "traffic.jsonl", line: 3, column: 41), source: "traffic.jsonl:3",
            operation: "GET /status/{kickoff_id}", status: 200, instance: "/progress/completed_tasks",
            spec: SourceLocation(file: "crew.yaml", line: 9, column: 7), expected: "integer", actual: "\"2\"")
        #expect(
            FindingRenderer.json(finding)
                == #"{"check": "schema.type", "severity": "error", "source": "traffic.jsonl:3", "location": "traffic.jsonl:3:41", "operation": "GET /status/{kickoff_id}", "status": 200, "instance": "/progress/completed_tasks", "spec": "crew.yaml:9:7", "message": "expected \"integer\", got string", "expected": "integer", "actual": "\"2\""}"#
        )
    }

    @Test func unknownFieldsAreNull() {
        let finding = Finding(check: .json, severity: .warning, message: "line\nbreak")
        #expect(
            FindingRenderer.json(finding)
                == #"{"check": "json", "severity": "warning", "source": null, "location": null, "operation": null, "status": null, "instance": null, "spec": null, "message": "line\nbreak", "expected": null, "actual": null}"#
        )
    }

    @Test func aFindingOfTheContractItselfPointsAtItsPlaceAsSpec() {
        let place = SourceLocation(file: "crew.yaml", line: 4, column: 2)
        let spec = Finding(check: .spec, message: "m", location: place)
        #expect(FindingRenderer.json(spec).contains(#""location": "crew.yaml:4:2", "operation": null"#))
        #expect(FindingRenderer.json(spec).contains(#""spec": "crew.yaml:4:2""#))
        let traffic = Finding(check: .schema("type"), message: "m", location: place)
        #expect(FindingRenderer.json(traffic).contains(#""spec": null"#))
    }
}
