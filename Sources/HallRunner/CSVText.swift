import Foundation
import HallDomain

/// CSV text built as UTF-8 bytes in one growing buffer: numbers are written digit by digit rather than
/// through `String(format:)` and string interpolation, which cost more than simulating the records.
/// `fixed4` writes what `String(format: "%.4f", x)` writes, byte for byte. One writer, one thread.
final class CSVText {
    @exclusivity(unchecked) private var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var count = 0
    @exclusivity(unchecked) private var capacity: Int

    init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Room for at least n more bytes.
    @inline(__always) private func reserve(_ n: Int) {
        guard count + n > capacity else { return }
        let grown = max(capacity * 2, count + n)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = grown
    }

    @inline(__always) private func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        reserve(b.count)
        if let p = b.baseAddress { (base + count).update(from: p, count: b.count) }
        count += b.count
    }

    func text(_ s: String) {
        var s = s
        s.withUTF8 { bytes($0) }
    }
    func text(_ s: StaticString) { s.withUTF8Buffer { bytes($0) } }
    @inline(__always) func comma() { byte(0x2C) }
    @inline(__always) func newline() { byte(0x0A) }

    @inline(__always) func int(_ v: Int) {
        reserve(21)
        if v < 0 {
            base[count] = 0x2D
            count += 1
        }
        var x = v.magnitude
        var digits = 1
        var p: UInt = 10
        while digits < 20 && x >= p {
            digits += 1
            p = p.multipliedReportingOverflow(by: 10).partialValue
        }
        var k = count + digits - 1
        repeat {
            base[k] = 0x30 + UInt8(x % 10)
            x /= 10
            k -= 1
        } while x > 0
        count += digits
    }

    /// Two digits, zero-padded.
    @inline(__always) private func two(_ v: Int) {
        reserve(2)
        base[count] = 0x30 + UInt8(v / 10 % 10)
        base[count + 1] = 0x30 + UInt8(v % 10)
        count += 2
    }

    /// `String(format: "%.4f", x)`; empty for nil. Falls back to Foundation where the fast path could
    /// round differently (a value within rounding error of a tie, or too large for exact integers).
    func fixed4(_ x: Double?) {
        guard let x else { return }
        let y = x * 10_000
        guard x.isFinite, abs(y) < 9e15, abs(y - y.rounded(.down) - 0.5) > 4e-16 * abs(y) + 1e-9 else {
            text(String(format: "%.4f", x))
            return
        }
        var n = Int(y.rounded(.toNearestOrEven))
        if n == 0 && x.sign == .minus {
            text("-0.0000" as StaticString)
            return
        }
        if n < 0 {
            byte(0x2D)
            n = -n
        }
        int(n / 10_000)
        reserve(5)
        let f = n % 10_000
        base[count] = 0x2E
        base[count + 1] = 0x30 + UInt8(f / 1000)
        base[count + 2] = 0x30 + UInt8(f / 100 % 10)
        base[count + 3] = 0x30 + UInt8(f / 10 % 10)
        base[count + 4] = 0x30 + UInt8(f % 10)
        count += 5
    }

    /// `ClockTime.format(minutes, seconds: true)`: "HH:MM:SS".
    func clock(_ minutes: Double) {
        let total = Int((minutes * 60).rounded())
        let h = total / 3600
        guard total >= 0, h < 100 else {
            text(ClockTime.format(minutes, seconds: true))
            return
        }
        two(h)
        byte(0x3A)
        two((total / 60) % 60)
        byte(0x3A)
        two(total % 60)
    }

    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    /// A catalogue's names as UTF-8 bytes, encoded once per file rather than once per row.
    struct Names {
        var profiles: [[UInt8]], items: [[UInt8]], departments: [[UInt8]], windows: [[UInt8]], staff: [[UInt8]]
        init(_ c: Catalogue) {
            func bytes(_ names: [String]) -> [[UInt8]] { names.map { Array($0.utf8) } }
            profiles = bytes(c.profiles)
            items = bytes(c.items)
            departments = bytes(c.departments)
            windows = bytes(c.windows)
            staff = bytes(c.staff)
        }
    }

    /// A catalogue name by index; nothing where the record names none (index outside the catalogue,
    /// e.g. -1: a real hall's ticket taken for a department without choosing an item).
    func name(_ names: [[UInt8]], _ index: Int32) {
        let i = Int(index)
        guard names.indices.contains(i) else { return }
        names[i].withUnsafeBufferPointer { bytes($0) }
    }
}
