#!/usr/bin/env python3
"""Drives a running livecode server through the README's four calls, once per language.

usage: api-smoke.py BASE_URL ISOLATION LANGUAGE...

Checks that /health is UP on the expected sandbox tier, then for each language: POST
/code-sessions, PATCH the source (the editor's autosave), POST /code-sessions/:id/run and GET
/executions/:id?wait_ms=10000, and that the run printed what the saved program prints. One line
per language; exits 1 naming the first thing that differs.
"""
import json
import sys
import urllib.error
import urllib.request

# Each program prints a value it computes, so that a run that did not happen cannot pass; the
# first version is replaced by the autosave, so the run must see the saved source.
PROGRAMS = {
    "python": ("print('not saved')", "import sys\nprint(f'python {sum(range(10))} {sys.version_info.major}')", "python 45 3"),
    "javascript": ("console.log('not saved')", "console.log(`javascript ${[1, 2, 3].map((n) => n * n).join(',')}`)",
                   "javascript 1,4,9"),
    "typescript": ("console.log('not saved')",
                   "const answer: number = 6 * 7;\nfunction show<T>(value: T): string { return `typescript ${value}`; }\n"
                   "console.log(show(answer));", "typescript 42"),
    "bash": ("echo not saved", "echo \"bash $((6 * 7))\"", "bash 42"),
}


class SmokeFailure(Exception):
    pass


def call(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise SmokeFailure(f"{method} {url} answered {error.code}: {error.read().decode(errors='replace')[:300]}")


def expect(condition, message):
    if not condition:
        raise SmokeFailure(message)


def run_language(base, language):
    first, saved, expected = PROGRAMS[language]
    _, session = call("POST", f"{base}/code-sessions", {"language": language, "source_code": first})
    session_id = session["session_id"]
    _, updated = call("PATCH", f"{base}/code-sessions/{session_id}", {"source_code": saved})
    expect(updated.get("version") == 2, f"{language}: autosave gave version {updated.get('version')}, expected 2")
    _, queued = call("POST", f"{base}/code-sessions/{session_id}/run", {})
    expect(queued.get("status") == "QUEUED", f"{language}: run answered {queued}")
    _, done = call("GET", f"{base}/executions/{queued['execution_id']}?wait_ms=10000")
    stdout = (done.get("stdout") or "").strip()
    expect(done.get("status") == "COMPLETED" and stdout == expected,
           f"{language}: expected COMPLETED with stdout {expected!r}, got {done.get('status')} "
           f"{done.get('failure_reason')} stdout={stdout!r} stderr={(done.get('stderr') or '')[:300]!r}")
    return f"{done['status']} {stdout!r} in {done.get('execution_time_ms')} ms"


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    base, isolation, languages = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3:]
    try:
        _, health = call("GET", f"{base}/health")
        expect(health.get("status") == "UP", f"/health is {health}")
        expect(health.get("isolation") == isolation,
               f"/health says isolation {health.get('isolation')!r}, expected {isolation!r}: {health}")
        for language in languages:
            print(f"  {language:<10} {run_language(base, language)} (isolation {isolation})", flush=True)
    except SmokeFailure as failure:
        print(f"  FAILED: {failure}", flush=True)
        sys.exit(1)
    except (OSError, ValueError, KeyError) as error:
        print(f"  FAILED: {type(error).__name__}: {error}", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
