/* The export's progress line. */
#include "app/progress.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, bool quiet)
{
    p->tty = isatty(STDERR_FILENO);
    p->quiet = quiet;
    p->start = p->last = progress_now();
}

static void fmt_hms(double secs, char *buf, size_t len)
{
    long s = secs < 0 ? 0 : (long)secs;
    snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}

void progress_show(struct progress *p, int64_t frame, int64_t total, int64_t clock_ns,
                   bool final)
{
    if (p->quiet)
        return;
    double t = progress_now();
    if (!final && t - p->last < (p->tty ? 0.25 : 5.0))
        return;
    p->last = t;
    double fps = (double)frame / fmax(t - p->start, 1e-6);
    char eta[32] = "?", reached[32];
    if (total > 0 && fps > 0)
        fmt_hms((double)(total - frame) / fps, eta, sizeof(eta));
    time_t secs = (time_t)(clock_ns / 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(reached, sizeof(reached), "%Y-%m-%d %H:%M:%S", &tm);
    if (!p->tty) {
        fprintf(stderr, "flowswarm: %" PRId64 "/%" PRId64 " frames, at %s, %.0f fps, ETA %s\n",
                frame, total, reached, fps, eta);
        return;
    }
    int width = 30, done = total > 0 ? (int)(width * frame / total) : 0;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < done ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r[%s] %" PRId64 "/%" PRId64 " frames  at %s  %.0f fps  ETA %s  ", bar,
            frame, total, reached, fps, eta);
    if (final)
        fputc('\n', stderr);
}
