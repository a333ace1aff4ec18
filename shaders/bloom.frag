#version 330 core
// Adds the blurred glow back over the frame (additive blending).
in vec2 v_uv;
uniform sampler2D u_image;
uniform float u_gain;
out vec4 o_color;
void main()
{
    o_color = vec4(texture(u_image, v_uv).rgb * u_gain, 0.0);
}
