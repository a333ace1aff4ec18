/* Build-time helper: turns a file into a C source defining a byte array
 * and its length, so shaders and the font are embedded in the binary.
 * usage: embed SYMBOL INPUT OUTPUT.c */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: embed SYMBOL INPUT OUTPUT.c\n");
        return 2;
    }
    FILE *in = fopen(argv[2], "rb");
    if (!in) {
        perror(argv[2]);
        return 1;
    }
    FILE *out = fopen(argv[3], "w");
    if (!out) {
        perror(argv[3]);
        return 1;
    }
    fprintf(out, "/* generated from %s */\n#include <stddef.h>\n", argv[2]);
    /* A trailing NUL lets text resources be used as C strings; the
     * length excludes it. */
    fprintf(out, "const unsigned char %s[] = {\n", argv[1]);
    size_t n = 0;
    int ch;
    while ((ch = getc(in)) != EOF) {
        fprintf(out, "%d,", ch);
        if (++n % 24 == 0)
            fputc('\n', out);
    }
    fprintf(out, "0};\nconst size_t %s_len = %zu;\n", argv[1], n);
    int bad = ferror(in) || fclose(out) != 0;
    fclose(in);
    if (bad) {
        fprintf(stderr, "embed: failed writing %s\n", argv[3]);
        return 1;
    }
    return 0;
}
