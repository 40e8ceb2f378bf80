#!/usr/bin/env python3
"""The baseline for `--dry-run`: open every providers/<domain>/*.gtpack of a project as a zip
and read the bytes of its manifest.cbor, without decoding them. Prints the packs and bytes read.

usage: bare_manifest_loop.py PROJECT_ROOT [DOMAIN]
"""

import os
import sys
import zipfile


def main() -> int:
    root = sys.argv[1]
    domain = sys.argv[2] if len(sys.argv) > 2 else "messaging"
    folder = os.path.join(root, "providers", domain)
    packs = 0
    total = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".gtpack"):
            continue
        with zipfile.ZipFile(os.path.join(folder, name)) as pack:
            total += len(pack.read("manifest.cbor"))
        packs += 1
    print(f"{packs} packs, {total} manifest bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
