import Foundation

/// Numbers written with a fixed count of decimals, the bytes `String(format: "%.Nf", x)` gives,
/// without going through Foundation's formatter (about twenty times slower) for each of
/// millions of cells.
public enum FixedDecimal {
    /// Appends `x` with `digits` decimals (0...9) to `out`, exactly as `%.{digits}f` writes it.
    ///
    /// The value is scaled and rounded in binary floating point; when the scaled value lies so
    /// close to a rounding tie that the product's own rounding could matter, or when it is too
    /// large for the fast path, it is formatted by `String(format:)` instead, so the bytes are
    /// always the C library's.
    ///
    /// - Complexity: O(digits of x).
    public static func append(_ x: Double, digits: Int, to out: inout [UInt8]) {
        precondition((0...9).contains(digits), "0 to 9 decimals")
        var power = 1
        for _ in 0..<digits { power *= 10 }
        let magnitude = x.magnitude
        let scaled = magnitude * Double(power)
        let fraction = scaled - scaled.rounded(.down)
        guard x.isFinite, scaled < 1e15, abs(fraction - 0.5) > 2 * scaled.ulp else {
            out.append(contentsOf: String(format: "%.\(digits)f", x).utf8)
            return
        }
        if x.sign == .minus { out.append(UInt8(ascii: "-")) }
        let rounded = Int(scaled.rounded())
        appendDigits(rounded / power, minimumWidth: 1, to: &out)
        if digits > 0 {
            out.append(UInt8(ascii: "."))
            appendDigits(rounded % power, minimumWidth: digits, to: &out)
        }
    }

    /// `x` with `digits` decimals as a `String`; the same text as `String(format: "%.Nf", x)`.
    public static func string(_ x: Double, digits: Int) -> String {
        var bytes: [UInt8] = []
        append(x, digits: digits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the decimal digits of `v` ≥ 0, left-padded with zeros to `minimumWidth`.
    public static func appendDigits(_ v: Int, minimumWidth: Int, to out: inout [UInt8]) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for any Int
        withUnsafeMutableBytes(of: &buffer) { raw in
            var i = raw.count
            var rest = v
            repeat {
                i -= 1
                raw[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            while raw.count - i < minimumWidth && i > 0 {
                i -= 1
                raw[i] = UInt8(ascii: "0")
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i...]))  // a contiguous copy
        }
    }
}
