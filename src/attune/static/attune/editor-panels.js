// The side panels: the selected moment (tags, focus, notes, files), the list of moments and the
// edit. Built with DOM calls only: nothing the guider typed is ever parsed as HTML.

import { formatLength } from "./editor-time.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") el.className = value;
    else if (key === "style") for (const [k, v] of Object.entries(value)) el.style.setProperty(k, v);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "text") el.textContent = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function describe(moment, clock) {
  if (moment.kind === "still") return `Still · ${clock.timecode(moment.start_frame)}`;
  return `Clip · ${clock.timecode(moment.start_frame)} → ${clock.timecode(moment.end_frame)} · ${formatLength(clock.seconds(moment.end_frame - moment.start_frame))}`;
}

// A moment's name for lists and screen readers: its review question, else its principles, else
// its kind; the timecode follows, since several moments may share a principle.
export function momentName(moment, ctx) {
  const kind = moment.kind === "still" ? "Still" : "Clip";
  const principles = moment.principles.map((id) => ctx.principles.get(id)?.name).filter(Boolean);
  const what = (moment.question || "").trim() || principles.join(", ");
  const at = ctx.clock.timecode(moment.start_frame);
  return what ? `${kind}: ${what} (at ${at})` : `${kind} at ${at}`;
}

function longWarning(moment, clock, limits) {
  const seconds = clock.seconds(moment.end_frame - moment.start_frame);
  if (moment.kind !== "clip" || seconds <= limits.clip_seconds + 1e-9) return null;
  return `This clip is ${seconds.toFixed(1)} seconds long: clips of ${limits.clip_seconds} seconds or less are easier to talk about in a review.`;
}

function fileUrl(ctx, render, fmt, download) {
  const base = ctx.urls.render_file.replace("00000000-0000-0000-0000-000000000000", render.id).replace(/mp4$/, fmt);
  return download ? `${base}/download` : base;
}

// --- the selected moment ---------------------------------------------------------------------------

export function renderPanel(container, moment, ctx, { keepFields = false } = {}) {
  if (!moment) {
    if (container.dataset.momentId) {
      delete container.dataset.momentId;
      container.replaceChildren(
        h("p", { class: "muted small" }, "Select a moment on the timeline, or mark one: ", h("kbd", { text: "I" }), " and ", h("kbd", { text: "O" }), " then ", h("kbd", { text: "C" }), " for a clip, ", h("kbd", { text: "S" }), " for a still."),
      );
    }
    return;
  }
  const same = container.dataset.momentId === moment.id;
  const texts = same && keepFields ? container.querySelector(".mp-texts") : null;
  container.dataset.momentId = moment.id;
  const index = ctx.state.moments.indexOf(moment) + 1;
  const warning = longWarning(moment, ctx.clock, ctx.limits);
  const parts = [
    h(
      "div",
      { class: "mp-head" },
      h("p", { class: "mp-title" }, h("strong", { text: `${moment.kind === "clip" ? "Clip" : "Still"} ${index}` }), " ", h("span", { class: "muted", text: describe(moment, ctx.clock).split(" · ").slice(1).join(" · ") })),
      warning ? h("p", { class: "mp-warning small", role: "note", text: warning }) : null,
    ),
    tagsSection(moment, ctx),
    focusSection(moment, ctx),
    texts || textsSection(moment, ctx),
    actionsSection(moment, ctx),
  ];
  if (texts) {
    for (const el of [...container.children]) if (el !== texts) el.remove();
    container.prepend(parts[0], parts[1], parts[2]);
    container.append(parts[4]);
  } else {
    container.replaceChildren(...parts);
  }
}

function tagsSection(moment, ctx) {
  const section = h("div", { class: "mp-tags" });
  const chips = h("div", { class: "chips", role: "group", "aria-label": ctx.principlesLabel });
  for (const principle of ctx.principles.values()) {
    const on = moment.principles.includes(principle.id);
    if (!principle.active && !on) continue;
    chips.append(
      h(
        "button",
        {
          type: "button",
          class: "chip",
          "aria-pressed": on ? "true" : "false",
          style: { "--chip": principle.colour },
          disabled: !ctx.canEdit,
          title: principle.key ? `Press ${principle.key}` : "",
          onclick: () => ctx.actions.togglePrinciple(moment.id, principle.id),
        },
        principle.key ? h("kbd", { text: String(principle.key) }) : null,
        principle.name + (principle.active ? "" : " (retired)"),
      ),
    );
  }
  section.append(h("p", { class: "mp-label", text: ctx.principlesLabel }), chips);
  for (const principle of ctx.principles.values()) {
    if (!moment.principles.includes(principle.id)) continue;
    const shown = principle.behaviours.filter((b) => b.active || moment.behaviours.includes(b.id));
    if (!shown.length) continue;
    const group = h("div", { class: "chips behaviours", role: "group", "aria-label": `Behaviours: ${principle.name}` });
    for (const behaviour of shown) {
      const on = moment.behaviours.includes(behaviour.id);
      group.append(
        h("button", {
          type: "button",
          class: "chip chip-small",
          "aria-pressed": on ? "true" : "false",
          style: { "--chip": principle.colour },
          disabled: !ctx.canEdit,
          onclick: () => ctx.actions.toggleBehaviour(moment.id, behaviour.id),
          text: behaviour.name,
        }),
      );
    }
    section.append(h("p", { class: "mp-sublabel", text: principle.name }), group);
  }
  return section;
}

function focusSection(moment, ctx) {
  const options = [
    ["adult", "The adult"],
    ["child", "The child"],
    ["both", "Both"],
  ];
  const group = h("div", { class: "segmented", role: "radiogroup", "aria-label": "Focus" });
  for (const [value, label] of options) {
    group.append(
      h(
        "label",
        { class: "segment" },
        h("input", {
          type: "radio",
          name: `focus-${moment.id}`,
          value,
          checked: moment.focus === value,
          disabled: !ctx.canEdit,
          onchange: () => ctx.actions.setFocus(moment.id, value),
        }),
        h("span", { text: label }),
      ),
    );
  }
  return h("div", { class: "mp-focus" }, h("p", { class: "mp-label", text: "Focus" }), group);
}

function textsSection(moment, ctx) {
  const field = (name, label, hint) => {
    const id = `mp-${name}-${moment.id}`;
    return h(
      "div",
      { class: "mp-field" },
      h("label", { for: id, class: "mp-label", text: label }),
      h("textarea", {
        id,
        rows: name === "notes" ? 3 : 2,
        "data-field": name,
        placeholder: hint,
        readonly: !ctx.canEdit,
        oninput: (event) => ctx.actions.typeText(moment.id, name, event.target.value),
        onblur: (event) => ctx.actions.flushText(moment.id, name, event.target.value),
      }),
    );
  };
  const section = h(
    "div",
    { class: "mp-texts" },
    field("notes", "Your notes", "What you see here"),
    field("question", "A question for the review", "e.g. What do you notice about how Sam responds?"),
  );
  section.querySelector('[data-field="notes"]').value = moment.notes;
  section.querySelector('[data-field="question"]').value = moment.question;
  return section;
}

function actionsSection(moment, ctx) {
  const inEdit = ctx.state.edit.includes(moment.id);
  const section = h("div", { class: "mp-actions" });
  if (ctx.canEdit && ctx.forEdit) {
    section.append(
      h("button", {
        type: "button",
        class: `button small${inEdit ? " is-on" : ""}`,
        "aria-pressed": inEdit ? "true" : "false",
        "data-toggle-edit": "",
        onclick: () => ctx.actions.toggleEdit(moment.id),
        text: inEdit ? "✓ In the edit" : "Add to the edit",
      }),
    );
  }
  section.append(filesSection(moment, ctx));
  section.append(trainingSection(moment, ctx));
  if (ctx.canEdit) {
    section.append(
      h("button", { type: "button", class: "link-button small danger", onclick: () => ctx.actions.remove(moment.id), text: "Delete moment" }),
    );
  }
  return section;
}

// Training use needs every adult's training consent; the server checks it again.
function trainingSection(moment, ctx) {
  const allowed = ctx.trainingAllowed;
  const box = h(
    "input",
    {
      type: "checkbox",
      "data-for-training": "",
      checked: moment.for_training,
      disabled: !ctx.canEdit || (!allowed && !moment.for_training),
      onchange: (event) => ctx.actions.setTraining(moment.id, event.target.checked),
    },
  );
  return h(
    "div",
    { class: "mp-training small" },
    h("label", {}, box, " Use in training and teaching"),
    allowed ? null : h("span", { class: "muted", text: " · needs every adult's training consent" }),
  );
}

function filesSection(moment, ctx) {
  const render = moment.renders.find((r) => r.start_frame === moment.start_frame && r.end_frame === moment.end_frame);
  const box = h("div", { class: "mp-files" });
  const what = moment.kind === "clip" ? "clip file (MP4)" : "still pictures (PNG and JPEG)";
  if (!render) {
    if (ctx.canEdit) box.append(h("button", { type: "button", class: "button small", onclick: () => ctx.actions.render(moment.id), text: `Make the ${what}` }));
    return box;
  }
  if (render.status === "queued" || render.status === "rendering") {
    box.append(h("p", { class: "small muted", role: "status", text: `Making the ${what}…` }));
    return box;
  }
  if (render.status === "failed") {
    box.append(h("p", { class: "small field-error", text: render.failure_reason || "The file could not be made." }));
    if (ctx.canEdit) box.append(h("button", { type: "button", class: "button small", onclick: () => ctx.actions.render(moment.id), text: "Try again" }));
    return box;
  }
  const links = h("p", { class: "small files" });
  for (const fmt of render.formats) {
    const label = fmt === "mp4" ? "clip" : fmt.toUpperCase();
    links.append(h("a", { href: fileUrl(ctx, render, fmt, false), target: "_blank", rel: "noopener", text: `View ${label}` }), " ");
    if (ctx.canDownload) links.append(h("a", { href: fileUrl(ctx, render, fmt, true), text: `Download ${label}` }), " ");
  }
  box.append(links);
  return box;
}

// --- the list of moments ------------------------------------------------------------------------

export function renderList(list, ctx) {
  const items = ctx.state.moments.map((moment, i) => {
    const names = moment.principles.map((id) => ctx.principles.get(id)?.name).filter(Boolean);
    const colour = names.length ? [...ctx.principles.values()].find((p) => moment.principles.includes(p.id)).colour : "#9aa3a3";
    const inEdit = ctx.state.edit.includes(moment.id);
    return h(
      "li",
      { class: `moment-row${moment.id === ctx.state.selected ? " is-selected" : ""}` },
      h(
        "button",
        { type: "button", class: "moment-item", "data-moment": moment.id, onclick: () => ctx.actions.select(moment.id) },
        h("span", { class: `dot dot-${moment.kind}`, style: { "--dot": colour }, "aria-hidden": "true" }),
        h("span", { class: "moment-text" }, h("span", { text: `${i + 1}. ${describe(moment, ctx.clock)}` }), names.length ? h("span", { class: "small muted", text: names.join(", ") }) : null),
      ),
      ctx.canEdit && ctx.forEdit
        ? h(
            "label",
            { class: "in-edit small" },
            h("input", { type: "checkbox", checked: inEdit, onchange: () => ctx.actions.toggleEdit(moment.id), "aria-label": `In the edit: ${momentName(moment, ctx)}` }),
            "In the edit",
          )
        : null,
    );
  });
  list.replaceChildren(...items);
  if (!items.length) list.append(h("li", { class: "muted small empty-row", text: "No moments yet." }));
}

// --- the edit -------------------------------------------------------------------------------------

export function renderEdit(list, totals, warnings, ctx, otherFilms) {
  const others = new Map((otherFilms || []).map((o) => [o.id, o.label]));
  const order = ctx.state.edit;
  const rows = order.map((id, i) => {
    const moment = ctx.state.moments.find((m) => m.id === id);
    const label = moment ? momentName(moment, ctx) : others.get(id) || "A moment from another film";
    return h(
      "li",
      { class: "edit-item", "data-edit-item": id, tabindex: "0", "aria-label": `${i + 1} of ${order.length}: ${label}` },
      ctx.canEdit ? h("span", { class: "drag", "aria-hidden": "true", title: "Drag to reorder", text: "⠿" }) : null,
      h("span", { class: "edit-n", text: String(i + 1) }),
      h("button", { type: "button", class: "link-button edit-label", disabled: !moment, onclick: () => moment && ctx.actions.select(id), text: label }),
      ctx.canEdit
        ? h(
            "span",
            { class: "edit-buttons" },
            h("button", { type: "button", class: "tbtn tbtn-small", "data-move": "up", "aria-label": `Move up: ${label}`, disabled: i === 0, onclick: () => ctx.actions.moveInEdit(id, -1), text: "↑" }),
            h("button", { type: "button", class: "tbtn tbtn-small", "data-move": "down", "aria-label": `Move down: ${label}`, disabled: i === order.length - 1, onclick: () => ctx.actions.moveInEdit(id, 1), text: "↓" }),
            h("button", { type: "button", class: "tbtn tbtn-small", "aria-label": `Take out of the edit: ${label}`, onclick: () => ctx.actions.toggleEdit(id), text: "×" }),
          )
        : null,
    );
  });
  list.replaceChildren(...rows);
  if (!rows.length) list.append(h("li", { class: "muted small empty-row", text: ctx.canEdit ? "Nothing yet: add moments with “Add to the edit”." : "Nothing in the edit yet." }));
  if (ctx.canEdit) enableDrag(list, ctx);

  const known = order.map((id) => ctx.state.moments.find((m) => m.id === id)).filter(Boolean);
  const summary = ctx.state.summary && sameOrder(ctx.state.summary.moment_ids, order) ? ctx.state.summary : estimate(known, ctx);
  totals.textContent = order.length
    ? `${summary.clips} ${summary.clips === 1 ? "clip" : "clips"} · ${summary.stills} ${summary.stills === 1 ? "still" : "stills"} · ${formatLength(summary.seconds)} of clips`
    : "";
  warnings.replaceChildren(...summary.warnings.map((text) => h("p", { class: "mp-warning small", role: "note", text })));
}

function sameOrder(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function estimate(moments, ctx) {
  const clips = moments.filter((m) => m.kind === "clip");
  const seconds = clips.reduce((sum, m) => sum + ctx.clock.seconds(m.end_frame - m.start_frame), 0);
  const warnings = [];
  if (clips.length > ctx.limits.edit_clips) warnings.push(`The edit has ${clips.length} clips: a review usually works best with ${ctx.limits.edit_clips} or fewer.`);
  if (seconds > ctx.limits.edit_seconds) warnings.push(`The clips last ${(seconds / 60).toFixed(1)} minutes in total: keep the edit to about 2 minutes so there is time to talk.`);
  return { clips: clips.length, stills: moments.length - clips.length, seconds, warnings };
}

function enableDrag(list, ctx) {
  for (const handle of list.querySelectorAll(".drag")) {
    handle.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      const item = handle.closest("[data-edit-item]");
      const start = [...list.children].map((el) => el.dataset.editItem);
      item.classList.add("is-dragging");
      handle.setPointerCapture(event.pointerId);
      const move = (e) => {
        const siblings = [...list.querySelectorAll("[data-edit-item]")].filter((el) => el !== item);
        const after = siblings.find((el) => {
          const rect = el.getBoundingClientRect();
          return e.clientY < rect.top + rect.height / 2;
        });
        if (after) list.insertBefore(item, after);
        else list.append(item);
      };
      const up = () => {
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", up);
        handle.removeEventListener("pointercancel", up);
        item.classList.remove("is-dragging");
        const order = [...list.querySelectorAll("[data-edit-item]")].map((el) => el.dataset.editItem);
        if (!sameOrder(order, start)) ctx.actions.reorderEdit(order);
      };
      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", up);
      handle.addEventListener("pointercancel", up);
    });
  }
}
