import Foundation

/// HTTP requests through curl, a real client.
public enum Curl {
    /// Sends one request and returns the response as received.
    public static func request(
        _ url: String, method: String = "GET", headers: [String] = [], body: [UInt8]? = nil, seconds: Int = 10
    ) async throws -> ReceivedResponse {
        var arguments = ["-s", "-i", "--max-time", String(seconds), "-X", method, "-H", "Expect:"]
        if method == "HEAD" { arguments = ["-s", "-i", "--max-time", String(seconds), "-I"] }
        for header in headers { arguments += ["-H", header] }
        if body != nil { arguments += ["--data-binary", "@-"] }
        arguments.append(url)
        let result = try await runCommand("/usr/bin/curl", arguments, input: body, seconds: Double(seconds) + 5)
        guard result.status == 0 else {
            throw HarnessError("curl \(url) failed with status \(result.status): \(result.error)")
        }
        return try ReceivedResponse.parse(result.output)
    }
}
