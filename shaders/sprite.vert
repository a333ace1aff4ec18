#version 330 core
// Instanced glow sprite: a quad around each hub or host.
layout(location = 0) in vec2 a_corner;   // quad corner in [-1, 1]
layout(location = 1) in vec4 a_inst;     // world x, y, core radius, flash (<0: hub, -1 - its least radius in px)
layout(location = 2) in vec4 a_color;    // rgb, alpha
uniform vec2 u_center;    // world point at the viewport centre
uniform float u_scale;    // pixels per world unit
uniform vec2 u_viewport;  // pixels
uniform float u_spread;   // 1: the sprite; more: its bloom splat, that much wider
uniform float u_min_px;   // least core radius in pixels
uniform float u_px;       // pixels of this target per pixel of the frame
out vec2 v_uv;
out vec4 v_color;
out float v_flash;
void main()
{
    // the quad reaches HALO core radii: wide for hubs, tight for hosts,
    // whose crowds would otherwise fill the frame with halo
    float HALO = (a_inst.w < 0.0 ? 3.0 : 2.0) * u_spread;
    // a hub's flash carries its own least radius: -1 - frame pixels
    float least = a_inst.w < 0.0 ? max(u_min_px, (-a_inst.w - 1.0) * u_px) : u_min_px;
    float r_px = max(a_inst.z * u_scale, least) * HALO;
    vec2 px = (a_inst.xy - u_center) * u_scale + a_corner * r_px;
    gl_Position = vec4(px * 2.0 / u_viewport, 0.0, 1.0);
    v_uv = a_corner * HALO;
    v_color = a_color;
    v_flash = a_inst.w;
}
