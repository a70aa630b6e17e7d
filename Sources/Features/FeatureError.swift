/// An error from feature building: what cannot be built from the log, and what to change.
public struct FeatureError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable across releases, so scripts can match on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable { case invalidOption, noTrainingData, schemaMismatch }
        let base: Base
        /// An option's value cannot be used (a snapshot interval of zero, an unknown activity).
        public static let invalidOption = Code(base: .invalidOption)
        /// The log has no decided cases (or only one outcome) to learn from.
        public static let noTrainingData = Code(base: .noTrainingData)
        /// A saved feature schema does not fit the log being scored.
        public static let schemaMismatch = Code(base: .schemaMismatch)
        public var description: String { base.rawValue }
    }

    public var code: Code
    /// What went wrong and what to do.
    public var message: String
    /// The option or feature concerned, when there is one.
    public var location: String?

    public init(_ code: Code, _ message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { (location.map { "\($0): " } ?? "") + message }
}
