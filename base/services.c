/* The table of common services (IANA service names) and the choice of
 * the service side of a conversation. */
#include "base/services.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct service {
    uint16_t port;
    uint8_t proto; /* 0: TCP and UDP alike */
    uint8_t cls;
    const char *name;
};

/* Sorted by port: the IANA well-known ports most seen, and common
 * registered ones below the ephemeral ranges (a known port wins the
 * service side, so ports clients pick at random are left out). Names
 * follow the IANA registry where it has one; 2055 is NetFlow's usual
 * port, which IANA gives to another. */
static const struct service table[] = {
    {7, 0, SVC_NETMGMT, "echo"},            {9, 0, SVC_OTHER, "discard"},
    {13, 0, SVC_NETMGMT, "daytime"},        {19, 0, SVC_OTHER, "chargen"},
    {20, 6, SVC_FILE, "ftp-data"},          {21, 6, SVC_FILE, "ftp"},
    {22, 0, SVC_REMOTE, "ssh"},             {23, 6, SVC_REMOTE, "telnet"},
    {25, 6, SVC_MAIL, "smtp"},              {37, 0, SVC_NETMGMT, "time"},
    {43, 6, SVC_DIR, "whois"},              {49, 0, SVC_DIR, "tacacs"},
    {53, 0, SVC_DNS, "domain"},             {67, 17, SVC_NETMGMT, "dhcp"},
    {68, 17, SVC_NETMGMT, "dhcp"},          {69, 17, SVC_FILE, "tftp"},
    {70, 6, SVC_WEB, "gopher"},             {79, 6, SVC_DIR, "finger"},
    {80, 0, SVC_WEB, "http"},               {88, 0, SVC_DIR, "kerberos"},
    {102, 6, SVC_NETMGMT, "iso-tsap"},      {110, 6, SVC_MAIL, "pop3"},
    {111, 0, SVC_NETMGMT, "sunrpc"},        {113, 6, SVC_DIR, "auth"},
    {119, 6, SVC_OTHER, "nntp"},            {123, 17, SVC_NETMGMT, "ntp"},
    {135, 0, SVC_NETMGMT, "epmap"},         {137, 17, SVC_FILE, "netbios-ns"},
    {138, 17, SVC_FILE, "netbios-dgm"},     {139, 6, SVC_FILE, "netbios-ssn"},
    {143, 6, SVC_MAIL, "imap"},             {161, 17, SVC_NETMGMT, "snmp"},
    {162, 17, SVC_NETMGMT, "snmptrap"},     {177, 17, SVC_REMOTE, "xdmcp"},
    {179, 6, SVC_NETMGMT, "bgp"},           {199, 6, SVC_NETMGMT, "smux"},
    {319, 17, SVC_NETMGMT, "ptp-event"},    {320, 17, SVC_NETMGMT, "ptp-general"},
    {389, 0, SVC_DIR, "ldap"},              {427, 0, SVC_DIR, "svrloc"},
    {443, 0, SVC_WEB, "https"},             {445, 6, SVC_FILE, "smb"},
    {464, 0, SVC_DIR, "kpasswd"},           {465, 6, SVC_MAIL, "smtps"},
    {500, 17, SVC_NETMGMT, "isakmp"},       {502, 6, SVC_NETMGMT, "modbus"},
    {512, 6, SVC_REMOTE, "exec"},           {513, 6, SVC_REMOTE, "login"},
    {513, 17, SVC_NETMGMT, "who"},          {514, 6, SVC_REMOTE, "shell"},
    {514, 17, SVC_NETMGMT, "syslog"},       {515, 6, SVC_FILE, "printer"},
    {517, 17, SVC_MEDIA, "talk"},           {518, 17, SVC_MEDIA, "ntalk"},
    {520, 17, SVC_NETMGMT, "rip"},          {521, 17, SVC_NETMGMT, "ripng"},
    {523, 0, SVC_DB, "ibm-db2"},            {543, 6, SVC_REMOTE, "klogin"},
    {544, 6, SVC_REMOTE, "kshell"},         {546, 17, SVC_NETMGMT, "dhcpv6"},
    {547, 17, SVC_NETMGMT, "dhcpv6"},       {548, 6, SVC_FILE, "afpovertcp"},
    {554, 0, SVC_MEDIA, "rtsp"},            {563, 6, SVC_OTHER, "nntps"},
    {587, 6, SVC_MAIL, "submission"},       {593, 0, SVC_NETMGMT, "http-rpc-epmap"},
    {623, 17, SVC_NETMGMT, "asf-rmcp"},     {631, 0, SVC_FILE, "ipp"},
    {636, 6, SVC_DIR, "ldaps"},             {646, 0, SVC_NETMGMT, "ldp"},
    {749, 6, SVC_DIR, "kerberos-adm"},      {750, 0, SVC_DIR, "kerberos4"},
    {853, 0, SVC_DNS, "domain-s"},          {860, 6, SVC_FILE, "iscsi"},
    {873, 6, SVC_FILE, "rsync"},            {989, 6, SVC_FILE, "ftps-data"},
    {990, 6, SVC_FILE, "ftps"},             {992, 6, SVC_REMOTE, "telnets"},
    {993, 6, SVC_MAIL, "imaps"},            {995, 6, SVC_MAIL, "pop3s"},
    {1080, 6, SVC_WEB, "socks"},            {1194, 0, SVC_REMOTE, "openvpn"},
    {1433, 6, SVC_DB, "ms-sql"},            {1434, 17, SVC_DB, "ms-sql-m"},
    {1494, 6, SVC_REMOTE, "ica"},           {1512, 0, SVC_DIR, "wins"},
    {1521, 6, SVC_DB, "oracle"},            {1701, 17, SVC_REMOTE, "l2tp"},
    {1719, 17, SVC_MEDIA, "h323gatestat"},  {1720, 6, SVC_MEDIA, "h323hostcall"},
    {1723, 6, SVC_REMOTE, "pptp"},          {1812, 17, SVC_DIR, "radius"},
    {1813, 17, SVC_DIR, "radius-acct"},     {1883, 6, SVC_MEDIA, "mqtt"},
    {1900, 17, SVC_NETMGMT, "ssdp"},        {1935, 6, SVC_MEDIA, "rtmp"},
    {1985, 17, SVC_NETMGMT, "hsrp"},        {2000, 6, SVC_MEDIA, "cisco-sccp"},
    {2049, 0, SVC_FILE, "nfs"},             {2055, 17, SVC_NETMGMT, "netflow"},
    {2123, 17, SVC_NETMGMT, "gtp-c"},       {2152, 17, SVC_NETMGMT, "gtp-u"},
    {2375, 6, SVC_REMOTE, "docker"},        {2376, 6, SVC_REMOTE, "docker-s"},
    {2379, 6, SVC_DB, "etcd-client"},       {2380, 6, SVC_DB, "etcd-server"},
    {2404, 6, SVC_NETMGMT, "iec-104"},      {2427, 17, SVC_MEDIA, "mgcp-gateway"},
    {2483, 6, SVC_DB, "ttc"},               {2484, 6, SVC_DB, "ttc-ssl"},
    {2727, 17, SVC_MEDIA, "mgcp-callagent"},{3050, 6, SVC_DB, "gds-db"},
    {3128, 6, SVC_WEB, "squid"},            {3260, 6, SVC_FILE, "iscsi-target"},
    {3268, 6, SVC_DIR, "msft-gc"},          {3269, 6, SVC_DIR, "msft-gc-ssl"},
    {3283, 0, SVC_REMOTE, "net-assistant"}, {3306, 6, SVC_DB, "mysql"},
    {3389, 0, SVC_REMOTE, "rdp"},           {3478, 0, SVC_MEDIA, "stun"},
    {3544, 17, SVC_NETMGMT, "teredo"},      {3690, 6, SVC_FILE, "svn"},
    {3702, 17, SVC_NETMGMT, "ws-discovery"},{4369, 6, SVC_OTHER, "epmd"},
    {4500, 17, SVC_NETMGMT, "ipsec-nat"},   {4569, 17, SVC_MEDIA, "iax"},
    {4739, 0, SVC_NETMGMT, "ipfix"},        {4740, 0, SVC_NETMGMT, "ipfixs"},
    {4789, 17, SVC_NETMGMT, "vxlan"},       {5004, 17, SVC_MEDIA, "avt-profile-1"},
    {5005, 17, SVC_MEDIA, "avt-profile-2"}, {5060, 0, SVC_MEDIA, "sip"},
    {5061, 6, SVC_MEDIA, "sips"},           {5222, 6, SVC_MEDIA, "xmpp"},
    {5269, 6, SVC_MEDIA, "xmpp-server"},    {5349, 0, SVC_MEDIA, "stuns"},
    {5353, 17, SVC_DNS, "mdns"},            {5355, 17, SVC_DNS, "llmnr"},
    {5432, 6, SVC_DB, "postgresql"},        {5671, 6, SVC_OTHER, "amqps"},
    {5672, 6, SVC_OTHER, "amqp"},           {5683, 17, SVC_OTHER, "coap"},
    {5684, 17, SVC_OTHER, "coaps"},         {5900, 6, SVC_REMOTE, "vnc"},
    {5938, 0, SVC_REMOTE, "teamviewer"},    {5984, 6, SVC_DB, "couchdb"},
    {5985, 6, SVC_REMOTE, "wsman"},         {5986, 6, SVC_REMOTE, "wsmans"},
    {6000, 6, SVC_REMOTE, "x11"},           {6081, 17, SVC_NETMGMT, "geneve"},
    {6343, 17, SVC_NETMGMT, "sflow"},       {6379, 6, SVC_DB, "redis"},
    {6514, 6, SVC_NETMGMT, "syslog-tls"},   {6653, 6, SVC_NETMGMT, "openflow"},
    {6667, 6, SVC_MEDIA, "irc"},            {6697, 6, SVC_MEDIA, "ircs-u"},
    {7474, 6, SVC_DB, "neo4j"},             {8000, 6, SVC_WEB, "http-alt"},
    {8008, 6, SVC_WEB, "http-alt"},         {8009, 6, SVC_WEB, "ajp13"},
    {8080, 6, SVC_WEB, "http-alt"},         {8443, 6, SVC_WEB, "https-alt"},
    {8883, 6, SVC_MEDIA, "secure-mqtt"},    {9042, 6, SVC_DB, "cassandra"},
    {9100, 6, SVC_FILE, "pdl-datastream"},  {9200, 6, SVC_DB, "elasticsearch"},
    {9389, 6, SVC_DIR, "adws"},             {9418, 6, SVC_FILE, "git"},
    {10050, 6, SVC_NETMGMT, "zabbix-agent"},{10051, 6, SVC_NETMGMT, "zabbix-trapper"},
    {11211, 0, SVC_DB, "memcache"},         {11371, 6, SVC_DIR, "hkp"},
    {20000, 0, SVC_NETMGMT, "dnp"},         {27017, 6, SVC_DB, "mongodb"},
};

/* The user's own entries (--services), looked at before the table; set
 * once at the start, before any thread reads them. */
static struct service *users;
static size_t nusers;

static const struct service *lookup(uint8_t proto, uint16_t port)
{
    for (size_t i = nusers; i-- > 0;) /* a later line overrides an earlier one */
        if (users[i].port == port && (users[i].proto == 0 || users[i].proto == proto))
            return &users[i];
    size_t lo = 0, hi = sizeof(table) / sizeof(table[0]);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (table[mid].port < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < sizeof(table) / sizeof(table[0]) && table[lo].port == port; lo++)
        if (table[lo].proto == 0 || table[lo].proto == proto)
            return &table[lo];
    return NULL;
}

static bool has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17 || proto == 33 || proto == 132 || proto == 136;
}

bool services_known(uint8_t proto, uint16_t port)
{
    return has_ports(proto) && lookup(proto, port) != NULL;
}

uint16_t services_port(uint8_t proto, uint16_t sport, uint16_t dport)
{
    if (!has_ports(proto))
        return 0;
    bool ks = lookup(proto, sport) != NULL, kd = lookup(proto, dport) != NULL;
    if (ks != kd)
        return ks ? sport : dport;
    return sport < dport ? sport : dport;
}

uint16_t services_event_port(const struct event *ev)
{
    unsigned side = ev->flags & (EVENT_CLIENT_SPORT | EVENT_CLIENT_DPORT);
    if (side == EVENT_CLIENT_SPORT && has_ports(ev->proto))
        return ev->dport;
    if (side == EVENT_CLIENT_DPORT && has_ports(ev->proto))
        return ev->sport;
    return services_port(ev->proto, ev->sport, ev->dport);
}

enum service_class services_class(uint8_t proto, uint16_t port)
{
    if (proto == 1 || proto == 58)
        return SVC_ICMP;
    const struct service *s = has_ports(proto) ? lookup(proto, port) : NULL;
    return s ? (enum service_class)s->cls : SVC_OTHER;
}

const char *services_proto_name(uint8_t proto)
{
    switch (proto) {
    case 1: return "icmp";
    case 2: return "igmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 33: return "dccp";
    case 41: return "ipv6-in-ip";
    case 47: return "gre";
    case 50: return "esp";
    case 51: return "ah";
    case 58: return "icmpv6";
    case 89: return "ospf";
    case 103: return "pim";
    case 112: return "vrrp";
    case 132: return "sctp";
    case 136: return "udplite";
    default: return NULL;
    }
}

void services_label(uint8_t proto, uint16_t port, char *buf, size_t len)
{
    const char *pn = services_proto_name(proto);
    if (!has_ports(proto)) {
        if (pn)
            snprintf(buf, len, "%s", pn);
        else
            snprintf(buf, len, "proto %u", proto);
        return;
    }
    const struct service *s = lookup(proto, port);
    if (s)
        snprintf(buf, len, "%s %u/%s", s->name, port, pn);
    else if (port == 0)
        snprintf(buf, len, "other/%s", pn);
    else
        snprintf(buf, len, "%u/%s", port, pn);
}

const char *services_class_name(enum service_class c)
{
    static const char *const names[SVC_COUNT] = {
        [SVC_WEB] = "web",       [SVC_DNS] = "dns",
        [SVC_MAIL] = "mail",     [SVC_FILE] = "file transfer",
        [SVC_REMOTE] = "remote access", [SVC_DB] = "database",
        [SVC_DIR] = "directory", [SVC_NETMGMT] = "network management",
        [SVC_MEDIA] = "voice/media",
        [SVC_ICMP] = "icmp",     [SVC_OTHER] = "other",
    };
    return (unsigned)c < SVC_COUNT ? names[c] : "other";
}

const char *services_name(uint8_t proto, uint16_t port)
{
    const struct service *s = has_ports(proto) ? lookup(proto, port) : NULL;
    return s ? s->name : NULL;
}

bool services_name_known(const char *name)
{
    return services_port_of(name) != 0;
}

uint16_t services_port_of(const char *name)
{
    for (size_t i = nusers; i-- > 0;)
        if (strcasecmp(users[i].name, name) == 0)
            return users[i].port;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcasecmp(table[i].name, name) == 0)
            return table[i].port;
    return 0;
}

static const char *const class_words[SVC_COUNT] = {
    [SVC_WEB] = "web",       [SVC_DNS] = "dns",     [SVC_MAIL] = "mail",
    [SVC_FILE] = "file",     [SVC_REMOTE] = "remote", [SVC_DB] = "db",
    [SVC_DIR] = "dir",       [SVC_NETMGMT] = "netmgmt", [SVC_MEDIA] = "media",
    [SVC_ICMP] = "icmp",
    [SVC_OTHER] = "other",
};

int services_class_of(const char *word)
{
    for (int c = 0; c < SVC_COUNT; c++)
        if (strcasecmp(word, class_words[c]) == 0 ||
            strcasecmp(word, services_class_name((enum service_class)c)) == 0)
            return c;
    return -1;
}

const char *services_class_words(void)
{
    return "web, dns, mail, file, remote, db, dir, netmgmt, media, icmp, other";
}

/* One line: "PORT/PROTO NAME [CLASS]"; false with why. */
static bool parse_line(char *line, struct service *out, char *why, size_t whylen)
{
    char *port = strtok(line, " \t"), *name = strtok(NULL, " \t"), *cls = strtok(NULL, " \t");
    char *extra = strtok(NULL, " \t");
    char *slash = port ? strchr(port, '/') : NULL;
    if (!port || !name || extra || !slash) {
        snprintf(why, whylen, "expected 'PORT/PROTO NAME [CLASS]', as in '8081/tcp myapp web'");
        return false;
    }
    *slash = 0;
    char *end;
    errno = 0;
    long p = strtol(port, &end, 10);
    if (errno || end == port || *end || p < 1 || p > 65535) {
        snprintf(why, whylen, "'%s' is not a port from 1 to 65535", port);
        return false;
    }
    const char *proto = slash + 1;
    uint8_t pr = strcasecmp(proto, "tcp") == 0    ? 6
                 : strcasecmp(proto, "udp") == 0  ? 17
                 : strcasecmp(proto, "sctp") == 0 ? 132
                 : strcasecmp(proto, "any") == 0  ? 0
                                                  : 255;
    if (pr == 255) {
        snprintf(why, whylen, "'%s' is not tcp, udp, sctp or any", proto);
        return false;
    }
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("-_.+", name[i]))
            n = 0;
    if (n == 0 || n > 31) {
        snprintf(why, whylen, "'%s' is not a service name (letters, digits, - _ . +; at most "
                 "31)", name);
        return false;
    }
    int c = cls ? services_class_of(cls) : SVC_OTHER;
    if (c < 0 || c == SVC_ICMP) {
        snprintf(why, whylen, "'%s' is not a class (%s)", cls, services_class_words());
        return false;
    }
    *out = (struct service){.port = (uint16_t)p, .proto = pr, .cls = (uint8_t)c};
    out->name = strdup(name);
    return out->name != NULL;
}

bool services_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        return false;
    }
    char line[512], why[200];
    unsigned lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof(line), f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        line[strcspn(line, "\r\n")] = 0;
        if (line[strspn(line, " \t")] == 0)
            continue;
        struct service s;
        if (!(ok = parse_line(line, &s, why, sizeof(why)))) {
            snprintf(err, errlen, "line %u: %s", lineno, why);
            break;
        }
        struct service *grown = realloc(users, (nusers + 1) * sizeof(*users));
        if (!grown) {
            free((char *)s.name);
            snprintf(err, errlen, "out of memory");
            ok = false;
            break;
        }
        users = grown;
        users[nusers++] = s;
    }
    if (ok && ferror(f)) {
        snprintf(err, errlen, "%s", strerror(errno));
        ok = false;
    }
    fclose(f);
    return ok;
}
