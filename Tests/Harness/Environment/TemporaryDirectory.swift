import Foundation

/// A directory under /tmp for one test's sockets and configs, removed afterwards. Paths stay short: unix
/// socket paths are limited to 107 bytes.
public struct TemporaryDirectory: ~Copyable, Sendable {
    public let path: String

    public init() throws {
        var template = Array("/tmp/rh-test.XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        path = String(cString: result)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

public struct HarnessError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
