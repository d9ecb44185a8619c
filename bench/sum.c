/* The machine's limit for one strided f32 column: mmap FILE (a fresh map, as
 * a new process gets), sum the little-endian float32 at OFFSET of every
 * RECSIZE-byte record into a double, single-threaded, one pass.
 *
 *     cc -O2 -o /tmp/binmap_bench_sum bench/sum.c
 *     /tmp/binmap_bench_sum FILE [RECSIZE=24] [OFFSET=20]
 *
 * Prints one line: `records N sum S seconds T GB/s G` (T and G: from just
 * before mmap to after the loop, over the whole file size). bench/run
 * compiles and times it as a whole process. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s FILE [RECSIZE=24] [OFFSET=20]\n", argv[0]);
        return 2;
    }
    size_t rec = argc > 2 ? strtoul(argv[2], NULL, 10) : 24;
    size_t off = argc > 3 ? strtoul(argv[3], NULL, 10) : 20;
    if (rec == 0 || off + 4 > rec) {
        fprintf(stderr, "bad RECSIZE/OFFSET\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        perror("fstat");
        return 1;
    }
    size_t size = (size_t)st.st_size;
    size_t n = size / rec;
    double t0 = now();
    const unsigned char *p = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    if (size && p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    double sum = 0.0;
    const unsigned char *q = p + off;
    for (size_t i = 0; i < n; i++, q += rec) {
        float f;
        memcpy(&f, q, 4); /* little-endian host assumed (x86-64, aarch64) */
        sum += f;
    }
    double t = now() - t0;
    printf("records %zu sum %.17g seconds %.6f GB/s %.3f\n", n, sum, t, t > 0 ? size / t / 1e9 : 0.0);
    return 0;
}
