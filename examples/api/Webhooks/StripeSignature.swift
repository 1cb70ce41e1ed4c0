import Crypto
import RouteHandlers

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Verifies Stripe's `Stripe-Signature` header: `t=<unix time>,v1=<hex HMAC-SHA256>[,v1=…]`, where each `v1` is
/// the HMAC-SHA256 of `"<t>.<raw body>"` keyed with the endpoint's signing secret.
struct StripeSignature {
    /// Signatures older or newer than this (seconds) are refused, so a captured request cannot be replayed later.
    static let tolerance: Int64 = 300

    var timestamp: Int64
    var signatures: [[UInt8]]

    /// Parses the header. - Throws: ``HTTPError`` 400 when it is missing a timestamp or a `v1` signature.
    init(header: String) throws(HTTPError) {
        var timestamp: Int64?
        var signatures: [[UInt8]] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t": timestamp = Int64(pair[1])
            // Other schemes (v0 is Stripe's test scheme) are ignored, as Stripe's own libraries do.
            case "v1": if let bytes = Self.hexBytes(pair[1]) { signatures.append(bytes) }
            default: continue
            }
        }
        guard let timestamp else { throw HTTPError(.badRequest, "The Stripe-Signature header has no timestamp (t=…).") }
        guard !signatures.isEmpty else { throw HTTPError(.badRequest, "The Stripe-Signature header has no v1 signature.") }
        self.timestamp = timestamp
        self.signatures = signatures
    }

    /// Checks that one of the signatures is the HMAC of `payload` with `secret`, within the tolerance of `now`.
    /// - Throws: ``HTTPError`` 400 otherwise.
    func verify(payload: [UInt8], secret: String, now: Int64) throws(HTTPError) {
        guard abs(now - timestamp) <= Self.tolerance else {
            throw HTTPError(.badRequest, "The Stripe-Signature timestamp is outside the tolerance of \(Self.tolerance) seconds.")
        }
        let key = SymmetricKey(data: Array(secret.utf8))
        let signedPayload = Array("\(timestamp).".utf8) + payload
        // isValidAuthenticationCode compares in constant time: the time taken reveals nothing about the expected MAC.
        let valid = signatures.contains {
            HMAC<SHA256>.isValidAuthenticationCode($0, authenticating: signedPayload, using: key)
        }
        guard valid else { throw HTTPError(.badRequest, "No Stripe-Signature v1 signature matches the payload.") }
    }

    /// The HMAC-SHA256 signature header for `payload` (for tests and local tooling).
    static func header(payload: [UInt8], secret: String, timestamp: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(timestamp).".utf8) + payload, using: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(timestamp),v1=\(hex(Array(mac)))"
    }

    static func hexBytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Lowercase hexadecimal.
func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}
