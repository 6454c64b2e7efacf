"""A PEP 517 build backend with no build dependencies, for the pre-commit hooks that install
rationale from its wheel (`rationale-check-pip`, `rationale-commit-msg-pip`).

pre-commit installs a `language: python` hook with `pip install .` in the hooks repository.
`pyproject.toml` points here: the package built is `rationale-precommit`, metadata only, whose one
dependency is `rationale-dbt` at this source's version — the self-contained wheel `make wheel`
builds, which brings the `rationale` command. Standard library only, so it builds offline.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
import zipfile
from pathlib import Path

NAME = "rationale-precommit"
DIST = NAME.replace("-", "_")
ROOT = Path(__file__).resolve().parent.parent


def _version() -> str:
    """The version the Swift sources declare (`Tool.version`)."""
    text = (ROOT / "Sources/Workflow/AnswerKeeper.swift").read_text(encoding="utf-8")
    match = re.search(r'static let version = "([0-9][0-9.]*)"', text)
    if not match:
        raise RuntimeError("Sources/Workflow/AnswerKeeper.swift declares no `static let version`")
    return match.group(1)


def _metadata() -> str:
    version = _version()
    return (
        f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\n"
        "Summary: pre-commit hooks for rationale, installed from its wheel (no Swift needed)\n"
        f"Requires-Dist: rationale-dbt=={version}\nRequires-Python: >=3.8\n"
    )


def _dist_info(version: str) -> str:
    return f"{DIST}-{version}.dist-info"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = Path(metadata_directory) / _dist_info(_version())
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(_metadata(), encoding="utf-8")
    return info.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    info = _dist_info(version)
    files = {
        f"{info}/METADATA": _metadata().encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: precommit_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    name = f"{DIST}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(Path(wheel_directory) / name, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return name


def build_sdist(sdist_directory, config_settings=None):
    version = _version()
    base = f"{DIST}-{version}"
    name = f"{base}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz") as archive:
        for relative in ("pyproject.toml", "packaging/precommit_backend.py", "Sources/Workflow/AnswerKeeper.swift"):
            archive.add(ROOT / relative, arcname=f"{base}/{relative}")
        data = _metadata().encode()
        entry = tarfile.TarInfo(f"{base}/PKG-INFO")
        entry.size = len(data)
        archive.addfile(entry, io.BytesIO(data))
    return name
