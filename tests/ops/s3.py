"""A local S3-compatible server (moto) with the site's two buckets, for tests and ``make test-s3``.

As a library: :class:`MotoServer` starts ``moto_server`` (installed with ``moto[server]``) on a
free port, :func:`make_buckets` creates the buckets the way a deployment sets them up, and
:func:`site_env` gives the environment that makes the project use them (``MEDIA_STORAGE=s3``).

As a command, it runs another command against a fresh server and stops the server afterwards::

    python -m tests.ops.s3 -- pytest tests/cohorts/test_uploads.py

The buckets:

* public (storage ``default``): a bucket policy lets anyone read objects, as for a site's images;
* private (storage ``private``): no bucket policy, every "block public access" setting on, and
  objects stored without an ACL (the owner's only). moto refuses an unsigned GET of such an
  object with 403, as S3 does. moto neither checks a request signature nor its expiry, nor
  enforces the "block public access" settings: it stores them, so tests assert on them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PUBLIC_BUCKET = "aslp-public"
PRIVATE_BUCKET = "aslp-private"
REGION = "us-east-1"
ACCESS_KEY_ID = "aslp-test-key"
SECRET_ACCESS_KEY = "aslp-test-secret"  # moto accepts any credentials
BLOCK_ALL_PUBLIC_ACCESS = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def moto_server_path() -> Path | None:
    """The ``moto_server`` script next to this Python, or None when moto[server] is missing."""
    found = Path(sys.executable).parent / "moto_server"
    return found if found.exists() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MotoServer:
    """A ``moto_server`` subprocess on 127.0.0.1; a context manager that stops it on exit."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> MotoServer:
        script = moto_server_path()
        if script is None:
            raise RuntimeError("moto_server is not installed (pip install 'moto[server]')")
        self.process = subprocess.Popen(
            [str(script), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):  # noqa: S310
                    return self
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"moto_server did not answer in {timeout} s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def client(endpoint_url: str):
    """A boto3 S3 client for the server, signing like the site (SigV4, path-style addresses)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def public_read_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicRead",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def make_buckets(
    endpoint_url: str, public: str = PUBLIC_BUCKET, private: str = PRIVATE_BUCKET
) -> None:
    """The public bucket readable by anyone through its policy; the private one with no policy
    and public access blocked."""
    s3 = client(endpoint_url)
    s3.create_bucket(Bucket=public)
    s3.put_bucket_policy(Bucket=public, Policy=public_read_policy(public))
    s3.create_bucket(Bucket=private)
    s3.put_public_access_block(
        Bucket=private, PublicAccessBlockConfiguration=BLOCK_ALL_PUBLIC_ACCESS
    )


def site_env(
    endpoint_url: str, public: str = PUBLIC_BUCKET, private: str = PRIVATE_BUCKET
) -> dict[str, str]:
    """The environment that makes a Django process store its files in the two buckets."""
    return {
        "MEDIA_STORAGE": "s3",
        "S3_ENDPOINT_URL": endpoint_url,
        "S3_PUBLIC_BUCKET": public,
        "S3_PRIVATE_BUCKET": private,
        "S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "S3_REGION": REGION,
        "S3_ADDRESSING_STYLE": "path",
    }


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m tests.ops.s3 -- command [args...]", file=sys.stderr)
        return 2
    with MotoServer() as server:
        make_buckets(server.url)
        env = {**os.environ, **site_env(server.url)}
        print(f"S3 (moto) at {server.url}: running {' '.join(argv)}", file=sys.stderr, flush=True)
        try:
            return subprocess.call(argv, env=env)
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
