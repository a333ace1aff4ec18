#include "renderer/palette.h"

const float palette_class[SVC_COUNT][3] = {
    [SVC_WEB] = {0.34f, 0.71f, 0.91f},    /* sky blue */
    [SVC_DNS] = {0.90f, 0.62f, 0.00f},    /* orange */
    [SVC_MAIL] = {0.00f, 0.62f, 0.45f},   /* bluish green */
    [SVC_FILE] = {0.94f, 0.89f, 0.26f},   /* yellow */
    [SVC_REMOTE] = {0.84f, 0.37f, 0.00f}, /* vermilion */
    [SVC_DB] = {0.80f, 0.47f, 0.65f},     /* reddish purple */
    [SVC_DIR] = {0.58f, 0.40f, 0.90f},    /* violet */
    [SVC_NETMGMT] = {0.00f, 0.45f, 0.70f}, /* blue */
    [SVC_MEDIA] = {1.00f, 0.70f, 0.80f},  /* pink */
    [SVC_ICMP] = {0.60f, 0.60f, 0.60f},   /* grey */
    [SVC_OTHER] = {0.85f, 0.85f, 0.90f},  /* light grey */
};

const float palette_scan[3] = {0.98f, 0.18f, 0.16f}; /* alarm red */
