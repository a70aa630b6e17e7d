#!/usr/bin/env python3
"""Writes blake3.json: BLAKE3 hashes made by the reference implementation (the `blake3` package
on PyPI, bindings to the BLAKE3 team's Rust crate) for the tests of Waybill's own BLAKE3
(Sources/CBlake3/blake3.c).

- `lengths`: the hash of the first n bytes of the repeating sequence 0, 1, ..., 250 (the input
  of the BLAKE3 team's test vectors), for n around every block, chunk and subtree edge.
- `fixtures`: the hash of each file in Tests/Fixtures (copies of the shared logs).

Run from the repository root: pip install blake3 && python3 Tests/Goldens/blake3/make_blake3_goldens.py
"""
import json
import pathlib

import blake3

ROOT = pathlib.Path(__file__).resolve().parents[3]
OUT = pathlib.Path(__file__).resolve().parent / "blake3.json"

# The official test vectors' lengths, then the edges of subtrees of 16 and 512 chunks (the
# vector loop's batch and the largest subtree hashed in one piece) and a few odd sizes past them.
LENGTHS = sorted({
    0, 1, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097, 5120,
    5121, 6144, 6145, 7168, 7169, 8192, 8193, 16384, 31744, 102400,
    15 * 1024, 16 * 1024 - 1, 16 * 1024 + 1, 17 * 1024, 33 * 1024 + 7,
    512 * 1024 - 1, 512 * 1024, 512 * 1024 + 1, 513 * 1024, 1024 * 1024, 1024 * 1024 + 1,
    3 * 1024 * 1024 + 12345, 5_000_000,
})


def sequence(n):
    return bytes(i % 251 for i in range(n))


def main():
    lengths = {str(n): blake3.blake3(sequence(n)).hexdigest() for n in LENGTHS}
    fixtures = {}
    for path in sorted((ROOT / "Tests" / "Fixtures").rglob("*")):
        if path.is_file() and path.name != "NOTICE.md":
            fixtures[str(path.relative_to(ROOT / "Tests" / "Fixtures"))] = blake3.blake3(path.read_bytes()).hexdigest()
    OUT.write_text(json.dumps({"lengths": lengths, "fixtures": fixtures}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({len(lengths)} lengths, {len(fixtures)} fixtures)")


if __name__ == "__main__":
    main()
