import HTTPTypes

extension Response {
    /// Hands the request to nginx's internal location `uri` (`X-Accel-Redirect`): the handler decides (checks
    /// access, picks the file), nginx sends the bytes, with ranges, sendfile and caching headers, while no
    /// thread of the app is busy.
    ///
    /// It needs an `internal` location in nginx, so clients cannot fetch the files directly:
    ///
    /// ```nginx
    /// location /protected/ {
    ///     internal;
    ///     alias /srv/app/private-files/;
    /// }
    /// ```
    ///
    /// nginx keeps a few of this response's headers (such as `Content-Type`, `Content-Disposition`,
    /// `Set-Cookie`, `Cache-Control`, `Expires`) and takes the status and the body from that location. nginx
    /// refuses a `uri` with `..` segments; still, never build it from unchecked client input. `uri` is sent as
    /// a URI: existing escapes are kept, spaces, controls and non-ASCII are encoded; see
    /// ``file(_:contentType:downloadName:headers:)`` for a plain path.
    public static func accelRedirect(_ uri: String, headers: Headers = [:]) -> Response {
        var headers = headers
        headers.set("X-Accel-Redirect", encodeLocation(uri))
        return Response(status: .ok, headers: headers)
    }

    /// A file served by nginx from an `internal` location (see ``accelRedirect(_:headers:)``), with an
    /// optional `Content-Type` (nginx picks one from the extension otherwise) and an optional download name
    /// (`Content-Disposition: attachment`).
    ///
    /// `path` is a plain path such as `/protected/100% done?.pdf`, not a URI: everything but unreserved
    /// characters, sub-delimiters, `:`, `@` and `/` is percent-encoded (nginx decodes it again), so a `%`, `?` or
    /// `#` in a file name names that file.
    public static func file(
        _ path: String, contentType: String? = nil, downloadName: String? = nil, headers: Headers = [:]
    ) -> Response {
        var headers = headers
        if let contentType { headers.set("Content-Type", contentType) }
        if let downloadName { headers.set("Content-Disposition", contentDisposition(attachment: downloadName)) }
        headers.set("X-Accel-Redirect", encodePath(path))
        return Response(status: .ok, headers: headers)
    }

    static func encodePath(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                output.append(byte)
            case _ where "-._~/!$&'()*+,;=:@".utf8.contains(byte):
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266).
    static func contentDisposition(attachment name: String) -> String {
        let fallback = String(
            name.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar.value != 0x7F
                    ? Character(scalar) : "_"
            })
        var value = "attachment; filename=\"\(fallback)\""
        if fallback != name { value += "; filename*=UTF-8''" + PercentDecoding.encodeURIComponent(name) }
        return value
    }
}
