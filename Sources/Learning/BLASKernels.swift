import CBLAS

#if canImport(Glibc)
    import Glibc
#endif

/// OpenBLAS's kernel set, and the one to ask for when it did not recognise this CPU.
///
/// OpenBLAS picks its kernels (`Haswell`, `SkylakeX`, ...) once, when the library loads, from the
/// CPU's model number, and reads the `OPENBLAS_CORETYPE` environment variable only then.
/// Debian 12's OpenBLAS 0.3.21 does not know CPU models newer than it (Emerald Rapids, model
/// 207, on these machines) and falls back to its `Prescott` kernels: SSE3 only, which makes the
/// logistic fit's `dsyrk` about three times slower than with the AVX-512 kernels the CPU has.
/// `preferredCoreType()` names the better set from the CPU's own feature flags; the `waybill`
/// command sets the variable and restarts itself once before any BLAS work (see
/// `WaybillCLI/Main.swift`).
public enum BLASKernels {
    /// The kernel set OpenBLAS chose (`openblas_get_corename`).
    public static var current: String { String(cString: openblas_get_corename()) }

    /// The kernel set to request, or nil when OpenBLAS's own choice should stand: it recognised
    /// the CPU (anything but its generic `Prescott` fallback), or the CPU lacks AVX2 and FMA.
    ///
    /// - Parameter flags: the CPU's feature flags (default: `/proc/cpuinfo`'s first `flags` line).
    /// - Complexity: O(size of the flags).
    public static func preferredCoreType(current: String = current, flags: Set<String>? = nil) -> String? {
        guard current == "Prescott" else { return nil }
        guard let flags = flags ?? cpuFlags() else { return nil }
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(flags.contains) { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The first `flags` line of `/proc/cpuinfo`, split into words (nil where there is none).
    static func cpuFlags() -> Set<String>? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            let text = String(cString: line!)
            guard text.hasPrefix("flags") else { continue }
            guard let colon = text.firstIndex(of: ":") else { return nil }
            return Set(
                text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return nil
    }
}
