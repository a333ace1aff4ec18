/* Colours of the service classes: Okabe and Ito's palette, which viewers
 * with any common colour-vision deficiency can tell apart, plus greys. */
#ifndef FLOWSWARM_PALETTE_H
#define FLOWSWARM_PALETTE_H

#include "base/services.h"

extern const float palette_class[SVC_COUNT][3];

/* A scanner's ring, label and scan hub. */
extern const float palette_scan[3];

#endif
