/* Giving up root once the interfaces are open, as tcpdump does: -Z USER,
 * or by default (when run as root) the user who ran sudo, else nobody. */
#ifndef FLOWSWARM_PRIVS_H
#define FLOWSWARM_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

/* Becomes user (NULL: the default) if running as root; as another user,
 * only an explicit user is an error. Says on stderr, unless quiet, which
 * user the capture goes on as. False with one line in err. */
bool privs_drop(const char *user, bool quiet, char *err, size_t errlen);

#endif
