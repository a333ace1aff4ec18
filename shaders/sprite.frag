#version 330 core
// A solid core with a soft edge, a halo, and a flash that brightens both.
in vec2 v_uv;
in vec4 v_color;
in float v_flash;
out vec4 o_color;
void main()
{
    float r = length(v_uv);
    float core = 1.0 - smoothstep(0.8, 1.05, r);
    float halo = exp(-r * r * 0.9) * (0.35 + 0.5 * v_flash);
    float a = (core * 0.85 + halo) * v_color.a;
    vec3 rgb = mix(v_color.rgb, vec3(1.0), 0.45 * v_flash * core);
    o_color = vec4(rgb * a, a);
}
