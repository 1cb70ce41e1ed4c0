#if canImport(Glibc)
import Glibc
#endif

/// The environment a CGI host started the process with, read once: its variables in order, duplicates kept.
///
/// A CGI environment cannot normally hold one name twice, but fcgiwrap behind nginx 1.22 passes a header the
/// client repeated as two variables of one name; both are kept, as the FastCGI gateway keeps both parameters.
struct CGIEnvironment {
    /// The variables in the order the host set them.
    private(set) var params: [(name: String, value: String)]

    init(params: [(name: String, value: String)]) {
        self.params = params
    }

    /// Reads the process environment.
    static func process() -> CGIEnvironment {
        var params: [(name: String, value: String)] = []
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) {
                params.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            }
            cursor += 1
        }
        return CGIEnvironment(params: params)
    }

    /// The first value of `name`.
    subscript(name: String) -> String? {
        params.first { $0.name == name }?.value
    }

    /// The last value of each name, as `[String: String]` (what option parsing and ``Application`` read).
    var dictionary: [String: String] {
        Dictionary(params.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// httpoxy (CVE-2016-5385 and friends): a client's `Proxy:` header arrives as `HTTP_PROXY`, the variable
    /// HTTP client libraries read as their proxy. Removes it from the process environment and from `params`,
    /// so that neither handler code nor a library it calls can see it, as a header or as configuration.
    mutating func removeProxyVariable() {
        unsetenv("HTTP_PROXY")
        params.removeAll { $0.name == "HTTP_PROXY" }
    }

    /// Where the script is mounted: `SCRIPT_NAME` (without a trailing `/`) when it names this script, else nil.
    ///
    /// It names the script when the host split the path into `SCRIPT_NAME` + `PATH_INFO` (a `PATH_INFO` is set),
    /// or when the request was for the script's own URL, whose last segment is the name of `SCRIPT_FILENAME`.
    /// A host that hands every path to one script with `SCRIPT_NAME` set to the whole path (nginx's default
    /// `fastcgi_params` in front of fcgiwrap) has neither, and the route then comes from `REQUEST_URI`.
    var mountPoint: String? {
        guard var scriptName = self["SCRIPT_NAME"] else { return nil }
        while scriptName.hasSuffix("/") { scriptName.removeLast() }
        guard scriptName.hasPrefix("/") else { return nil }
        if let pathInfo = self["PATH_INFO"], !pathInfo.isEmpty { return scriptName }
        guard let filename = self["SCRIPT_FILENAME"], let fileBase = filename.split(separator: "/").last,
            let scriptBase = scriptName.split(separator: "/").last, fileBase == scriptBase
        else { return nil }
        return scriptName
    }

    /// The public path of a request to a script mounted at `mount`: `pathname` as rebuilt from `REQUEST_URI`
    /// when it lies under the mount (it keeps the client's percent-encoding), else `mount` + `PATH_INFO`
    /// re-encoded (a rewrite sent another URL to the script, or the host sent no `REQUEST_URI`).
    static func pathname(_ pathname: String, fromRequestURI: Bool, mount: String, pathInfo: String?) -> String {
        if fromRequestURI, pathname == mount || pathname.hasPrefix(mount + "/") { return pathname }
        return mount + percentEncodedPath(pathInfo ?? "")
    }

    /// `PATH_INFO` arrives decoded; encodes what may not stand in a URL path (and `%`), so that the router,
    /// which decodes segments, sees each byte once.
    static func percentEncodedPath(_ path: String) -> String {
        var out = ""
        out.reserveCapacity(path.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case _ where "-._~!$&'()*+,;=:@/".utf8.contains(byte):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }
}
