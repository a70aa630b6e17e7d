/// The event store's schema and its versioned migrations.
///
/// `PRAGMA user_version` holds the schema version and `PRAGMA application_id` marks the file as
/// a Waybill store. Migrations only ever append: version *n* is reached by running steps 1...n
/// in order, each in the opening transaction. A store whose version is above `latestVersion`
/// was written by a newer Waybill and is refused rather than misread.
enum Schema {
    /// "WYBL" as a big-endian 32-bit integer.
    static let applicationID: Int32 = 0x5759_424C

    /// The migrations, index 0 = version 1.
    static let migrations: [String] = [
        """
        CREATE TABLE import_record (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            format TEXT NOT NULL,
            sha256 TEXT UNIQUE,
            started_at TEXT NOT NULL,
            events_read INTEGER NOT NULL DEFAULT 0,
            events_added INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            objects_added INTEGER NOT NULL DEFAULT 0,
            rejects INTEGER NOT NULL DEFAULT 0,
            options TEXT
        );
        CREATE TABLE activity (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE resource (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE object_type (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE object (
            id INTEGER PRIMARY KEY,
            type_id INTEGER NOT NULL REFERENCES object_type(id),
            ext_id TEXT NOT NULL,
            attrs TEXT,
            import_id INTEGER NOT NULL,
            UNIQUE (type_id, ext_id)
        );
        CREATE TABLE object_attribute (
            object_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            time INTEGER NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (object_id, name, time)
        ) WITHOUT ROWID;
        CREATE TABLE lifecycle (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE qualifier (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE event_segment (
            id INTEGER PRIMARY KEY,
            import_id INTEGER NOT NULL,
            first_event INTEGER NOT NULL,
            event_count INTEGER NOT NULL,
            link_count INTEGER NOT NULL,
            min_time INTEGER,
            max_time INTEGER,
            data BLOB NOT NULL
        );
        CREATE TABLE object_object (
            source_id INTEGER NOT NULL,
            target_id INTEGER NOT NULL,
            qualifier TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (source_id, target_id, qualifier)
        ) WITHOUT ROWID;
        CREATE TABLE log_attribute (
            import_id INTEGER NOT NULL,
            scope TEXT NOT NULL,
            name TEXT NOT NULL,
            value TEXT,
            PRIMARY KEY (import_id, scope, name)
        );
        CREATE TABLE watermark (
            mapping TEXT NOT NULL,
            entry TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (mapping, entry)
        ) WITHOUT ROWID;
        """,
        // Version 2: the case-view cache (see EventStore+CaseViewCache.swift).
        """
        CREATE TABLE case_view_cache (
            object_type TEXT NOT NULL,
            part INTEGER NOT NULL,
            stamp TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (object_type, part)
        );
        """,
        // Version 3: event segments are written in layout WBS2, which leaves out columns that
        // hold nothing (see EventSegment.swift). WBS1 segments stay readable, so no table
        // changes; the version stops an older build from misreading the new segments.
        "-- event segments WBS2",
        // Version 4: import records keep a content hash named by its algorithm, `blake3:<hex>`
        // for new imports; the SHA-256 hashes of earlier imports become `sha256:<hex>`.
        """
        ALTER TABLE import_record RENAME COLUMN sha256 TO content_hash;
        UPDATE import_record SET content_hash = 'sha256:' || content_hash WHERE content_hash IS NOT NULL;
        """,
    ]

    /// The version this build writes.
    static var latestVersion: Int { migrations.count }

    /// Brings a connection's database to the latest version, or refuses it.
    static func migrate(_ db: SQLiteConnection) throws {
        let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        let appID = Int32(truncatingIfNeeded: try db.scalarInt("PRAGMA application_id") ?? 0)
        let tables = try db.scalarInt("SELECT count(*) FROM sqlite_master") ?? 0
        if appID != applicationID && (version != 0 || tables != 0) {
            throw StoreError(.notAStore, "is a SQLite database but not a Waybill event store", path: db.path)
        }
        if version > latestVersion {
            throw StoreError(
                .newerSchema,
                "was written by a newer Waybill (schema version \(version); this build reads up to \(latestVersion)); upgrade Waybill to open it",
                path: db.path)
        }
        guard version < latestVersion else { return }
        try db.transaction {
            for step in version..<latestVersion {
                try db.execute(migrations[step])
            }
            try db.execute("PRAGMA application_id = \(applicationID)")
            try db.execute("PRAGMA user_version = \(latestVersion)")
        }
    }
}
