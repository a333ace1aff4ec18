#version 330 core
// The atlas is coverage only (R8); colour comes per vertex. Coordinates
// come in texels, so the atlas can grow under queued glyphs.
in vec2 v_uv;
in vec4 v_color;
uniform sampler2D u_atlas;
out vec4 o_color;
void main()
{
    float a = texture(u_atlas, v_uv / vec2(textureSize(u_atlas, 0))).r * v_color.a;
    o_color = vec4(v_color.rgb * a, a);
}
