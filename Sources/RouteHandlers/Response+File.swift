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
    /// refuses a `uri` with `..` segments; still, never build it from unchecked client input.
    public static func accelRedirect(_ uri: String, headers: Headers = [:]) -> Response {
        var headers = headers
        headers.set("X-Accel-Redirect", encodeLocation(uri))
        return Response(status: .ok, headers: headers)
    }

    /// A file served by nginx from an `internal` location (see ``accelRedirect(_:headers:)``), with an
    /// optional `Content-Type` (nginx picks one from the extension otherwise) and an optional download name
    /// (`Content-Disposition: attachment`).
    public static func file(
        _ internalURI: String, contentType: String? = nil, downloadName: String? = nil, headers: Headers = [:]
    ) -> Response {
        var headers = headers
        if let contentType { headers.set("Content-Type", contentType) }
        if let downloadName { headers.set("Content-Disposition", contentDisposition(attachment: downloadName)) }
        return accelRedirect(internalURI, headers: headers)
    }

    /// `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266).
    static func contentDisposition(attachment name: String) -> String {
        let fallback = String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar.value != 0x7F
                ? Character(scalar) : "_"
        })
        var value = "attachment; filename=\"\(fallback)\""
        if fallback != name { value += "; filename*=UTF-8''" + PercentDecoding.encodeURIComponent(name) }
        return value
    }
}
