#version 330 core
// Edge from a host to a hub, in world coordinates.
layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec4 a_color;
uniform vec2 u_center;
uniform float u_scale;
uniform vec2 u_viewport;
out vec4 v_color;
void main()
{
    vec2 px = (a_pos - u_center) * u_scale;
    gl_Position = vec4(px * 2.0 / u_viewport, 0.0, 1.0);
    v_color = a_color;
}
