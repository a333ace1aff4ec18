/* Dropping privileges: supplementary groups, then the group, then the
 * user (the order that leaves no way back), and a check that root cannot
 * be had again. */
#include "app/privs.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char fallback_user[] = "nobody";

/* The default: whoever ran sudo, so that screenshots land as theirs in
 * their folder; else nobody. */
static struct passwd *default_user(const char **name)
{
    const char *sudo = getenv("SUDO_UID");
    char *end;
    if (sudo && *sudo) {
        long uid = strtol(sudo, &end, 10);
        struct passwd *pw = !*end && uid > 0 ? getpwuid((uid_t)uid) : NULL;
        if (pw) {
            *name = pw->pw_name;
            return pw;
        }
    }
    *name = fallback_user;
    return getpwnam(fallback_user);
}

bool privs_drop(const char *user, bool quiet, char *err, size_t errlen)
{
    if (geteuid() != 0) {
        if (!user)
            return true;
        snprintf(err, errlen, "-Z %s: only root can change to another user", user);
        return false;
    }
    const char *name = user;
    struct passwd *pw = user ? getpwnam(user) : default_user(&name);
    if (!pw) {
        if (!user) { /* no such user here: go on as root, and say so */
            if (!quiet)
                fprintf(stderr, "flowswarm: running as root (no user '%s' to change "
                                "to; name one with -Z)\n", name);
            return true;
        }
        snprintf(err, errlen, "-Z %s: no such user", name);
        return false;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0) {
        snprintf(err, errlen, "-Z %s: cannot change to that user: %s", name, strerror(errno));
        return false;
    }
    if (pw->pw_uid != 0 && setuid(0) == 0) {
        snprintf(err, errlen, "-Z %s: root could be had back; stopping", name);
        return false;
    }
    if (!quiet)
        fprintf(stderr, "flowswarm: running as user %s (-Z names another)\n", name);
    return true;
}
