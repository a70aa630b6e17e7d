"""Prints one SHA-256 per table of a Waybill store, over its rows in primary-key order.

Used by csv-ingest.sh to check that two binaries' stores hold the same data byte for byte
(event segments, identities included). import_record is read without its start time and source
path, which differ from run to run, and its content hash in the algorithm's own form (SHA-256
before schema version 4, BLAKE3 since), which the tests check. Event segments are compared by their columns: a segment in
layout WBS2 (schema version 3, which leaves out columns that hold nothing) is expanded to the
WBS1 bytes of the same columns, so stores of builds on either side of that change compare.
"""
import hashlib
import sqlite3
import struct
import sys

# The optional columns of WBS2, in the order of its layout bits: (bit, element size, none value).
START, RESOURCE, LIFECYCLE, EXTERNAL, ATTRIBUTES, LINK_EVENT, QUALIFIER = (1 << k for k in range(7))


def as_wbs1(data):
    """The WBS1 bytes of a segment in either layout."""
    if data[:4] != b"WBS2":
        return data
    n, m, layout = struct.unpack_from("<III", data, 4)
    pos = 16
    out = [b"WBS1", struct.pack("<II", n, m)]

    def take(size):
        nonlocal pos
        piece = data[pos:pos + size]
        pos += size
        return piece

    out += [take(8 * n), take(4 * n), take(8 * n)]  # identity, activity, time
    out.append(take(8 * n) if layout & START else struct.pack("<q", -(1 << 63)) * n)
    out.append(take(4 * n) if layout & RESOURCE else bytes(4 * n))
    out.append(take(4 * n) if layout & LIFECYCLE else bytes(4 * n))
    for bit in (EXTERNAL, ATTRIBUTES):
        if layout & bit:
            offsets = take(4 * (n + 1))
            out += [offsets, take(struct.unpack_from("<I", offsets, 4 * n)[0])]
        else:
            out.append(bytes(4 * (n + 1)))
    out.append(take(4 * m) if layout & LINK_EVENT else struct.pack(f"<{m}i", *range(m)))
    out.append(take(8 * m))
    out.append(take(4 * m) if layout & QUALIFIER else bytes(4 * m))
    assert pos == len(data), "trailing bytes in a segment"
    return b"".join(out)


db = sqlite3.connect(sys.argv[1])
for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
    columns = "*"
    if name == "import_record":
        hashed = [c for (_, c, *_) in db.execute("PRAGMA table_info(import_record)") if c in ("sha256", "content_hash")]
        columns = f"id, format, {hashed[0]} IS NOT NULL, events_read, events_added, duplicates, objects_added, rejects, options"
    digest = hashlib.sha256()
    for row in db.execute(f"SELECT {columns} FROM {name} ORDER BY 1, 2"):
        if name == "event_segment":
            row = row[:-1] + (as_wbs1(row[-1]),)
        digest.update(repr(row).encode())
    print(name, digest.hexdigest())
