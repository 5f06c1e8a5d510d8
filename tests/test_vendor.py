"""The vendored assets are the ones the README names (versions and sha256)."""

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"


def test_vendored_files_match_recorded_sha256() -> None:
    recorded = re.findall(r"^([0-9a-f]{64})  (\S+)$", (VENDOR / "README.md").read_text(), re.M)
    assert len(recorded) >= 4
    for digest, name in recorded:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
