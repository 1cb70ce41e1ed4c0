import Foundation

/// Requests sent straight to a FastCGI socket with libfcgi's own `cgi-fcgi` tool.
public enum CGIFCGI {
    /// Runs `cgi-fcgi -bind -connect SOCKET` with a CGI environment built from `params`, `body` on stdin.
    public static func request(socket: String, params: [String: String], body: [UInt8] = []) async throws -> ReceivedResponse {
        var environment = params
        environment["CONTENT_LENGTH"] = environment["CONTENT_LENGTH"] ?? String(body.count)
        let result = try await runCommand("/usr/bin/cgi-fcgi", ["-bind", "-connect", socket], environment: environment, input: body)
        guard result.status == 0 else {
            throw HarnessError("cgi-fcgi failed with status \(result.status): \(result.error)")
        }
        return try ReceivedResponse.parse(result.output)
    }

    /// The parameters nginx would send for `method` and `target`.
    public static func params(_ method: String, _ target: String, headers: [String: String] = [:]) -> [String: String] {
        var params = [
            "REQUEST_METHOD": method, "REQUEST_URI": target, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
            "REQUEST_SCHEME": "http", "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "QUERY_STRING": target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? "",
        ]
        for (name, value) in headers { params[name] = value }
        return params
    }
}
