/* The option table: defaults, values in and out of range with the option
 * named, fractions and choices, repeated -r, the trailing expression, and
 * --help listing every option. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "app/options.h"
#include "check.h"

static enum options_result parse(struct options *o, int argc, const char **argv)
{
    options_free(o);
    return options_parse(argc, (char **)argv, o);
}

int main(void)
{
    struct options o = {0};
    const char *none[] = {"flowswarm"};
    CHECK(parse(&o, 1, none) == OPTIONS_RUN);
    CHECK(o.width == 1280 && o.height == 720 && o.fps_num == 30 && o.fps_den == 1);
    CHECK(o.fps == 30 && o.duration == 60 && o.crf == -1 && o.talkers == 10);
    CHECK(o.scale == 0 && o.speed == 0 && !o.events && !o.quiet && o.ninputs == 0);
    CHECK(o.filter == NULL && o.max_hosts == 0 && o.half_life == 0);

    const char *many[] = {"flowswarm", "-r", "a.pcap", "-r", "-", "-q", "--fps", "29.97",
                          "--size", "640x360", "--scale", "sqrt", "--crf", "0",
                          "--talkers", "0", "--no-bloom", "-o", "x.mp4", "tcp", "port",
                          "80"};
    CHECK(parse(&o, 22, many) == OPTIONS_RUN);
    CHECK(o.ninputs == 2 && strcmp(o.inputs[0], "a.pcap") == 0 &&
          strcmp(o.inputs[1], "-") == 0);
    CHECK(o.quiet && o.no_bloom && o.scale == 1 && o.crf == 0 && o.talkers == 0);
    CHECK(o.fps_num == 30000 && o.fps_den == 1001);
    CHECK(o.width == 640 && o.height == 360 && strcmp(o.output, "x.mp4") == 0);
    CHECK(o.filter && strcmp(o.filter, "tcp port 80") == 0);

    const char *frac[] = {"flowswarm", "--fps", "60/2", "--start", "+1:30",
                          "--max-hosts", "5000", "--half-life", "0.5"};
    CHECK(parse(&o, 9, frac) == OPTIONS_RUN);
    CHECK(o.fps_num == 30 && o.fps_den == 1 && o.max_hosts == 5000 && o.half_life == 0.5);
    CHECK(o.start && strcmp(o.start, "+1:30") == 0);

    /* out of range, malformed, unknown: a usage error (messages: stderr) */
    const char *bad[][3] = {
        {"flowswarm", "--size", "641x360"}, {"flowswarm", "--fps", "0"},
        {"flowswarm", "--fps", "30/0"},     {"flowswarm", "--crf", "64"},
        {"flowswarm", "--talkers", "65"},   {"flowswarm", "--scale", "cube"},
        {"flowswarm", "--speed", "-1"},     {"flowswarm", "--stop", "soon"},
        {"flowswarm", "--bogus", "1"},      {"flowswarm", "--duration", "0.01"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(parse(&o, 3, bad[i]) == OPTIONS_EXIT_USAGE);
    const char *missing[] = {"flowswarm", "-r"};
    CHECK(parse(&o, 2, missing) == OPTIONS_EXIT_USAGE);

    /* --help names every long option the parser takes */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    options_usage(f);
    fclose(f);
    const char *names[] = {"--events", "--speed", "--duration", "--start", "--skip-idle",
                           "--stop-at-end", "--size", "--fps", "--crf", "--preset",
                           "--screenshot", "--max-hosts", "--half-life", "--scale",
                           "--talkers", "--no-bloom", "--quiet", "--help", "--version",
                           "-r FILE", "-o FILE", "expression"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        CHECK(strstr(text, names[i]) != NULL);
    free(text);
    options_free(&o);
    return check_done("options");
}
