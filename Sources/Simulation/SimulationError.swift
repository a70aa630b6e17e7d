/// An error from the simulator, with a code, a message a user can act on, and where it happened.
///
/// Invalid configuration names the field (`location`); failures writing the output name the file.
public struct SimulationError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable across releases, so scripts can match on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable { case invalidConfig, cannotWrite }
        let base: Base
        /// A configuration value is out of range or malformed.
        public static let invalidConfig = Code(base: .invalidConfig)
        /// An output file or folder could not be written.
        public static let cannotWrite = Code(base: .cannotWrite)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do.
    public var message: String
    /// The configuration field (e.g. `orders`) or the output file concerned.
    public var location: String?
    /// The underlying error's description, if one caused this.
    public var cause: String?

    init(_ code: Code, _ message: String, location: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.cause = cause.map { String(describing: $0) }
    }

    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += message
        if let cause { text += " (\(cause))" }
        return text
    }
}
