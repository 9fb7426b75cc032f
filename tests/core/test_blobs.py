"""The evidence store: files in the instance folder (private modes), an S3 bucket (tested
against moto's S3 server on 127.0.0.1), deletes that wait for the commit, and backup and
restore carrying the evidence."""

from __future__ import annotations

import shutil
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.blobs import FileStore, MissingBlob, S3Store, check_key, store_from_config
from core.errors import StartupError


def test_files_are_private_and_written_whole(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "evidence")
    store.put("meetings/7/abc.jpg", b"photo", "image/jpeg")
    path = tmp_path / "evidence" / "meetings" / "7" / "abc.jpg"
    assert path.read_bytes() == b"photo"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (tmp_path / "evidence", path.parent, path.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert list(store.keys()) == ["meetings/7/abc.jpg"]
    assert store.get("meetings/7/abc.jpg") == b"photo"
    store.delete("meetings/7/abc.jpg")
    store.delete("meetings/7/abc.jpg")  # twice is harmless
    with pytest.raises(MissingBlob):
        store.get("meetings/7/abc.jpg")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a//b", "A.jpg", "a/../b", ""])
def test_keys_never_leave_the_store(key: str) -> None:
    with pytest.raises(ValueError):
        check_key(key)


def test_the_config_chooses_the_backend(tmp_path: Path) -> None:
    assert isinstance(store_from_config({}, str(tmp_path)), FileStore)
    with pytest.raises(StartupError, match="EVIDENCE_S3_BUCKET"):
        store_from_config({"EVIDENCE_STORE": "s3"}, str(tmp_path))
    with pytest.raises(StartupError, match="'files' or 's3'"):
        store_from_config({"EVIDENCE_STORE": "ftp"}, str(tmp_path))


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """moto's S3 API on a free port of 127.0.0.1 (nothing leaves the machine)."""
    moto_server = pytest.importorskip("moto.moto_server.threaded_moto_server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


S3_OPTIONS = {"aws_access_key_id": "test", "aws_secret_access_key": "test",
              "region_name": "us-east-1"}


def _s3(endpoint: str, bucket: str) -> S3Store:
    store = store_from_config({"EVIDENCE_STORE": "s3", "EVIDENCE_S3_BUCKET": bucket,
                               "EVIDENCE_S3_PREFIX": "org1/", "EVIDENCE_S3_ENDPOINT_URL":
                               endpoint, "EVIDENCE_S3_OPTIONS": S3_OPTIONS}, "/nonexistent")
    assert isinstance(store, S3Store)
    store.client.create_bucket(Bucket=bucket)
    return store


def test_the_s3_backend(s3_server: str) -> None:
    store = _s3(s3_server, "evidence-a")
    store.put("meetings/1/a.jpg", b"\xff\xd8\xffphoto", "image/jpeg")
    store.put("meetings/1/b.pdf", b"%PDF-1.4", "application/pdf")
    assert store.get("meetings/1/a.jpg") == b"\xff\xd8\xffphoto"
    assert sorted(store.keys()) == ["meetings/1/a.jpg", "meetings/1/b.pdf"]
    head = store.client.head_object(Bucket="evidence-a", Key="org1/meetings/1/b.pdf")
    assert head["ContentType"] == "application/pdf"  # stored under the prefix, typed
    store.delete("meetings/1/a.jpg")
    with pytest.raises(MissingBlob):
        store.get("meetings/1/a.jpg")
    assert list(store.keys()) == ["meetings/1/b.pdf"]


def test_backup_and_restore_carry_the_evidence(tmp_path: Path, s3_server: str,
                                               sqlite_templates: dict[str, Path]) -> None:
    from core.backup import make_backup, restore_backup
    from tests.helpers.app import make_app, release_db

    shutil.copy(sqlite_templates["empty"], tmp_path / "a.sqlite3")
    shutil.copy(sqlite_templates["empty"], tmp_path / "b.sqlite3")
    source = make_app(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "a")
    target = make_app(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "b")
    files = FileStore(tmp_path / "a" / "evidence")
    files.put("meetings/1/p.jpg", b"\xff\xd8\xff-one", "image/jpeg")
    files.put("meetings/2/d.pdf", b"%PDF-two", "application/pdf")
    archive = tmp_path / "backup.zip"
    with source.app_context():
        from core.db import db

        manifest = make_backup(db.engine, Path(source.instance_path), archive, store=files)
    assert manifest["evidence"] == 2
    with zipfile.ZipFile(archive) as z:
        assert {"evidence/meetings/1/p.jpg", "evidence/meetings/2/d.pdf"} <= set(z.namelist())
    # Restored into another instance whose evidence lives in S3.
    bucket = _s3(s3_server, "evidence-restored")
    with target.app_context():
        restore_backup(db.engine, Path(target.instance_path), archive, store=bucket)
    assert bucket.get("meetings/1/p.jpg") == b"\xff\xd8\xff-one"
    assert bucket.get("meetings/2/d.pdf") == b"%PDF-two"
    for app in (source, target):
        release_db(app)


def test_restore_refuses_an_evidence_entry_that_would_escape(tmp_path: Path,
                                                             sqlite_templates: dict[str, Path]
                                                             ) -> None:
    from core.backup import BackupError, make_backup, restore_backup
    from tests.helpers.app import make_app, release_db

    shutil.copy(sqlite_templates["empty"], tmp_path / "a.sqlite3")
    app = make_app(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "a")
    archive = tmp_path / "backup.zip"
    with app.app_context():
        from core.db import db

        make_backup(db.engine, Path(app.instance_path), archive)
        with zipfile.ZipFile(archive, "a") as z:
            z.writestr("evidence/../../keys", b"x")
        target = FileStore(tmp_path / "restored")
        with pytest.raises(BackupError, match="不是 partycard 写入的文件名"):
            restore_backup(db.engine, Path(app.instance_path), archive, store=target)
    assert list(target.keys()) == []
    release_db(app)


