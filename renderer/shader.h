/* GLSL programs from the sources embedded at build time, and the
 * off-screen frames they draw into. */
#ifndef FLOWSWARM_SHADER_H
#define FLOWSWARM_SHADER_H

#include <glad/gl.h>
#include <stddef.h>

/* Compiles and links; returns 0 with the driver's log and the offending
 * source lines in err when either stage fails. name labels the messages. */
GLuint shader_program(const char *name, const char *vert, const char *frag, char *err,
                      size_t errlen);

/* Makes tex a w by h RGBA8 texture, clamped at its edges and sampled
 * with filter, and fbo's colour attachment: a frame drawn off screen. */
void shader_target(GLuint fbo, GLuint tex, int w, int h, GLint filter);

#endif
