/// The nginx configuration `dev` runs: the patterns of the repository's nginx/nginx.conf.template and
/// nginx/site.conf, embedded so that the command works from any package that depends on this one.
enum NginxConfig {
    /// The FastCGI parameters a route-handlers app rebuilds its requests from (as nginx/fastcgi_params.conf).
    static let parameters: [(String, String)] = [
        ("QUERY_STRING", "$query_string"),
        ("REQUEST_METHOD", "$request_method"),
        ("CONTENT_TYPE", "$content_type"),
        ("CONTENT_LENGTH", "$content_length"),
        ("SCRIPT_NAME", "$fastcgi_script_name"),
        ("REQUEST_URI", "$request_uri"),
        ("DOCUMENT_URI", "$document_uri"),
        ("SERVER_PROTOCOL", "$server_protocol"),
        ("REQUEST_SCHEME", "$scheme"),
        ("HTTPS", "$https if_not_empty"),
        ("GATEWAY_INTERFACE", "CGI/1.1"),
        ("SERVER_SOFTWARE", "nginx/$nginx_version"),
        ("REMOTE_ADDR", "$remote_addr"),
        ("REMOTE_PORT", "$remote_port"),
        ("SERVER_ADDR", "$server_addr"),
        ("SERVER_PORT", "$server_port"),
        ("SERVER_NAME", "$server_name"),
        // Shared with nginx's access log and sent back in 500 responses, so reports match log lines.
        ("REQUEST_ID", "$request_id"),
        // httpoxy: a client's "Proxy:" header must never reach the app as HTTP_PROXY.
        ("HTTP_PROXY", "\"\""),
    ]

    /// `fastcgi_param` lines, each indented by `indent` (the first too).
    static func fastCGIParams(indent: String) -> String {
        parameters.map { "\(indent)fastcgi_param  \($0.0.padding(toLength: 18, withPad: " ", startingAt: 0)) \($0.1);" }
            .joined(separator: "\n")
    }

    /// A whole nginx.conf for nginx in `prefix`, on 127.0.0.1:`port`, passing every request to `socket`.
    ///
    /// No keepalive to the app: every request opens a connection to the socket of the moment, so that after a
    /// reload no request goes to a socket that is about to close.
    static func render(prefix: String, port: Int, socket: String, runningAsRoot: Bool) -> String {
        """
        # Written by route-handlers dev; rewritten at each rebuild to point at the app of the moment.
        \(runningAsRoot ? "user root;" : "")
        worker_processes 1;
        pid \(prefix)/nginx.pid;
        error_log \(prefix)/error.log warn;

        events {
            worker_connections 1024;
        }

        http {
            access_log off;
            client_body_temp_path \(prefix)/client_body;
            fastcgi_temp_path \(prefix)/fastcgi_temp;
            proxy_temp_path \(prefix)/proxy_temp;
            uwsgi_temp_path \(prefix)/uwsgi_temp;
            scgi_temp_path \(prefix)/scgi_temp;
            default_type application/octet-stream;

            server {
                listen 127.0.0.1:\(port);
                server_name localhost;
                client_max_body_size 64m;

                location / {
                    fastcgi_pass unix:\(socket);
                    fastcgi_read_timeout 300s;
        \(fastCGIParams(indent: "            "))
                }
            }
        }

        """
    }
}
