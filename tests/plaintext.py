"""Looking for readable media on disk: what a film, clip or still starts with."""

from __future__ import annotations

from pathlib import Path

from attune.vault.crypto import MAGIC


def readable_media(root: Path) -> list[str]:
    """Every file under root that holds a playable film (an ISO-BMFF ``ftyp`` box at offset 4),
    a JPEG or a PNG, or that sits in the vault without the vault's header."""
    found = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        with open(path, "rb") as fh:
            head = fh.read(16)
        relative = path.relative_to(root)
        if head[4:8] == b"ftyp" or head[:3] == b"\xff\xd8\xff" or head[:8] == b"\x89PNG\r\n\x1a\n":
            found.append(f"{relative}: readable media")
        elif relative.parts[0] == "vault" and path.suffix == ".atv" and not head.startswith(MAGIC):
            found.append(f"{relative}: in the vault without its header")
    return found
