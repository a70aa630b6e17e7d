import Crypto
import Foundation

/// Content hashes of imported files, and SHA-256 of bytes (model hashes), as lowercase hex.
public enum FileDigest {
    /// The prefix of a content hash: the algorithm's name. Stores migrated from schema version 3
    /// keep their earlier hashes as `sha256:` and a hex SHA-256.
    public static let contentHashPrefix = "blake3:"

    /// The content hash of a file's bytes as stored on disk (compressed bytes for gzip):
    /// `blake3:` and the BLAKE3 hash in hex.
    ///
    /// - Complexity: O(*n*) in the file size, streaming in 512 KiB chunks.
    public static func contentHash(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ByteSource.ReadError(path: path, reason: "no such file")
        }
        defer { try? handle.close() }
        var hasher = Blake3Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 19)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ByteSource.ReadError(path: path, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return contentHash(hasher)
    }

    /// The content hash of what `hasher` was fed.
    public static func contentHash(_ hasher: Blake3Hasher) -> String { contentHashPrefix + hex(hasher.finalize()) }

    /// The SHA-256 of some bytes.
    public static func sha256<D: DataProtocol>(bytes: D) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex<S: Sequence>(_ digest: S) -> String where S.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
