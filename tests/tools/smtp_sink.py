#!/usr/bin/python3
"""A real SMTP server for tests (aiosmtpd; Debian package python3-aiosmtpd).

Every accepted message is written to OUTDIR as <id>.eml (the raw bytes as received) and <id>.json, which says what
the SMTP session looked like and what Python's own MIME parser read from the message:

    {"file", "mail_from", "rcpt_tos", "auth_login", "auth_mechanism", "tls", "tls_version",
     "subject", "from", "to", "user_agent", "x_mailer", "content_type", "charset", "body"}

The .eml is complete before the .json appears and before the client gets "250", so a client that has finished
sending can read both at once.

Usage (run with Debian's interpreter, /usr/bin/python3):
    smtp_sink.py --port N --outdir DIR [--user U --password P] [--cert C --key K [--smtps]]
                 [--require-auth] [--fail-quit] [--exit-on-stdin-eof]

    --user/--password  accept AUTH LOGIN, PLAIN and CRAM-MD5 with exactly these credentials (without them, any
                       credentials pass)
    --cert/--key       offer STARTTLS with this certificate (PEM), or with --smtps speak TLS from the first byte
    --require-auth     answer 530 to MAIL before a successful AUTH
    --fail-quit        drop the connection instead of answering QUIT, to test that a client does not report
                       a failure once the message has been accepted
    --exit-on-stdin-eof  exit when stdin closes, so a crashed test run leaves no server behind

Prints "listening 127.0.0.1:PORT" once it accepts connections, then one JSON line per message.
"""
import argparse
import email
import email.policy
import hmac
import json
import os
import secrets
import signal
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, AuthResult, LoginPassword


def parse_args():
    p = argparse.ArgumentParser(description="SMTP sink for tests")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--outdir", required=True)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--smtps", action="store_true")
    p.add_argument("--require-auth", action="store_true")
    p.add_argument("--fail-quit", action="store_true")
    p.add_argument("--exit-on-stdin-eof", action="store_true")
    a = p.parse_args()
    if (a.user is None) != (a.password is None):
        p.error("--user and --password go together")
    if (a.cert is None) != (a.key is None):
        p.error("--cert and --key go together")
    if a.smtps and a.cert is None:
        p.error("--smtps needs --cert and --key")
    return a


class Sink:
    def __init__(self, outdir, user, password, fail_quit):
        self.outdir = outdir
        self.user = user.encode() if user is not None else None
        self.password = password.encode() if password is not None else None
        self.fail_quit = fail_quit

    def credentials_ok(self, login, password):
        return self.user is None or (login == self.user and password == self.password)

    # aiosmtpd's "authenticator" hook, used by its built-in LOGIN and PLAIN.
    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and self.credentials_ok(auth_data.login, auth_data.password)
        if ok:
            session.sink_mechanism = mechanism
        # handled=False lets aiosmtpd answer 535 itself; handled=True would leave the client waiting.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    # aiosmtpd has no CRAM-MD5 (RFC 2195); a handler method named auth_<NAME> adds a mechanism, "__" becoming "-".
    async def auth_CRAM__MD5(self, server, args):
        challenge = f"<{secrets.token_hex(8)}.{time.time_ns()}@smtp-sink.test>".encode()
        response = await server.challenge_auth(challenge)
        if response is MISSING:
            return AuthResult(success=False, handled=True)
        login, _, digest = response.partition(b" ")
        if self.user is None:
            ok = bool(login)
        else:
            expected = hmac.new(self.password, challenge, "md5").hexdigest().encode()
            ok = login == self.user and hmac.compare_digest(digest.lower(), expected)
        if ok:
            server.session.sink_mechanism = "CRAM-MD5"
        return AuthResult(success=ok, handled=False, auth_data=LoginPassword(login, b""))

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        ssl_object = server.transport.get_extra_info("ssl_object")
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body_part = parsed.get_body(preferencelist=("plain",))
        name = f"{time.time_ns()}-{secrets.token_hex(4)}"
        meta = {
            "file": name + ".eml",
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_login": session.auth_data.login.decode("utf-8", "replace") if session.authenticated else None,
            "auth_mechanism": getattr(session, "sink_mechanism", None) if session.authenticated else None,
            "tls": ssl_object is not None,
            "tls_version": ssl_object.version() if ssl_object is not None else None,
            "subject": parsed["Subject"],
            "from": parsed["From"],
            "to": parsed["To"],
            "user_agent": parsed["User-Agent"],
            "x_mailer": parsed["X-Mailer"],
            "content_type": parsed.get_content_type(),
            "charset": parsed.get_param("charset"),
            "body": body_part.get_content() if body_part is not None else None,
        }
        eml = os.path.join(self.outdir, name + ".eml")
        with open(eml + ".tmp", "wb") as f:
            f.write(raw)
        os.rename(eml + ".tmp", eml)
        js = os.path.join(self.outdir, name + ".json")
        with open(js + ".tmp", "w", encoding="utf-8") as f:
            json.dump(meta, f, ensure_ascii=False)
        os.rename(js + ".tmp", js)  # readers only ever see whole files
        print(json.dumps(meta, ensure_ascii=False), flush=True)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        if self.fail_quit:
            server.transport.abort()  # no "221", the connection just breaks
            return "421 4.3.0 smtp sink: failing QUIT on purpose"
        return "221 Bye"


def main():
    a = parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    handler = Sink(a.outdir, a.user, a.password, a.fail_quit)
    kw = dict(
        hostname=a.host,
        port=a.port,
        authenticator=handler.authenticate,
        auth_require_tls=False,  # tests also authenticate over plain loopback connections
        auth_required=a.require_auth,
    )
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(a.cert, a.key)
        if a.smtps:
            kw["ssl_context"] = ctx  # implicit TLS
        else:
            kw.update(tls_context=ctx, require_starttls=False)  # STARTTLS offered, not required
    # Block the signals before the controller's thread starts, so only this thread receives them.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller = Controller(handler, **kw)
    controller.start()
    print(f"listening {a.host}:{a.port}", flush=True)
    if a.exit_on_stdin_eof:
        def watch_stdin():
            sys.stdin.buffer.read()
            os.kill(os.getpid(), signal.SIGTERM)
        threading.Thread(target=watch_stdin, daemon=True).start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
