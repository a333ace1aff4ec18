/* Shader compile and link, reporting the driver's log next to the source
 * lines it points at. */
#include "renderer/shader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends to err the source line numbered in a Mesa/NVIDIA style log
 * ("0:12(3): error" or "0(12) : error"). */
static void quote_line(const char *src, const char *log, char *err, size_t errlen)
{
    int line = 0;
    if (sscanf(log, "0:%d", &line) != 1 && sscanf(log, "0(%d)", &line) != 1)
        return;
    const char *p = src;
    for (int i = 1; i < line && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return;
    size_t n = strcspn(p, "\n");
    size_t used = strlen(err);
    snprintf(err + used, errlen - used, " | line %d: %.*s", line, (int)n, p);
}

static GLuint compile(const char *name, GLenum type, const char *src, char *err,
                      size_t errlen)
{
    GLuint sh = glCreateShader(type);
    glShaderSource(sh, 1, &src, NULL);
    glCompileShader(sh);
    GLint ok = 0;
    glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
    if (ok)
        return sh;
    char log[1024] = "";
    glGetShaderInfoLog(sh, sizeof(log), NULL, log);
    log[strcspn(log, "\n")] = 0;
    snprintf(err, errlen, "shader %s.%s: %s", name,
             type == GL_VERTEX_SHADER ? "vert" : "frag", log);
    quote_line(src, log, err, errlen);
    glDeleteShader(sh);
    return 0;
}

GLuint shader_program(const char *name, const char *vert, const char *frag, char *err,
                      size_t errlen)
{
    GLuint vs = compile(name, GL_VERTEX_SHADER, vert, err, errlen);
    if (!vs)
        return 0;
    GLuint fs = compile(name, GL_FRAGMENT_SHADER, frag, err, errlen);
    if (!fs) {
        glDeleteShader(vs);
        return 0;
    }
    GLuint prog = glCreateProgram();
    glAttachShader(prog, vs);
    glAttachShader(prog, fs);
    glLinkProgram(prog);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(prog, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[1024] = "";
        glGetProgramInfoLog(prog, sizeof(log), NULL, log);
        log[strcspn(log, "\n")] = 0;
        snprintf(err, errlen, "shader %s: link failed: %s", name, log);
        glDeleteProgram(prog);
        return 0;
    }
    return prog;
}

void shader_target(GLuint fbo, GLuint tex, int w, int h, GLint filter)
{
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
}
