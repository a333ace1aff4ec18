#version 330 core
// Hosts: a solid core with a soft edge, a halo, and a flash that
// brightens both. Hubs (a negative flash) are a bright ring around a dim
// disc, so services read apart from the hosts around them. The bloom pass
// (u_spread > 1) draws a wide soft splat instead, bright for hubs and
// flashing hosts, faint for the rest.
in vec2 v_uv;
in vec4 v_color;
in float v_flash;
uniform float u_spread;
out vec4 o_color;
void main()
{
    float r = length(v_uv);
    float a;
    vec3 rgb = v_color.rgb;
    if (u_spread > 1.0) {
        float reach = (v_flash < 0.0 ? 3.0 : 2.0) * u_spread;
        float q = max(0.0, 1.0 - r * r / (reach * reach));
        float k = v_flash < 0.0 ? 0.35 : 0.6 * max(v_flash - 0.08, 0.0);
        a = q * q * q * k * v_color.a;
    } else if (v_flash < 0.0) {
        float ring = 1.0 - smoothstep(0.0, 0.14, abs(r - 0.92));
        float disc = (1.0 - smoothstep(0.85, 0.95, r)) * 0.22;
        float q = max(0.0, 1.0 - r * r / 9.0);
        float halo = q * q * 0.3;
        a = (ring + disc + halo) * v_color.a;
        rgb = mix(rgb, vec3(1.0), 0.25 * ring);
    } else {
        float core = 1.0 - smoothstep(0.8, 1.05, r);
        // a polynomial falloff: exp() per pixel is dear on a CPU rasteriser
        float q = max(0.0, 1.0 - r * r / 4.0);
        float halo = q * q * (0.35 + 0.5 * v_flash);
        a = (core * 0.85 + halo) * v_color.a;
        rgb = mix(rgb, vec3(1.0), 0.45 * v_flash * core);
    }
    if (a < 0.004)
        discard; // nothing to add: spare the blend
    o_color = vec4(rgb * a, a);
}
