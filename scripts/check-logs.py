#!/usr/bin/env python3
"""Fail when the server logs of a test run hold anything identifying.

Usage: scripts/check-logs.py LOG_DIR [--tests DIR]

LOG_DIR is the OFFEN_TEST_LOG_DIR of a test run (tests/Shared/TestLogs.cs, tests/e2e/harness.mjs): one file per
in-process host or spawned `offen` process. The spec's quality bar says nothing identifying is logged: no IP
address, user agent, referrer, cookie value or email address (spec README; server.md §9.2), and no password.
This script looks for exactly those, plus every password literal found in the test sources (--tests, default
tests/ next to this script), and signed tokens (whose payload carries an email for reset and join links),
also inside base64. Findings are printed as file:line with the matched text replaced by [REDACTED]; the exit
status is 1 if there is any, 2 on a usage error, 0 otherwise.
"""
import base64
import binascii
import ipaddress
import os
import re
import sys
from pathlib import Path

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# assembly versions in .NET stack traces ("Version=10.0.0.0") look like addresses
NOT_IPV4_BEFORE = re.compile(r"(?i)version\s*[=:]?\s*$")
# candidates only; ipaddress decides (so clock times like 06:51:42 are not addresses)
IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?:%\w+)?(?![\w:])")
USER_AGENT = re.compile(
    r"(?i)\b(?:user-agent\s*[:=]\s*\S+|mozilla/\d|applewebkit/|headlesschrome|chrome/\d|chromium/\d|safari/\d|firefox/\d"
    r"|gecko/\d|edg/\d|curl/\d|wget/\d|python-requests|python-urllib|aiohttp/|node-fetch|undici|go-http-client|okhttp"
    r"|playwright|postmanruntime|insomnia/)")
REFERRER = re.compile(r"(?i)\breferr?er\s*[:=]\s*\S+")
COOKIE_HEADER = re.compile(r"(?i)\b(?:set-)?cookie\s*[:=]\s*\S+")
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
COOKIE_VALUE = re.compile(r"(?i)\b(?:user=" + UUID + r"|auth=[A-Za-z0-9_.=%-]{16,})")
# our signed tokens (src/Offen.Crypto/TokenSigner.cs): base64url("<unix seconds>|<value>") "." base64url(mac)
B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{24,}={0,2}(?:\.[A-Za-z0-9_-]{43})?")
SIGNED_PAYLOAD = re.compile(r"^\d{9,11}\|")

# Narrow, justified exceptions (each one is a fixed, public string, never a visitor's or operator's data).
ALLOWED = [
    # `offen demo` prints its fixed, public demo login, as upstream does (server.md §9.5); /intro shows it too.
    (re.compile(r"You can now open the demo at http://localhost:\d+/intro/ \(log in as demo@offen\.dev / demo\)"), "demo@offen.dev"),
    # `offen debug` dumps the configuration on request; this is the default OFFEN_SMTP_SENDER (server.md §4.2).
    (re.compile(r'^\s*"Sender": "no-reply@offen\.dev",?$'), "no-reply@offen.dev"),
]

PASSWORD_LITERALS = [
    # password = "…", Password: '…', ["OFFEN_SMTP_PASSWORD"] = "…", "password":"…" (also inside escaped JSON)
    re.compile(r"""(?i)\w*password\w*\\?["']?\]?\s*[=:]\s*\\?["']([^"'\\\n]+)\\?["']"""),
    # CLI flags: "-password", "…"
    re.compile(r"""["']-password["']\s*,\s*["']([^"'\n]+)["']"""),
]


def password_literals(tests_dir):
    """Every literal a test uses as a password, except ones that would match ordinary log text."""
    found = set()
    for root, dirs, files in os.walk(tests_dir):
        dirs[:] = [d for d in dirs if d not in ("bin", "obj", "node_modules")]
        for name in files:
            if not name.endswith((".cs", ".mjs", ".js", ".ts", ".py", ".yml", ".yaml", ".json")):
                continue
            text = Path(root, name).read_text(encoding="utf-8", errors="replace")
            for pattern in PASSWORD_LITERALS:
                for m in pattern.finditer(text):
                    value = m.group(1)
                    # too short or a single plain word ("password", "development"): such words occur in log
                    # messages; values with "/" or "{" are routes and hashes, not passwords
                    if len(value) < 6 or re.fullmatch(r"[A-Za-z]+", value) or "/" in value or "{" in value:
                        continue
                    found.add(value)
    return sorted(found, key=len, reverse=True)


def decoded_texts(line):
    """Base64 (standard or url-safe) runs in the line that decode to mostly printable text."""
    for m in B64_RUN.finditer(line):
        run = m.group(0).split(".")[0].rstrip("=")
        for alphabet in (base64.urlsafe_b64decode, base64.b64decode):
            try:
                raw = alphabet(run + "=" * (-len(run) % 4))
            except (binascii.Error, ValueError):
                continue
            text = raw.decode("utf-8", errors="replace")
            if len(text) >= 8 and sum(c.isprintable() for c in text) >= 0.9 * len(text):
                yield m, text
                break


def is_ipv6(candidate):
    candidate = candidate.split("%")[0]
    if not re.search(r"[0-9A-Fa-f]", candidate) or ("::" not in candidate and candidate.count(":") < 7):
        return False
    try:
        ipaddress.IPv6Address(candidate)
        return True
    except ValueError:
        return False


def is_ipv4(candidate):
    try:
        ipaddress.IPv4Address(candidate)
        return True
    except ValueError:
        return False


def findings(line, passwords):
    """(kind, start, end) for each identifying thing in the line."""
    allowed = set()
    for pattern, text in ALLOWED:
        for m in pattern.finditer(line):
            allowed.update(range(m.start(), m.end()))
    out = []

    def add(kind, start, end):
        if not set(range(start, end)) <= allowed:
            out.append((kind, start, end))

    for m in IPV4.finditer(line):
        if is_ipv4(m.group(0)) and not NOT_IPV4_BEFORE.search(line[:m.start()]):
            add("IPv4 address", m.start(), m.end())
    for m in IPV6.finditer(line):
        if is_ipv6(m.group(0)):
            add("IPv6 address", m.start(), m.end())
    for kind, pattern in (("email address", EMAIL), ("user agent", USER_AGENT), ("referrer", REFERRER),
                          ("cookie header", COOKIE_HEADER), ("cookie value", COOKIE_VALUE)):
        for m in pattern.finditer(line):
            add(kind, m.start(), m.end())
    for password in passwords:
        start = line.find(password)
        while start >= 0:
            add("test password", start, start + len(password))
            start = line.find(password, start + 1)
    for m, text in decoded_texts(line):
        if SIGNED_PAYLOAD.match(text):
            add("signed token", m.start(), m.end())
        elif EMAIL.search(text) or any(p in text for p in passwords):
            add("base64 of an email address or password", m.start(), m.end())
    return out


def redact(line, spans):
    merged = []
    for _, start, end in sorted(spans, key=lambda s: s[1]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        line = line[:start] + "[REDACTED]" + line[end:]
    return line


def main(argv):
    args = list(argv[1:])
    tests_dir = Path(__file__).resolve().parent.parent / "tests"
    if "--tests" in args:
        i = args.index("--tests")
        tests_dir = Path(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1 or not Path(args[0]).is_dir():
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    log_dir = Path(args[0])
    passwords = password_literals(tests_dir)
    files = sorted(p for p in log_dir.rglob("*") if p.is_file())
    count = 0
    lines_read = 0
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                lines_read += 1
                line = line.rstrip("\n")
                spans = findings(line, passwords)
                if spans:
                    count += 1
                    kinds = ", ".join(sorted({k for k, _, _ in spans}))
                    print(f"{path.relative_to(log_dir)}:{number}: {kinds}: {redact(line, spans)}")
    print(f"check-logs: {len(files)} files, {lines_read} lines, {len(passwords)} test passwords checked: "
          f"{count} line(s) with identifying data", file=sys.stderr)
    if not files:
        print("check-logs: the directory holds no logs; was OFFEN_TEST_LOG_DIR exported to the tests?", file=sys.stderr)
        return 1
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
