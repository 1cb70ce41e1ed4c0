/* A plain multithreaded libfcgi responder: the C ceiling the Swift backend is measured against.
 * Serves GET /api/hello with the same JSON body. Expects its listening socket on fd 0 (spawn-fcgi -s).
 * Build: cc -O2 -o hello-c hello.c -lfcgi -lpthread */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char body[] = "{\"message\":\"Hello, World!\"}";

static void *serve(void *unused) {
    (void)unused;
    FCGX_Request request;
    FCGX_InitRequest(&request, 0, 0);
    while (FCGX_Accept_r(&request) == 0) {
        const char *uri = FCGX_GetParam("REQUEST_URI", request.envp);
        if (uri && strcmp(uri, "/api/hello") == 0) {
            FCGX_FPrintF(request.out, "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                         (int)(sizeof body - 1), body);
        } else {
            FCGX_FPrintF(request.out, "Status: 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        }
        FCGX_Finish_r(&request);
    }
    return NULL;
}

int main(void) {
    int threads = getenv("THREADS") ? atoi(getenv("THREADS")) : 8;
    FCGX_Init();
    pthread_t ids[256];
    for (int i = 0; i < threads && i < 256; i++) pthread_create(&ids[i], NULL, serve, NULL);
    for (int i = 0; i < threads && i < 256; i++) pthread_join(ids[i], NULL);
    return 0;
}
