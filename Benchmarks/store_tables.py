"""Prints one SHA-256 per table of a Waybill store, over its rows in primary-key order.

Used by csv-ingest.sh to check that two binaries' stores hold the same data byte for byte
(event segments, identities included). import_record is read without its start time and source
path, which differ from run to run.
"""
import hashlib
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
    columns = "*"
    if name == "import_record":
        columns = "id, format, sha256, events_read, events_added, duplicates, objects_added, rejects, options"
    digest = hashlib.sha256()
    for row in db.execute(f"SELECT {columns} FROM {name} ORDER BY 1, 2"):
        digest.update(repr(row).encode())
    print(name, digest.hexdigest())
