"""Where evidence is kept (痕迹管理): a small store of named byte blobs.

Two backends behind one interface, :class:`BlobStore`:

- :class:`FileStore` (the default): files under ``instance/evidence``, directories 0700 and
  files 0600, each written whole (a temporary file renamed into place).
- :class:`S3Store`: any object store with an S3 API (AWS S3, MinIO, Ceph RGW, Aliyun OSS
  and Tencent COS in S3 mode) through boto3, for organisations whose evidence outgrows
  one machine or whose servers are several. boto3 is AWS's own client, released weekly,
  typed (boto3-stubs), and the one every S3-compatible server tests against; it reads
  credentials the standard way (environment, ``~/.aws``, an instance role), so none has
  to sit in partycard's config.

Keys are ``[a-z0-9/._-]`` paths made by the application (never a user's file name).
Writes happen before the database row that names them is committed; a delete is
deferred to after the commit (:func:`delete_after_commit`), so a rolled-back delete
leaves the file in place. Config (``EVIDENCE_*``) is described in ``docs/evidence.md``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.errors import StartupError

KEY = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")
CONFIG_DEFAULTS: dict[str, Any] = {
    "EVIDENCE_STORE": "files",  # "files" (instance/evidence) or "s3"
    "EVIDENCE_DIR": None,  # the files backend's folder; default instance/evidence
    "EVIDENCE_S3_BUCKET": None,
    "EVIDENCE_S3_PREFIX": "partycard/",
    "EVIDENCE_S3_ENDPOINT_URL": None,  # a non-AWS server, e.g. https://minio.example:9000
    "EVIDENCE_S3_REGION": None,
    "EVIDENCE_S3_OPTIONS": {},  # extra boto3 client arguments (tests: credentials)
}


class BlobStore(Protocol):
    """Named blobs: put whole, get whole, delete, list."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> Iterator[str]: ...


class MissingBlob(LookupError):
    """No blob under that key (a bug or a lost file: the row names what the store lacks)."""


def check_key(key: str) -> str:
    if len(key) > 200 or not KEY.match(key) or ".." in key:
        raise ValueError(f"not a blob key: {key!r}")
    return key


class FileStore:
    """Blobs as files under ``root`` (0700 folders, 0600 files)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str = "") -> None:
        path = self._path(key)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = self.root
        for part in Path(key).parent.parts:
            folder = folder / part
            folder.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as error:
            raise MissingBlob(key) from error

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                yield path.relative_to(self.root).as_posix()


class S3Store:
    """Blobs as objects ``<prefix><key>`` in an S3 bucket (private, server-side)."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None, **options: Any) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3", **options)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + check_key(key), Body=data,
                               ContentType=content_type or "application/octet-stream")

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket,
                                              Key=self.prefix + check_key(key))
        except self.client.exceptions.NoSuchKey as error:
            raise MissingBlob(key) from error
        body: bytes = response["Body"].read()
        return body

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + check_key(key))

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                yield str(item["Key"])[len(self.prefix):]


def store_from_config(config: Mapping[str, Any], instance_path: str) -> BlobStore:
    """The store the config names (``EVIDENCE_STORE``)."""
    def get(key: str) -> Any:
        return config.get(key, CONFIG_DEFAULTS[key])

    kind = get("EVIDENCE_STORE")
    if kind == "files":
        return FileStore(Path(get("EVIDENCE_DIR") or Path(instance_path) / "evidence"))
    if kind == "s3":
        bucket = get("EVIDENCE_S3_BUCKET")
        if not bucket:
            raise StartupError("EVIDENCE_STORE is 's3' but EVIDENCE_S3_BUCKET is not set: "
                               "name the bucket evidence is kept in.")
        options = dict(get("EVIDENCE_S3_OPTIONS") or {})
        if get("EVIDENCE_S3_ENDPOINT_URL"):
            options["endpoint_url"] = get("EVIDENCE_S3_ENDPOINT_URL")
        if get("EVIDENCE_S3_REGION"):
            options["region_name"] = get("EVIDENCE_S3_REGION")
        return S3Store(str(bucket), str(get("EVIDENCE_S3_PREFIX") or ""), **options)
    raise StartupError(f"EVIDENCE_STORE is {kind!r}: set it to 'files' or 's3'.")


def evidence_store(app: Flask | None = None) -> BlobStore:
    """The app's evidence store (made once per app)."""
    app = app or current_app
    store: BlobStore | None = app.extensions.get("evidence_store")
    if store is None:
        store = store_from_config(app.config, app.instance_path)
        app.extensions["evidence_store"] = store
    return store


# -- deletes wait for the commit -------------------------------------------------------------

_PENDING = "partycard_blob_deletes"


def delete_after_commit(session: Session, store: BlobStore, key: str) -> None:
    """Delete ``key`` from ``store`` once ``session`` commits (never if it rolls back)."""
    session.info.setdefault(_PENDING, []).append((store, key))


@event.listens_for(Session, "after_commit")
def _delete_committed(session: Session) -> None:
    for store, key in session.info.pop(_PENDING, ()):
        store.delete(key)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(_PENDING, None)
