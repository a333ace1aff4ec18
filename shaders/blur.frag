#version 330 core
// One direction of a separable 9-tap Gaussian (as 5 bilinear fetches) over
// the downsampled frame. The first pass keeps only what is brighter than
// u_threshold, so the bloom spreads the glow and not the background.
in vec2 v_uv;
uniform sampler2D u_image;
uniform vec2 u_step;        // one texel along the blur direction
uniform float u_threshold;  // 0: keep everything
out vec4 o_color;
vec3 bright(vec2 uv)
{
    vec3 c = texture(u_image, uv).rgb;
    return max(c - vec3(u_threshold), vec3(0.0));
}
void main()
{
    vec3 sum = bright(v_uv) * 0.2270270;
    sum += (bright(v_uv + u_step * 1.3846154) + bright(v_uv - u_step * 1.3846154)) * 0.3162162;
    sum += (bright(v_uv + u_step * 3.2307692) + bright(v_uv - u_step * 3.2307692)) * 0.0702703;
    o_color = vec4(sum, 1.0);
}
