#version 330 core
// Tone mapping: below the knee a pixel is as drawn; above it the largest
// channel rolls off towards 1 (a rational curve: cheaper than exp() on a
// CPU rasteriser, and as smooth) and the other two follow in proportion,
// so hue and saturation are kept while nothing clips.
uniform sampler2D u_image;
uniform float u_exposure;
out vec4 o_color;
const float KNEE = 0.7;
void main()
{
    vec3 c = texelFetch(u_image, ivec2(gl_FragCoord.xy), 0).rgb * u_exposure;
    float m = max(c.r, max(c.g, c.b));
    float over = max(m - KNEE, 0.0) / (1.0 - KNEE);
    // m' = KNEE + (1 - KNEE) * over / (1 + over); c scaled by m' / m
    c *= (KNEE + (1.0 - KNEE) * over / (1.0 + over)) / max(m, KNEE);
    o_color = vec4(c, 1.0);
}
