#!/usr/bin/env python3
"""Deterministic generator of recorded CrewAI AMP traffic, as a JSON Lines cassette and as HAR.

Mostly status polls (running with progress; completed with result.tasks of 1-20 TaskResults whose
`output` strings range from 100 bytes to 20 KB, with non-ASCII and CJK text and \\uXXXX escapes);
kickoffs; inputs; 401/404/500 bodies; some undocumented statuses; about 5 % contract violations of
every kind conform checks. The same seed always gives the same bytes.

usage: generate.py OUT_DIR [--size small|large|BYTES] [--seed N]
writes OUT_DIR/crewai-<size>.jsonl, OUT_DIR/crewai-<size>.har and OUT_DIR/crewai-<size>.truth.json (the
number of violating exchanges by kind, and which exchanges they are), and prints what it wrote.
"""
import argparse
import base64
import json
import os
import random
import sys

BASE = "https://research-crew.crewai.com"
WORDS_EN = ("battery solid state lithium research market analysis production supply chain cost "
            "cathode anode electrolyte timeline forecast report agent task crew source").split()
WORDS_CJK = list("固态电池研究市场分析生产供应链成本正极负极电解质时间表预测报告代理任务团队来源日本語の文章です")
WORDS_OTHER = "Müller café naïve Ελληνικά русский عربى हिन्दी 한국어 emoji 🚀 ✓".split()

# Violation kinds, each a function of the rng returning (status, body, content_type, url_kind, kind).
VIOLATIONS = [
    "status-enum", "wrong-type", "result-string", "platform-shape", "kickoff-uuid", "undocumented-status",
    "content-type", "broken-json", "negative-progress", "not-uuid-path", "extra-field-strict", "bad-task",
]


def text(rng, size):
    """A string of about `size` UTF-8 bytes mixing ASCII, CJK and other scripts."""
    parts = []
    total = 0
    while total < size:
        pick = rng.random()
        if pick < 0.6:
            word = rng.choice(WORDS_EN)
        elif pick < 0.9:
            word = "".join(rng.choice(WORDS_CJK) for _ in range(rng.randint(2, 8)))
        else:
            word = rng.choice(WORDS_OTHER)
        parts.append(word)
        total += len(word.encode()) + 1
    return " ".join(parts)


def uuid(rng):
    b = bytearray(rng.getrandbits(8) for _ in range(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def dumps(value, rng):
    # A third of the bodies are written with \\uXXXX escapes for everything non-ASCII.
    return json.dumps(value, ensure_ascii=rng.random() < 0.33, separators=(",", ":"))


def completed_body(rng):
    tasks = []
    for i in range(rng.randint(1, 20)):
        size = int(100 * (200 ** rng.random()))  # 100 B .. 20 KB, log-uniform
        tasks.append({"task_id": f"task_{i}", "output": text(rng, size), "agent": rng.choice(["Researcher", "Analyst", "Writer"]),
                      "execution_time": round(rng.uniform(0.5, 90), 2)})
    return {"status": "completed", "result": {"output": text(rng, rng.randint(100, 2000)), "tasks": tasks},
            "execution_time": round(sum(t["execution_time"] for t in tasks), 2)}


def running_body(rng):
    total = rng.randint(1, 20)
    done = rng.randint(0, total - 1)
    return {"status": "running", "current_task": f"task_{done}", "progress": {"completed_tasks": done, "total_tasks": total}}


def exchange(rng, index):
    """One exchange: (method, url, status, body_text_or_None, content_type, violation_kind_or_None)."""
    kid = uuid(rng)
    roll = rng.random()
    violation = rng.choice(VIOLATIONS) if rng.random() < 0.05 else None
    ct = "application/json"
    if violation == "undocumented-status":
        return ("GET", f"{BASE}/inputs", 202, dumps({"inputs": ["topic"]}, rng), ct, violation)
    if violation == "kickoff-uuid":
        return ("POST", f"{BASE}/kickoff", 200, dumps({"kickoff_id": f"run-{index}"}, rng), ct, violation)
    if violation == "not-uuid-path":
        return ("GET", f"{BASE}/status/run-{index}", 200, dumps(running_body(rng), rng), ct, violation)
    if violation is not None:
        body = completed_body(rng) if rng.random() < 0.5 else running_body(rng)
        if violation == "status-enum":
            body["status"] = "finished"
        elif violation == "wrong-type":
            body = completed_body(rng)
            body["execution_time"] = str(body["execution_time"])
        elif violation == "result-string":
            body = completed_body(rng)
            body["result"] = body["result"]["output"]
        elif violation == "platform-shape":
            body = {"state": "SUCCESS", "result": "founder_validation", "source": "memory"}
        elif violation == "negative-progress":
            body = running_body(rng)
            body["progress"]["completed_tasks"] = 1.5
        elif violation == "bad-task":
            body = completed_body(rng)
            body["result"]["tasks"][0]["execution_time"] = None
        elif violation == "extra-field-strict":
            body = running_body(rng)
            body["progress"] = "halfway"
        text_body = dumps(body, rng)
        if violation == "content-type":
            ct = "text/html"
        if violation == "broken-json":
            text_body = text_body[: len(text_body) // 2]
        return ("GET", f"{BASE}/status/{kid}", 200, text_body, ct, violation)
    if roll < 0.55:
        return ("GET", f"{BASE}/status/{kid}", 200, dumps(running_body(rng), rng), ct, None)
    if roll < 0.80:
        return ("GET", f"{BASE}/status/{kid}", 200, dumps(completed_body(rng), rng), ct, None)
    if roll < 0.84:
        return ("GET", f"{BASE}/status/{kid}", 200,
                dumps({"status": "error", "error": text(rng, 80), "execution_time": round(rng.uniform(1, 50), 1)}, rng), ct, None)
    if roll < 0.90:
        return ("POST", f"{BASE}/kickoff", 200, dumps({"kickoff_id": kid}, rng), ct, None)
    if roll < 0.94:
        return ("GET", f"{BASE}/inputs", 200, dumps({"inputs": ["topic", "audience", "deadline"]}, rng), ct, None)
    status = rng.choice([401, 404, 500])
    path = "/inputs" if status == 401 else f"/status/{kid}"
    return ("GET", BASE + path, status, dumps({"error": {401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error"}[status],
                                               "message": text(rng, 40)}, rng), ct, None)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--size", default="small", help="small (about 10 MB), large (about 200 MB) or a byte count")
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    target = {"small": 10_000_000, "large": 200_000_000}.get(args.size) or int(args.size)
    name = args.size if args.size in ("small", "large") else f"{target}"
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    jsonl_path = os.path.join(args.out, f"crewai-{name}.jsonl")
    har_path = os.path.join(args.out, f"crewai-{name}.har")
    truth_path = os.path.join(args.out, f"crewai-{name}.truth.json")
    written = 0
    count = 0
    kinds = {}
    indices = {}
    with open(jsonl_path, "w", encoding="utf-8") as jsonl, open(har_path, "w", encoding="utf-8") as har:
        har.write('{"log":{"version":"1.2","creator":{"name":"conform-bench","version":"1"},"entries":[\n')
        while written < target:
            method, url, status, body, ct, violation = exchange(rng, count)
            count += 1
            if violation:
                kinds[violation] = kinds.get(violation, 0) + 1
                indices.setdefault(violation, []).append(count - 1)
            request = {"method": method, "url": url, "headers": {"Authorization": "Bearer bench-token"}}
            response = {"status": status, "headers": {"content-type": ct}}
            try:
                json.loads(body)
                response["body"] = "@BODY@"
            except ValueError:
                response["text"] = body
            line = json.dumps({"request": request, "response": response, "elapsed_ms": round(rng.uniform(5, 400), 1)},
                              separators=(",", ":"), ensure_ascii=False)
            if "body" in response:
                line = line.replace('"@BODY@"', body, 1)
            jsonl.write(line + "\n")
            written += len(line.encode()) + 1
            entry = {"startedDateTime": "2026-11-28T10:00:00.000Z", "time": 10.0,
                     "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1",
                                 "headers": [{"name": "Authorization", "value": "Bearer bench-token"}], "queryString": [],
                                 "cookies": [], "headersSize": -1, "bodySize": 0},
                     "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1",
                                  "headers": [{"name": "Content-Type", "value": ct}], "cookies": [],
                                  "content": {"size": len(body.encode()), "mimeType": ct, "text": body},
                                  "redirectURL": "", "headersSize": -1, "bodySize": len(body.encode())},
                     "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 0}}
            har.write(("," if count > 1 else "") + json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n")
        har.write("]}}\n")
    with open(truth_path, "w") as truth:
        # indices_by_kind: 0-based exchange numbers (JSONL line - 1, HAR entry index) of each violating exchange.
        json.dump({"exchanges": count, "violations": sum(kinds.values()), "by_kind": kinds, "indices_by_kind": indices},
                  truth, indent=1, sort_keys=True)
    print(f"{jsonl_path}: {os.path.getsize(jsonl_path)} bytes, {count} exchanges, {sum(kinds.values())} violating")
    print(f"{har_path}: {os.path.getsize(har_path)} bytes")


if __name__ == "__main__":
    sys.exit(main())
