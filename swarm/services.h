/* Service identity: which side of a conversation is the service, its
 * name, and the class that gives it a colour. */
#ifndef FLOWSWARM_SERVICES_H
#define FLOWSWARM_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum service_class {
    SVC_WEB,
    SVC_DNS,
    SVC_MAIL,
    SVC_FILE,    /* file transfer and sharing */
    SVC_REMOTE,  /* remote access */
    SVC_DB,
    SVC_INFRA,   /* time, addressing, management, routing */
    SVC_MEDIA,   /* voice, video, chat */
    SVC_ICMP,
    SVC_OTHER,
    SVC_COUNT
};

/* The service port of a conversation: a well-known port from the table
 * first (the lower if both are), else the lower port. 0 for protocols
 * without ports and for ICMP. */
uint16_t services_port(uint8_t proto, uint16_t sport, uint16_t dport);

/* Whether port is in the table of well-known services for proto. */
bool services_known(uint8_t proto, uint16_t port);

enum service_class services_class(uint8_t proto, uint16_t port);

/* "https 443/tcp", "domain 53/udp", "icmp", "gre"; buf of len bytes. */
void services_label(uint8_t proto, uint16_t port, char *buf, size_t len);

const char *services_class_name(enum service_class c);

#endif
