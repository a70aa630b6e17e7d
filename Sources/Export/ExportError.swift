/// An error writing an export, with the file and what to do.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    /// The output file.
    public var file: String
    /// What went wrong.
    public var message: String
    public var description: String { "\(file): \(message)" }
}
