/*
 * Small file-system workloads for bench/run, so that the timing measures the file
 * system and not a shell loop.
 *
 *   fsops meta DIR N     create, then stat, then unlink N files in DIR; prints the seconds taken
 *   fsops create DIR N   create N empty files in DIR (set-up, not timed)
 *   fsops tree DIR D F   create D directories of F empty files each under DIR (set-up)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what, const char *path) {
    fprintf(stderr, "fsops: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void create_files(const char *dir, long n) {
    char path[4096];
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/f%06ld", dir, i);
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0) die("create", path);
        if (close(fd) != 0) die("close", path);
    }
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "meta") == 0) {
        const char *dir = argv[2];
        long n = atol(argv[3]);
        char path[4096];
        struct stat st;
        double start = now();
        create_files(dir, n);
        for (long i = 0; i < n; i++) {
            snprintf(path, sizeof path, "%s/f%06ld", dir, i);
            if (stat(path, &st) != 0) die("stat", path);
        }
        for (long i = 0; i < n; i++) {
            snprintf(path, sizeof path, "%s/f%06ld", dir, i);
            if (unlink(path) != 0) die("unlink", path);
        }
        printf("%.6f\n", now() - start);
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "create") == 0) {
        create_files(argv[2], atol(argv[3]));
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "tree") == 0) {
        char sub[4096];
        long dirs = atol(argv[3]), files = atol(argv[4]);
        for (long d = 0; d < dirs; d++) {
            snprintf(sub, sizeof sub, "%s/d%03ld", argv[2], d);
            if (mkdir(sub, 0755) != 0) die("mkdir", sub);
            create_files(sub, files);
        }
        return 0;
    }
    fprintf(stderr, "usage: fsops meta DIR N | create DIR N | tree DIR DIRS FILES\n");
    return 2;
}
