#!/usr/bin/env python3
"""Checks one backend's seven TFB routes as TFB's verifier does (toolset/test_types/verifications.py), so that a
broken peer fails the benchmark loudly instead of giving a fast row of errors: status 200, Server, Date,
Content-Length and the exact Content-Type; JSON shapes and row counts (the clamping of N); the fortunes page
(character references normalized as TFB's parser does); and that /updates stored what it answered (psql).

Usage: check.py BASE_URL PSQL_ARGS...   (PSQL_ARGS: how to run psql on the benchmark's database)
Prints one line per failure and exits 1 if there is any.
"""
import json
import re
import subprocess
import sys
import urllib.request

base, psql = sys.argv[1], sys.argv[2:]
failures = []

TYPES = {
    "json": r"^application/json(; ?charset=(UTF|utf)-8)?$",
    "html": r"^text/html; ?charset=(UTF|utf)-8$",
    "plaintext": r"^text/plain(; ?charset=(UTF|utf)-8)?$",
}

FORTUNES = (
    "<!doctype html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>"
    "<tr><td>11</td><td>&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;</td></tr>"
    "<tr><td>4</td><td>A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1</td></tr>"
    "<tr><td>5</td><td>A computer program does what you tell it to do, not what you want it to do.</td></tr>"
    "<tr><td>2</td><td>A computer scientist is someone who fixes things that aren&apos;t broken.</td></tr>"
    "<tr><td>8</td><td>A list is only as strong as its weakest link. — Donald Knuth</td></tr>"
    "<tr><td>0</td><td>Additional fortune added at request time.</td></tr>"
    "<tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>"
    "<tr><td>7</td><td>Any program that runs right is obsolete.</td></tr>"
    "<tr><td>10</td><td>Computers make very fast, very accurate mistakes.</td></tr>"
    "<tr><td>6</td><td>Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen</td></tr>"
    "<tr><td>9</td><td>Feature: A bug with seniority.</td></tr>"
    "<tr><td>1</td><td>fortune: No such file or directory</td></tr>"
    "<tr><td>12</td><td>フレームワークのベンチマーク</td></tr>"
    "</table></body></html>"
)


def fail(path, message):
    failures.append(f"{base}{path}: {message}")


def get(path, kind):
    """The body of a GET, after checking its status and headers (None when the request failed)."""
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            status, headers, body = response.status, response.headers, response.read()
    except Exception as error:  # HTTPError (a status other than 2xx) included
        fail(path, f"request failed: {error}")
        return None
    if status != 200:
        fail(path, f"status {status}")
    for name in ("Server", "Date", "Content-Type", "Content-Length"):
        if headers.get(name) is None:
            fail(path, f"no {name} header")
    if headers.get("Content-Length") is not None and int(headers["Content-Length"]) != len(body):
        fail(path, f"Content-Length {headers['Content-Length']} for {len(body)} bytes")
    if not re.match(TYPES[kind], headers.get("Content-Type") or ""):
        fail(path, f"Content-Type {headers.get('Content-Type')!r} is not {kind}")
    return body


def world(path, value):
    if not isinstance(value, dict) or set(value) != {"id", "randomNumber"}:
        fail(path, f"not a World object: {value!r}"[:200])
        return False
    if not all(isinstance(value[k], int) and 1 <= value[k] <= 10000 for k in value):
        fail(path, f"id or randomNumber not an integer in 1...10000: {value!r}")
        return False
    return True


def worlds(path, expected):
    body = get(path, "json")
    if body is None:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        fail(path, f"not JSON: {body[:80]!r}")
        return None
    if not isinstance(value, list) or len(value) != expected:
        fail(path, f"expected a list of {expected} rows, got {str(value)[:80]}")
        return None
    return value if all(world(path, w) for w in value) else None


body = get("/json", "json")
if body is not None and json.loads(body) != {"message": "Hello, World!"}:
    fail("/json", f"body {body!r}")
body = get("/plaintext", "plaintext")
if body is not None and body != b"Hello, World!":
    fail("/plaintext", f"body {body!r}")
body = get("/db", "json")
if body is not None:
    world("/db", json.loads(body))
for route, name in (("/queries", "queries"), ("/updates", "queries"), ("/cached-queries", "count")):
    for value, expected in (("2", 2), ("0", 1), ("foo", 1), ("501", 500), ("", 1)):
        worlds(f"{route}?{name}={value}", expected)
    worlds(route, 1)
body = get("/fortunes", "html")
if body is not None:
    page = body.decode()
    # TFB's parser: doctype in lower case; &#34; &#x22; are &quot;, &#39; &#x27; are &apos;; no whitespace between tags.
    page = re.sub(r"<!DOCTYPE html>", "<!doctype html>", page, flags=re.I)
    page = re.sub(r"&#(34|034|x22);", "&quot;", page, flags=re.I)
    page = re.sub(r"&#(39|039|x27);", "&apos;", page, flags=re.I)
    page = re.sub(r">\s+<", "><", page).strip()
    if page != FORTUNES:
        fail("/fortunes", f"not TFB's page: {page[:300]!r}")

# /updates stored what it answered.
updated = worlds("/updates?queries=20", 20)
if updated:
    ids = ",".join(str(w["id"]) for w in updated)
    out = subprocess.run(psql + ["-At", "-F", " ", "-c", f"SELECT id, randomnumber FROM world WHERE id IN ({ids})"],
                         capture_output=True, text=True, check=True).stdout
    stored = {int(i): int(n) for i, n in (line.split() for line in out.split("\n") if line)}
    answered = {w["id"]: w["randomNumber"] for w in updated}
    if stored != answered:
        fail("/updates?queries=20", f"the database holds {stored}, the answer said {answered}"[:300])

for line in failures:
    print(line)
sys.exit(1 if failures else 0)
