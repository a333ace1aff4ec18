/* What the window's keys and pointer do to the filters, the view and the
 * selection, and what the HUD shows of it. */
#include "app/ui.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "app/progress.h"
#include "base/services.h"
#include "base/units.h"
#include "filter/expr.h"

enum { NOTE_S = 4 }; /* seconds a note stays */

void ui_note(struct ui *u, const char *msg)
{
    snprintf(u->note, sizeof(u->note), "%s", msg);
    u->note_until = progress_now() + NOTE_S;
}

/* The expression of a prompt line: after 'hide' or 'only', if given. */
static const char *expression_of(const char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    if ((strncasecmp(line, "hide", 4) == 0 || strncasecmp(line, "only", 4) == 0) &&
        (isspace((unsigned char)line[4]) || !line[4]))
        for (line += 4; isspace((unsigned char)*line);)
            line++;
    return line;
}

/* As the user types: why the expression does not parse yet, or "". */
static void check_prompt(struct ui *u)
{
    const char *expr = expression_of(u->in.prompt);
    struct filter_error fe;
    struct filter_expr *e = *expr ? filter_parse(expr, &fe) : NULL;
    u->prompt_error[0] = 0;
    if (e || !*expr) {
        filter_free(e);
        return;
    }
    size_t at = (size_t)(expr - u->in.prompt) + fe.pos;
    snprintf(u->prompt_error, sizeof(u->prompt_error), "%s, at character %zu", fe.why,
             at + 1);
}

static void submit(struct ui *u, struct pipeline *p, const char *line)
{
    char msg[400];
    if (!*expression_of(line))
        return;
    if (filters_add_line(p->filters, line, msg, sizeof(msg))) {
        ui_note(u, msg[0] ? msg : "filter applied");
        return;
    }
    /* keep the prompt open on what was typed, with the reason */
    u->in.prompt_open = true;
    snprintf(u->in.prompt, sizeof(u->in.prompt), "%s", line);
    u->in.len = strlen(u->in.prompt);
    check_prompt(u);
}

static void select_at(struct ui *u, struct pipeline *p, float x, float y)
{
    struct render_camera cam = render_camera_of(p->rnd);
    size_t i, n;
    if (render_camera_pick(&cam, p->sw, x, y, &i))
        u->selected = swarm_hosts(p->sw, &n)[i].addr;
    else
        u->selected = (struct addr){0};
}

/* h and o: a rule for the selected host. */
static void host_rule(struct ui *u, struct pipeline *p, bool solo)
{
    char msg[400];
    if (!u->selected.family) {
        ui_note(u, solo ? "click a host first, then o shows only it"
                     : "click a host first, then h hides it");
        return;
    }
    bool ok = solo ? filters_solo_host(p->filters, &u->selected, msg, sizeof(msg))
                   : filters_hide_host(p->filters, &u->selected, msg, sizeof(msg));
    if (ok && !solo)
        u->selected = (struct addr){0};
    if (msg[0])
        ui_note(u, msg);
}

static void filter_keys(struct ui *u, struct pipeline *p, const struct input_actions *a)
{
    char msg[400] = "";
    if (a->hide)
        host_rule(u, p, false);
    if (a->solo)
        host_rule(u, p, true);
    if (a->undo && (filters_undo(p->filters, msg, sizeof(msg)) || msg[0]))
        ui_note(u, msg[0] ? msg : "undone");
    if (a->clear && (filters_clear(p->filters, msg, sizeof(msg)) || msg[0]))
        ui_note(u, msg[0] ? msg : "filters cleared");
    for (int k = 0; k < a->top_steps; k++) {
        unsigned top = filters_cycle_top(p->filters);
        snprintf(msg, sizeof(msg), top ? "showing the %u busiest hosts" : "top cap off", top);
        ui_note(u, msg);
    }
}

void ui_apply(struct ui *u, struct pipeline *p, const struct input_actions *a)
{
    filters_poll(p->filters);
    if (a->submit)
        submit(u, p, a->line);
    if (a->prompt_changed && u->in.prompt_open)
        check_prompt(u);
    filter_keys(u, p, a);
    u->help ^= a->help_toggle;
    u->no_panel ^= a->panel_toggle;
    if (a->reset_view)
        render_view_reset(p->rnd);
    if (a->zoom != 1)
        render_view_zoom(p->rnd, a->zoom, a->zoom_x, a->zoom_y);
    if (a->pan_x || a->pan_y)
        render_view_pan(p->rnd, a->pan_x, a->pan_y);
    if (a->click)
        select_at(u, p, a->click_x, a->click_y);
}

/* A subnet cloud's tooltip: its subnet and hosts, the services they
 * use most with their share of its ties, and how to see the hosts. */
static void cloud_tip(struct ui *u, struct pipeline *p, size_t i)
{
    size_t n, nhubs;
    const struct swarm_cloud *c = &swarm_clouds(p->sw, &n)[i];
    const struct swarm_hub *hubs = swarm_hubs(p->sw, &nhubs);
    char net[64];
    float total = 0;
    for (int k = 0; k < c->nties; k++)
        total += c->tie[k];
    int at = snprintf(u->tooltip, sizeof(u->tooltip), "%s/%u\n%u quiet hosts",
                      addr_format(&c->net, net, sizeof(net)), c->prefix, c->hosts);
    bool done[SWARM_SPRINGS] = {false};
    for (int j = 0; j < c->nties && total > 0; j++) { /* the strongest first */
        int k = -1;
        for (int m = 0; m < c->nties; m++)
            if (!done[m] && (k < 0 || c->tie[m] > c->tie[k]))
                k = m;
        done[k] = true;
        at += snprintf(u->tooltip + at, sizeof(u->tooltip) - (size_t)at, "\n%s  %.0f%%",
                       hubs[c->hub[k]].label, 100.0 * c->tie[k] / total);
    }
    snprintf(u->tooltip + at, sizeof(u->tooltip) - (size_t)at,
             "\nzoom in (wheel) to see them one by one");
}

/* The host under the pointer: its address, totals and busiest services;
 * or the subnet cloud there. */
static void tooltip(struct ui *u, struct pipeline *p)
{
    u->tooltip[0] = 0;
    struct render_camera cam = render_camera_of(p->rnd);
    size_t i, n;
    if (!u->in.pointer_in || u->in.dragging)
        return;
    if (!render_camera_pick(&cam, p->sw, (float)u->in.x, (float)u->in.y, &i)) {
        if (render_camera_pick_cloud(&cam, p->sw, (float)u->in.x, (float)u->in.y, &i))
            cloud_tip(u, p, i);
        return;
    }
    const struct swarm_host *h = &swarm_hosts(p->sw, &n)[i];
    const struct talker *t = talkers_find(filters_talkers(p->filters), &h->addr);
    char a[64], bytes[32];
    enum event_name_origin origin;
    const struct names *nm = learn_names(p->learn);
    const char *name = nm ? names_get(nm, &h->addr, &origin) : NULL;
    int at = snprintf(u->tooltip, sizeof(u->tooltip), "%s",
                      addr_format(&h->addr, a, sizeof(a)));
    if (name)
        at += snprintf(u->tooltip + at, sizeof(u->tooltip) - (size_t)at, "\n%.80s (%s)", name,
                       names_origin_word(origin));
    if (!t)
        return;
    units_bytes(t->octets, bytes, sizeof(bytes));
    at += snprintf(u->tooltip + at, sizeof(u->tooltip) - (size_t)at,
                   "\n%s, %llu packet%s so far", bytes, (unsigned long long)t->packets,
                   t->packets == 1 ? "" : "s");
    for (int k = 0; k < TALKER_SERVICES && t->services[k].octets && at < 300; k++) {
        char label[48];
        services_label(t->services[k].proto, t->services[k].port, label, sizeof(label));
        at += snprintf(u->tooltip + at, sizeof(u->tooltip) - (size_t)at, "\n%s  %.0f%%",
                       label, 100.0 * (double)t->services[k].octets /
                                  (double)(t->octets ? t->octets : 1));
    }
}

void ui_fill_hud(struct ui *u, struct pipeline *p, struct render_hud *hud)
{
    const char *problem = filters_problem(p->filters);
    tooltip(u, p);
    hud->note = problem[0] ? problem : progress_now() < u->note_until ? u->note : NULL;
    hud->selected = u->selected;
    hud->tooltip = u->tooltip;
    hud->tip_x = (float)u->in.x;
    hud->tip_y = (float)u->in.y;
    hud->prompt = u->in.prompt_open ? u->in.prompt : NULL;
    hud->prompt_error = u->prompt_error;
    hud->help = u->help;
}
