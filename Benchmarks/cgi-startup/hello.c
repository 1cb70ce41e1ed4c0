/* The C baseline: a CGI hello that reads name= from QUERY_STRING, as hello-cgi does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    const char *query = getenv("QUERY_STRING");
    const char *name = "World";
    size_t length = 5;
    if (query && strncmp(query, "name=", 5) == 0) {
        name = query + 5;
        length = strcspn(name, "&");
    }
    printf("Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n\r\nHello, %.*s!",
           length + 8, (int)length, name);
    return 0;
}
