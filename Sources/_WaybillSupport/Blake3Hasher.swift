import CBlake3

/// The BLAKE3 hash of a byte stream, fed in pieces: the content hash of imported files.
///
/// The hash is the specification's 32-byte default-mode output; the work is in C
/// (`Sources/CBlake3/blake3.c`), sixteen chunks at a time where the CPU has AVX-512 and eight
/// where it has AVX2.
public struct Blake3Hasher {
    /// A compression loop; every loop gives the same hash (tests compare them).
    public enum Kernel: Sendable, CaseIterable, CustomStringConvertible {
        /// One block at a time in portable C.
        case portable
        /// Eight chunks or parents at a time in AVX2 vectors.
        case avx2
        /// Sixteen chunks or parents at a time in AVX-512 vectors.
        case avx512

        var code: Int32 {
            switch self {
            case .portable: Int32(WB_BLAKE3_KERNEL_PORTABLE)
            case .avx2: Int32(WB_BLAKE3_KERNEL_AVX2)
            case .avx512: Int32(WB_BLAKE3_KERNEL_AVX512)
            }
        }

        /// The fastest loop this CPU runs.
        public static var fastest: Kernel { allCases.first { $0.code == wb_blake3_kernel() } ?? .portable }

        /// Whether this CPU runs the loop.
        public var isSupported: Bool { wb_blake3_supports(code) != 0 }

        public var description: String {
            switch self {
            case .portable: "portable"
            case .avx2: "AVX2"
            case .avx512: "AVX-512"
            }
        }
    }

    private var state = wb_blake3()

    /// Starts a hash with the fastest loop, or a given one (an unsupported loop falls back to
    /// the portable one).
    public init(kernel: Kernel = .fastest) {
        wb_blake3_init_with(&state, kernel.code)
    }

    /// Adds bytes; any split of a stream into pieces gives the same hash.
    ///
    /// - Complexity: O(*n*) in the bytes added.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        wb_blake3_update(&state, base, bytes.count)
    }

    /// The 32-byte hash of everything added so far.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        withUnsafePointer(to: state) { state in
            out.withUnsafeMutableBufferPointer { wb_blake3_finalize(state, $0.baseAddress!) }
        }
        return out
    }
}
