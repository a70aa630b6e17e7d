import Crypto
import Foundation

/// SHA-256 of files and bytes, as lowercase hex: import records and model hashes.
public enum FileDigest {
    /// The SHA-256 of a file's bytes as stored on disk (compressed bytes for gzip).
    ///
    /// - Complexity: O(*n*) in the file size, streaming in 4 MiB chunks.
    public static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ByteSource.ReadError(path: path, reason: "no such file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let data = try handle.read(upToCount: 1 << 22), !data.isEmpty {
            hasher.update(data: data)
        }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of some bytes.
    public static func sha256<D: DataProtocol>(bytes: D) -> String {
        hex(SHA256.hash(data: bytes))
    }

    private static func hex<S: Sequence>(_ digest: S) -> String where S.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
