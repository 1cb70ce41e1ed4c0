/// A strict parser of OpenMetrics 1.0 text, enough to reject what a Prometheus scraper would: metadata before a
/// family's samples, sample names that belong to their family's type, families not split, valid names, quoted and
/// escaped label values, numeric values, no blank lines, `# EOF` last.
struct OpenMetrics {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Invalid: Error, CustomStringConvertible {
        let line: Int
        let reason: String
        var description: String { "line \(line): \(reason)" }
    }

    var types: [String: String] = [:]
    var samples: [Sample] = []

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
    }

    init(parsing text: String) throws {
        guard text.hasSuffix("# EOF\n") || text.hasSuffix("# EOF") else { throw Invalid(line: 0, reason: "does not end with # EOF") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
        var current: String?
        var finished: Set<String> = []
        var sawSample = false
        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            let line = String(raw)
            if line == "# EOF" {
                guard number == lines.count else { throw Invalid(line: number, reason: "# EOF before the end") }
                break
            }
            guard !line.isEmpty else { throw Invalid(line: number, reason: "blank line") }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 3, parts[0] == "#", ["TYPE", "HELP", "UNIT"].contains(parts[1]), Self.isMetricName(parts[2]) else {
                    throw Invalid(line: number, reason: "bad metadata: \(line)")
                }
                let family = parts[2]
                if family != current {
                    if let current { finished.insert(current) }
                    guard !finished.contains(family) else { throw Invalid(line: number, reason: "family \(family) split") }
                    current = family
                    sawSample = false
                }
                guard !sawSample else { throw Invalid(line: number, reason: "metadata after samples of \(family)") }
                switch parts[1] {
                case "TYPE":
                    guard parts.count == 4,
                        ["counter", "gauge", "summary", "histogram", "unknown", "info", "stateset", "gaugehistogram"].contains(parts[3]),
                        types[family] == nil
                    else { throw Invalid(line: number, reason: "bad TYPE: \(line)") }
                    types[family] = parts[3]
                case "UNIT":
                    guard parts.count == 4, family.hasSuffix("_" + parts[3]) else {
                        throw Invalid(line: number, reason: "unit not a suffix: \(line)")
                    }
                default:
                    break
                }
                continue
            }
            let sample = try Self.sample(line, number: number)
            guard let family = current, let type = types[family] else {
                throw Invalid(line: number, reason: "sample without TYPE: \(line)")
            }
            let suffixes: [String] =
                switch type {
                case "counter": ["_total", "_created"]
                case "summary": ["_count", "_sum", "_created", ""]
                case "histogram": ["_bucket", "_count", "_sum", "_created"]
                default: [""]
                }
            guard suffixes.contains(where: { family + $0 == sample.name }) else {
                throw Invalid(line: number, reason: "\(sample.name) does not belong to \(type) \(family)")
            }
            sawSample = true
            samples.append(sample)
        }
    }

    static func isMetricName(_ name: String) -> Bool {
        func isLetter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c == "_" || c == ":") }
        guard let first = name.first, isLetter(first) else { return false }
        return name.allSatisfy { isLetter($0) || ($0.isASCII && $0.isNumber) }
    }

    private static func sample(_ line: String, number: Int) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0 != "{" && $0 != " " })
        guard isMetricName(name) else { throw Invalid(line: number, reason: "bad metric name: \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let label = String(rest.prefix { $0 != "=" })
                guard !label.isEmpty, label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
                    !(label.first?.isNumber ?? true)
                else {
                    throw Invalid(line: number, reason: "bad label name in \(line)")
                }
                rest = rest.dropFirst(label.count)
                guard rest.hasPrefix("=\"") else { throw Invalid(line: number, reason: "label value not quoted in \(line)") }
                rest = rest.dropFirst(2)
                var value = ""
                while true {
                    guard let character = rest.first else { throw Invalid(line: number, reason: "unterminated label value in \(line)") }
                    rest = rest.dropFirst()
                    if character == "\"" { break }
                    if character == "\\" {
                        guard let escaped = rest.first, "\\\"n".contains(escaped) else {
                            throw Invalid(line: number, reason: "bad escape in \(line)")
                        }
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        guard character != "\n" else { throw Invalid(line: number, reason: "raw newline in \(line)") }
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else {
                    throw Invalid(line: number, reason: "repeated label in \(line)")
                }
                if rest.first == "," {
                    rest = rest.dropFirst()
                } else if rest.first != "}" {
                    throw Invalid(line: number, reason: "bad label list in \(line)")
                }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw Invalid(line: number, reason: "no value in \(line)") }
        let fields = rest.dropFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard (1...2).contains(fields.count), let value = Double(fields[0]) else {
            throw Invalid(line: number, reason: "bad value in \(line)")
        }
        return Sample(name: name, labels: labels, value: value)
    }
}
