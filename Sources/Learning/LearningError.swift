/// An error from the learning stage, with a code, a message a user can act on, and the model,
/// file or feature it concerns.
public struct LearningError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable across releases, so scripts can match on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable { case invalidData, invalidOption, numericalFailure, invalidModel, cannotWrite }
        let base: Base
        /// The training data cannot be used (no rows, one class only, labels out of range).
        public static let invalidData = Code(base: .invalidData)
        /// A hyperparameter or option is out of range.
        public static let invalidOption = Code(base: .invalidOption)
        /// A numerical routine failed (a Hessian not positive definite, LAPACK info ≠ 0).
        public static let numericalFailure = Code(base: .numericalFailure)
        /// A saved model is malformed, tampered with, or does not match the data's schema.
        public static let invalidModel = Code(base: .invalidModel)
        /// An output file or folder cannot be written.
        public static let cannotWrite = Code(base: .cannotWrite)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do.
    public var message: String
    /// The model folder, file or feature concerned, when there is one.
    public var location: String?

    public init(_ code: Code, _ message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { (location.map { "\($0): " } ?? "") + message }
}
