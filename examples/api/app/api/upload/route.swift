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
    let (size, digest) = try await UploadDigest.of(request.bodyChunks)
    // Written by hand: the contract puts "size" first (the JSON encoder sorts keys).
    return .text(#"{"size":\#(size),"sha256":"\#(digest)"}"#, headers: ["Content-Type": "application/json"])
}

/// The size and SHA-256 of a body (or of a multipart part, in `multipart/route.swift`), hashed chunk by chunk as it
/// arrives. `internal`, so that other route files see it.
internal enum UploadDigest {
    static func of<Chunks: AsyncSequence>(_ chunks: Chunks) async throws -> (size: Int, hex: String) where Chunks.Element == [UInt8] {
        var hash = SHA256()
        var size = 0
        var iterator = chunks.makeAsyncIterator()
        while let chunk = try await iterator.next() {
            chunk.withUnsafeBytes { hash.update(bufferPointer: $0) }
            size += chunk.count
        }
        return (size, hex(Array(hash.finalize())))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
