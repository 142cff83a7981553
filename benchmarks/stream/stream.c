/* STREAM-like bandwidth of this machine for one thread, float32, for the GB/s column of docs/PERFORMANCE.md.
 *
 *   cc -O3 -march=native -o stream benchmarks/stream/stream.c && ./stream [SIZE ...] > stream.json
 *
 * Kernels (McCalpin's names): copy c = a; scale b = s*c; add c = a + b; triad a = b + s*c. GB/s counts the bytes
 * each kernel must read and write (4 per float per array touched, no write-allocate), from the best of REPS runs
 * (each run loops until it lasts >= 2 ms). Arrays are 64-byte aligned and warmed first. Output: one JSON object
 * {"gbps": {"<size>": {"copy": x, ...}}, "ns": {...}}. Default size: 1,000,000 (4 MB per array, the size of the
 * memory-bound cells in the table; on this machine's 32 MiB L3 it runs from the cache, as the benches do).
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPS 30

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static volatile float sink;

static double best_ns(int kernel, float *a, float *b, float *c, long n) {
    const float s = 1.5f;
    double best = 1e30;
    for (int r = 0; r < REPS; r++) {
        long iters = 0;
        double t0 = now(), el;
        do {
            switch (kernel) {
            case 0: for (long i = 0; i < n; i++) c[i] = a[i]; break;
            case 1: for (long i = 0; i < n; i++) b[i] = s * c[i]; break;
            case 2: for (long i = 0; i < n; i++) c[i] = a[i] + b[i]; break;
            default: for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i]; break;
            }
            __asm__ __volatile__("" ::: "memory");
            iters++;
            el = now() - t0;
        } while (el < 2e-3);
        double ns = el * 1e9 / (double)iters;
        if (ns < best) best = ns;
    }
    sink = a[n / 2] + b[n / 3] + c[n - 1];
    return best;
}

int main(int argc, char **argv) {
    static const char *names[4] = {"copy", "scale", "add", "triad"};
    static const int arrays[4] = {2, 2, 3, 3};
    int nsizes = argc > 1 ? argc - 1 : 1;
    printf("{\"gbps\": {");
    for (int k = 0; k < nsizes; k++) {
        long n = argc > 1 ? atol(argv[k + 1]) : 1000000;
        if (n <= 0) { fprintf(stderr, "stream: bad size '%s'\n", argv[k + 1]); return 2; }
        float *a = aligned_alloc(64, ((size_t)n * 4 + 63) / 64 * 64);
        float *b = aligned_alloc(64, ((size_t)n * 4 + 63) / 64 * 64);
        float *c = aligned_alloc(64, ((size_t)n * 4 + 63) / 64 * 64);
        if (!a || !b || !c) { fprintf(stderr, "stream: out of memory for %ld floats\n", n); return 1; }
        for (long i = 0; i < n; i++) { a[i] = 1.0f; b[i] = 2.0f; c[i] = 0.5f; }
        printf("%s\"%ld\": {", k ? ", " : "", n);
        for (int j = 0; j < 4; j++) {
            double ns = best_ns(j, a, b, c, n);
            printf("%s\"%s\": %.2f", j ? ", " : "", names[j], (double)arrays[j] * 4.0 * (double)n / ns);
        }
        printf("}");
        free(a); free(b); free(c);
    }
    printf("}}\n");
    return 0;
}
