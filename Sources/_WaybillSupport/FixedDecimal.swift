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
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // maximumFastBytes
        let written: Void? = withUnsafeMutableBytes(of: &buffer) { raw in
            let start = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return write(x, digits: digits, to: start).map { count in
                out.append(contentsOf: UnsafeRawBufferPointer(start: start, count: count))
            }
        }
        if written == nil { out.append(contentsOf: String(format: "%.\(digits)f", x).utf8) }
    }

    /// The most bytes `write` writes.
    public static let maximumFastBytes = 32

    /// Writes `x` with `digits` decimals (0...9) at `out` as `%.{digits}f` does and returns the
    /// count of bytes (at most `maximumFastBytes`), or writes nothing and returns nil when the
    /// value needs the C library (near a rounding tie, too large, not finite): `append` then
    /// uses `String(format:)`.
    ///
    /// Inlinable, so a caller's constant `digits` makes the scale a constant.
    ///
    /// - Complexity: O(digits of x).
    @inlinable
    public static func write(_ x: Double, digits: Int, to out: UnsafeMutablePointer<UInt8>) -> Int? {
        precondition((0...9).contains(digits), "0 to 9 decimals")
        var power = 1
        for _ in 0..<digits { power *= 10 }
        let magnitude = x.magnitude
        let scaled = magnitude * Double(power)
        let fraction = scaled - scaled.rounded(.down)
        guard x.isFinite, scaled < 1e15, abs(fraction - 0.5) > 2 * scaled.ulp else { return nil }
        var at = out
        if x.sign == .minus {
            at.pointee = UInt8(ascii: "-")
            at += 1
        }
        let rounded = Int(scaled.rounded())
        at += writeDigits(rounded / power, minimumWidth: 1, to: at)
        if digits > 0 {
            at.pointee = UInt8(ascii: ".")
            at += 1
            at += writeDigits(rounded % power, minimumWidth: digits, to: at)
        }
        return at - out
    }

    /// `x` with `digits` decimals as a `String`; the same text as `String(format: "%.Nf", x)`.
    public static func string(_ x: Double, digits: Int) -> String {
        var bytes: [UInt8] = []
        append(x, digits: digits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the decimal digits of `v` ≥ 0, left-padded with zeros to `minimumWidth` (≤ 20).
    public static func appendDigits(_ v: Int, minimumWidth: Int, to out: inout [UInt8]) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for any Int
        withUnsafeMutableBytes(of: &buffer) { raw in
            let start = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let count = writeDigits(v, minimumWidth: minimumWidth, to: start)
            out.append(contentsOf: UnsafeRawBufferPointer(start: start, count: count))  // a contiguous copy
        }
    }

    /// Writes the decimal digits of `v` ≥ 0, left-padded with zeros to `minimumWidth` (≤ 20), at
    /// `out`; returns their count.
    ///
    /// The digits are counted first, then written in place from the right, two at a time from a
    /// table of "00"..."99" (one division per pair; the padding zeros come out as pairs of the
    /// exhausted value). No scratch buffer and no copy: a call to `memmove` per number cost more
    /// than the digits.
    ///
    /// - Complexity: O(digits).
    @inlinable
    public static func writeDigits(_ v: Int, minimumWidth: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var rest = UInt64(v)
        var digits = 1
        var t = rest
        while t >= 100 {
            t /= 100
            digits += 2
        }
        if t >= 10 { digits += 1 }
        let count = max(digits, minimumWidth)
        var i = count
        while i >= 2 {
            let pair = Int(rest % 100)
            rest /= 100
            i -= 2
            out[i] = pairDigits[2 * pair]
            out[i + 1] = pairDigits[2 * pair + 1]
        }
        if i == 1 { out[0] = UInt8(ascii: "0") + UInt8(rest % 10) }
        return count
    }

    /// "00", "01", … "99", as 200 bytes: a literal's, so nothing is initialised on first use.
    @inlinable
    static var pairDigits: UnsafePointer<UInt8> {
        let digits: StaticString = """
            0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
            5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899
            """
        return digits.utf8Start
    }
}
