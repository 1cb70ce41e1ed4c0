import Crypto
import RouteHandlers

// Accepts bodies up to 4 GiB (this replaces the server's --max-body-size for this route) and has nginx pass them
// on as they arrive (fastcgi_request_buffering off in the generated include).
let bodyLimit = "4g"
let requestBuffering = false

/// POST /api/upload: streams any body, hashing it as it arrives, and answers `{"size":N,"sha256":"<hex>"}`.
/// Memory stays flat whatever the size: chunks are hashed and dropped, and the server stops reading from nginx
/// while the hash is behind.
func POST(_ request: Request) async throws -> Response {
    var hash = SHA256()
    var size = 0
    for try await chunk in request.bodyChunks {
        hash.update(data: chunk)
        size += chunk.count
    }
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    for byte in hash.finalize() {
        hex += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }
    // Written by hand: the contract puts "size" first (the JSON encoder sorts keys).
    let body = #"{"size":\#(size),"sha256":"\#(String(decoding: hex, as: UTF8.self))"}"#
    return .text(body, headers: ["Content-Type": "application/json"])
}
