/* Name log lines: split into words, each form tried in turn. Nothing is
 * trusted: a word longer than a name, a field past the header's count
 * or a string that does not end is a line that names nothing. */
#include "analyze/namelog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xalloc.h"

enum {
    NAME_MAX_LEN = 253,
    LINE_MAX_LEN = 4096, /* longer lines name nothing */
    WORDS = 32,
    CNAMES = 16,         /* CNAMEs of a zone-form file remembered */
    ZEEK_FIELDS = 64
};

struct cname {
    char owner[NAME_MAX_LEN + 1], target[NAME_MAX_LEN + 1];
};

struct namelog {
    char head[NAME_MAX_LEN + 1]; /* dnsmasq: the name a CNAME chain began at */
    struct cname cn[CNAMES];
    unsigned ncn;
    /* Zeek's TSV header */
    char sep, set_sep;
    char empty[32], unset[32];
    int query, answers; /* field indexes; -1: no #fields yet */
};

struct namelog *namelog_create(void)
{
    struct namelog *l = xcalloc(1, sizeof(*l));
    l->sep = '\t';
    l->set_sep = ',';
    strcpy(l->empty, "(empty)");
    strcpy(l->unset, "-");
    l->query = l->answers = -1;
    return l;
}

void namelog_destroy(struct namelog *l)
{
    free(l);
}

/* A host name as labels show it: printable, no spaces, the root's dot
 * dropped. Copies it to out; false when it is not one. */
static bool host_name(const char *s, size_t n, char *out)
{
    if (n && s[n - 1] == '.')
        n--;
    if (n == 0 || n > NAME_MAX_LEN)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\')
            return false;
        out[i] = (char)c;
    }
    out[n] = 0;
    struct addr a;
    return !addr_parse(out, &a); /* an address is not a name */
}

/* Splits s (modified) at spaces and tabs. */
static int words(char *s, char **w)
{
    int n = 0;
    for (char *p = s; *p && n < WORDS;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        w[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = 0;
    }
    return n;
}

static void give(const struct addr *a, const char *name, namelog_found_fn found, void *ctx,
                 int *got)
{
    found(ctx, a, name, strlen(name));
    ++*got;
}

/* ---- dnsmasq ---- */

/* "reply NAME is VALUE" (or cached, config, a hosts file's path): 1 and
 * the names given in *got; 0 when the line is not one. */
static int dnsmasq(struct namelog *l, char **w, int n, namelog_found_fn found, void *ctx,
                   int *got)
{
    for (int i = 0; i + 3 < n; i++) {
        const char *kind = w[i];
        if (strcmp(w[i + 2], "is") != 0 ||
            !(strcmp(kind, "reply") == 0 || strcmp(kind, "cached") == 0 ||
              strcmp(kind, "config") == 0 || kind[0] == '/'))
            continue;
        char name[NAME_MAX_LEN + 1];
        struct addr a;
        if (!host_name(w[i + 1], strlen(w[i + 1]), name)) {
            l->head[0] = 0;
            return 1;
        }
        if (strcmp(w[i + 3], "<CNAME>") == 0) {
            if (!l->head[0])
                strcpy(l->head, name);
            return 1;
        }
        if (addr_parse(w[i + 3], &a))
            give(&a, l->head[0] ? l->head : name, found, ctx, got);
        else
            l->head[0] = 0; /* NXDOMAIN, NODATA...: the chain ends */
        return 1;
    }
    return 0;
}

/* ---- Zeek ---- */

/* "\x09" and the like in #separator. */
static char unescape_sep(const char *s)
{
    if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
        char hex[3] = {s[2], s[3], 0};
        return (char)strtol(hex, NULL, 16);
    }
    return s[0];
}

static void zeek_header(struct namelog *l, char *line)
{
    if (strncmp(line, "#separator ", 11) == 0) {
        char c = unescape_sep(line + 11);
        if (c) /* a NUL cannot part the fields of a line */
            l->sep = c;
        return;
    }
    char *value = strchr(line, l->sep);
    if (!value)
        return;
    *value++ = 0;
    if (strcmp(line, "#set_separator") == 0)
        l->set_sep = unescape_sep(value) ? unescape_sep(value) : l->set_sep;
    else if (strcmp(line, "#empty_field") == 0)
        snprintf(l->empty, sizeof(l->empty), "%s", value);
    else if (strcmp(line, "#unset_field") == 0)
        snprintf(l->unset, sizeof(l->unset), "%s", value);
    else if (strcmp(line, "#fields") == 0) {
        l->query = l->answers = -1;
        char *f = value;
        for (int i = 0; f && i < ZEEK_FIELDS; i++) {
            char *next = strchr(f, l->sep);
            if (next)
                *next++ = 0;
            if (strcmp(f, "query") == 0)
                l->query = i;
            else if (strcmp(f, "answers") == 0)
                l->answers = i;
            f = next;
        }
    }
}

static int zeek_tsv(struct namelog *l, char *line, namelog_found_fn found, void *ctx)
{
    char *field[ZEEK_FIELDS];
    int n = 0;
    for (char *f = line; f && n < ZEEK_FIELDS;) {
        field[n++] = f;
        char *next = strchr(f, l->sep);
        if (next)
            *next++ = 0;
        f = next;
    }
    if (l->query >= n || l->answers >= n)
        return -1;
    char name[NAME_MAX_LEN + 1];
    const char *q = field[l->query], *ans = field[l->answers];
    if (strcmp(q, l->unset) == 0 || strcmp(q, l->empty) == 0 || !host_name(q, strlen(q), name))
        return 0;
    int got = 0;
    for (char *a = (char *)ans; a;) {
        char *next = strchr(a, l->set_sep);
        if (next)
            *next++ = 0;
        struct addr addr;
        if (addr_parse(a, &addr))
            give(&addr, name, found, ctx, &got);
        a = next;
    }
    return got;
}

/* A JSON string at *p (just past its quote) into out; *p moves past its
 * closing quote. False for one too long, unfinished, or with an escape a
 * host name never has. */
static bool json_string(const char **p, char *out, size_t outlen)
{
    size_t n = 0;
    for (const char *s = *p; *s; s++) {
        if (*s == '"') {
            out[n] = 0;
            *p = s + 1;
            return true;
        }
        char c = *s;
        if (c == '\\') {
            c = *++s;
            if (c != '"' && c != '\\' && c != '/')
                return false;
        }
        if (n + 1 >= outlen)
            return false;
        out[n++] = c;
    }
    return false;
}

/* The value of "key" in a one-line JSON object: p after its colon. */
static const char *json_key(const char *line, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = strchr(line, '"'); p; p = strchr(p + 1, '"')) {
        if (strncmp(p + 1, key, k) != 0 || p[1 + k] != '"')
            continue;
        const char *v = p + 2 + k;
        while (*v == ' ')
            v++;
        if (*v++ != ':')
            continue;
        while (*v == ' ')
            v++;
        return v;
    }
    return NULL;
}

static int zeek_json(const char *line, namelog_found_fn found, void *ctx)
{
    const char *q = json_key(line, "query"), *a = json_key(line, "answers");
    char raw[NAME_MAX_LEN + 2], name[NAME_MAX_LEN + 1];
    if (!q || *q != '"')
        return 0;
    q++;
    if (!json_string(&q, raw, sizeof(raw)) || !host_name(raw, strlen(raw), name))
        return 0;
    if (!a || *a != '[')
        return 0;
    int got = 0;
    for (a++;;) {
        while (*a == ' ' || *a == ',')
            a++;
        if (*a != '"')
            break;
        a++;
        char value[NAME_MAX_LEN + 2];
        struct addr addr;
        if (!json_string(&a, value, sizeof(value)))
            break;
        if (addr_parse(value, &addr))
            give(&addr, name, found, ctx, &got);
    }
    return got;
}

/* ---- resource records, hosts files ---- */

static const char *chain_head(const struct namelog *l, const char *owner)
{
    for (int hops = 0; hops < CNAMES; hops++) {
        const char *up = NULL;
        for (unsigned i = 0; i < l->ncn && i < CNAMES && !up; i++)
            if (strcasecmp(l->cn[i].target, owner) == 0 &&
                strcasecmp(l->cn[i].owner, owner) != 0)
                up = l->cn[i].owner;
        if (!up)
            break;
        owner = up;
    }
    return owner;
}

static bool is_number(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* "NAME [TTL] [CLASS] TYPE VALUE": -1 when the words are not a record. */
static int record(struct namelog *l, char **w, int n, namelog_found_fn found, void *ctx)
{
    int i = 1;
    while (i < n && i <= 2 &&
           (is_number(w[i]) || strcmp(w[i], "IN") == 0 || strcmp(w[i], "CH") == 0))
        i++;
    if (i + 1 >= n)
        return -1;
    const char *type = w[i], *value = w[i + 1];
    bool a4 = strcmp(type, "A") == 0, a6 = strcmp(type, "AAAA") == 0;
    bool cname = strcmp(type, "CNAME") == 0, ptr = strcmp(type, "PTR") == 0;
    if (!a4 && !a6 && !cname && !ptr)
        return is_number(w[1]) || strcmp(w[1], "IN") == 0 ? 0 : -1; /* another type */
    char owner[NAME_MAX_LEN + 1], target[NAME_MAX_LEN + 1];
    struct addr addr;
    int got = 0;
    if (!host_name(w[0], strlen(w[0]), owner)) {
        if (!ptr)
            return 0;
        size_t len = strlen(w[0]); /* a reverse name: its dot goes too */
        if (len == 0 || len > NAME_MAX_LEN)
            return 0;
        memcpy(owner, w[0], len + 1);
        if (owner[len - 1] == '.')
            owner[len - 1] = 0;
    }
    if ((a4 || a6) && addr_parse(value, &addr) && addr.family == (a4 ? 4 : 6))
        give(&addr, chain_head(l, owner), found, ctx, &got);
    else if (cname && host_name(value, strlen(value), target)) {
        struct cname *c = &l->cn[l->ncn++ % CNAMES];
        strcpy(c->owner, owner);
        strcpy(c->target, target);
    } else if (ptr && host_name(value, strlen(value), target) &&
               addr_from_reverse(owner, &addr))
        give(&addr, target, found, ctx, &got);
    return got;
}

static int hosts(char **w, int n, namelog_found_fn found, void *ctx)
{
    struct addr addr;
    char name[NAME_MAX_LEN + 1];
    if (!addr_parse(w[0], &addr))
        return -1;
    if (n < 2 || !host_name(w[1], strlen(w[1]), name))
        return 0;
    int got = 0;
    give(&addr, name, found, ctx, &got);
    return got;
}

int namelog_line(struct namelog *l, const char *line, size_t len, namelog_found_fn found,
                 void *ctx)
{
    if (len > LINE_MAX_LEN)
        return -1;
    char buf[LINE_MAX_LEN + 1];
    memcpy(buf, line, len);
    buf[len] = 0;
    if (len && buf[len - 1] == '\r')
        buf[--len] = 0;
    if (buf[0] == '#') { /* Zeek's header, or a comment */
        zeek_header(l, buf);
        return 0;
    }
    if (l->query >= 0 && l->answers >= 0)
        return zeek_tsv(l, buf, found, ctx);
    if (buf[0] == '{')
        return zeek_json(buf, found, ctx);
    char *hash = strchr(buf, '#'); /* a hosts file's trailing comment */
    if (hash)
        *hash = 0;
    char *w[WORDS];
    int n = words(buf, w);
    if (n == 0 || w[0][0] == ';')
        return 0;
    int got = 0;
    if (dnsmasq(l, w, n, found, ctx, &got))
        return got;
    for (int i = 0; i < n; i++)
        if (strstr(w[i], "dnsmasq")) {
            l->head[0] = 0; /* a query, a forward: a chain under way ends */
            return 0;
        }
    if (strcmp(w[0], "local-data:") == 0) { /* unbound.conf: local-data: "RR" */
        for (int i = 1; i < n; i++) {
            size_t k = strlen(w[i]);
            if (w[i][0] == '"')
                w[i]++, k--;
            if (k && w[i][k - 1] == '"')
                w[i][k - 1] = 0;
        }
        return n > 1 ? record(l, w + 1, n - 1, found, ctx) : -1;
    }
    struct addr a;
    if (addr_parse(w[0], &a))
        return hosts(w, n, found, ctx);
    return n == 1 ? 0 : record(l, w, n, found, ctx);
}
