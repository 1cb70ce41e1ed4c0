import Foundation

/// A CGI executable run directly, the way a CGI host runs it: a CGI environment only, the body on stdin.
public enum CGIScript {
    /// The built fixture app (route-handlers-fixture), a CGI script and FastCGI server like any app.
    public static var fixture: String { productsDirectory + "/route-handlers-fixture" }

    /// The variables a host such as lighttpd sets for `method` and `target` on a script at `scriptName`;
    /// `PATH_INFO` is what follows `scriptName` in the target's path, if anything.
    public static func environment(
        _ method: String, _ target: String, scriptName: String, scriptFilename: String, headers: [String: String] = [:]
    ) -> [String: String] {
        let path = String(target.prefix { $0 != "?" })
        var environment = [
            "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "REQUEST_URI": target,
            "QUERY_STRING": target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? "",
            "SCRIPT_NAME": scriptName, "SCRIPT_FILENAME": scriptFilename, "SERVER_NAME": "localhost",
            "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "REQUEST_SCHEME": "http",
            "PATH": "/usr/bin:/bin",
        ]
        if path.hasPrefix(scriptName + "/") {
            environment["PATH_INFO"] = String(path.dropFirst(scriptName.count)).removingPercentEncoding
        }
        for (name, value) in headers { environment[name] = value }
        return environment
    }

    /// Runs `executable` with `environment` (and nothing else), `body` on stdin with its `CONTENT_LENGTH`.
    public static func run(
        _ executable: String, environment: [String: String], body: [UInt8] = [], arguments: [String] = []
    ) async throws -> (exitStatus: Int32, response: ReceivedResponse, raw: [UInt8], error: String) {
        var environment = environment
        if !body.isEmpty { environment["CONTENT_LENGTH"] = environment["CONTENT_LENGTH"] ?? String(body.count) }
        let result = try await runCommand(executable, arguments, environment: environment, input: body, seconds: 20)
        return (result.status, try ReceivedResponse.parse(result.output), result.output, result.error)
    }
}

/// The JSON the fixture's `/echo` answers with.
public struct EchoedRequest: Decodable, Sendable {
    public var method: String
    public var pathname: String
    public var search: String
    public var headers: [[String]]
    public var body: String
    public var httpProxyVariable: String?

    public init(_ response: ReceivedResponse) throws {
        self = try JSONDecoder().decode(EchoedRequest.self, from: Data(response.body))
    }

    /// The values of the header `name`, joined as the Web API's `headers.get` would.
    public func header(_ name: String) -> String? {
        let values = headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}
