/* The names stage, and following the --names files. */
#include "app/learn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analyze/namelog.h"
#include "base/xalloc.h"

enum { LINE_MAX_LEN = 4096 };

struct name_file {
    const char *path;
    FILE *fp;
    dev_t dev;
    ino_t ino;
    off_t offset;             /* bytes read, up to the last whole line */
    struct namelog *log;
    char line[LINE_MAX_LEN + 1]; /* a line not yet ended */
    size_t nline;
    bool overlong;            /* the line under way is past LINE_MAX_LEN */
    uint64_t lines, names, unknown;
};

struct learn {
    struct names *names;
    bool packets;
    struct name_file *files;
    size_t nfiles;
    int64_t next_poll; /* monotonic ns */
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void learn_line(void *ctx, const struct addr *a, const char *name, size_t len)
{
    struct learn *l = ctx;
    names_learn(l->names, a, name, len, NAME_LOG, now_ns());
}

static void one_line(struct learn *l, struct name_file *f)
{
    f->lines++;
    int got = f->overlong ? -1 : namelog_line(f->log, f->line, f->nline, learn_line, l);
    if (got < 0)
        f->unknown++;
    else
        f->names += (uint64_t)got;
    f->nline = 0;
    f->overlong = false;
}

/* Reads from the offset to the end; a last line without its newline
 * waits for the rest. */
static void read_file(struct learn *l, struct name_file *f)
{
    char buf[65536];
    size_t n;
    clearerr(f->fp);
    while ((n = fread(buf, 1, sizeof(buf), f->fp)) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                one_line(l, f);
                continue;
            }
            if (f->nline < LINE_MAX_LEN)
                f->line[f->nline++] = buf[i];
            else
                f->overlong = true;
        }
        f->offset += (off_t)n;
    }
}

static bool open_file(struct name_file *f, char *err, size_t errlen)
{
    struct stat st;
    if (!(f->fp = fopen(f->path, "r")) || fstat(fileno(f->fp), &st) != 0) {
        snprintf(err, errlen, "--names %s: %s", f->path, strerror(errno));
        if (f->fp)
            fclose(f->fp);
        f->fp = NULL;
        return false;
    }
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->offset = 0;
    f->nline = 0;
    f->overlong = false;
    namelog_destroy(f->log);
    f->log = namelog_create();
    return true;
}

bool learn_create(const struct options *o, struct learn **out, char *err, size_t errlen)
{
    *out = NULL;
    if (o->no_names && !o->nname_files)
        return true;
    struct learn *l = xcalloc(1, sizeof(*l));
    l->names = names_create(0);
    l->packets = !o->no_names;
    l->files = xcalloc(o->nname_files ? o->nname_files : 1, sizeof(*l->files));
    for (size_t i = 0; i < o->nname_files; i++) {
        struct name_file *f = &l->files[l->nfiles++];
        f->path = o->name_files[i];
        if (!open_file(f, err, errlen)) {
            learn_destroy(l);
            return false;
        }
        read_file(l, f);
        if (!f->names && f->unknown && !o->quiet)
            fprintf(stderr, "flowswarm: --names %s: none of its %llu lines is in a form "
                            "flowswarm reads (dnsmasq's log-queries, Zeek's dns.log, "
                            "resource records, a hosts file)\n",
                    f->path, (unsigned long long)f->lines);
    }
    l->next_poll = now_ns() + 500000000;
    *out = l;
    return true;
}

void learn_destroy(struct learn *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nfiles; i++) {
        if (l->files[i].fp)
            fclose(l->files[i].fp);
        namelog_destroy(l->files[i].log);
    }
    free(l->files);
    names_destroy(l->names);
    free(l);
}

bool learn_from_packets(const struct learn *l)
{
    return l && l->packets;
}

/* More of one file: the open stream while the path still leads to it (or
 * cannot be looked at, as after giving up root), else the path again. */
static void poll_file(struct learn *l, struct name_file *f)
{
    struct stat st, now;
    char err[256];
    bool have_path = stat(f->path, &st) == 0;
    if (f->fp && (!have_path || (st.st_dev == f->dev && st.st_ino == f->ino))) {
        if (fstat(fileno(f->fp), &now) != 0)
            return;
        if (now.st_size < f->offset) { /* cut short: read again from the start */
            rewind(f->fp);
            f->offset = 0;
            f->nline = 0;
            f->overlong = false;
            namelog_destroy(f->log);
            f->log = namelog_create();
        }
        if (now.st_size > f->offset)
            read_file(l, f);
        return;
    }
    if (!have_path) /* rotated away: the new one comes */
        return;
    if (f->fp)
        fclose(f->fp);
    if (open_file(f, err, sizeof(err))) /* a new file at the path */
        read_file(l, f);
}

void learn_poll(struct learn *l)
{
    if (!l || !l->nfiles || now_ns() < l->next_poll)
        return;
    l->next_poll = now_ns() + 500000000;
    for (size_t i = 0; i < l->nfiles; i++)
        poll_file(l, &l->files[i]);
}

void learn_take(void *ctx, const struct event *ev)
{
    struct learn *l = ctx;
    names_take(l->names, ev);
}

const struct names *learn_names(const struct learn *l)
{
    return l ? l->names : NULL;
}

const char *learn_name_of(void *ctx, const struct addr *a)
{
    const struct learn *l = ctx;
    return l ? names_get(l->names, a, NULL) : NULL;
}
