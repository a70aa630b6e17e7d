/// An error that stops an import, naming the file, the place in it and what to do.
///
/// Row-level problems do not throw: they become `Reject`s. This is for a whole input that cannot
/// be read (not the format it claims, binary, truncated, too many rejects, ambiguous time zones).
public struct IngestionError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure; stable, so scripts can match on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable {
            case unreadable, wrongFormat, malformed, missingColumn, ambiguousTimeZone, tooManyRejects, invalidMapping,
                invalidOption
        }
        let base: Base
        /// The file cannot be read (missing, permissions, truncated gzip).
        public static let unreadable = Code(base: .unreadable)
        /// The file is not the format it was taken for (binary, another format).
        public static let wrongFormat = Code(base: .wrongFormat)
        /// The file is of the right format but broken (invalid XML or JSON).
        public static let malformed = Code(base: .malformed)
        /// A required column is absent from a CSV header.
        public static let missingColumn = Code(base: .missingColumn)
        /// Timestamps carry no zone and `--timezone` was not given.
        public static let ambiguousTimeZone = Code(base: .ambiguousTimeZone)
        /// More rows were rejected than `--max-reject-rate` allows.
        public static let tooManyRejects = Code(base: .tooManyRejects)
        /// An extraction mapping is invalid.
        public static let invalidMapping = Code(base: .invalidMapping)
        /// An option's value is invalid.
        public static let invalidOption = Code(base: .invalidOption)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The file concerned.
    public var file: String?
    /// Line, row or element, when known (e.g. `line 12`).
    public var location: String?
    /// What went wrong and what to do.
    public var message: String

    public init(_ code: Code, file: String? = nil, location: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let location { parts.append(location) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
