/* Times CGI programs end to end, fork+exec to exit, interleaved: each round runs every program once, in a
 * rotating order, so that a shared machine's changing load falls on all of them alike.
 * Usage: driver ROUNDS WARMUP LABEL=PATH ...   (environment: the CGI variables every program gets)
 * A LABEL starting with '!' runs its program with only PATH set (no CGI environment) and any exit status.
 * Prints a Markdown table: median, mean, min and 90th percentile in milliseconds. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>

extern char **environ;

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: driver ROUNDS WARMUP LABEL=PATH ...\n"); return 64; }
    int rounds = atoi(argv[1]), warmup = atoi(argv[2]), count = argc - 3;
    char **labels = calloc(count, sizeof *labels), **paths = calloc(count, sizeof *paths);
    double *times = calloc((size_t)count * rounds, sizeof *times);
    for (int i = 0; i < count; i++) {
        char *equals = strchr(argv[i + 3], '=');
        if (!equals) { fprintf(stderr, "expected LABEL=PATH: %s\n", argv[i + 3]); return 64; }
        *equals = 0;
        labels[i] = argv[i + 3];
        paths[i] = equals + 1;
    }
    char *bare[] = {"PATH=/usr/bin:/bin", NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    for (int round = 0; round < warmup + rounds; round++) {
        for (int k = 0; k < count; k++) {
            int i = (round + k) % count;
            int noCGI = labels[i][0] == '!';
            char *args[] = {paths[i], NULL};
            struct timespec start, end;
            pid_t pid;
            int status;
            clock_gettime(CLOCK_MONOTONIC, &start);
            if (posix_spawn(&pid, paths[i], &actions, NULL, args, noCGI ? bare : environ) != 0) { perror(paths[i]); return 1; }
            waitpid(pid, &status, 0);
            clock_gettime(CLOCK_MONOTONIC, &end);
            if (!noCGI && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) { fprintf(stderr, "%s failed\n", paths[i]); return 1; }
            if (round >= warmup)
                times[(size_t)i * rounds + (round - warmup)] = (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6;
        }
    }
    printf("| Program | Median [ms] | Mean [ms] | Min [ms] | p90 [ms] |\n|:---|---:|---:|---:|---:|\n");
    for (int i = 0; i < count; i++) {
        double *t = times + (size_t)i * rounds, sum = 0;
        qsort(t, rounds, sizeof *t, compare);
        for (int r = 0; r < rounds; r++) sum += t[r];
        printf("| %s | %.2f | %.2f | %.2f | %.2f |\n", labels[i][0] == '!' ? labels[i] + 1 : labels[i],
               t[rounds / 2], sum / rounds, t[0], t[(int)(rounds * 0.9)]);
    }
    return 0;
}
