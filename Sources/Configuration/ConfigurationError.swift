/// An error in a workspace's `waybill.yaml`: the file, the key (`sla.milestone`) and what to fix.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong and what would be right.
    public var message: String
    /// The config file.
    public var file: String
    /// The dotted key concerned, when there is one.
    public var key: String?

    public init(_ message: String, file: String, key: String? = nil) {
        self.message = message
        self.file = file
        self.key = key
    }

    public var description: String { file + (key.map { ": \($0)" } ?? "") + ": " + message }
}
