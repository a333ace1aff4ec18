/* flowswarm: network traffic as a swarm. Parses the command line and
 * hands over to the export, the window, the event dump, or the demo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/options.h"
#include "app/events_tsv.h"
#include "app/export.h"
#include "app/window.h"
#include "ingest/pcaplive.h"
#include "renderer/context.h"

static const char *find_sample(void)
{
    static const char *const candidates[] = {FLOWSWARM_SAMPLE_INSTALLED,
                                             FLOWSWARM_SAMPLE_SRC};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return NULL;
}

/* No arguments: the bundled sample, in a window if there can be one, else
 * rendered to a video beside the user. */
static int run_demo(const struct options *o)
{
    const char *inputs[1] = {find_sample()};
    if (!inputs[0]) {
        fprintf(stderr, "flowswarm: the bundled sample capture is missing "
                        "(looked in %s and %s)\n",
                FLOWSWARM_SAMPLE_INSTALLED, FLOWSWARM_SAMPLE_SRC);
        return 1;
    }
    struct options demo = *o;
    demo.inputs = inputs;
    demo.ninputs = 1;
    demo.duration = 30;
    if (glctx_display_available() && !o->screenshot)
        return window_run(&demo);
    demo.output = "flowswarm-demo.mp4";
    fprintf(stderr, "flowswarm: no display; rendering the bundled sample to "
                    "flowswarm-demo.mp4\n");
    int status = export_run(&demo);
    if (status == 0)
        fprintf(stderr, "flowswarm: the demo is in flowswarm-demo.mp4\n");
    return status;
}

/* Options that cannot go together, said before anything is opened. */
static bool coherent(const struct options *o)
{
    const char *clash = NULL;
    if (options_live(o) && (o->start || o->stop || o->skip_idle > 0))
        clash = "--start, --stop and --skip-idle apply to files, not to live input "
                "(-i, --collect)";
    if (clash)
        fprintf(stderr, "flowswarm: %s\n", clash);
    return clash == NULL;
}

/* -D: the interfaces, as tcpdump lists them. */
static int list_interfaces(void)
{
    char err[256];
    if (pcaplive_list(stdout, err, sizeof(err)))
        return 0;
    fprintf(stderr, "flowswarm: %s\n", err);
    return 1;
}

int main(int argc, char **argv)
{
    struct options o;
    int status = 2;
    switch (options_parse(argc, argv, &o)) {
    case OPTIONS_EXIT_OK:
        status = 0;
        break;
    case OPTIONS_EXIT_USAGE:
        break;
    case OPTIONS_RUN:
        if (o.list_ifaces)
            status = list_interfaces();
        else if (!coherent(&o))
            break;
        else if (o.ninputs == 0 && !options_live(&o) && (o.events || o.output || o.filter))
            fprintf(stderr, "flowswarm: no input: give -r FILE, -i IFACE or --collect PORT "
                            "(see --help)\n");
        else if (o.ninputs == 0 && !options_live(&o))
            status = run_demo(&o);
        else if (o.events)
            status = events_tsv_run(&o);
        else if (o.output || o.screenshot)
            status = export_run(&o);
        else
            status = window_run(&o);
        break;
    }
    options_free(&o);
    return status;
}
