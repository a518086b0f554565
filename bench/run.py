#!/usr/bin/env python3
"""Benchmark: `conform validate` against Python peers, on the same recorded CrewAI traffic, in one run.

    bench/run.sh                     # small corpus (about 10 MB)
    bench/run.sh --size large        # about 200 MB
    bench/run.sh --corpus /tmp/bench --size large --conform .build/release/conform

What it does, in order:
  1. creates bench/.venv and installs the peers pinned in bench/requirements.txt (once);
  2. generates bench/out/crewai-<size>.{jsonl,har,truth.json} with bench/generate.py unless present
     (or uses --corpus DIR);
  3. builds conform in release mode (unless --conform PATH);
  4. runs, each as its own process, measured for wall time and peak RSS (wait4 rusage of that child):
     conform validate on the JSONL and on the HAR (whole process, file in, JUnit report out), orjson and
     pysimdjson parsing only, orjson + jsonschema-rs, orjson + fastjsonschema, openapi-core;
  5. prints throughput, peak RSS, the violating exchanges each found against the generator's truth (per kind),
     what each cannot see, and conform's ratio to each peer.

It is not a test: it asserts nothing about timing and exits 0 whenever it could print its figures.
The peers' harness (their "worker" mode, below) runs inside bench/.venv; the driver needs only the stdlib.
"""
import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.path.join(HERE, ".venv")
VENV_PY = os.path.join(VENV, "bin", "python")
REQUIREMENTS = os.path.join(HERE, "requirements.txt")
GENERATOR = os.path.join(HERE, "generate.py")
DEFAULT_SPEC = os.path.join(ROOT, "specs", "crewai-amp.yaml")
DEFAULT_OUT = os.path.join(HERE, "out")

# (key, label) of the peers, in the order they are run and printed.
PEERS = [
    ("orjson", "orjson, parse only"),
    ("simdjson", "pysimdjson, parse only"),
    ("jsonschema-rs", "orjson + jsonschema-rs"),
    ("fastjsonschema", "orjson + fastjsonschema"),
    ("openapi-core", "openapi-core"),
]
PARSE_ONLY = {"orjson", "simdjson"}
DISTRIBUTIONS = ["orjson", "pysimdjson", "jsonschema-rs", "fastjsonschema", "openapi-core",
                 "openapi-schema-validator", "jsonschema", "PyYAML"]

# The generator's violation kinds, and what it takes to see each one.
KIND_NEEDS = {
    "status-enum": "body schema (enum inside oneOf)",
    "wrong-type": "body schema (type inside oneOf)",
    "result-string": "body schema (type inside oneOf)",
    "platform-shape": "body schema (matches 2 of the oneOf)",
    "negative-progress": "body schema (integer, got 1.5)",
    "extra-field-strict": "body schema (type of progress)",
    "bad-task": "body schema (null for a number, not nullable)",
    "kickoff-uuid": "body format uuid",
    "not-uuid-path": "path parameter format uuid (request)",
    "undocumented-status": "status not documented for the operation",
    "content-type": "media type not documented",
    "broken-json": "body is not JSON",
}
# Kinds no pure JSON Schema validator sees: they are found by the harness around it, or not at all.
HARNESS_KINDS = {"undocumented-status", "content-type", "broken-json", "not-uuid-path"}
# Issue 7's targets (conform's throughput over the peer's), printed for reference only.
TARGETS = {"simdjson": 2, "jsonschema-rs": 5, "openapi-core": 500}


# ----------------------------------------------------------------------------------------------------------------
# Peer worker (runs inside bench/.venv, one process per measurement)
# ----------------------------------------------------------------------------------------------------------------

UUID_RE = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMPONENT_REF = re.compile(r"^#/components/schemas/(.+)$")
OPENAPI_ONLY = {"nullable", "discriminator", "readOnly", "writeOnly", "xml", "externalDocs", "example", "examples",
                "deprecated"}


def to_draft4(schema):
    """An OpenAPI 3.0 Schema Object as JSON Schema draft 4: `$ref` to components → `#/definitions/…`,
    `nullable: true` → `"null"` added to `type` (and to `enum`), OpenAPI-only keywords dropped."""
    if isinstance(schema, list):
        return [to_draft4(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        ref = schema["$ref"]
        match = COMPONENT_REF.match(ref)
        return {"$ref": "#/definitions/" + match.group(1) if match else ref}
    out = {}
    for key, value in schema.items():
        if key in OPENAPI_ONLY or key.startswith("x-"):
            continue
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {name: to_draft4(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf", "additionalItems"):
            out[key] = to_draft4(value)
        else:
            out[key] = value
    if schema.get("nullable") is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = types + ([] if "null" in types else ["null"])
            if "enum" in out and None not in out["enum"]:
                out["enum"] = list(out["enum"]) + [None]
        elif any(k in out for k in ("allOf", "anyOf", "oneOf", "$ref")):
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class Contract:
    """The operations of the contract, matched by method + path template, then status, then media type."""

    def __init__(self, spec_path):
        import yaml
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with open(spec_path, "rb") as handle:
            self.spec = yaml.load(handle, Loader=loader)
        components = self.spec.get("components", {})
        self.definitions = {name: to_draft4(s) for name, s in components.get("schemas", {}).items()}
        self.routes = []  # (literal segments, regex, parameter names, {method: operation})
        for template, item in self.spec.get("paths", {}).items():
            names = re.findall(r"\{([^}/]+)\}", template)
            pattern = "^" + re.sub(r"\\\{[^}/]+\\\}", "([^/]+)", re.escape(template)) + "$"
            operations = {}
            for method in HTTP_METHODS:
                if method in item:
                    operation = dict(item[method])
                    parameters = [self.resolve(p) for p in item.get("parameters", []) + operation.get("parameters", [])]
                    operation["parameters"] = parameters
                    operation["template"] = template
                    operations[method.upper()] = operation
            literal = len([s for s in template.split("/") if s and "{" not in s])
            self.routes.append((literal, re.compile(pattern), names, operations))
        self.routes.sort(key=lambda route: -route[0])  # literal templates before templated ones

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            target = self.spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def match(self, method, path):
        for _, regex, names, operations in self.routes:
            found = regex.match(path)
            if found:
                operation = operations.get(method.upper())
                if operation is None:
                    continue
                return operation, dict(zip(names, found.groups()))
        return None, None

    def response(self, operation, status):
        responses = operation.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                return key, self.resolve(responses[key])
        return None, None

    def wrap(self, schema):
        """A self-contained draft 4 schema: the translated schema under `allOf`, with every component beside it."""
        return {"$schema": "http://json-schema.org/draft-04/schema#", "allOf": [to_draft4(schema)],
                "definitions": self.definitions}


def media_of(headers):
    if isinstance(headers, dict):
        for name, value in headers.items():
            if name.lower() == "content-type":
                return value
    elif isinstance(headers, list):
        for header in headers:
            if str(header.get("name", "")).lower() == "content-type":
                return header.get("value")
    return None


def pick_media(content, content_type):
    if not content:
        return None
    if content_type is None:
        return "application/json" if "application/json" in content else next(iter(content))
    essence = content_type.split(";")[0].strip().lower()
    if essence in content:
        return essence
    for key in content:
        if key.endswith("/*") and essence.startswith(key[:-1]):
            return key
    return "*/*" if "*/*" in content else None


def coerce(value, schema):
    kind = (schema or {}).get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def make_checker(peer):
    """(check_body(validator, value) → bool, compile(schema) → validator) for a JSON Schema peer."""
    if peer == "jsonschema-rs":
        import jsonschema_rs
        uuid = re.compile(UUID_RE)

        def compile_schema(schema):
            # draft 4 has no `uuid` format; jsonschema-rs checks it only as of 2019-09, so it gets the library's
            # custom-format hook here (every other format it knows is checked: validate_formats=True).
            return jsonschema_rs.Draft4Validator(schema, validate_formats=True,
                                                 formats={"uuid": lambda s: uuid.match(s) is not None})

        return compile_schema, lambda validator, value: validator.is_valid(value)
    if peer == "fastjsonschema":
        import fastjsonschema

        def compile_schema(schema):
            # fastjsonschema's draft 4 checks date-time, email, hostname, ipv4, ipv6, uri; `uuid` (2019-09 only)
            # is given through its `formats` hook as a regex compiled into the generated code.
            return fastjsonschema.compile(schema, formats={"uuid": UUID_RE})

        def check(validator, value):
            try:
                validator(value)
                return True
            except fastjsonschema.JsonSchemaValueException:
                return False

        return compile_schema, check
    raise ValueError(peer)


def worker(args):
    """Runs one peer over one JSONL cassette and prints one JSON line with what it found."""
    import base64
    from urllib.parse import urlsplit

    peer = args.worker
    violations = {}  # exchange index → class of the first violation found
    notes = []
    processed = 0
    bytes_read = 0
    budget = args.budget
    sampled = False

    if peer in PARSE_ONLY:
        if peer == "orjson":
            import orjson

            def parse(line):
                document = orjson.loads(line)
                text = document["response"].get("text")
                if text is not None:
                    orjson.loads(text)
        else:
            import simdjson
            envelope_parser = simdjson.Parser()
            body_parser = simdjson.Parser()

            def parse(line):
                document = envelope_parser.parse(line)
                text = document["response"].get("text")
                del document
                if text is not None:
                    body = body_parser.parse(text.encode())
                    del body
        errors = (ValueError,)
        start = time.perf_counter()
        with open(args.file, "rb") as handle:
            for index, line in enumerate(handle):
                bytes_read += len(line)
                try:
                    parse(line)
                except errors:
                    violations[index] = "json"
                processed += 1
        loop = time.perf_counter() - start
        notes.append("parses each line (and each body recorded as text); validates nothing")
        print(json.dumps({"processed": processed, "bytes": bytes_read, "loop_s": loop, "sampled": False,
                          "violations": violations, "notes": notes}))
        return 0

    import orjson

    if peer == "openapi-core":
        from openapi_core import OpenAPI
        from openapi_core.testing import MockRequest, MockResponse
        setup_start = time.perf_counter()
        openapi = OpenAPI.from_file_path(args.spec)
        contract = Contract(args.spec)
        host = contract.spec["servers"][0]["url"].rstrip("/")
        classes = {}
        start = time.perf_counter()
        with open(args.file, "rb") as handle:
            for index, line in enumerate(handle):
                if budget and time.perf_counter() - start > budget:
                    sampled = True
                    break
                bytes_read += len(line)
                processed += 1
                envelope = orjson.loads(line)
                request, response = envelope["request"], envelope["response"]
                url = urlsplit(request["url"])
                if "body" in response:
                    data = orjson.dumps(response["body"])
                elif "text" in response:
                    data = response["text"].encode()
                elif "base64" in response:
                    data = base64.b64decode(response["base64"])
                else:
                    data = b""
                content_type = media_of(response.get("headers")) or ""
                mock_request = MockRequest(host, request["method"].lower(), url.path, headers=request.get("headers"))
                mock_response = MockResponse(data, status_code=response["status"], headers=response.get("headers"),
                                             content_type=content_type)
                try:
                    openapi.validate_response(mock_request, mock_response)
                except Exception as error:  # every validation error counts; the classes are reported
                    name = type(error).__name__
                    classes[name] = classes.get(name, 0) + 1
                    violations[index] = name
        loop = time.perf_counter() - start
        notes.append(f"requests sent as {host}<path> (the contract's first server), bodies re-serialised with orjson")
        notes.append("errors by class: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))
        print(json.dumps({"processed": processed, "bytes": bytes_read, "loop_s": loop, "sampled": sampled,
                          "setup_in_worker_s": start - setup_start, "violations": violations, "notes": notes}))
        return 0

    compile_schema, check = make_checker(peer)
    contract = Contract(args.spec)
    body_validators = {}
    parameter_validators = {}
    for _, _, _, operations in contract.routes:  # compile everything up front, as a CI job would
        for operation in operations.values():
            for parameter in operation["parameters"]:
                if parameter.get("in") in ("path", "query") and "schema" in parameter:
                    key = (operation["template"], operation.get("operationId"), parameter["name"])
                    parameter_validators[key] = compile_schema(contract.wrap(parameter["schema"]))
            for status, response in operation.get("responses", {}).items():
                for media, content in (contract.resolve(response).get("content") or {}).items():
                    if "schema" in content:
                        key = (id(operation), status, media)
                        body_validators[key] = compile_schema(contract.wrap(content["schema"]))
    start = time.perf_counter()
    with open(args.file, "rb") as handle:
        for index, line in enumerate(handle):
            bytes_read += len(line)
            processed += 1
            envelope = orjson.loads(line)
            request, response = envelope["request"], envelope["response"]
            path = urlsplit(request["url"]).path
            operation, path_values = contract.match(request["method"], path)
            if operation is None:
                violations[index] = "operation"
                continue
            bad = None
            for parameter in operation["parameters"]:
                if parameter.get("in") == "path" and parameter["name"] in path_values:
                    key = (operation["template"], operation.get("operationId"), parameter["name"])
                    validator = parameter_validators.get(key)
                    value = coerce(path_values[parameter["name"]], parameter.get("schema"))
                    if validator is not None and not check(validator, value):
                        bad = "parameter"
                        break
            status_key, declared = contract.response(operation, response["status"])
            if declared is None:
                violations[index] = bad or "status-code"
                continue
            content = declared.get("content") or {}
            if content:
                media = pick_media(content, media_of(response.get("headers")))
                if media is None:
                    violations[index] = bad or "content-type"
                    continue
                if "body" in response:
                    value = response["body"]
                elif "text" in response or "base64" in response:
                    raw = response["text"] if "text" in response else base64.b64decode(response["base64"])
                    try:
                        value = orjson.loads(raw)
                    except orjson.JSONDecodeError:
                        violations[index] = bad or "json"
                        continue
                else:
                    value = None
                validator = body_validators.get((id(operation), status_key, media))
                if validator is not None and value is not None and not check(validator, value):
                    bad = bad or "schema"
            if bad:
                violations[index] = bad
    loop = time.perf_counter() - start
    print(json.dumps({"processed": processed, "bytes": bytes_read, "loop_s": loop, "sampled": False,
                      "violations": violations, "notes": notes}))
    return 0


def versions_worker():
    from importlib import metadata
    found = {}
    for name in DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    found["python"] = platform.python_version()
    print(json.dumps(found))
    return 0


# ----------------------------------------------------------------------------------------------------------------
# Driver (stdlib only)
# ----------------------------------------------------------------------------------------------------------------

def say(message):
    print(message, file=sys.stderr, flush=True)


def ensure_venv():
    """Creates bench/.venv and installs the pinned peers; returns {requirement: error} for those that failed."""
    failures = {}
    if not os.path.exists(VENV_PY):
        say(f"creating {os.path.relpath(VENV, ROOT)} …")
        made = subprocess.run([sys.executable, "-m", "venv", VENV], capture_output=True, text=True)
        if made.returncode != 0:
            return {"(virtualenv)": (made.stderr or made.stdout).strip().splitlines()[-1:] or ["failed"]}
    stamp = os.path.join(VENV, ".bench-requirements")
    with open(REQUIREMENTS) as handle:
        wanted = handle.read()
    if os.path.exists(stamp) and open(stamp).read() == wanted:
        return failures
    say("installing the peers from bench/requirements.txt …")
    pip = [VENV_PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    whole = subprocess.run(pip + ["-r", REQUIREMENTS], capture_output=True, text=True)
    if whole.returncode != 0:  # one by one, so one bad peer does not keep the others out
        for requirement in [line.split("#")[0].strip() for line in wanted.splitlines()]:
            if not requirement:
                continue
            single = subprocess.run(pip + [requirement], capture_output=True, text=True)
            if single.returncode != 0:
                lines = (single.stderr or single.stdout).strip().splitlines()
                failures[requirement] = lines[-1] if lines else "pip failed"
    if not failures:
        with open(stamp, "w") as handle:
            handle.write(wanted)
    return failures


def measure(command, stdout_path, stderr_path, timeout):
    """Runs one child; returns (wall seconds, peak RSS in KiB of that child, exit code, timed_out)."""
    timed_out = [False]
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)

        def kill():
            timed_out[0] = True
            child.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, child.returncode, timed_out[0]


def exit_text(code):
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}"


def tail(path, lines=3):
    try:
        with open(path, "rb") as handle:
            text = handle.read()[-4000:].decode("utf-8", "replace")
        return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])
    except OSError:
        return ""


def last_json_line(path):
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 1_000_000))
        chunk = handle.read().decode("utf-8", "replace")
    for line in reversed(chunk.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


LOCATION = re.compile(r":(\d+)(?::\d+)?$")


def conform_violations(stdout_path, har):
    """Exchange index → first error check, from conform's --format json findings (their file:line location)."""
    found = {}
    unplaced = 0
    with open(stdout_path, "rb") as handle:
        for raw in handle:
            if not raw.startswith(b"{") or raw.startswith(b'{"summary"'):
                continue
            try:
                finding = json.loads(raw)
            except ValueError:
                continue
            if finding.get("severity") != "error":
                continue
            entry = re.search(r"#(\d+)$", str(finding.get("source") or ""))  # HAR: "file.har#N", N from 1
            if entry:
                found.setdefault(int(entry.group(1)) - 1, finding.get("check", "?"))
                continue
            location = finding.get("location")
            if isinstance(location, dict):
                line = location.get("line")
            else:
                match = LOCATION.search(str(location or ""))
                line = int(match.group(1)) if match else None
            if not line:
                unplaced += 1
                continue
            index = line - 2 if har else line - 1  # the HAR writer puts entry i on line i + 2
            found.setdefault(index, finding.get("check", "?"))
    return found, unplaced


def cpu_model():
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def command_output(command, cwd=None):
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=120)
        return (done.stdout or done.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def human(number, digits=0):
    if number is None:
        return "—"
    if digits == 0:
        return f"{number:,.0f}".replace(",", " ")
    return f"{number:,.{digits}f}".replace(",", " ")


def table(headers, rows, aligns=None):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    aligns = aligns or ["<"] + [">"] * (len(headers) - 1)
    lines = ["  ".join(f"{str(h):{a}{w}}" for h, a, w in zip(headers, aligns, widths)),
             "  ".join("-" * w for w in widths)]
    for row in rows:
        lines.append("  ".join(f"{str(c):{a}{w}}" for c, a, w in zip(row, aligns, widths)))
    return "\n".join(line.rstrip() for line in lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="small", choices=["small", "large"], help="corpus size (default small)")
    parser.add_argument("--corpus", metavar="DIR",
                        help="use crewai-<size>.{jsonl,har,truth.json} from DIR instead of generating into bench/out")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the corpus even if present")
    parser.add_argument("--conform", metavar="PATH", help="use this conform binary instead of a release build")
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="the contract (default specs/crewai-amp.yaml)")
    parser.add_argument("--repeat", type=int, help="runs of each measurement; the fastest is kept "
                                                   "(default 3 for small, 1 for large)")
    parser.add_argument("--only", help="comma-separated subset: conform,orjson,simdjson,jsonschema-rs,"
                                       "fastjsonschema,openapi-core")
    parser.add_argument("--openapi-core-budget", type=float, default=60.0, metavar="S",
                        help="stop openapi-core after S seconds of validating and extrapolate (default 60; 0: no limit)")
    parser.add_argument("--timeout", type=float, default=1800, help="kill any one run after this many seconds")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=float, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--versions", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.versions:
        return versions_worker()
    if args.worker:
        return worker(args)
    return drive(args)


def drive(args):
    repeat = args.repeat or (3 if args.size == "small" else 1)
    selected = set(args.only.split(",")) if args.only else None

    def wanted(key):
        return selected is None or key in selected

    # 1. peers
    install_failures = ensure_venv()
    versions = {}
    if os.path.exists(VENV_PY):
        raw = command_output([VENV_PY, os.path.abspath(__file__), "--versions"])
        try:
            versions = json.loads(raw.splitlines()[-1])
        except (ValueError, IndexError):
            versions = {}

    # 2. corpus
    corpus = os.path.abspath(args.corpus or DEFAULT_OUT)
    jsonl = os.path.join(corpus, f"crewai-{args.size}.jsonl")
    har = os.path.join(corpus, f"crewai-{args.size}.har")
    truth_path = os.path.join(corpus, f"crewai-{args.size}.truth.json")
    if args.corpus is None:
        present = all(os.path.exists(p) for p in (jsonl, har, truth_path))
        stale = present and os.path.getmtime(GENERATOR) > os.path.getmtime(jsonl)
        if args.regenerate or not present or stale:
            say(f"generating the {args.size} corpus into {os.path.relpath(corpus, ROOT)} …")
            made = subprocess.run([sys.executable, GENERATOR, corpus, "--size", args.size])
            if made.returncode != 0:
                say("generate.py failed")
                return 1
    for path in (jsonl, har):
        if not os.path.exists(path):
            say(f"missing {path}")
            return 66
    truth = None
    if os.path.exists(truth_path):
        with open(truth_path) as handle:
            truth = json.load(handle)
    results_dir = os.path.join(DEFAULT_OUT, "runs")
    os.makedirs(results_dir, exist_ok=True)

    # 3. conform
    conform = None
    conform_problem = None
    if wanted("conform"):
        if args.conform:
            conform = os.path.abspath(args.conform)
            if not os.access(conform, os.X_OK):
                conform_problem = f"{args.conform} is not an executable"
                conform = None
        else:
            say("building conform (swift build -c release --product conform) …")
            log = os.path.join(results_dir, "release-build.log")
            with open(log, "wb") as handle:
                built = subprocess.run(["swift", "build", "-c", "release", "--product", "conform"], cwd=ROOT,
                                       stdout=handle, stderr=subprocess.STDOUT)
            candidate = os.path.join(ROOT, ".build", "release", "conform")
            if built.returncode != 0:
                conform_problem = f"release build failed (see {os.path.relpath(log, ROOT)}): {tail(log, 2)}"
            elif os.access(candidate, os.X_OK):
                conform = candidate
            else:
                conform_problem = f"release build left no {candidate}"

    # 4. runs
    sizes = {"jsonl": os.path.getsize(jsonl), "har": os.path.getsize(har)}
    exchanges = truth["exchanges"] if truth else None
    if exchanges is None:
        with open(jsonl, "rb") as handle:
            exchanges = sum(1 for _ in handle)
    runs = []  # (key, label, file kind, command)
    side_runs = []  # start-up figures of conform, not part of the table
    if conform:
        one = os.path.join(results_dir, "one-exchange.jsonl")
        with open(jsonl, "rb") as source, open(one, "wb") as target:
            target.write(source.readline())
        side_runs.append(("conform-startup", "conform validate of a one-exchange JSONL", "jsonl",
                          [conform, "validate", one, "--spec", args.spec]))
        side_runs.append(("conform-lint", "conform lint of the contract", "jsonl", [conform, "lint", args.spec]))
        for kind, path in (("jsonl", jsonl), ("har", har)):
            junit = os.path.join(results_dir, f"conform-{args.size}-{kind}.xml")
            runs.append(("conform-" + kind, f"conform validate ({kind.upper()})", kind,
                         [conform, "validate", path, "--spec", args.spec, "--format", "json", "--junit", junit]))
    available_peers = []
    for key, label in PEERS:
        if not wanted(key):
            continue
        command = [VENV_PY, os.path.abspath(__file__), "--worker", key, "--file", jsonl, "--spec", args.spec]
        if key == "openapi-core" and args.openapi_core_budget:
            command += ["--budget", str(args.openapi_core_budget)]
        runs.append((key, label, "jsonl", command))
        available_peers.append(key)

    best = {}
    failures = {}
    load_before = os.getloadavg()
    for attempt in range(repeat):
        for key, label, kind, command in runs:
            if key in failures:
                continue
            say(f"[{attempt + 1}/{repeat}] {label} …")
            stdout_path = os.path.join(results_dir, f"{key}-{args.size}.out")
            stderr_path = os.path.join(results_dir, f"{key}-{args.size}.err")
            wall, rss_kib, code, timed_out = measure(command, stdout_path, stderr_path, args.timeout)
            record = {"wall": wall, "rss_kib": rss_kib, "code": code}
            if timed_out:
                failures[key] = f"killed after {args.timeout:.0f} s"
                continue
            if key.startswith("conform"):
                summary = (last_json_line(stdout_path) or {}).get("summary")
                if code not in (0, 1) or summary is None:
                    failures[key] = f"{exit_text(code)}: {tail(stderr_path, 2) or tail(stdout_path, 2)}"
                    continue
                record["summary"] = summary
                record["violations"], record["unplaced"] = conform_violations(stdout_path, kind == "har")
                record["processed"] = summary.get("exchanges")
            else:
                report = last_json_line(stdout_path)
                if code != 0 or report is None:
                    failures[key] = f"{exit_text(code)}: {tail(stderr_path, 2) or tail(stdout_path, 2)}"
                    continue
                record.update(report)
                record["violations"] = {int(k): v for k, v in report["violations"].items()}
            previous = best.get(key)
            record["rss_kib"] = max(rss_kib, previous["rss_kib"]) if previous else rss_kib
            if previous is None or wall < previous["wall"]:
                best[key] = record
            else:
                previous["rss_kib"] = record["rss_kib"]
    side = {}
    for key, label, _, command in side_runs:
        say(f"{label} …")
        walls = []
        for _ in range(5):
            wall, rss_kib, code, _ = measure(command, os.path.join(results_dir, f"{key}.out"),
                                             os.path.join(results_dir, f"{key}.err"), 60)
            walls.append(wall)
        side[key] = {"label": label, "wall": min(walls), "code": code, "rss_kib": rss_kib}
    load_after = os.getloadavg()

    # 5. report
    print_report(args, repeat, versions, install_failures, corpus, jsonl, har, sizes, exchanges, truth, runs,
                 best, failures, conform, conform_problem, load_before, load_after, side)
    with open(os.path.join(DEFAULT_OUT, f"bench-{args.size}.json"), "w") as handle:
        json.dump({"size": args.size, "exchanges": exchanges, "sizes": sizes,
                   "results": {k: {x: y for x, y in v.items() if x != "violations"} for k, v in best.items()},
                   "start-up": side, "failures": failures}, handle, indent=1)
    return 0


def throughput(record, exchanges, size):
    """(exchanges/s, MB/s, wall used, extrapolated?) over the whole process; a sampled run is extrapolated."""
    wall = record["wall"]
    extrapolated = False
    processed = record.get("processed") or exchanges
    if record.get("sampled") and processed:
        setup = max(0.0, wall - record["loop_s"])
        wall = setup + record["loop_s"] * exchanges / processed
        extrapolated = True
    return exchanges / wall, size / 1e6 / wall, wall, extrapolated


def print_report(args, repeat, versions, install_failures, corpus, jsonl, har, sizes, exchanges, truth, runs,
                 best, failures, conform, conform_problem, load_before, load_after, side):
    out = print
    out("")
    out("conform benchmark — recorded CrewAI AMP traffic, specs/crewai-amp.yaml")
    out("=" * 78)
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            memory = f", {int(handle.readline().split()[1]) / 1048576:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    out(f"machine   {command_output(['nproc']) or os.cpu_count()} cores (nproc), {cpu_model()}{memory}, "
        f"{platform.system()} {platform.release()}")
    out(f"load      {load_before[0]:.2f} before, {load_after[0]:.2f} after (1-min load average; other work on the "
        f"machine moves every figure)")
    swift = command_output(["swift", "--version"]).splitlines()
    revision = command_output(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    dirty = command_output(["git", "status", "--porcelain", "--", "Sources", "Package.swift"], cwd=ROOT)
    if conform and args.conform:
        built = f"given with --conform, version {command_output([conform, '--version']) or '?'}"
    elif conform:
        built = (f"release build of this tree ({revision or '?'}"
                 f"{', with uncommitted changes under Sources/' if dirty else ''})")
    else:
        built = "not run"
    out(f"conform   {conform or '—'}: {built}; {swift[0] if swift else 'swift ?'}")
    peers = ", ".join(f"{name} {versions.get(name) or 'missing'}" for name in DISTRIBUTIONS)
    out(f"python    {versions.get('python', '?')} (bench/.venv): {peers}")
    if install_failures:
        for requirement, error in install_failures.items():
            out(f"          not installed: {requirement}: {error}")
    out(f"corpus    {os.path.relpath(jsonl, ROOT) if jsonl.startswith(ROOT) else jsonl} {sizes['jsonl'] / 1e6:.1f} MB; "
        f"{os.path.basename(har)} {sizes['har'] / 1e6:.1f} MB; {exchanges} exchanges"
        + (f", {truth['violations']} violating ({truth['violations'] / exchanges:.1%}) by the generator's truth"
           if truth else ", no truth file"))
    out(f"method    each row is one process, file in, figures out; wall time and peak RSS of that process "
        f"(wait4); fastest of {repeat} run(s); MB = 10^6 bytes of the input file")
    out("")

    headers = ["run", "file", "wall s", "exchanges/s", "MB/s", "peak RSS MB", "start-up s", "steady exch/s",
               "violating", "vs truth"]
    rows = []
    notes = []
    for key, label, kind, _ in runs:
        if key in failures:
            rows.append([label, kind, "failed", "", "", "", "", "", "", ""])
            notes.append(f"{label}: FAILED — {failures[key]}")
            continue
        record = best.get(key)
        if record is None:
            continue
        per_s, mb_s, wall, extrapolated = throughput(record, exchanges, sizes[kind])
        found = record.get("violations", {})
        if key in PARSE_ONLY:
            violating, versus = "n/a", f"{len(found)} unparseable"
        else:
            count = len(found)
            if key.startswith("conform"):
                count = record["summary"].get("failed", count)
            violating = str(count)
            versus = ""
            if truth:
                if record.get("sampled"):
                    scope = record["processed"]
                    expected = sum(1 for ids in truth.get("indices_by_kind", {}).values() for i in ids if i < scope)
                    versus = f"{expected} planted in sample" if "indices_by_kind" in truth else "sampled"
                else:
                    versus = f"{count - truth['violations']:+d}" if count != truth["violations"] else "="
        mark = "~" if extrapolated else ""
        if "loop_s" in record:  # peers time their own loop: start-up is interpreter, imports, spec, compiling
            startup = max(0.0, record["wall"] - record["loop_s"])
            steady = human(record["processed"] / record["loop_s"]) if record["loop_s"] > 0 else "—"
        elif "conform-startup" in side:  # conform: the wall time of validating a one-exchange file
            startup = side["conform-startup"]["wall"]
            steady = "~" + human(exchanges / (wall - startup)) if wall > startup else "—"
        else:
            startup, steady = None, "—"
        rows.append([label + (" (sampled)" if record.get("sampled") else ""), kind, f"{mark}{wall:.2f}",
                     f"{mark}{human(per_s)}", f"{mark}{mb_s:.1f}", f"{record['rss_kib'] / 1024:.1f}",
                     f"{startup:.3f}" if startup is not None else "—", steady, violating, versus])
        if record.get("sampled"):
            notes.append(f"{label}: time-boxed at {args.openapi_core_budget:.0f} s of validation: validated the first "
                         f"{record['processed']} of {exchanges} exchanges; '~' figures are extrapolated from that sample "
                         f"(start-up + per-exchange rate × all exchanges); its violating count is for the sample only")
        for note in record.get("notes", []):
            notes.append(f"{label}: {note}")
        if key.startswith("conform") and record.get("unplaced"):
            notes.append(f"{label}: {record['unplaced']} error findings had no line to attribute to an exchange")
    if conform_problem:
        rows.insert(0, ["conform validate", "", "not run", "", "", "", "", "", "", ""])
        notes.insert(0, f"conform: NOT RUN — {conform_problem}")
    out(table(headers, rows, ["<", "<"] + [">"] * 8))
    out("start-up s: peers, wall minus their own timed loop (interpreter, imports, reading the contract, compiling")
    out("validators); conform, the wall time of validating a one-exchange file. steady: exchanges/s without it ('~':")
    out("conform's is derived from that subtraction).")
    for key in ("conform-startup", "conform-lint"):
        if key in side:
            out(f"{side[key]['label']}: {side[key]['wall'] * 1000:.0f} ms wall (fastest of 5, exit {side[key]['code']}, "
                f"peak RSS {side[key]['rss_kib'] / 1024:.1f} MB)")
    out("")

    # per kind
    if truth and "indices_by_kind" in truth:
        indices = truth["indices_by_kind"]
        every = set(i for ids in indices.values() for i in ids)
        columns = [(key, label) for key, label, _, _ in runs if key in best and key not in PARSE_ONLY]
        short = {"conform-jsonl": "conform JSONL", "conform-har": "conform HAR", "jsonschema-rs": "jsonschema-rs",
                 "fastjsonschema": "fastjsonschema", "openapi-core": "openapi-core"}
        headers = ["kind", "planted"] + [short.get(key, key) for key, _ in columns] + ["what it takes to see it"]
        rows = []
        misses = {key: [] for key, _ in columns}
        for kind in sorted(indices):
            row = [kind, str(len(indices[kind]))]
            for key, _ in columns:
                record = best[key]
                scope = record["processed"] if record.get("sampled") else None
                ids = [i for i in indices[kind] if scope is None or i < scope]
                hit = sum(1 for i in ids if i in record["violations"])
                row.append(f"{hit}/{len(ids)}")
                if hit < len(ids):
                    misses[key].append(f"{kind} {len(ids) - hit}/{len(ids)}")
            rows.append(row + [KIND_NEEDS.get(kind, "?")])
        extra = ["not in truth (false positives)", ""]
        for key, _ in columns:
            record = best[key]
            extra.append(str(sum(1 for i in record["violations"] if i not in every)))
        rows.append(extra + [""])
        out("violating exchanges found, by the generator's violation kind (found/planted):")
        out(table(headers, rows, ["<"] + [">"] * (len(headers) - 2) + ["<"]))
        out("")
        for key, label in columns:
            if misses[key]:
                notes.append(f"{label} misses: " + ", ".join(misses[key]))
    elif truth:
        notes.append("the truth file has no per-exchange list (made by an older generate.py): totals only")

    out("what each peer can see (so where counts differ, it is semantics, not speed):")
    facts = [
        "orjson / pysimdjson rows parse only: they validate nothing; 'unparseable' counts bodies that are not JSON.",
        "a pure JSON Schema validator never sees " + ", ".join(sorted(HARNESS_KINDS)) + ". In the jsonschema-rs "
        "and fastjsonschema rows the bench's own Python harness finds them (operation by method + path template, "
        "status lookup, media-type lookup, orjson error on a body recorded as text, path parameters validated with "
        "the same library); its time counts in those rows.",
        "formats: the contract's response side uses only `uuid` (kickoff_id in POST /kickoff 200, and the "
        "kickoff_id path parameter). Draft 4 has no `uuid`, and jsonschema-rs and fastjsonschema check it only "
        "under 2019-09 and later, so both get a uuid regex through their custom-format hooks. Under draft 4 "
        "fastjsonschema checks only date-time, email, hostname, ipv4, ipv6 and uri itself; jsonschema-rs "
        "(validate_formats=True) the draft's formats; neither checks OpenAPI's int32/int64/float/double ranges "
        "or byte (base64) as conform does. openapi-core checks formats through openapi-schema-validator's "
        "OAS 3.0 format checker.",
        "integers: conform takes 1.0 as an integer (OpenAPI 3.0's JSON Schema), draft 4 (jsonschema-rs, "
        "fastjsonschema) does not; the generator writes no integral floats, so the counts are unaffected. "
        "conform compares numbers by their exact text; the peers use Python int/float.",
        "openapi-core runs as its response validator only (validate_response): it does not check request "
        "parameters, so not-uuid-path is out of its reach; it finds the other non-schema kinds itself.",
        "conform counts exchanges with at least one error finding ('failed' in its summary); warnings such as "
        "duplicate keys count for no one.",
        "peers run on the JSONL only; conform's HAR row checks the same exchanges from the HAR file.",
    ]
    for fact in facts + notes:
        out(textwrap.fill(fact, width=110, initial_indent="  - ", subsequent_indent="    "))
    out("")

    # ratios
    conform_rows = [(k, l, kind) for k, l, kind, _ in runs if k.startswith("conform") and k in best]
    peer_rows = [(k, l) for k, l, _, _ in runs if not k.startswith("conform") and k in best]
    if conform_rows and peer_rows:
        headers = ["conform's throughput over", "issue 7 target"] + [f"conform {kind.upper()}" for _, _, kind in conform_rows]
        rows = []
        for key, label in peer_rows:
            peer_rate = throughput(best[key], exchanges, sizes["jsonl"])[0]
            target = TARGETS.get(key)
            row = [label + (" (extrapolated)" if best[key].get("sampled") else ""),
                   f">= {target}x" if target else ""]
            for ckey, _, kind in conform_rows:
                rate = throughput(best[ckey], exchanges, sizes[kind])[0]
                row.append(f"{rate / peer_rate:.2f}x")
            rows.append(row)
        out("ratios (exchanges/s of conform ÷ exchanges/s of the peer, whole process each; >1: conform is faster):")
        out(table(headers, rows))
        out("")
    elif not conform_rows:
        out("no ratios: conform did not run" + (f" ({conform_problem})" if conform_problem else ""))


if __name__ == "__main__":
    sys.exit(main())
