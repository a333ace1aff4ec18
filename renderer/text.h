/* Text: one FreeType glyph atlas (an R8 texture, shelf-packed, ASCII
 * cached up front for each size) and a batch of glyph quads per frame. */
#ifndef FLOWSWARM_TEXT_H
#define FLOWSWARM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct text;

/* Needs a current GL context. font is a TrueType file in memory that must
 * outlive the text object. Returns NULL with err set. */
struct text *text_create(const unsigned char *font, size_t len, char *err, size_t errlen);
void text_destroy(struct text *t);

/* Queues str (UTF-8) with its baseline's left end at (x, y) in pixels from
 * the top left, at px pixels high. Returns the advance width. */
float text_draw(struct text *t, int px, float x, float y, const char *str,
                const float rgba[4]);

/* Width str would take at px pixels. */
float text_width(struct text *t, int px, const char *str);

/* Uploads the atlas if it changed and draws everything queued since the
 * last flush, over a viewport of w by h pixels. */
void text_flush(struct text *t, int w, int h);

#endif
