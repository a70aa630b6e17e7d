/// An error from the event store, with a code, a message a user can act on, and where it happened.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable across releases, so scripts can match on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable { case cannotOpen, sqlite, newerSchema, notAStore, invalidInput, notFound }
        let base: Base
        /// The database could not be opened or created.
        public static let cannotOpen = Code(base: .cannotOpen)
        /// SQLite reported an error.
        public static let sqlite = Code(base: .sqlite)
        /// The store was written by a newer Waybill.
        public static let newerSchema = Code(base: .newerSchema)
        /// The file is not a Waybill store.
        public static let notAStore = Code(base: .notAStore)
        /// A caller passed something the store cannot hold.
        public static let invalidInput = Code(base: .invalidInput)
        /// Something looked up does not exist.
        public static let notFound = Code(base: .notFound)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do.
    public var message: String
    /// The database file, if known.
    public var path: String?
    /// The SQL being run, for SQLite errors.
    public var sql: String?

    init(_ code: Code, _ message: String, path: String? = nil, sql: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.sql = sql
    }

    public var description: String {
        var text = path.map { "\($0): " } ?? ""
        text += message
        if let sql, code == .sqlite { text += " (while running: \(sql.prefix(120)))" }
        return text
    }
}
