/* flow-tools reading speed: flows per second through flowswarm's flow
 * source, against zlib's inflate alone over the same compressed file, and
 * on an uncompressed copy this program writes next to it.
 * usage: bench_flows FILE.ft [PASSES] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common.h"
#include "ingest/source.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc(*len);
    if (fread(p, 1, *len, f) != *len) {
        perror(path);
        exit(1);
    }
    fclose(f);
    return p;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Inflates the records into a scratch buffer; returns the bytes out. */
static size_t inflate_all(const unsigned char *z, size_t zlen)
{
    static unsigned char out[1 << 18];
    z_stream zs = {0};
    inflateInit(&zs);
    zs.next_in = (unsigned char *)z;
    zs.avail_in = (uInt)zlen;
    size_t total = 0;
    int rc;
    do {
        zs.next_out = out;
        zs.avail_out = sizeof(out);
        rc = inflate(&zs, Z_NO_FLUSH);
        total += sizeof(out) - zs.avail_out;
    } while (rc == Z_OK);
    inflateEnd(&zs);
    return total;
}


int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_flows FILE.ft [PASSES]\n");
        return 2;
    }
    int passes = argc > 2 ? atoi(argv[2]) : 3;
    size_t len;
    unsigned char *file = slurp(argv[1], &len);
    if (len < 8 || file[0] != 0xcf || file[2] != 1 || file[3] != 3) {
        fprintf(stderr, "%s: expected a little-endian stream version 3 flow file\n",
                argv[1]);
        return 1;
    }
    uint32_t hlen = le32(file + 4);
    /* the uncompressed copy: the same header with the compress flag
     * cleared, then the inflated records */
    size_t rawlen = inflate_all(file + hlen, len - hlen);
    unsigned char *raw = malloc(hlen + rawlen);
    memcpy(raw, file, hlen);
    for (uint32_t off = 8; off + 4 <= hlen;) {
        unsigned t = raw[off] | raw[off + 1] << 8, l = raw[off + 2] | raw[off + 3] << 8;
        if (t == 8 && l == 4)
            raw[off + 4] &= (unsigned char)~2u;
        off += 4 + l;
    }
    z_stream zs = {0};
    inflateInit(&zs);
    zs.next_in = file + hlen;
    zs.avail_in = (uInt)(len - hlen);
    zs.next_out = raw + hlen;
    zs.avail_out = (uInt)rawlen;
    inflate(&zs, Z_FINISH);
    inflateEnd(&zs);
    char rawpath[4096];
    snprintf(rawpath, sizeof(rawpath), "%s.uncompressed", argv[1]);
    FILE *out = fopen(rawpath, "wb");
    if (!out || fwrite(raw, 1, hlen + rawlen, out) != hlen + rawlen || fclose(out)) {
        perror(rawpath);
        return 1;
    }

    unsigned long flows = 0, rawflows = 0;
    double best_inflate = 1e30, best_read = 1e30, best_raw = 1e30;
    read_all_events(rawpath, &rawflows); /* warm the page cache */
    for (int i = 0; i < passes; i++) {
        double t0 = now();
        inflate_all(file + hlen, len - hlen);
        double t = now() - t0;
        best_inflate = t < best_inflate ? t : best_inflate;
        t = read_all_events(argv[1], &flows);
        best_read = t < best_read ? t : best_read;
        t = read_all_events(rawpath, &rawflows);
        best_raw = t < best_raw ? t : best_raw;
    }
    printf("file: %s, %lu flows, %zu bytes compressed, %zu inflated (best of %d)\n",
           argv[1], flows, len, rawlen, passes);
    printf("zlib inflate alone:        %8.2f M flows/s\n", flows / best_inflate / 1e6);
    printf("flowswarm, compressed:     %8.2f M flows/s  (%.2fx inflate alone)\n",
           flows / best_read / 1e6, best_inflate / best_read);
    printf("flowswarm, uncompressed:   %8.2f M flows/s  (%lu flows, %s)\n",
           rawflows / best_raw / 1e6, rawflows, rawpath);
    free(file);
    free(raw);
    return 0;
}
