import Testing
@testable import RouteHandlers

private struct Number<T: Encodable>: Encodable { var value: T }

@Suite struct JSONEncodingScalarTests {
    @Test func everyASCIIByteAndUnicode() {
        let ascii = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }
        for string in ascii { expectSameJSON(["s": string]) }
        expectSameJSON(ascii.joined())
        expectSameJSON(ascii)
        let unicode = [
            "é", "e\u{301}", "😀", "👩‍👩‍👧", "\u{2028}", "\u{2029}", "a\u{2028}b", "\u{7F}", "/", "</script>",
            "日本語", "\u{FEFF}", "\u{10FFFF}", "\u{0}\u{1F}\u{20}", "\r\n", "tab\there", "",
        ]
        for string in unicode { expectSameJSON(string) }
        expectSameJSON(unicode)
    }

    @Test func randomStrings() {
        var generator = SeededGenerator(state: 1)
        let pools: [ClosedRange<UInt32>] = [
            0...0x7F, 0...0x1F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF,
            0x10000...0x10FFFF, 0x2020...0x202F, 0x300...0x36F,
        ]
        for _ in 0..<400 {
            var string = ""
            for _ in 0..<Int.random(in: 0..<24, using: &generator) {
                let pool = pools.randomElement(using: &generator)!
                string.unicodeScalars.append(UnicodeScalar(UInt32.random(in: pool, using: &generator))!)
            }
            expectSameJSON(["k": string])
            expectSameJSON([string])
        }
    }

    @Test func integersAtEveryWidthsExtremes() {
        expectSameJSON([Int8.min, -1, 0, 1, Int8.max])
        expectSameJSON([Int16.min, Int16.max])
        expectSameJSON([Int32.min, Int32.max])
        expectSameJSON([Int64.min, Int64.max])
        expectSameJSON([Int.min, -10, 10, 99, 100, Int.max])
        expectSameJSON([UInt8.max, 0])
        expectSameJSON([UInt16.max])
        expectSameJSON([UInt32.max])
        expectSameJSON([UInt64.max, 0])
        expectSameJSON([UInt.max, 1])
        expectSameJSON(Number(value: Int8.min))
        expectSameJSON(Number(value: UInt64.max))
        expectSameJSON(Number(value: Int64.min))
        expectSameJSON(Int128.min)
        expectSameJSON([Int128.max, 0])
        expectSameJSON(Number(value: UInt128.max))
        var generator = SeededGenerator(state: 2)
        for _ in 0..<300 {
            let bits = generator.next()
            expectSameJSON(["i": Int64(bitPattern: bits) >> (bits % 64), "u": Int64(bitPattern: bits >> (bits % 60))])
        }
    }

    @Test func doubles() {
        let edges: [Double] = [
            0, -0.0, 1, -1, 1.5, 0.1, 0.2 + 0.1, 1e-7, 1e-6, 1e21, 1e22, 1e16, 1e15, 123456789012345680000,
            5e-324, -5e-324, Double.leastNormalMagnitude, Double.greatestFiniteMagnitude,
            -Double.greatestFiniteMagnitude, 9007199254740992, 9007199254740993, 100, 1e100, -1e-300,
            Double(Float(0.1)), 3.141592653589793, 2.5e-5, 1e-5, 0.0001, 1234.5678,
        ]
        for value in edges {
            expectSameJSON(value)
            expectSameJSON(Number(value: value))
        }
        expectSameJSON(edges)
        var generator = SeededGenerator(state: 3)
        var batch: [Double] = []
        while batch.count < 3000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            batch.append(value)
            expectSameJSON(Number(value: value))
        }
        expectSameJSON(batch)
    }

    @Test func floats() {
        let edges: [Float] = [0, -0.0, 0.1, 1, 1.5, 1e-7, 1e10, 3.4028235e38, 1e-45, 16777216, 16777217, 0.3, 1 / 3]
        for value in edges {
            expectSameJSON(value)
            expectSameJSON(Number(value: value))
        }
        expectSameJSON(edges)
        var generator = SeededGenerator(state: 4)
        var batch: [Float] = []
        while batch.count < 1000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            guard value.isFinite else { continue }
            batch.append(value)
            expectSameJSON(Number(value: value))
        }
        expectSameJSON(batch)
    }
}
