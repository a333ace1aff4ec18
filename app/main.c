/* flowswarm: network traffic as a swarm. Parses the command line and
 * hands over to the replay, the event dump, or the bundled demo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/options.h"
#include "app/play.h"
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

int main(int argc, char **argv)
{
    struct options o;
    switch (options_parse(argc, argv, &o)) {
    case OPTIONS_EXIT_OK:
        options_free(&o);
        return 0;
    case OPTIONS_EXIT_USAGE:
        options_free(&o);
        return 2;
    case OPTIONS_RUN:
        break;
    }
    int status;
    const char *demo_inputs[1];
    if (o.ninputs == 0) {
        if (o.events || o.output || o.filter) {
            fprintf(stderr, "flowswarm: no input: give -r FILE (see --help)\n");
            options_free(&o);
            return 2;
        }
        /* No arguments: the bundled sample, in a window if there can be
         * one, else rendered to a video beside the user. */
        demo_inputs[0] = find_sample();
        if (!demo_inputs[0]) {
            fprintf(stderr, "flowswarm: the bundled sample capture is missing "
                            "(looked in %s and %s)\n",
                    FLOWSWARM_SAMPLE_INSTALLED, FLOWSWARM_SAMPLE_SRC);
            return 1;
        }
        struct options demo = o;
        demo.inputs = demo_inputs;
        demo.ninputs = 1;
        demo.duration = 30;
        if (!glctx_display_available()) {
            demo.output = "flowswarm-demo.mp4";
            fprintf(stderr, "flowswarm: no display; rendering the bundled sample to "
                            "flowswarm-demo.mp4\n");
        }
        status = play_run(&demo);
        if (status == 0 && demo.output)
            fprintf(stderr, "flowswarm: the demo is in flowswarm-demo.mp4\n");
        options_free(&o);
        return status;
    }
    status = o.events ? play_print_events(&o) : play_run(&o);
    options_free(&o);
    return status;
}
