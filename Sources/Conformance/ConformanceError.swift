/// An error from discovery or conformance checking, with a code, a message a user can act on,
/// and the file and element it concerns.
public struct ConformanceError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable across releases, so scripts can match on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable { case invalidModel, invalidOption, cannotRead, cannotWrite }
        let base: Base
        /// A process model (PNML file, net) is malformed or not usable: not a workflow net, an arc
        /// to an unknown node, no initial marking.
        public static let invalidModel = Code(base: .invalidModel)
        /// An option's value cannot be used (a noise threshold outside 0...1).
        public static let invalidOption = Code(base: .invalidOption)
        /// An input file cannot be read.
        public static let cannotRead = Code(base: .cannotRead)
        /// An output file or folder cannot be written.
        public static let cannotWrite = Code(base: .cannotWrite)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do.
    public var message: String
    /// The file, and the line or element, when there is one (`net.pnml:12`, `arc a7`).
    public var location: String?

    public init(_ code: Code, _ message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { (location.map { "\($0): " } ?? "") + message }
}
