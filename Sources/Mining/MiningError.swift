/// An error from the mining stage, with a code, a message a user can act on, and the option or
/// file it concerns.
///
/// Filters are checked against the log before anything is computed, so a typo in an attribute,
/// an activity or a date stops the run with the names that would have worked.
public struct MiningError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable across releases, so scripts can match on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable { case invalidOption, unknownAttribute, unknownActivity, unknownValue, cannotWrite }
        let base: Base
        /// An option's value cannot be used (an unreadable date, an empty window, a bad range).
        public static let invalidOption = Code(base: .invalidOption)
        /// A `--where` filter names a case attribute the log does not have.
        public static let unknownAttribute = Code(base: .unknownAttribute)
        /// A start or end activity filter names an activity the log does not have.
        public static let unknownActivity = Code(base: .unknownActivity)
        /// A `--where` filter asks for a value that no case has.
        public static let unknownValue = Code(base: .unknownValue)
        /// An output file or folder cannot be written.
        public static let cannotWrite = Code(base: .cannotWrite)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do.
    public var message: String
    /// The option (`--where`, `--from`) or the output path concerned, when there is one.
    public var location: String?

    public init(_ code: Code, _ message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { (location.map { "\($0): " } ?? "") + message }

    /// A short list of names for a message: sorted, at most `limit`, with the number left out.
    static func list(_ names: some Sequence<String>, limit: Int = 12) -> String {
        let sorted = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var text = sorted.prefix(limit).joined(separator: ", ")
        if sorted.count > limit { text += " and \(sorted.count - limit) more" }
        return text
    }
}
