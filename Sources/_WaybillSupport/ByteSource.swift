import CZlib
import Foundation

/// Reads a file as a sequence of byte chunks, inflating gzip transparently.
///
/// The importers stream: no file is held whole in memory. A gzip file is recognised by its magic
/// bytes (1F 8B), not its name, so a mislabelled file is still read correctly, and a truncated or
/// corrupt gzip stream is an error naming the file, never a silently short log.
public final class ByteSource {
    /// What went wrong reading the file.
    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The file's path, as given.
    public let path: String
    /// True when the file is gzip-compressed.
    public let isGzip: Bool
    /// Bytes read from disk so far (compressed bytes for gzip).
    public private(set) var bytesRead: Int = 0
    /// The file's size on disk.
    public let fileSize: Int

    private let handle: FileHandle
    private let chunkSize: Int
    private var stream = z_stream()
    private var streamOpen = false
    private var finished = false
    private var pendingInput: [UInt8] = []
    private var inputOffset = 0

    /// Opens a file for chunked reading.
    ///
    /// - Throws: `ReadError` if the file cannot be opened.
    public init(path: String, chunkSize: Int = 1 << 22) throws {
        self.path = path
        self.chunkSize = chunkSize
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw ReadError(path: path, reason: FileManager.default.fileExists(atPath: path)
                ? "cannot be read (permissions?)" : "no such file")
        }
        handle = h
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        fileSize = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        let magic = (try? handle.read(upToCount: 2)) ?? Data()
        isGzip = magic.count == 2 && magic[magic.startIndex] == 0x1F && magic[magic.startIndex + 1] == 0x8B
        try handle.seek(toOffset: 0)
        if isGzip {
            // 15 + 32: zlib or gzip header, auto-detected.
            let rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard rc == Z_OK else { throw ReadError(path: path, reason: "cannot start gzip decoding (zlib \(rc))") }
            streamOpen = true
        }
    }

    deinit {
        if streamOpen { inflateEnd(&stream) }
        try? handle.close()
    }

    /// The next chunk of (decompressed) bytes, or nil at the end of the file.
    ///
    /// - Throws: `ReadError` for an I/O error or a corrupt or truncated gzip stream.
    public func next() throws -> [UInt8]? {
        if finished { return nil }
        if !isGzip {
            let data = try readRaw()
            if data.isEmpty {
                finished = true
                return nil
            }
            return data
        }
        var out = [UInt8](repeating: 0, count: chunkSize)
        let produced = try out.withUnsafeMutableBytes { try read(into: $0) }
        if produced == 0 { return nil }
        out.removeSubrange(produced...)
        return out
    }

    /// Fills `buffer` with the next (decompressed) bytes of the file, reading straight into it:
    /// the way to stream a file without a chunk array and a copy per chunk. Returns the number of
    /// bytes written, fewer than the buffer holds only at the end of the file, and 0 after it.
    ///
    /// - Throws: `ReadError` for an I/O error or a corrupt or truncated gzip stream.
    /// - Complexity: O(*n*) in the bytes read.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished || buffer.isEmpty { return 0 }
        if !isGzip {
            let filled = try readRaw(into: buffer)
            if filled < buffer.count { finished = true }
            return filled
        }
        let capacity = buffer.count
        let output = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var produced = 0
        while produced < capacity {
            if inputOffset >= pendingInput.count {
                pendingInput = try readRaw()
                inputOffset = 0
                if pendingInput.isEmpty {
                    throw ReadError(path: path, reason: "truncated gzip stream (the file ends before the compressed data does)")
                }
            }
            let rc: Int32 = pendingInput.withUnsafeMutableBufferPointer { input in
                stream.next_in = input.baseAddress! + inputOffset
                stream.avail_in = UInt32(input.count - inputOffset)
                stream.next_out = output + produced
                stream.avail_out = UInt32(capacity - produced)
                let rc = inflate(&stream, Z_NO_FLUSH)
                inputOffset = input.count - Int(stream.avail_in)
                produced = capacity - Int(stream.avail_out)
                return rc
            }
            if rc == Z_STREAM_END {
                // Concatenated gzip members are valid gzip: continue with the next member if any.
                if try inputOffset < pendingInput.count || !peekEOF() {
                    inflateReset(&stream)
                    continue
                }
                finished = true
                break
            }
            guard rc == Z_OK || rc == Z_BUF_ERROR else {
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw ReadError(path: path, reason: "corrupt gzip data (\(message))")
            }
        }
        return produced
    }

    private func peekEOF() throws -> Bool {
        pendingInput = try readRaw()
        inputOffset = 0
        return pendingInput.isEmpty
    }

    /// Reads the next raw chunk with read(2) straight into an array: `FileHandle.read` returns
    /// `Data`, and converting it costs a second copy of every byte.
    ///
    /// A full chunk is read into one array kept from call to call and returned as is: callers
    /// copy a chunk and drop it before asking for the next, so the array is unique again and is
    /// reused (copy-on-write makes a fresh one if a caller kept it). A fresh zeroed 4 MiB array
    /// per chunk cost the kernel's page clearing and faults on every chunk of the file.
    private func readRaw() throws -> [UInt8] {
        if rawChunk.count != chunkSize { rawChunk = [UInt8](repeating: 0, count: chunkSize) }
        let filled = try rawChunk.withUnsafeMutableBytes { try readRaw(into: $0) }
        if filled == chunkSize { return rawChunk }
        return Array(rawChunk[0..<filled])
    }

    /// Fills `buffer` from the file with read(2), fewer bytes only at its end.
    private func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let fd = handle.fileDescriptor
        var filled = 0
        while filled < buffer.count {
            let n = Foundation.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            filled += n
        }
        bytesRead += filled
        return filled
    }

    /// The array `readRaw` reads into (see there).
    private var rawChunk: [UInt8] = []

    /// Reads the whole (decompressed) file into memory; for small inputs such as OCEL JSON.
    ///
    /// - Complexity: O(*n*) in the decompressed size.
    public static func readAll(path: String) throws -> [UInt8] {
        let source = try ByteSource(path: path)
        var all: [UInt8] = []
        while let chunk = try source.next() { all.append(contentsOf: chunk) }
        return all
    }
}
