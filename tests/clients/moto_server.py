"""A local AWS API (moto_server) on a free loopback port: S3 for the lake tests, IAM and KMS for
the encryption tests."""

import contextlib
import os
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def moto_server(checked_after=None):
    """Yields the server's URL. With `checked_after=n`, requests after the first n must be signed
    by a key moto's IAM issued, and are allowed by that user's policies (as AWS does)."""
    port = free_port()
    env = dict(os.environ)
    if checked_after is not None:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(checked_after)
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
