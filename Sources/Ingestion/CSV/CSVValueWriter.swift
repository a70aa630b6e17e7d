import Storage
import _WaybillSupport

/// Writes typed CSV cells straight into attribute JSON bytes, the way `AttributeJSON` would
/// encode `CSVImporter.typedValue` of the cell, without building `String`s or `AttributeValue`s.
///
/// The hot path of CSV ingest: every attribute cell of every row passes through here.
enum CSVValueWriter {
    /// The bytes that open a date value: `{"$date":"`.
    static let dateOpen: [UInt8] = Array(#"{"$date":""#.utf8)

    /// Appends the cell's typed JSON value.
    ///
    /// - Complexity: O(*n*) in the cell's length.
    @inline(__always)
    static func appendValue(_ b: UnsafeBufferPointer<UInt8>, to out: inout JSONBytes) {
        let n = b.count
        let first = b[0]
        // Dates with a zone.
        if n >= 19, b[4] == 0x2D, b[7] == 0x2D, first >= 0x30, first <= 0x39, let parsed = Timestamp.parseISO(b), parsed.hasZone {
            // `{"$date":"<Timestamp.format>"}`, written in place.
            out.append(contentsOf: CSVValueWriter.dateOpen)
            out.append(upTo: Timestamp.maximumBytes) { Timestamp.write(parsed.micros, to: $0) }
            out.append(0x22)
            out.append(0x7D)
            return
        }
        // Booleans.
        if first == 0x74 || first == 0x66 || first == 0x54 || first == 0x46 {
            if b.equals("true") || b.equals("True") || b.equals("TRUE") { out.append(contentsOf: [0x74, 0x72, 0x75, 0x65]); return }
            if b.equals("false") || b.equals("False") || b.equals("FALSE") { out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]); return }
            appendString(b, to: &out)
            return
        }
        // Numbers: the rules of `AttributeValue.infer`.
        if first == 0x2D || first == 0x2E || (first >= 0x30 && first <= 0x39) {
            let bodyStart = first == 0x2D ? 1 : 0
            let bodyCount = n - bodyStart
            if bodyCount > 1 && b[bodyStart] == 0x30 && b[bodyStart + 1] != 0x2E {
                appendString(b, to: &out)  // a leading zero: an identifier, not a number
                return
            }
            var allDigits = bodyCount > 0
            for i in bodyStart..<n where b[i] < 0x30 || b[i] > 0x39 {
                allDigits = false
                break
            }
            // Up to 18 digits always fit an Int64: the cell is its own JSON number.
            if allDigits && bodyCount <= 18 {
                out.appendShort(b)
                return
            }
            if !allDigits && appendPlainDecimal(b, bodyStart: bodyStart, to: &out) { return }
            let text = String(decoding: b, as: UTF8.self)
            if allDigits {
                if Int64(text) != nil { out.append(contentsOf: b) } else { appendString(b, to: &out) }
                return
            }
            if let v = Double(text), v.isFinite {
                out.append(contentsOf: Array(AttributeValue.format(v).utf8))
                return
            }
        }
        appendString(b, to: &out)
    }

    /// Appends a plain decimal `-?D+.D+` the way `AttributeValue.format(Double(text))` writes it,
    /// without parsing a `Double` or formatting one; false (nothing written) for any other form.
    ///
    /// Only forms whose shortest round-trip spelling is the text itself minus trailing fraction
    /// zeros are taken: at most 15 significant digits (every such decimal is the shortest spelling
    /// of its nearest double), an integer part of at most 9 digits and no leading zero (so Swift
    /// prints no exponent), a nonzero integer part or a fraction starting with a nonzero digit (so
    /// the value is at least 0.1), and a fraction that is not all zeros (whole numbers are written
    /// `n.0` by another rule). Everything else takes the general path.
    ///
    /// - Complexity: O(*n*) in the cell's length.
    @inline(__always)
    static func appendPlainDecimal(_ b: UnsafeBufferPointer<UInt8>, bodyStart: Int, to out: inout JSONBytes) -> Bool {
        let n = b.count
        var i = bodyStart
        while i < n, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
        let intDigits = i - bodyStart
        guard intDigits >= 1, intDigits <= 9, i < n, b[i] == 0x2E else { return false }
        let dot = i
        i += 1
        var lastNonZero = -1
        while i < n, b[i] >= 0x30, b[i] <= 0x39 {
            if b[i] != 0x30 { lastNonZero = i }
            i += 1
        }
        guard i == n, n - dot - 1 >= 1, lastNonZero > dot else { return false }
        let intIsZero = intDigits == 1 && b[bodyStart] == 0x30
        if intIsZero {
            guard b[dot + 1] != 0x30, lastNonZero - dot <= 15 else { return false }
        } else {
            guard intDigits + (lastNonZero - dot) <= 15 else { return false }
        }
        out.appendShort(UnsafeBufferPointer(rebasing: b[0...lastNonZero]))
        return true
    }

    /// The high bit of each byte of `w` that JSON must escape: a control byte, a quote or a
    /// backslash (exact as a test for any; bytes of 0x80 and above, UTF-8, never match).
    @inline(__always)
    static func escapeBits(_ w: UInt64) -> UInt64 {
        let control = (w &- 0x2020_2020_2020_2020) & ~w
        let quote = ((w ^ 0x2222_2222_2222_2222) &- 0x0101_0101_0101_0101) & ~(w ^ 0x2222_2222_2222_2222)
        let backslash = ((w ^ 0x5C5C_5C5C_5C5C_5C5C) &- 0x0101_0101_0101_0101) & ~(w ^ 0x5C5C_5C5C_5C5C_5C5C)
        return (control | quote | backslash) & 0x8080_8080_8080_8080
    }

    /// Whether any of the `n` ≤ 16 bytes at `base` needs escaping, read as two overlapping words
    /// (short strings padded with `A`s, which need none).
    @inline(__always)
    static func needsEscape(short base: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let raw = UnsafeRawPointer(base)
        let w0: UInt64
        let w1: UInt64
        if n >= 8 {
            w0 = raw.loadUnaligned(as: UInt64.self)
            w1 = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 {
            w0 = UInt64(raw.loadUnaligned(as: UInt32.self)) | UInt64(raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)) &<< 32
            w1 = w0
        } else if n > 0 {
            w0 = UInt64(base[0]) | UInt64(base[n &>> 1]) &<< 8 | UInt64(base[n &- 1]) &<< 16 | 0x4141_4141_4100_0000
            w1 = w0
        } else {
            return false
        }
        return escapeBits(w0) | escapeBits(w1) != 0
    }

    /// Appends a JSON string literal of UTF-8 bytes.
    ///
    /// Runs of bytes that need no escaping are copied whole, found eight bytes a step: a word
    /// with no control byte, quote or backslash is skipped with one test (`escapeBits`).
    ///
    /// - Complexity: O(*n*).
    @inline(__always)
    static func appendString(_ b: UnsafeBufferPointer<UInt8>, to out: inout JSONBytes) {
        let n = b.count
        // Up to 16 bytes with nothing to escape, nearly every text cell: one test over two
        // overlapping words, then quote, bytes and quote in one append.
        if n <= 16, let base = b.baseAddress, !needsEscape(short: base, n) {
            out.append(upTo: 18) { to in
                to[0] = 0x22
                JSONBytes.copyShort(base, n, to: to + 1)
                to[n &+ 1] = 0x22
                return n &+ 2
            }
            return
        }
        out.append(0x22)
        var run = 0
        var i = 0
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i < n {
                if i &+ 8 <= n && escapeBits(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) == 0 {
                    i &+= 8
                    continue
                }
                let c = base[i]
                if c >= 0x20 && c != 0x22 && c != 0x5C {
                    i &+= 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
                run = i + 1
                switch c {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(0x6E)
                case 0x0D: out.append(0x5C); out.append(0x72)
                case 0x09: out.append(0x5C); out.append(0x74)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
                }
                i &+= 1
            }
        }
        out.appendShort(UnsafeBufferPointer(rebasing: b[run..<n]))
        out.append(0x22)
    }
}
