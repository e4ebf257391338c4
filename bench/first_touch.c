/* Time of the first write to fresh anonymous memory, in transparent huge pages
 * (madvise MADV_HUGEPAGE) or in 4 KiB pages: why the CLI and the allocator keep
 * huge pages off (docs/performance.md, stop 39). Linux only.
 *
 *   cc -O2 bench/first_touch.c -o first_touch
 *   ./first_touch 64 1    # 64 MiB, huge pages
 *   ./first_touch 64 0    # 64 MiB, 4 KiB pages
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s MIB HUGE(0|1)\n", argv[0]);
        return 2;
    }
    size_t mib = strtoul(argv[1], NULL, 10), n = mib << 20, huge2m = (size_t)2 << 20;
    int huge = atoi(argv[2]);
    char *raw = mmap(NULL, n + huge2m, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    /* aligned to 2 MiB, so that every huge page can be one */
    char *p = (char *)(((size_t)raw + huge2m - 1) & ~(huge2m - 1));
    if (madvise(p, n, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0)
        perror("madvise");
    double t = now();
    for (size_t i = 0; i < n; i += 4096)
        p[i] = 1;
    double d = now() - t;
    printf("%zu MiB, %s: first touch %.1f ms (%.2f GB/s)\n", mib,
           huge ? "huge pages" : "4 KiB pages", d * 1e3, mib / 1024.0 / d);
    return 0;
}
