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
        var buffer = [UInt8](repeating: 0, count: 1 << 22)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ByteSource.ReadError(path: path, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of some bytes.
    public static func sha256<D: DataProtocol>(bytes: D) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex<S: Sequence>(_ digest: S) -> String where S.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
