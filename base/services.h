/* Service identity: which side of a conversation is the service, its
 * name, and the class that gives it a colour. */
#ifndef FLOWSWARM_SERVICES_H
#define FLOWSWARM_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

enum service_class {
    SVC_WEB,
    SVC_DNS,
    SVC_MAIL,
    SVC_FILE,    /* file transfer and sharing */
    SVC_REMOTE,  /* remote access */
    SVC_DB,
    SVC_DIR,     /* directory and authentication */
    SVC_NETMGMT, /* network management: time, addressing, monitoring, routing */
    SVC_MEDIA,   /* voice, video, chat */
    SVC_ICMP,
    SVC_OTHER,
    SVC_COUNT
};

/* The service port of a conversation: a well-known port from the table
 * first (the lower if both are), else the lower port. 0 for protocols
 * without ports and for ICMP. */
uint16_t services_port(uint8_t proto, uint16_t sport, uint16_t dport);

/* The service port of an event: services_port(), but where the scans
 * stage marked one end a client port (EVENT_CLIENT_SPORT, _DPORT), the
 * other end's port. */
uint16_t services_event_port(const struct event *ev);

/* Whether port is in the table of well-known services for proto. */
bool services_known(uint8_t proto, uint16_t port);

enum service_class services_class(uint8_t proto, uint16_t port);

/* "https 443/tcp", "domain 53/udp", "icmp", "gre"; buf of len bytes. */
void services_label(uint8_t proto, uint16_t port, char *buf, size_t len);

const char *services_class_name(enum service_class c);

/* "tcp", "udp", "icmpv6", "gre"...; NULL for a protocol it has no word for. */
const char *services_proto_name(uint8_t proto);

/* The table's name for a port ("https"), or NULL where it has none. */
const char *services_name(uint8_t proto, uint16_t port);

/* Whether some entry of the table is called name (ASCII case ignored). */
bool services_name_known(const char *name);

/* The first port the table gives name ("https": 443), or 0. */
uint16_t services_port_of(const char *name);

/* The class a word names: its short name ("web", "dns", "mail", "file",
 * "remote", "db", "dir", "netmgmt", "media", "icmp", "other") or the long one of
 * services_class_name(); -1 for none. */
int services_class_of(const char *word);

/* Adds the entries of a services file: "PORT/PROTO NAME [CLASS]" lines
 * (PROTO tcp, udp, sctp or any; CLASS one of services_class_words(),
 * default other; '#' comments). They override the table, and a later
 * line an earlier one. Call it at the start, before other threads run.
 * False with why in err ("line 3: ...", or the system's word). */
bool services_load(const char *path, char *err, size_t errlen);

/* The short names of the classes, "web, dns, ...", for messages. */
const char *services_class_words(void);

#endif
